"""The verification endpoints: milestones done, the unit head's approval, naming the verifier, the decision —
403 for who may not act (before anything about the state), 400 for bad input, 409 for the wrong moment."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from conftest import milestones_done, png_upload
from taizhang.accounts.models import User
from taizhang.clock import today
from taizhang.problems import closure
from taizhang.problems.models import ClosureStage, Milestone, Problem, Status
from taizhang.problems.tests.test_api_problems import bearer, png
from taizhang.problems.tests.test_verification import STATES, applied, approved, snapshot, stage_of

MakeProblem = Callable[..., Problem]


def post(client: Client, problem: Problem, path: str, data: dict[str, Any], user: User) -> Any:
    payload = {"expected_version": Problem.objects.get(pk=problem.pk).version, **data}
    url = f"/api/v1/problems/{problem.pk}/{path}"
    return client.post(url, payload, content_type="application/json", headers=bearer(user))


def done(client: Client, problem: Problem, milestone_id: int, user: User, **data: Any) -> Any:
    payload = {"expected_version": Problem.objects.get(pk=problem.pk).version, "note": "已完成", **data}
    url = f"/api/v1/problems/{problem.pk}/milestones/{milestone_id}/done"
    return client.post(url, payload, headers=bearer(user))


def test_it_marks_a_milestone_done_with_evidence(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem(Status.RECTIFYING)
    milestone = Milestone.objects.get(assignment__problem=problem)
    response = done(client, problem, milestone.pk, cast.officer, evidence=[png("节点佐证.png")])
    assert response.status_code == 200, response.content
    body = client.get(f"/api/v1/problems/{problem.pk}", headers=bearer(cast.officer)).json()
    [node] = body["assignment"]["milestones"]
    assert node["done_by"] == "赵联络" and node["attachments"][0]["name"] == "节点佐证.png"
    assert "apply_closure" in body["steps"] and "complete_milestone" not in body["steps"]


@pytest.mark.parametrize(
    ("who", "files", "status", "detail"),
    [
        ("officer", False, 400, "节点完成情况不完整：标记节点完成须上传佐证材料。"),
        ("other_officer", True, 403, "只有牵头单位的人员可以标记路线图节点完成。"),
        ("coordinator", True, 403, "只有牵头单位的人员可以标记路线图节点完成。"),
    ],
)
def test_it_refuses_a_milestone_done_wrongly(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem, who: str, files: bool, status: int, detail: str
) -> None:
    problem = make_problem(Status.RECTIFYING)
    milestone = Milestone.objects.get(assignment__problem=problem)
    before = snapshot(problem)
    response = done(client, problem, milestone.pk, getattr(cast, who), **({"evidence": [png()]} if files else {}))
    assert (response.status_code, response.json()["detail"]) == (status, detail)
    assert snapshot(problem) == before


def test_it_answers_an_unknown_milestone_with_404(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem(Status.RECTIFYING)
    other = Milestone.objects.get(assignment__problem=make_problem(Status.RECTIFYING))
    response = done(client, problem, other.pk, cast.officer, evidence=[png()])
    assert (response.status_code, response.json()["detail"]) == (404, "路线图节点不存在。")


def test_it_refuses_a_closure_with_open_milestones(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem(Status.RECTIFYING)
    before = snapshot(problem)
    data = {"expected_version": problem.version, "summary": "已整改", "evidence": [png()]}
    response = client.post(f"/api/v1/problems/{problem.pk}/apply-closure", data, headers=bearer(cast.officer))
    assert response.status_code == 400
    assert response.json()["detail"].startswith("路线图节点尚未全部完成：“完成调查核实”")
    assert snapshot(problem) == before


def test_it_approves_and_sends_back_through_the_api(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = applied(cast, make_problem)
    response = post(client, problem, "approve-closure", {"approve": False}, cast.unit_head)
    assert (response.status_code, response.json()["errors"]) == (400, {"note": ["请填写退回理由。"]})
    response = post(client, problem, "approve-closure", {"approve": True, "note": "同意"}, cast.unit_head)
    assert response.status_code == 200, response.content
    [c] = client.get(f"/api/v1/problems/{problem.pk}", headers=bearer(cast.coordinator)).json()["closures"]
    assert (c["stage"], c["reviewed_by"], c["review_note"]) == ("awaiting_verifier", "钱股长", "同意")
    response = post(client, problem, "approve-closure", {"approve": True}, cast.unit_head)
    assert (response.status_code, response.json()["detail"]) == (
        409,
        "销号申请当前为“待指定验收人”，不能审核销号申请。",
    )
    other = applied(cast, make_problem)
    response = post(client, other, "approve-closure", {"approve": False, "note": "照片不清"}, cast.unit_head)
    assert response.status_code == 200 and response.json()["status"] == "rectifying"


@pytest.mark.parametrize("who", ["officer", "coordinator", "inspector"])
def test_it_lets_only_the_head_approve(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem, who: str
) -> None:
    problem = applied(cast, make_problem)
    before = snapshot(problem)
    response = post(client, problem, "approve-closure", {"approve": True}, getattr(cast, who))
    assert (response.status_code, response.json()["detail"]) == (403, "只有牵头单位的主要负责人可以审核销号申请。")
    assert snapshot(problem) == before


def test_it_refuses_a_head_approving_their_own_application(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = applied(cast, make_problem, by=cast.unit_head)
    before = snapshot(problem)
    response = post(client, problem, "approve-closure", {"approve": True}, cast.unit_head)
    assert response.status_code == 403
    assert response.json()["detail"] == "不能审核自己提交的销号申请，请由本单位其他负责人审核。"
    assert snapshot(problem) == before


def test_it_names_a_verifier(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = approved(cast, make_problem)
    response = post(client, problem, "verifier", {"verifier": cast.inspector.pk}, cast.coordinator)
    assert response.status_code == 200, response.content
    [c] = client.get(f"/api/v1/problems/{problem.pk}", headers=bearer(cast.inspector)).json()["closures"]
    assert (c["stage"], c["verifier"]) == ("verifying", {"id": cast.inspector.pk, "name": "周督导"})


@pytest.mark.parametrize(
    ("who", "verifier", "status", "detail"),
    [
        ("inspector", "inspector", 403, "您的角色不能指定验收人。"),
        ("officer", "inspector", 403, "您的角色不能指定验收人。"),
        ("coordinator2", "coordinator", 400, "交办该问题的人员不能验收该问题，请指定其他人员。"),
        ("coordinator2", "officer", 400, "销号申请人不能验收自己的申请。"),
        ("coordinator2", "other_officer", 400, "责任单位（牵头单位或配合单位）的人员不能验收该问题。"),
        ("coordinator2", "discipline", 400, "验收人须是督导组成员或牵头部门（活动办公室）人员。"),
    ],
)
def test_it_refuses_naming_a_verifier_wrongly(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem, who: str, verifier: str, status: int, detail: str
) -> None:
    problem = approved(cast, make_problem)
    before = snapshot(problem)
    response = post(client, problem, "verifier", {"verifier": getattr(cast, verifier).pk}, getattr(cast, who))
    assert (response.status_code, response.json()["detail"]) == (status, detail)
    assert snapshot(problem) == before


def test_it_refuses_an_unknown_verifier_and_one_named_too_early(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = approved(cast, make_problem)
    response = post(client, problem, "verifier", {"verifier": 987654}, cast.coordinator)
    assert (response.status_code, response.json()["detail"]) == (400, "验收人不存在或已停用：987654。")
    early = applied(cast, make_problem)
    response = post(client, early, "verifier", {"verifier": cast.inspector.pk}, cast.coordinator)
    assert response.status_code == 409


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("who", ["coordinator", "coordinator2", "officer", "unit_head", "leader"])
def test_it_answers_a_decision_by_anyone_but_the_verifier_with_403(
    client: Client, cast: SimpleNamespace, make_problem: MakeProblem, state: str, who: str
) -> None:
    problem = STATES[state](cast, make_problem)
    before = snapshot(problem)
    response = post(client, problem, "decide-closure", {"accept": True}, getattr(cast, who))
    assert response.status_code == 403
    assert response.json()["detail"] == "只有牵头部门为该销号申请指定的验收人可以作出验收结论。"
    assert snapshot(problem) == before


def test_it_decides_with_a_site_visit(client: Client, cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = make_problem(Status.VERIFYING)
    response = post(client, problem, "decide-closure", {"accept": False}, cast.inspector)
    assert (response.status_code, response.json()["errors"]) == (400, {"reason": ["请填写不通过的理由。"]})
    visit = {"accept": True, "on_site": True, "site_visited_on": today().isoformat(), "site_place": "实验小学"}
    response = post(client, problem, "decide-closure", visit, cast.inspector)
    assert response.status_code == 200, response.content
    [c] = client.get(f"/api/v1/problems/{problem.pk}", headers=bearer(cast.inspector)).json()["closures"]
    assert (c["decision"], c["on_site"], c["site_place"]) == ("accepted", True, "实验小学")
    assert ClosureStage(c["stage"]) == ClosureStage.DECIDED


def test_it_documents_the_new_endpoints(client: Client, db: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/problems/{problem_id}/milestones/{milestone_id}/done",
        "/api/v1/problems/{problem_id}/approve-closure",
        "/api/v1/problems/{problem_id}/verifier",
    ):
        assert "post" in paths[path]


def test_it_walks_the_helpers_the_same_way(cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = milestones_done(cast, make_problem(Status.RECTIFYING))
    closure.do_apply_closure(problem, actor=cast.officer, summary="已整改", uploads=[png_upload()])
    assert stage_of(problem) == ClosureStage.HEAD_REVIEW
