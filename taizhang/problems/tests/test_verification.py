"""Independent verification through the actions: each refusal in Chinese, with nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from conftest import milestones_done, png_upload
from taizhang.audit.models import AuditEvent
from taizhang.clock import today
from taizhang.errors import ActionError, InvalidTransition, NotAllowed
from taizhang.problems import closure
from taizhang.problems.models import Attachment, ClosureApplication, ClosureStage, Milestone, Problem, Status

MakeProblem = Callable[..., Problem]


def snapshot(problem: Problem) -> tuple[Any, ...]:
    fresh = Problem.objects.get(pk=problem.pk)
    closures = list(
        ClosureApplication.objects.filter(problem=problem).values_list("decision", "reviewed_at", "verifier")
    )
    done = list(Milestone.objects.filter(assignment__problem=problem).values_list("done_at", flat=True))
    events = AuditEvent.objects.filter(problem=problem).count()
    return fresh.status, fresh.version, closures, done, events, Attachment.objects.filter(problem=problem).count()


def applied(cast: SimpleNamespace, make_problem: MakeProblem, *, by: Any = None) -> Problem:
    problem = milestones_done(cast, make_problem(Status.RECTIFYING))
    closure.do_apply_closure(problem, actor=by or cast.officer, summary="已整改。", uploads=[png_upload()])
    return Problem.objects.get(pk=problem.pk)


def approved(cast: SimpleNamespace, make_problem: MakeProblem) -> Problem:
    problem = applied(cast, make_problem)
    closure.do_review_closure(problem, actor=cast.unit_head, approve=True)
    return Problem.objects.get(pk=problem.pk)


def stage_of(problem: Problem) -> ClosureStage:
    pending = closure.pending_closure(problem)
    assert pending is not None
    return pending.stage


def refused(problem: Problem, error: type[ActionError], message: str, act: Callable[[], object]) -> None:
    before = snapshot(problem)
    with pytest.raises(error) as caught:
        act()
    assert message in caught.value.message
    assert snapshot(problem) == before


def test_it_walks_the_stages_of_a_closure(cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = applied(cast, make_problem)
    assert (problem.status, stage_of(problem)) == (Status.VERIFYING, ClosureStage.HEAD_REVIEW)
    closure.do_review_closure(problem, actor=cast.unit_head, approve=True, note="同意")
    assert stage_of(problem) == ClosureStage.AWAITING_VERIFIER
    closure.do_name_verifier(problem, actor=cast.coordinator2, verifier=cast.inspector)
    assert stage_of(problem) == ClosureStage.VERIFYING
    decided = closure.do_decide_closure(
        problem,
        actor=cast.inspector,
        accept=True,
        reason="属实",
        on_site=True,
        site_visited_on=today(),
        site_place="实验小学三楼",
    )
    assert (decided.on_site, decided.site_visited_on, decided.site_place) == (True, today(), "实验小学三楼")
    assert Problem.objects.get(pk=problem.pk).status == Status.FOLLOW_UP  # the reporter is asked before it closes


def test_it_refuses_a_closure_with_open_milestones(cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = make_problem(Status.RECTIFYING)
    refused(
        problem,
        ActionError,
        "路线图节点尚未全部完成：“完成调查核实”",
        lambda: closure.do_apply_closure(problem, actor=cast.officer, summary="已整改。", uploads=[png_upload()]),
    )


def test_it_refuses_a_milestone_without_evidence_or_from_a_co_unit(
    cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem(Status.RECTIFYING)
    milestone = Milestone.objects.get(assignment__problem=problem)

    def done(actor: Any, uploads: list[Any]) -> Callable[[], object]:
        return lambda: closure.do_complete_milestone(problem, milestone, actor=actor, note="已完成", uploads=uploads)

    refused(problem, ActionError, "标记节点完成须上传佐证材料", done(cast.officer, []))
    refused(problem, NotAllowed, "只有牵头单位的人员可以标记路线图节点完成", done(cast.other_officer, [png_upload()]))
    done(cast.officer, [png_upload()])()
    refused(problem, ActionError, "该节点已于", done(cast.officer, [png_upload()]))


def test_it_refuses_approving_ones_own_application(cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = applied(cast, make_problem, by=cast.unit_head)
    refused(
        problem,
        NotAllowed,
        "不能审核自己提交的销号申请",
        lambda: closure.do_review_closure(problem, actor=cast.unit_head, approve=True),
    )


@pytest.mark.parametrize("who", ["officer", "other_officer", "coordinator", "inspector"])
def test_it_lets_only_the_lead_units_head_review(cast: SimpleNamespace, make_problem: MakeProblem, who: str) -> None:
    problem = applied(cast, make_problem)
    act = lambda: closure.do_review_closure(problem, actor=getattr(cast, who), approve=True)  # noqa: E731
    refused(problem, NotAllowed, "只有牵头单位的主要负责人可以审核销号申请", act)


def test_it_refuses_a_send_back_without_a_reason(cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = applied(cast, make_problem)
    act = lambda: closure.do_review_closure(problem, actor=cast.unit_head, approve=False, note=" ")  # noqa: E731
    refused(problem, ActionError, "退回须说明理由", act)


@pytest.mark.parametrize(
    ("verifier", "message"),
    [
        ("coordinator", "交办该问题的人员不能验收该问题"),  # coord assigned it
        ("officer", "销号申请人不能验收自己的申请"),
        ("unit_head", "责任单位（牵头单位或配合单位）的人员不能验收该问题"),
        ("other_officer", "责任单位（牵头单位或配合单位）的人员不能验收该问题"),  # the co-unit
        ("leader", "验收人须是督导组成员或牵头部门（活动办公室）人员"),
    ],
)
def test_it_refuses_a_verifier_who_is_not_independent(
    cast: SimpleNamespace, make_problem: MakeProblem, verifier: str, message: str
) -> None:
    problem = approved(cast, make_problem)
    act = lambda: closure.do_name_verifier(problem, actor=cast.coordinator2, verifier=getattr(cast, verifier))  # noqa: E731
    refused(problem, ActionError, message, act)


def test_it_lets_only_a_coordinator_name_the_verifier(cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = approved(cast, make_problem)
    act = lambda: closure.do_name_verifier(problem, actor=cast.inspector, verifier=cast.inspector)  # noqa: E731
    refused(problem, NotAllowed, "您的角色不能指定验收人", act)


def test_it_names_no_verifier_before_the_head_has_approved(cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    problem = applied(cast, make_problem)
    act = lambda: closure.do_name_verifier(problem, actor=cast.coordinator2, verifier=cast.inspector)  # noqa: E731
    refused(problem, InvalidTransition, "销号申请当前为“待单位负责人审核”，不能指定验收人", act)


STATES: dict[str, Callable[[SimpleNamespace, MakeProblem], Problem]] = {
    "rectifying": lambda cast, make: make(Status.RECTIFYING),
    "head_review": applied,
    "awaiting_verifier": approved,
    "verifying": lambda cast, make: make(Status.VERIFYING),
    "closed": lambda cast, make: make(Status.CLOSED),
}


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("who", ["coordinator", "coordinator2", "officer", "unit_head", "leader", "admin"])
def test_it_answers_anyone_but_the_named_verifier_with_403_in_every_state(
    cast: SimpleNamespace, make_problem: MakeProblem, state: str, who: str
) -> None:
    problem = STATES[state](cast, make_problem)
    act = lambda: closure.do_decide_closure(problem, actor=getattr(cast, who), accept=True, reason="")  # noqa: E731
    refused(problem, NotAllowed, "只有牵头部门为该销号申请指定的验收人可以作出验收结论", act)


def test_it_asks_the_verifier_for_a_reason_and_the_place_of_a_site_visit(
    cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem(Status.VERIFYING)
    reject = lambda: closure.do_decide_closure(problem, actor=cast.inspector, accept=False, reason="")  # noqa: E731
    refused(problem, ActionError, "验收不通过须说明理由", reject)
    tomorrow = today() + dt.timedelta(days=1)

    def visit(on: dt.date | None, place: str) -> Callable[[], object]:
        return lambda: closure.do_decide_closure(
            problem, actor=cast.inspector, accept=True, reason="", on_site=True, site_visited_on=on, site_place=place
        )

    refused(problem, ActionError, "请填写现场核查地点", visit(today(), ""))
    refused(problem, ActionError, "请填写现场核查日期", visit(None, "实验小学"))
    refused(problem, ActionError, "现场核查日期须在申请销号之后、今天或以前", visit(tomorrow, "实验小学"))


def test_it_answers_the_verifier_of_a_decided_closure_with_409(
    cast: SimpleNamespace, make_problem: MakeProblem
) -> None:
    problem = make_problem(Status.CLOSED)  # the inspector verified it
    act = lambda: closure.do_decide_closure(problem, actor=cast.inspector, accept=False, reason="再看看")  # noqa: E731
    refused(problem, InvalidTransition, "问题当前状态为“已销号”，不能验收不通过", act)


def test_it_puts_each_stage_in_the_right_persons_todo(cast: SimpleNamespace, make_problem: MakeProblem) -> None:
    from taizhang.web.todo import todo_for

    def kinds(user: Any) -> set[str]:
        return {i.kind for i in todo_for(user).items if i.kind in ("review_closure", "name_verifier", "verify_closure")}

    problem = applied(cast, make_problem)
    assert (kinds(cast.unit_head), kinds(cast.coordinator), kinds(cast.inspector)) == ({"review_closure"}, set(), set())
    closure.do_review_closure(problem, actor=cast.unit_head, approve=True)
    assert (kinds(cast.unit_head), kinds(cast.coordinator), kinds(cast.coordinator2)) == (
        set(),
        {"name_verifier"},
        {"name_verifier"},
    )
    closure.do_name_verifier(problem, actor=cast.coordinator, verifier=cast.inspector)
    assert (kinds(cast.coordinator), kinds(cast.coordinator2), kinds(cast.inspector)) == (
        set(),
        set(),
        {"verify_closure"},
    )
    own = applied(cast, make_problem, by=cast.unit_head)
    assert own.pk not in {i.problem_id for i in todo_for(cast.unit_head).items}  # never one's own application
