"""A small county for the dashboard tests, built through the real actions over seven weeks: problems in every
status, kind and category group, three units, co-units, a late 签收, a 退单, a 重办, self-found problems, ratings
(one 不满意), a second campaign, untriaged opinions of several ages and a dismissed one. The figures are then
checked against plain Python over the raw rows (`expected`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

import time_machine

from taizhang.accounts.models import Role, Unit, User
from taizhang.campaigns.models import Campaign
from taizhang.followup.actions import do_rate, reporters
from taizhang.intake.actions import (
    NewProblem,
    OpinionInput,
    do_create_problem_from_opinion,
    do_dismiss_opinion,
    do_link_opinion,
    do_receive_opinion,
)
from taizhang.intake.models import Opinion
from taizhang.problems import actions as problem_actions
from taizhang.problems import closure
from taizhang.problems.actions import MilestoneInput
from taizhang.problems.models import Category, Milestone, Problem, RectificationKind, Status
from taizhang.supervision.tests.helpers import at

D = dt.date
START = D(2026, 10, 5)  # a Monday
TODAY = D(2026, 11, 23)  # the day the figures are read (a Monday)


@dataclass
class Step:
    channel: str
    category: str
    unit: str  # basic / safety / school
    to: Status
    kind: str = RectificationKind.TIME_LIMITED
    days: int = 20  # deadline: this many days after assignment
    sign_late: bool = False
    return_first: bool = False
    close_late: bool = False
    rating: str = "satisfied"
    reopen: bool = False
    co_unit: str = ""
    duplicate: bool = False


PLAN = [
    Step("hotline_12345", "paid_tutoring", "basic", Status.CLOSED, co_unit="school", duplicate=True),
    Step("online_form", "canteen", "school", Status.CLOSED, rating="basic"),
    Step("self_inspection", "formalism", "basic", Status.CLOSED, kind=RectificationKind.IMMEDIATE),
    Step("hotline_12345", "service_attitude", "safety", Status.CLOSED, close_late=True, days=10),
    Step("leader_visit", "oversized_class", "school", Status.FOLLOW_UP),
    Step("hotline_12345", "enrollment", "basic", Status.CLOSED, rating="dissatisfied", reopen=True),
    Step("media", "bureaucratism", "safety", Status.RECTIFYING, days=12),  # overdue by the reading day
    Step("self_inspection", "facilities", "school", Status.RECTIFYING, days=8, sign_late=True),  # overdue
    Step("report", "corruption", "basic", Status.VERIFYING, days=14),  # overdue, awaiting 验收
    Step("suggestion_box", "homework_burden", "school", Status.ASSIGNED, days=60, sign_late=True),  # 签收 late
    Step("forum", "campus_safety", "safety", Status.RECTIFYING, kind=RectificationKind.LONG_TERM, days=90),
    Step("online_form", "illegal_fees", "basic", Status.RECTIFYING, return_first=True, days=70, co_unit="safety"),
    Step("hotline_12345", "teacher_ethics", "school", Status.RETURNED),
    Step("covert_check", "hedonism", "basic", Status.NEW),
]


def add_cast(cast: SimpleNamespace) -> SimpleNamespace:
    """Heads and officers for the safety office and the school, so each unit can walk its own problems."""

    def user(username: str, full_name: str, role: Role, unit: object) -> User:
        return User.objects.create_user(username, password="pass-1234", full_name=full_name, role=role, unit=unit)

    cast.safety_head = user("safety-head", "冯股长", Role.UNIT_HEAD, cast.safety)
    cast.school_officer = user("school-officer", "陈联络", Role.UNIT_OFFICER, cast.school)
    cast.school_head = user("school-head", "褚校长", Role.UNIT_HEAD, cast.school)
    cast.campaign2 = Campaign.objects.create(
        name="师德师风专项整治", code="SD26", starts_on=D(2026, 10, 1), ends_on=D(2026, 12, 31), is_active=False
    )
    return cast


def seed(cast: SimpleNamespace) -> None:
    add_cast(cast)
    people = {
        "basic": (cast.basic, cast.officer, cast.unit_head),
        "safety": (cast.safety, cast.other_officer, cast.safety_head),
        "school": (cast.school, cast.school_officer, cast.school_head),
    }
    with time_machine.travel(at(START, 9), tick=False) as traveller:
        for index, step in enumerate(PLAN):
            traveller.move_to(at(START + dt.timedelta(days=3 * index), 9))
            _walk(cast, people, step, index, traveller)
        _inbox(cast, traveller)
        traveller.move_to(at(TODAY, 8))


def _walk(
    cast: SimpleNamespace,
    people: dict[str, tuple[Unit, User, User]],
    step: Step,
    index: int,
    traveller: time_machine.Traveller,
) -> None:
    unit, officer, head = people[step.unit]
    named = step.channel not in ("self_inspection", "covert_check")
    opinion = do_receive_opinion(
        OpinionInput(
            channel=step.channel,
            text=f"第{index + 1}件：反映的情况属实需整改。",
            reporter_name="张三" if named else "",
            reporter_phone="13812345678" if named else "",
        ),
        actor=cast.coordinator,
    )
    category = Category.objects.get(code=step.category)
    problem = do_create_problem_from_opinion(
        opinion,
        NewProblem(title=f"问题{index + 1}", description="详见意见。", category=category),
        actor=cast.coordinator,
    )
    if step.duplicate:
        again = do_receive_opinion(OpinionInput(channel="online_form", text="同一件事。"), actor=cast.coordinator)
        do_link_opinion(again, problem, actor=cast.coordinator)
    if step.to == Status.NEW:
        return
    if step.return_first:
        _assign(cast, problem, unit, step)
        problem_actions.do_return_problem(Problem.objects.get(pk=problem.pk), actor=officer, reason="不属本单位")
        traveller.shift(dt.timedelta(hours=2))
        unit, officer, head = people["basic"]
    _assign(cast, problem, unit, step)
    problem = Problem.objects.get(pk=problem.pk)
    if step.to == Status.RETURNED:
        problem_actions.do_return_problem(problem, actor=officer, reason="不属本单位")
        return
    if step.sign_late:
        assert problem.sign_due_on is not None
        traveller.move_to(at(problem.sign_due_on + dt.timedelta(days=1), 10))
    if step.to == Status.ASSIGNED:
        return
    problem = problem_actions.do_sign_problem(problem, actor=officer)
    if step.to == Status.RECTIFYING:
        return
    _to_verifier(cast, problem, officer, head)
    if step.to == Status.VERIFYING:
        return
    if step.close_late:
        assert problem.deadline is not None
        traveller.move_to(at(problem.deadline + dt.timedelta(days=2), 10))
    closure.do_decide_closure(Problem.objects.get(pk=problem.pk), actor=cast.inspector, accept=True, reason="属实")
    problem = Problem.objects.get(pk=problem.pk)
    if problem.status == Status.FOLLOW_UP and step.to == Status.CLOSED:
        for reporter in reporters(problem):
            do_rate(reporter, fixed=step.rating != "dissatisfied", satisfaction=step.rating, comment="仍未解决")
    if step.reopen:
        problem = Problem.objects.get(pk=problem.pk)
        problem_actions.do_reopen_problem(problem, actor=cast.coordinator, reason="回访不满意，核实未解决")


def _assign(cast: SimpleNamespace, problem: Problem, unit: Unit, step: Step) -> None:
    from taizhang.clock import today

    co = {"basic": cast.basic, "safety": cast.safety, "school": cast.school}
    problem_actions.do_assign_problem(
        Problem.objects.get(pk=problem.pk),
        actor=cast.coordinator,
        lead_unit=unit,
        co_units=[co[step.co_unit]] if step.co_unit else [],
        responsible_person="负责人",
        measures="立即核查整改。",
        kind=step.kind,
        deadline=today() + dt.timedelta(days=step.days),
        milestones=[MilestoneInput("核查", today() + dt.timedelta(days=1))],
    )


def _to_verifier(cast: SimpleNamespace, problem: Problem, officer: User, head: User) -> None:
    from conftest import png_upload

    for milestone in Milestone.objects.filter(assignment__problem=problem, assignment__is_current=True):
        closure.do_complete_milestone(problem, milestone, actor=officer, note="完成", uploads=[png_upload()])
    problem = Problem.objects.get(pk=problem.pk)
    closure.do_apply_closure(problem, actor=officer, summary="已整改。", uploads=[png_upload()])
    closure.do_review_closure(Problem.objects.get(pk=problem.pk), actor=head, approve=True)
    closure.do_name_verifier(Problem.objects.get(pk=problem.pk), actor=cast.coordinator2, verifier=cast.inspector)


def _inbox(cast: SimpleNamespace, traveller: time_machine.Traveller) -> None:
    """Untriaged opinions aged 0, 2, 5, 10 and 30 days on the reading day; one dismissed; one in campaign 2."""
    for age in (30, 10, 5, 2, 0):
        traveller.move_to(at(TODAY - dt.timedelta(days=age), 11))
        do_receive_opinion(OpinionInput(channel="hotline_12345", text=f"等待{age}天的意见。"), actor=cast.coordinator)
    dismissed = Opinion.objects.get(text="等待10天的意见。")
    do_dismiss_opinion(dismissed, actor=cast.coordinator, reason="not_accepted", answer="不属于教育系统职责。")
    traveller.move_to(at(TODAY - dt.timedelta(days=1), 15))
    other = do_receive_opinion(OpinionInput(channel="online_form", text="另一活动的意见。"), actor=cast.coordinator)
    Opinion.objects.filter(pk=other.pk).update(campaign=cast.campaign2)
    problem = do_create_problem_from_opinion(
        Opinion.objects.get(pk=other.pk),
        NewProblem(
            title="另一活动的问题", description="详见意见。", category=Category.objects.get(code="teacher_ethics")
        ),
        actor=cast.coordinator,
    )
    Problem.objects.filter(pk=problem.pk).update(campaign=cast.campaign2)
