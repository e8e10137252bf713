from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import PNG_BYTES, milestones_done, png_upload
from taizhang.accounts.actions import do_create_api_token
from taizhang.accounts.models import User
from taizhang.audit.events import verify_chain
from taizhang.audit.models import AuditEvent, Verb
from taizhang.clock import today
from taizhang.problems import actions
from taizhang.problems.actions import MilestoneInput
from taizhang.problems.models import (
    Assignment,
    Attachment,
    ClosureDecision,
    Problem,
    ProgressReport,
    RectificationKind,
    Status,
)

MakeProblem = Callable[..., Problem]


def bearer(user: User) -> dict[str, str]:
    _token, key = do_create_api_token(user, "测试对接", actor=None, scope="full")
    return {"Authorization": f"Bearer {key}"}


def png(name: str = "现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def assign_to_school(cast: SimpleNamespace, problem: Problem, days: int = 60) -> Problem:
    actions.do_assign_problem(
        problem,
        actor=cast.coordinator,
        lead_unit=cast.school,
        responsible_person="实验小学校长",
        measures="整改食堂管理。",
        kind=RectificationKind.TIME_LIMITED,
        deadline=today() + dt.timedelta(days=days),
        milestones=[MilestoneInput("制定方案", today() + dt.timedelta(days=3))],
    )
    return Problem.objects.get(pk=problem.pk)


def ledger(client: Client, user: User, query: str = "") -> Any:
    return client.get(f"/api/v1/problems{query}", headers=bearer(user))


def numbers(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["number"] for item in response.json()["items"]}


# ---- the ledger ---------------------------------------------------------------------------------


def test_it_lists_the_ledger_with_a_total_count(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    first, second, third = make_problem(), make_problem(Status.RECTIFYING), make_problem(Status.CLOSED)
    response = ledger(client, cast.coordinator, "?page_size=2")
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (3, 1, 2)
    assert [item["id"] for item in body["items"]] == [third.pk, second.pk]
    row = body["items"][1]
    assert row["status"] == "rectifying" and row["status_label"] == "整改中"
    assert row["lead_unit"] == {"id": cast.basic.pk, "name": "基础教育股"}
    assert row["category"]["code"] == "paid_tutoring"
    assert row["origin_channel_label"] == "12345热线"
    assert row["version"] == second.version and row["is_overdue"] is False
    assert numbers(ledger(client, cast.coordinator, "?page=2&page_size=2")) == {first.number}


def test_it_does_not_escape_chinese(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = make_problem()
    response = client.get(f"/api/v1/problems/{problem.pk}", headers=bearer(cast.coordinator))
    assert response["Content-Type"].startswith("application/json")
    assert "教师有偿补课" in response.content.decode()
    assert b"\\u" not in response.content


def test_it_scopes_the_ledger_to_the_unit(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    basic_problem = make_problem(Status.RECTIFYING)
    school_problem = assign_to_school(cast, make_problem(text="实验小学食堂饭菜分量不足。"))
    make_problem()  # not yet assigned: the bureau's alone
    assert len(numbers(ledger(client, cast.coordinator))) == 3
    assert numbers(ledger(client, cast.officer)) == {basic_problem.number}
    assert numbers(ledger(client, cast.other_officer)) == {basic_problem.number}  # co-unit
    school_officer = User.objects.create_user("school", full_name="冯老师", role="unit_officer", unit=cast.school)
    assert numbers(ledger(client, school_officer)) == {school_problem.number}


def test_it_answers_404_for_another_units_problem(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    school_problem = assign_to_school(cast, make_problem())
    response = client.get(f"/api/v1/problems/{school_problem.pk}", headers=bearer(cast.officer))
    assert response.status_code == 404
    assert response.json() == {"detail": "问题不存在或无权查看", "errors": {}}
    assert client.get("/api/v1/problems/999999", headers=bearer(cast.coordinator)).status_code == 404


def test_it_filters_by_status_and_unit(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    rectifying = make_problem(Status.RECTIFYING)
    school_problem = assign_to_school(cast, make_problem())
    make_problem()
    assert numbers(ledger(client, cast.coordinator, "?status=rectifying")) == {rectifying.number}
    assert numbers(ledger(client, cast.coordinator, f"?unit={cast.school.pk}")) == {school_problem.number}
    assert numbers(ledger(client, cast.coordinator, f"?unit={cast.school.pk}&status=rectifying")) == set()


def test_it_filters_overdue_problems(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem, time_machine: Any
) -> None:
    soon = make_problem(Status.RECTIFYING)  # deadline in 30 days
    later = assign_to_school(cast, make_problem(), days=60)
    time_machine.move_to(dt.datetime.combine(today() + dt.timedelta(days=45), dt.time(10)), tick=False)
    response = ledger(client, cast.coordinator, "?overdue=on")
    assert numbers(response) == {soon.number}
    assert response.json()["items"][0]["is_overdue"] is True
    assert later.number not in numbers(response)


def test_it_filters_by_chinese_text(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    tutoring = make_problem()
    canteen = make_problem(text="实验小学食堂饭菜分量不足。")
    assert numbers(ledger(client, cast.coordinator, "?q=食堂饭菜")) == {canteen.number}
    assert numbers(ledger(client, cast.coordinator, "?q=有偿补课")) == {tutoring.number, canteen.number}  # the title
    assert numbers(ledger(client, cast.coordinator, "?q=每月收费800元")) == {tutoring.number}


def test_it_filters_by_deadline_range(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    soon = make_problem(Status.ASSIGNED)  # deadline in 30 days
    later = assign_to_school(cast, make_problem(), days=60)
    start, end = today() + dt.timedelta(days=20), today() + dt.timedelta(days=40)
    assert numbers(ledger(client, cast.coordinator, f"?deadline_from={start}&deadline_to={end}")) == {soon.number}
    assert numbers(ledger(client, cast.coordinator, f"?deadline_from={end}")) == {later.number}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?status=bogus", "status"),
        ("?deadline_from=2026-13-01", "deadline_from"),
        ("?deadline_from=2026-05-01&deadline_to=2026-04-01", "deadline_to"),
        ("?unit=999999", "unit"),
        ("?sort=title", "sort"),
    ],
)
def test_it_rejects_an_invalid_filter(client: Client, cast: SimpleNamespace, query: str, field: str) -> None:
    response = ledger(client, cast.coordinator, query)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("筛选条件有误")
    assert re.search(r"[\u4e00-\u9fff]", body["errors"][field][0])


def test_it_caps_the_page_size(client: Client, cast: SimpleNamespace) -> None:
    response = ledger(client, cast.coordinator, "?page_size=201")
    assert response.status_code == 422
    assert response.json()["errors"] == {"page_size": ["不能大于 200。"]}


def test_it_pins_the_list_query_count(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        make_problem(Status.RECTIFYING)
    client.force_login(cast.coordinator)
    # session, user, count, page (category and lead unit joined)
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/problems").json()["items"]) == 3


# ---- one problem --------------------------------------------------------------------------------


def test_it_shows_a_problem_with_its_whole_file(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem(Status.VERIFYING)
    assert client.get(f"/api/v1/problems/{problem.pk}", headers=bearer(cast.inspector)).json()["steps"] == [
        "decide_closure"
    ]
    body = client.get(f"/api/v1/problems/{problem.pk}", headers=bearer(cast.coordinator)).json()
    assert body["steps"] == ["name_verifier"]  # another verifier may still be named
    [opinion] = body["opinions"]
    assert opinion["reporter"] == "张三 13812345678" and opinion["receipt_code"]
    assert body["assignment"]["milestones"][0]["title"] == "完成调查核实"
    assert body["assignment"]["co_units"] == [{"id": cast.safety.pk, "name": "安全稳定股"}]
    assert body["assignment"]["milestones"][0]["done_by"] == "赵联络"
    assert body["assignment"]["milestones"][0]["attachments"][0]["name"] == "photo.png"
    [closure] = body["closures"]
    assert closure["decision"] == "pending" and closure["attachments"][0]["name"] == "photo.png"
    assert (closure["stage"], closure["stage_label"]) == ("verifying", "待验收")
    assert closure["reviewed_by"] == "钱股长"
    assert closure["verifier"] == {"id": cast.inspector.pk, "name": "周督导"}
    assert [e["verb"] for e in body["timeline"]] == [
        Verb.PROBLEM_CREATED,
        Verb.PROBLEM_ASSIGNED,
        Verb.PROBLEM_SIGNED,
        Verb.MILESTONE_DONE,
        Verb.CLOSURE_APPLIED,
        Verb.CLOSURE_APPROVED,
        Verb.VERIFIER_NAMED,
    ]


def test_it_never_shows_the_unit_who_reported_it(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem(Status.RECTIFYING, text="我是家长，电话13812345678，老师在校外有偿补课。")
    body = client.get(f"/api/v1/problems/{problem.pk}", headers=bearer(cast.officer)).json()
    [opinion] = body["opinions"]
    assert opinion["reporter"] == "实名（不向责任单位公开）"
    assert opinion["receipt_code"] is None
    assert "13812345678" not in opinion["text"] and "138****5678" in opinion["text"]
    assert set(body["steps"]) == {"submit_plan", "report_progress", "complete_milestone", "return"}


def test_it_shows_a_problem_in_constant_queries(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem, django_assert_num_queries: Any
) -> None:
    problem = make_problem(Status.RECTIFYING)

    def report() -> None:
        actions.do_report_progress(problem, actor=cast.officer, text="已约谈", percent=20, uploads=[png_upload()])

    report()
    client.force_login(cast.coordinator)
    # session, user, problem, opinions, assignment, co-units, milestones, their files, plans, reports, their files,
    # closures, timeline (a plan's files are prefetched only when there is a plan: one more query then, never more)
    with django_assert_num_queries(13):
        client.get(f"/api/v1/problems/{problem.pk}")
    for _ in range(3):
        report()
    with django_assert_num_queries(13):
        assert len(client.get(f"/api/v1/problems/{problem.pk}").json()["progress_reports"]) == 4


# ---- the steps ----------------------------------------------------------------------------------


def post_json(client: Client, path: str, data: dict[str, Any], user: User) -> Any:
    return client.post(f"/api/v1/problems{path}", data, content_type="application/json", headers=bearer(user))


def assignment(cast: SimpleNamespace, version: int, **overrides: Any) -> dict[str, Any]:
    return {
        "expected_version": version,
        "lead_unit": cast.school.pk,
        "co_units": [cast.basic.pk],
        "responsible_person": "实验小学校长",
        "measures": "清退补课费用，全校通报。",
        "kind": "time_limited",
        "deadline": str(today() + dt.timedelta(days=20)),
        "milestones": [{"title": "调查核实", "due_on": str(today() + dt.timedelta(days=5))}],
        **overrides,
    }


def test_it_assigns_a_problem(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = make_problem()
    response = post_json(client, f"/{problem.pk}/assign", assignment(cast, problem.version), cast.coordinator)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "assigned"
    problem.refresh_from_db()
    assert (problem.status, problem.lead_unit) == (Status.ASSIGNED, cast.school)
    current = Assignment.objects.get(problem=problem, is_current=True)
    assert list(current.co_units.all()) == [cast.basic]
    assert current.milestones.get().title == "调查核实"
    assert response.json()["version"] == problem.version
    assert AuditEvent.objects.get(problem=problem, verb=Verb.PROBLEM_ASSIGNED).data["kind"] == "time_limited"
    assert verify_chain()[1] is None


def test_it_refuses_an_incomplete_assignment_without_changing_anything(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem()
    bad = assignment(cast, problem.version, deadline=str(today() - dt.timedelta(days=1)), milestones=[])
    response = post_json(client, f"/{problem.pk}/assign", bad, cast.coordinator)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["deadline"] == ["整改时限不能早于交办当日。"]
    assert errors["milestones"] == ["请至少填写一个路线图节点。"]
    assert Problem.objects.get(pk=problem.pk).version == problem.version
    assert not Assignment.objects.filter(problem=problem).exists()


def test_it_refuses_an_inspection_group_as_lead_unit(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem()
    inspection_group = cast.inspector.unit
    bad = assignment(cast, problem.version, lead_unit=inspection_group.pk)
    response = post_json(client, f"/{problem.pk}/assign", bad, cast.coordinator)
    assert response.status_code == 400
    assert "lead_unit" in response.json()["errors"]
    assert Problem.objects.get(pk=problem.pk).status == Status.NEW


def test_it_signs_a_problem(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = make_problem(Status.ASSIGNED)
    response = post_json(client, f"/{problem.pk}/sign", {"expected_version": problem.version}, cast.officer)
    assert response.status_code == 200, response.content
    assert Problem.objects.get(pk=problem.pk).status == Status.RECTIFYING
    assert AuditEvent.objects.filter(problem=problem, verb=Verb.PROBLEM_SIGNED, actor=cast.officer).exists()


def test_it_returns_a_problem(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = make_problem(Status.ASSIGNED)
    payload = {"expected_version": problem.version, "reason": "不属于本股室职责"}
    response = post_json(client, f"/{problem.pk}/return", payload, cast.officer)
    assert response.status_code == 200, response.content
    assert Problem.objects.get(pk=problem.pk).status == Status.RETURNED


def test_it_reports_progress_as_json(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = make_problem(Status.RECTIFYING)
    payload = {"expected_version": problem.version, "text": "已约谈涉事教师", "percent": 40}
    response = post_json(client, f"/{problem.pk}/progress", payload, cast.other_officer)  # a co-unit may report
    assert response.status_code == 200, response.content
    assert response.json()["progress_percent"] == 40
    report = ProgressReport.objects.get(problem=problem)
    assert (report.unit, report.text) == (cast.safety, "已约谈涉事教师")


def test_it_reports_progress_with_evidence_files(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem(Status.RECTIFYING)
    data = {
        "expected_version": problem.version,
        "text": "已清退费用",
        "percent": "80",
        "evidence": [png(), png("b.png")],
    }
    response = client.post(f"/api/v1/problems/{problem.pk}/progress", data, headers=bearer(cast.officer))
    assert response.status_code == 200, response.content
    report = ProgressReport.objects.get(problem=problem)
    assert report.percent == 80
    assert sorted(report.attachments.values_list("original_name", flat=True)) == ["b.png", "现场照片.png"]


def test_it_refuses_a_disguised_file_without_changing_anything(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem(Status.RECTIFYING)
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    data = {"expected_version": problem.version, "text": "已清退费用", "percent": 80, "evidence": [fake]}
    response = client.post(f"/api/v1/problems/{problem.pk}/progress", data, headers=bearer(cast.officer))
    assert response.status_code == 400
    assert "evidence" in response.json()["errors"]
    assert not ProgressReport.objects.filter(problem=problem).exists()
    assert Problem.objects.get(pk=problem.pk).version == problem.version


def test_it_applies_for_closure_with_evidence(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = milestones_done(cast, make_problem(Status.RECTIFYING))
    data = {"expected_version": problem.version, "summary": "已清退费用并全县通报。", "evidence": [png()]}
    response = client.post(f"/api/v1/problems/{problem.pk}/apply-closure", data, headers=bearer(cast.officer))
    assert response.status_code == 200, response.content
    assert Problem.objects.get(pk=problem.pk).status == Status.VERIFYING
    closure = problem.closures.get()
    assert closure.attachments.count() == 1 and closure.decision == ClosureDecision.PENDING


def test_it_refuses_a_closure_without_evidence(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem(Status.RECTIFYING)
    payload = {"expected_version": problem.version, "summary": "已整改。"}
    response = post_json(client, f"/{problem.pk}/apply-closure", payload, cast.officer)
    assert response.status_code == 400
    assert response.json()["errors"] == {"evidence": ["申请销号须上传佐证材料。"]}
    assert Problem.objects.get(pk=problem.pk).status == Status.RECTIFYING


@pytest.mark.parametrize(("accept", "status"), [(True, Status.FOLLOW_UP), (False, Status.RECTIFYING)])
def test_it_decides_a_closure(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem, accept: bool, status: Status
) -> None:
    problem = make_problem(Status.VERIFYING)
    payload = {"expected_version": problem.version, "accept": accept, "reason": "现场核查"}
    response = post_json(client, f"/{problem.pk}/decide-closure", payload, cast.inspector)
    assert response.status_code == 200, response.content
    assert Problem.objects.get(pk=problem.pk).status == status
    assert problem.closures.get().decided_by == cast.inspector


def test_it_reopens_a_closed_problem(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = make_problem(Status.CLOSED)
    payload = {"expected_version": problem.version, "reason": "群众回访不满意"}
    response = post_json(client, f"/{problem.pk}/reopen", payload, cast.coordinator)
    assert response.status_code == 200, response.content
    problem.refresh_from_db()
    assert (problem.status, problem.reopen_count, problem.closed_at) == (Status.RECTIFYING, 1, None)


# step → (status the problem must be in, who may take it, payload without expected_version, multipart?)
STEPS: dict[str, tuple[Status, str, Callable[[SimpleNamespace], dict[str, Any]], bool]] = {
    "assign": (Status.NEW, "coordinator", lambda cast: assignment(cast, 0), False),
    "sign": (Status.ASSIGNED, "officer", lambda cast: {}, False),
    "return": (Status.ASSIGNED, "officer", lambda cast: {"reason": "不属于本股室职责"}, False),
    "progress": (Status.RECTIFYING, "officer", lambda cast: {"text": "已约谈", "percent": 30}, False),
    "apply-closure": (Status.RECTIFYING, "officer", lambda cast: {"summary": "已整改", "evidence": [png()]}, True),
    "decide-closure": (Status.VERIFYING, "inspector", lambda cast: {"accept": True, "reason": ""}, False),
    "reopen": (Status.CLOSED, "coordinator", lambda cast: {"reason": "回访不满意"}, False),
}


def call_step(client: Client, cast: SimpleNamespace, problem: Problem, step: str, user: User, version: int) -> Any:
    _status, _who, payload, multipart = STEPS[step]
    data = {**payload(cast), "expected_version": version}
    if multipart:
        return client.post(f"/api/v1/problems/{problem.pk}/{step}", data, headers=bearer(user))
    return post_json(client, f"/{problem.pk}/{step}", data, user)


def snapshot(problem: Problem) -> tuple[Any, ...]:
    fresh = Problem.objects.get(pk=problem.pk)
    return (
        fresh.status,
        fresh.version,
        AuditEvent.objects.filter(problem=problem).count(),
        Assignment.objects.filter(problem=problem).count(),
        ProgressReport.objects.filter(problem=problem).count(),
        Attachment.objects.filter(problem=problem).count(),
    )


@pytest.mark.parametrize("step", list(STEPS))
def test_it_refuses_a_stale_version_with_409(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem, step: str
) -> None:
    status, who, _payload, _multipart = STEPS[step]
    problem = make_problem(status)
    before = snapshot(problem)
    response = call_step(client, cast, problem, step, getattr(cast, who), problem.version - 1)
    assert response.status_code == 409, response.content
    assert response.json()["detail"] == "该记录已被他人修改，请刷新页面后重试。"
    assert snapshot(problem) == before


@pytest.mark.parametrize(
    ("step", "who"),
    [
        ("assign", "leader"),
        ("sign", "other_officer"),  # a co-unit signs nothing
        ("progress", "coordinator"),
        ("apply-closure", "other_officer"),
        ("decide-closure", "officer"),  # did the work
        ("reopen", "inspector"),
    ],
)
def test_it_refuses_the_wrong_role_with_403(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem, step: str, who: str
) -> None:
    status, _who, _payload, _multipart = STEPS[step]
    problem = make_problem(status)
    before = snapshot(problem)
    response = call_step(client, cast, problem, step, getattr(cast, who), problem.version)
    assert response.status_code == 403, response.content
    assert response.json()["detail"]
    assert snapshot(problem) == before


def test_it_refuses_a_step_the_status_does_not_allow(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem(Status.RECTIFYING)
    before = snapshot(problem)
    response = post_json(client, f"/{problem.pk}/sign", {"expected_version": problem.version}, cast.officer)
    assert response.status_code == 409
    assert response.json()["detail"] == "问题当前状态为“整改中”，不能签收。"
    assert snapshot(problem) == before


def test_it_hides_another_units_problem_from_its_steps(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = assign_to_school(cast, make_problem())
    before = snapshot(problem)
    response = post_json(client, f"/{problem.pk}/sign", {"expected_version": problem.version}, cast.officer)
    assert response.status_code == 404
    assert snapshot(problem) == before


# ---- the schema and its docs --------------------------------------------------------------------


def test_it_publishes_the_openapi_schema(client: Client, db: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/opinions",
        "/api/v1/opinions/{opinion_id}/create-problem",
        "/api/v1/opinions/{opinion_id}/link",
        "/api/v1/opinions/{opinion_id}/split",
        "/api/v1/opinions/{opinion_id}/dismiss",
        "/api/v1/problems",
        "/api/v1/problems/{problem_id}",
        *(f"/api/v1/problems/{{problem_id}}/{step}" for step in STEPS),
    } <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/opinions"]) == {"get", "post"}
    assert set(schema["components"]["securitySchemes"]) == {"ApiTokenAuth", "PageSessionAuth"}


def test_it_serves_the_docs_without_external_assets(client: Client, db: Any) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert not re.search(r"https?://", html)
    assert '"validatorUrl": null' in html
