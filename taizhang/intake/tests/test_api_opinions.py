from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from taizhang.accounts.actions import do_create_api_token
from taizhang.accounts.models import ApiToken, User
from taizhang.audit.models import AuditEvent, Verb
from taizhang.clock import now
from taizhang.intake.actions import OpinionInput, do_receive_opinion
from taizhang.intake.models import Opinion, OpinionStatus
from taizhang.problems.models import Problem, Status

HOTLINE = {
    "channel": "hotline_12345",
    "text": "实验小学食堂饭菜分量不足，家长多次反映无人理会。",
    "reporter_name": "张三",
    "reporter_phone": "13812345678",
    "external_ref": "12345-2026-000101",
}


def bearer(user: User) -> dict[str, str]:
    _token, key = do_create_api_token(user, "12345热线对接", actor=None, scope="full")
    return {"Authorization": f"Bearer {key}"}


def post(client: Client, path: str, data: dict[str, Any], auth: dict[str, str]) -> Any:
    return client.post(f"/api/v1{path}", data, content_type="application/json", headers=auth)


def receive(cast: SimpleNamespace, channel: str = "hotline_12345", **fields: Any) -> Opinion:
    data = {"text": "校门口接送车辆拥堵，存在安全隐患。", "reporter_name": "李四", "reporter_phone": "13900001111"}
    return do_receive_opinion(OpinionInput(channel=channel, **{**data, **fields}), actor=cast.coordinator)


def test_it_receives_an_opinion_from_an_integration_token(client: Client, cast: SimpleNamespace) -> None:
    auth = bearer(cast.coordinator)
    response = post(client, "/opinions", {**HOTLINE, "concerned_unit": cast.school.pk}, auth)
    assert response.status_code == 201, response.content
    body = response.json()
    opinion = Opinion.objects.get(pk=body["id"])
    assert body["receipt_code"] == opinion.receipt_code
    assert opinion.entered_by == cast.coordinator
    assert opinion.concerned_unit == cast.school
    assert opinion.status == OpinionStatus.UNTRIAGED
    assert AuditEvent.objects.filter(opinion=opinion, verb=Verb.OPINION_RECEIVED).count() == 1
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer tz_not-a-real-key", "Bearer ", "Token abc", "tz_only"])
def test_it_refuses_a_bad_token_with_401(client: Client, cast: SimpleNamespace, header: str) -> None:
    bearer(cast.coordinator)
    response = post(client, "/opinions", HOTLINE, {"Authorization": header})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "令牌" in response.json()["detail"]
    assert not Opinion.objects.exists()


def test_it_refuses_a_revoked_token(client: Client, cast: SimpleNamespace) -> None:
    auth = bearer(cast.coordinator)
    ApiToken.objects.update(revoked_at=now())
    assert post(client, "/opinions", HOTLINE, auth).status_code == 401
    assert client.get("/api/v1/opinions", headers=auth).status_code == 401
    assert not Opinion.objects.exists()


def test_it_refuses_a_token_of_an_inactive_user(client: Client, cast: SimpleNamespace) -> None:
    auth = bearer(cast.coordinator)
    User.objects.filter(pk=cast.coordinator.pk).update(is_active=False)
    assert client.get("/api/v1/opinions", headers=auth).status_code == 401


def test_it_refuses_anonymous_callers(client: Client, cast: SimpleNamespace) -> None:
    assert client.get("/api/v1/opinions").status_code == 401
    assert post(client, "/opinions", HOTLINE, {}).status_code == 401


def test_it_stores_only_the_hash_of_a_token(cast: SimpleNamespace) -> None:
    _token, key = do_create_api_token(cast.coordinator, "网上留言对接", actor=None, scope="full")
    token = ApiToken.objects.get()
    assert key not in (token.key_hash, token.prefix) and len(token.key_hash) == 64
    assert key.startswith(token.prefix)
    event = AuditEvent.objects.get(verb=Verb.TOKEN_CREATED)
    assert key not in event.summary and key not in str(event.data)


