"""Production settings pass Django's deployment checks with no warning, and uploaded files are served as files:
never from a public URL, never cached, a download unless they are a picture, never sniffed, sandboxed if opened."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client

from conftest import PNG_BYTES, milestones_done
from taizhang.intake.models import Opinion
from taizhang.problems.actions import Upload, do_report_progress
from taizhang.problems.models import Attachment, Problem, Status
from taizhang.public.models import OpinionPhoto
from taizhang.public.tests.helpers import ANON_IP, camera_jpeg

ROOT = Path(__file__).resolve().parents[3]
# What docs/operations.md tells an operator to set behind the HTTPS proxy (the secret key is generated into var/).
PRODUCTION = {
    "TAIZHANG_HTTPS": "1",
    "ALLOWED_HOSTS": "taizhang.jyj.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://taizhang.jyj.example.gov.cn",
}
CHECK = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('check', deploy=True, fail_level='WARNING')"
)


def deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Settings are read from the environment once, at start: the check runs in a process of its own."""
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests in this process; a deployment never has it.
    dropped = ("DEBUG", "TAIZHANG_HTTPS", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean |= {"DJANGO_SETTINGS_MODULE": "taizhang.settings", "TAIZHANG_VAR_DIR": str(tmp_path / "var"), **env}
    return subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("face", ["internal", "public"])
def test_the_documented_production_settings_pass_check_deploy(tmp_path: Path, face: str) -> None:
    result = deploy_check(tmp_path, **PRODUCTION, TAIZHANG_FACE=face)
    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_without_https_check_deploy_names_what_is_missing(tmp_path: Path) -> None:
    result = deploy_check(tmp_path, ALLOWED_HOSTS="taizhang.jyj.example.gov.cn")
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


def test_debug_is_refused_beyond_localhost(tmp_path: Path) -> None:
    result = deploy_check(tmp_path, **PRODUCTION, DEBUG="1")
    assert result.returncode != 0 and "DEBUG=1 is for a developer's own machine" in result.stderr


def test_evidence_is_served_as_a_file_and_never_from_a_public_address(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    problem = milestones_done(cast, make_problem(Status.RECTIFYING))
    pdf = b"%PDF-1.4\n<script>alert(1)</script>\n"
    do_report_progress(
        problem,
        actor=cast.officer,
        text="已约谈。",
        percent=50,
        uploads=[Upload("约谈记录.pdf", len(pdf), io.BytesIO(pdf))],
    )
    picture = Attachment.objects.get(problem=problem, content_type="image/png", milestone__isnull=False)
    document = Attachment.objects.get(problem=problem, content_type="application/pdf")
    assert not Path(document.file.path).is_relative_to(ROOT / "taizhang" / "static")
    client.force_login(cast.coordinator)
    for attachment, disposition, body in ((picture, "inline", PNG_BYTES), (document, "attachment", pdf)):
        for url in (f"/attachments/{attachment.pk}/", f"/api/v1/problems/attachments/{attachment.pk}"):
            response = client.get(url)
            assert response.status_code == 200 and b"".join(response.streaming_content) == body  # type: ignore[attr-defined]
            assert response["Content-Type"] == attachment.content_type
            assert response["Content-Disposition"].startswith(f"{disposition}; filename*=UTF-8''")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Cache-Control"] == "private, no-store"
            assert response["Content-Security-Policy"].endswith("sandbox")
            assert "script-src" not in response["Content-Security-Policy"]
    # MEDIA_ROOT is not served: the stored name leads nowhere, logged in or not.
    assert client.get(f"/media/{document.file.name}").status_code == 404
    client.logout()
    assert client.get(f"/attachments/{document.pk}/").status_code == 302


def test_a_public_photo_is_served_only_to_staff_with_safe_headers(client: Client, cast: SimpleNamespace) -> None:
    data = {"text": "某校长收受回扣。", "anonymous": "true", "whistleblowing": "true"}
    assert (
        client.post("/api/v1/public/opinions", {**data, "photos": [camera_jpeg()]}, REMOTE_ADDR=ANON_IP).status_code
        == 201
    )
    photo = OpinionPhoto.objects.get(opinion=Opinion.objects.get())
    url = f"/public-photos/{photo.pk}.jpg"
    assert client.get(url).status_code == 302
    client.force_login(cast.coordinator)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="photo-{photo.pk}.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"].endswith("sandbox")
