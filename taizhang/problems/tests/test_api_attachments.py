"""GET /api/v1/problems/attachments/{id}: evidence downloaded with a token, only from problems one may see."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from django.test import Client

from conftest import PNG_BYTES, milestones_done
from taizhang.accounts.actions import do_create_api_token
from taizhang.accounts.models import Role, User
from taizhang.problems.models import Attachment, Problem, Status


def bearer(user: User) -> dict[str, str]:
    _token, key = do_create_api_token(user, "测试对接", actor=None, scope="full")
    return {"Authorization": f"Bearer {key}"}


def test_evidence_downloads_with_a_token_and_only_for_those_who_may_see_it(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    problem = milestones_done(cast, make_problem(Status.RECTIFYING))
    attachment = Attachment.objects.filter(problem=problem).first()
    assert attachment is not None
    url = f"/api/v1/problems/attachments/{attachment.pk}"
    response = client.get(url, headers=bearer(cast.inspector))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG_BYTES  # type: ignore[attr-defined]
    assert "no-store" in response["Cache-Control"]
    school = User.objects.create_user("school-officer", password="pass-1234", role=Role.UNIT_OFFICER, unit=cast.school)
    refused = client.get(url, headers=bearer(school))
    assert refused.status_code == 404 and refused.json()["detail"] == "问题不存在或无权查看"
    missing = client.get("/api/v1/problems/attachments/999999", headers=bearer(cast.inspector))
    assert missing.status_code == 404 and "不存在" in missing.json()["detail"]
    assert client.get(url).status_code == 401