def test_it_refuses_intake_from_a_unit_role(client: Client, cast: SimpleNamespace) -> None:
    response = post(client, "/opinions", HOTLINE, bearer(cast.officer))
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色不能登记意见。"
    assert not Opinion.objects.exists()


def test_it_answers_a_retried_external_ref_with_the_first_receipt(client: Client, cast: SimpleNamespace) -> None:
    auth = bearer(cast.coordinator)
    first = post(client, "/opinions", HOTLINE, auth)
    assert first.status_code == 201
    retry = post(client, "/opinions", {**HOTLINE, "text": "重复推送"}, auth)
    assert retry.status_code == 200
    assert retry.json()["receipt_code"] == first.json()["receipt_code"]
    assert Opinion.objects.count() == 1
    assert AuditEvent.objects.filter(verb=Verb.OPINION_RECEIVED).count() == 1


def test_it_names_the_integration_in_the_audit_trail(client: Client, cast: SimpleNamespace) -> None:
    post(client, "/opinions", HOTLINE, bearer(cast.coordinator))
    event = AuditEvent.objects.get(verb=Verb.OPINION_RECEIVED)
    assert event.actor == cast.coordinator and event.actor_name == "王协调（接口：12345热线对接）"


def test_it_refuses_a_duplicate_external_ref_typed_on_the_page(client: Client, cast: SimpleNamespace) -> None:
    receive(cast, external_ref="12345-2026-000101")
    client.force_login(cast.coordinator)
    response = client.post("/opinions/new/", {**HOTLINE, "text": "重复录入"})
    assert response.status_code == 400
    assert "已登记，不能重复提交" in response.content.decode()
    assert Opinion.objects.count() == 1


def test_it_answers_bad_input_with_422_in_chinese(client: Client, cast: SimpleNamespace) -> None:
    response = post(client, "/opinions", {"channel": "fax", "reporter_phone": "1" * 31}, bearer(cast.coordinator))
    assert response.status_code == 422
    body = response.json()
    assert body["errors"]["text"] == ["此项必填。"]
    assert body["errors"]["channel"][0].startswith("取值无效，可选：")
    assert body["errors"]["reporter_phone"] == ["过长，最多 30 字。"]
    assert body["detail"].startswith("请求数据有误")
    assert not Opinion.objects.exists()


def test_it_answers_an_action_refusal_with_field_errors(client: Client, cast: SimpleNamespace) -> None:
    response = post(client, "/opinions", {**HOTLINE, "text": "   "}, bearer(cast.coordinator))
    assert response.status_code == 400
    assert response.json() == {"detail": "意见信息有误：请填写意见内容。", "errors": {"text": ["请填写意见内容。"]}}
    assert not Opinion.objects.exists()


def test_it_lists_untriaged_opinions_without_escaping_chinese(client: Client, cast: SimpleNamespace) -> None:
    receive(cast)
    receive(cast, text="家长反映学校乱收资料费。")
    triaged = receive(cast)
    Opinion.objects.filter(pk=triaged.pk).update(status=OpinionStatus.DISMISSED)
    response = client.get("/api/v1/opinions?status=untriaged&page_size=1", headers=bearer(cast.coordinator))
    assert response.status_code == 200
    assert "家长反映学校乱收资料费" in response.content.decode()
    assert b"\\u" not in response.content
    body = response.json()
    assert (body["count"], body["page_size"], len(body["items"])) == (2, 1, 1)
    assert body["items"][0]["status_label"] == "待梳理"
    assert body["items"][0]["reporter"] == "李四 13900001111"


def test_it_masks_reporters_by_role(client: Client, cast: SimpleNamespace) -> None:
    receive(cast)
    receive(cast, channel="report", text="举报某校长违规收受礼品。")

    def reporters(user: User) -> dict[str, str]:
        items = client.get("/api/v1/opinions", headers=bearer(user)).json()["items"]
        return {item["channel"]: item["reporter"] for item in items}

    protected = "实名举报（身份受保护，仅纪检组可登记理由后查看）"
    # A 举报's reporter: not even a surname or the phone's last digits, for anyone, until 纪检组 unmasks with a reason.
    assert reporters(cast.coordinator) == {"hotline_12345": "李四 13900001111", "report": protected}
    assert reporters(cast.leader) == {"hotline_12345": "李* 139****1111", "report": protected}
    assert reporters(cast.discipline)["report"] == protected
    assert "report" not in reporters(cast.admin)  # 三权分立: the administrator does not read 举报 at all


