"""Shared steps for the supervision tests: assign on a given day, sweep, read what fired."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from taizhang.intake.actions import NewProblem, OpinionInput, do_create_problem_from_opinion, do_receive_opinion
from taizhang.problems import actions as problem_actions
from taizhang.problems.actions import MilestoneInput
from taizhang.problems.models import Problem, RectificationKind
from taizhang.supervision.models import SupervisionAction

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def new_problem(cast: SimpleNamespace, title: str = "教师有偿补课") -> Problem:
    opinion = do_receive_opinion(
        OpinionInput(channel="hotline_12345", text=f"{title}，家长反映强烈。", reporter_name="张三"),
        actor=cast.coordinator,
    )
    return do_create_problem_from_opinion(
        opinion, NewProblem(title=title, description=f"{title}。", category=cast.category), actor=cast.coordinator
    )


def assign(
    cast: SimpleNamespace,
    problem: Problem,
    *,
    kind: str = RectificationKind.IMMEDIATE,
    deadline: dt.date | None = None,
    milestone_on: dt.date,
    unit: Any = None,
) -> Problem:
    problem_actions.do_assign_problem(
        problem,
        actor=cast.coordinator,
        lead_unit=unit or cast.basic,
        responsible_person="钱股长",
        measures="约谈涉事教师，清退费用。",
        kind=kind,
        deadline=deadline,
        milestones=[MilestoneInput("调查核实", milestone_on)],
    )
    return Problem.objects.get(pk=problem.pk)


def fired(problem: Problem) -> list[tuple[str, dt.date, str]]:
    rows = SupervisionAction.objects.filter(problem=problem).select_related("rung").order_by("id")
    return [(a.rung.code, a.due_on, a.doc_number) for a in rows]


def fired_states(problem: Problem) -> list[tuple[str, dt.date, str, str]]:
    """(rung, due date, state, document number) of everything the ladder recorded for the problem, in order."""
    rows = SupervisionAction.objects.filter(problem=problem).select_related("rung").order_by("id")
    return [(a.rung.code, a.due_on, a.state, a.doc_number) for a in rows]


def approve_drafts(cast: SimpleNamespace) -> list[SupervisionAction]:
    """The coordinator approves every drafted 通报批评单 and 组织调整建议单, as the 待办 asks."""
    from taizhang.supervision.actions import do_review_document
    from taizhang.supervision.models import ActionState

    drafts = SupervisionAction.objects.filter(state=ActionState.DRAFT).order_by("id")
    return [do_review_document(a, actor=cast.coordinator, approve=True) for a in drafts]