def test_it_shows_no_opinions_to_a_unit_role(client: Client, cast: SimpleNamespace) -> None:
    receive(cast)
    body = client.get("/api/v1/opinions", headers=bearer(cast.officer)).json()
    assert body["count"] == 0 and body["items"] == []


def test_it_requires_csrf_for_session_writes(cast: SimpleNamespace) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.coordinator)
    assert client.get("/api/v1/opinions").status_code == 200
    refused = client.post("/api/v1/opinions", HOTLINE, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Opinion.objects.exists()
    client.get("/api/v1/docs")  # the page a session user opens hands out the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = client.post("/api/v1/opinions", HOTLINE, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201
    assert Opinion.objects.get().entered_by == cast.coordinator


# ---- triage -------------------------------------------------------------------------------------


def test_it_creates_a_problem_from_an_opinion(client: Client, cast: SimpleNamespace) -> None:
    opinion = receive(cast)
    payload = {
        "expected_version": opinion.version,
        "title": "校门口交通拥堵",
        "description": opinion.text,
        "category": cast.category.pk,
    }
    response = post(client, f"/opinions/{opinion.pk}/create-problem", payload, bearer(cast.coordinator))
    assert response.status_code == 201, response.content
    problem = Problem.objects.get(pk=response.json()["id"])
    assert (problem.title, problem.status, problem.origin_channel) == ("校门口交通拥堵", Status.NEW, "hotline_12345")
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.LINKED
    assert list(opinion.problems.all()) == [problem]


def test_it_splits_an_opinion_into_problems(client: Client, cast: SimpleNamespace) -> None:
    opinion = receive(cast, text="食堂卫生差；校车超载。")
    items = [
        {"title": "食堂卫生差", "description": "食堂卫生差", "category": cast.category.pk},
        {"title": "校车超载", "description": "校车超载", "category": cast.category.pk},
    ]
    response = post(
        client,
        f"/opinions/{opinion.pk}/split",
        {"expected_version": opinion.version, "problems": items},
        bearer(cast.coordinator),
    )
    assert response.status_code == 201, response.content
    assert [p["title"] for p in response.json()] == ["食堂卫生差", "校车超载"]
    assert set(opinion.problems.values_list("title", flat=True)) == {"食堂卫生差", "校车超载"}


def test_it_links_a_duplicate_opinion(client: Client, cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem()
    duplicate = receive(cast, channel="online_form")
    payload = {"expected_version": duplicate.version, "problem_id": problem.pk}
    response = post(client, f"/opinions/{duplicate.pk}/link", payload, bearer(cast.coordinator))
    assert response.status_code == 200, response.content
    assert response.json()["id"] == problem.pk
    assert problem.opinions.count() == 2
    assert Opinion.objects.get(pk=duplicate.pk).status == OpinionStatus.LINKED


def test_it_dismisses_an_opinion_with_an_answer(client: Client, cast: SimpleNamespace) -> None:
    opinion = receive(cast)
    payload = {"expected_version": opinion.version, "reason": "untrue", "answer": "经核实，该校已设专人疏导交通。"}
    response = post(client, f"/opinions/{opinion.pk}/dismiss", payload, bearer(cast.coordinator))
    assert response.status_code == 200, response.content
    assert response.json()["status_label"] == "不予立项"
    opinion.refresh_from_db()
    assert (opinion.status, opinion.dismiss_reason) == (OpinionStatus.DISMISSED, "untrue")
    assert AuditEvent.objects.filter(opinion=opinion, verb=Verb.OPINION_DISMISSED).exists()


def test_it_refuses_triage_on_a_stale_version(client: Client, cast: SimpleNamespace) -> None:
    opinion = receive(cast)
    payload = {"expected_version": opinion.version + 1, "reason": "untrue", "answer": "不属实。"}
    response = post(client, f"/opinions/{opinion.pk}/dismiss", payload, bearer(cast.coordinator))
    assert response.status_code == 409
    assert "已被他人修改" in response.json()["detail"]
    assert Opinion.objects.get(pk=opinion.pk).status == OpinionStatus.UNTRIAGED


def test_it_refuses_triage_by_a_leader(client: Client, cast: SimpleNamespace) -> None:
    opinion = receive(cast)
    payload = {"expected_version": opinion.version, "reason": "untrue", "answer": "不属实。"}
    response = post(client, f"/opinions/{opinion.pk}/dismiss", payload, bearer(cast.leader))
    assert response.status_code == 403
    assert Opinion.objects.get(pk=opinion.pk).status == OpinionStatus.UNTRIAGED


def test_it_hides_opinions_from_a_unit_role_on_triage(client: Client, cast: SimpleNamespace) -> None:
    opinion = receive(cast)
    payload = {"expected_version": opinion.version, "reason": "untrue", "answer": "不属实。"}
    response = post(client, f"/opinions/{opinion.pk}/dismiss", payload, bearer(cast.officer))
    assert response.status_code == 404
    assert response.json()["detail"] == "意见不存在或无权查看"
    assert Opinion.objects.get(pk=opinion.pk).status == OpinionStatus.UNTRIAGED


def test_it_refuses_an_unknown_category_without_creating_anything(client: Client, cast: SimpleNamespace) -> None:
    opinion = receive(cast)
    payload = {"expected_version": opinion.version, "title": "拥堵", "description": "拥堵", "category": 99999}
    response = post(client, f"/opinions/{opinion.pk}/create-problem", payload, bearer(cast.coordinator))
    assert response.status_code == 400
    assert "category" in response.json()["errors"]
    assert not Problem.objects.exists()
    assert Opinion.objects.get(pk=opinion.pk).status == OpinionStatus.UNTRIAGED


def test_it_keeps_a_session_behind_a_proxy_that_sends_basic_auth(cast: SimpleNamespace) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    assert client.get("/api/v1/opinions", headers={"Authorization": "Basic cHJveHk6cGFzcw=="}).status_code == 200
    assert client.get("/api/v1/opinions", headers={"Authorization": "Bearer tz_wrong"}).status_code == 401


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent connections are exercised on PostgreSQL (SQLite's test database is shared-cache memory)",
)
@pytest.mark.django_db(transaction=True)
def test_a_ticket_retried_concurrently_gets_the_first_receipt(cast: SimpleNamespace) -> None:
    """The 12345 platform times out and sends the same ticket again while the first is being written: both
    answers carry the same receipt code (one 201, the others 200), never a 400."""
    auth = bearer(cast.coordinator)
    barrier = threading.Barrier(6)

    def send(_i: int) -> tuple[int, str]:
        try:
            barrier.wait()
            response = post(Client(), "/opinions", {**HOTLINE, "external_ref": "12345-20261205-0001"}, auth)
            return response.status_code, response.json().get("receipt_code", "")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(send, range(6)))
    assert sorted(status for status, _code in results) == [200] * 5 + [201], results
    assert len({code for _status, code in results}) == 1
    assert Opinion.objects.count() == 1


def test_an_intake_token_reads_back_only_what_its_user_registered(client: Client, cast: SimpleNamespace) -> None:
    _token, key = do_create_api_token(cast.coordinator, "12345热线对接", actor=None)
    hotline = {"Authorization": f"Bearer {key}"}
    mine = post(client, "/opinions", HOTLINE, hotline).json()["id"]
    other = post(client, "/opinions", {**HOTLINE, "external_ref": "X-2"}, bearer(cast.coordinator2)).json()["id"]
    assert client.get(f"/api/v1/opinions/{mine}", headers=hotline).status_code == 200
    assert client.get(f"/api/v1/opinions/{other}", headers=hotline).status_code == 404
