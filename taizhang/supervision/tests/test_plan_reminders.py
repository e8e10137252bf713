"""The 整改方案 time limit: N working days after 签收, watched by `supervise` until the plan is in."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import time_machine

from taizhang.audit.models import AuditEvent, Verb
from taizhang.clock import today
from taizhang.problems import actions as problem_actions
from taizhang.problems import closure as closure_actions
from taizhang.problems.models import Problem, RectificationKind
from taizhang.supervision.config import forget_config
from taizhang.supervision.models import Notification, Rung, Trigger
from taizhang.supervision.scheduler import sweep
from taizhang.supervision.tests.helpers import assign, at, fired, new_problem

D = dt.date
PLAN_RUNGS = {"plan_reminder", "plan_soon", "plan_again"}


def signed(cast: SimpleNamespace, title: str = "教师有偿补课") -> Problem:
    """限期整改 (plan within 3 working days by rule), assigned and signed today."""
    milestone_on = today() + dt.timedelta(days=2)
    problem = assign(cast, new_problem(cast, title), milestone_on=milestone_on, kind=RectificationKind.TIME_LIMITED)
    return problem_actions.do_sign_problem(problem, actor=cast.officer)


def plan_rungs(problem: Problem) -> list[tuple[str, dt.date]]:
    return [(code, due_on) for code, due_on, _ in fired(problem) if code in PLAN_RUNGS]


def submit(cast: SimpleNamespace, problem: Problem) -> None:
    problem_actions.do_submit_plan(problem, actor=cast.officer, text="一、约谈涉事教师；二、清退费用；三、全县通报。")


def test_it_sends_no_plan_reminder_when_the_plan_is_in_on_time(cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 3)), tick=False) as traveller:  # a Tuesday
        problem = signed(cast)
        assert problem.plan_due_on == D(2026, 11, 6)  # Wed, Thu, Fri
        sweep()
        traveller.move_to(at(D(2026, 11, 6), 17, 30))  # the last afternoon
        submit(cast, problem)
        for day in (D(2026, 11, 9), D(2026, 11, 10), D(2026, 11, 30)):
            traveller.move_to(at(day))
            sweep()
    assert plan_rungs(problem) == []
    codes = [code for code, *_ in fired(problem)]
    assert codes[0] == "reminder" and "forecast" not in codes  # signed before the first sweep: no 预报单 to sign
    # (The coordinators are told the plan is in: that is the step's own message, not a reminder.)
    assert not Notification.objects.filter(title__contains="整改方案", recipient__unit=cast.basic).exists()


def test_it_reminds_once_on_the_first_working_day_past_the_limit_across_the_national_day(
    cast: SimpleNamespace,
) -> None:
    with time_machine.travel(at(D(2026, 9, 29)), tick=False) as traveller:  # a Tuesday before 国庆
        problem = signed(cast)
        # 30 Sep, then 1–7 Oct off, then 8 and 9 Oct: the plan is due on Friday 9 October.
        assert problem.plan_due_on == D(2026, 10, 9)
        sweep()
        traveller.move_to(at(D(2026, 10, 9), 18))
        sweep()
        traveller.move_to(at(D(2026, 10, 10), 7, 59))
        sweep()
        assert plan_rungs(problem) == []
        # Saturday 10 October is a 调休 working day: one working day past the limit, the reminder comes.
        traveller.move_to(at(D(2026, 10, 10), 8))
        assert sweep().fired == 1
        assert plan_rungs(problem) == [("plan_reminder", D(2026, 10, 10))]
        for day in (D(2026, 10, 11), D(2026, 10, 12), D(2026, 10, 13), D(2026, 11, 2)):
            traveller.move_to(at(day))
            sweep()
    assert plan_rungs(problem) == [("plan_reminder", D(2026, 10, 10))]
    note = Notification.objects.get(recipient=cast.officer, title__contains="整改方案超时提醒")
    assert "整改方案报送时限2026年10月9日，尚未报送整改方案" in note.body
    assert note.url == f"/problems/{problem.pk}/"


def test_it_sends_no_further_plan_rung_once_a_late_plan_is_in(cast: SimpleNamespace) -> None:
    # An administrator adds a reminder the day before the limit and a second one three working days past it.
    Rung.objects.create(code="plan_soon", name="整改方案到期提醒", level=0, trigger=Trigger.PLAN_DUE, offset_workdays=1)
    Rung.objects.create(
        code="plan_again", name="整改方案再次提醒", level=0, trigger=Trigger.PLAN_OVERDUE, offset_workdays=3
    )
    forget_config()
    with time_machine.travel(at(D(2026, 11, 3)), tick=False) as traveller:
        problem = signed(cast)  # plan due Friday 6 November
        for day in (D(2026, 11, 5), D(2026, 11, 9)):
            traveller.move_to(at(day))
            sweep()
        assert plan_rungs(problem) == [("plan_soon", D(2026, 11, 5)), ("plan_reminder", D(2026, 11, 9))]
        traveller.move_to(at(D(2026, 11, 10), 15))
        submit(cast, problem)
        for day in (D(2026, 11, 11), D(2026, 11, 12), D(2026, 11, 30)):  # "plan_again" was due on the 11th
            traveller.move_to(at(day))
            sweep()
    assert plan_rungs(problem) == [("plan_soon", D(2026, 11, 5)), ("plan_reminder", D(2026, 11, 9))]
    event = AuditEvent.objects.get(problem=problem, verb=Verb.PLAN_SUBMITTED)
    assert "逾期报送" in event.summary and event.data["late"] is True


def test_it_catches_up_after_an_outage_unless_the_plan_came_in_meanwhile(cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 3)), tick=False) as traveller:
        missing = signed(cast, "食堂卫生")
        late = signed(cast, "乱收费")
        sweep()
        # The scheduler is down from 4 to 20 November; one unit files its plan late during the outage.
        traveller.move_to(at(D(2026, 11, 12)))
        submit(cast, late)
        traveller.move_to(at(D(2026, 11, 20), 10))
        sweep()
        sweep()
    assert plan_rungs(missing) == [("plan_reminder", D(2026, 11, 9))]  # the day it should have fired
    assert plan_rungs(late) == []
    codes = [code for code, *_ in fired(missing)]
    assert codes.index("plan_reminder") < codes.index("reminder")  # in order of due dates
    summary = AuditEvent.objects.get(problem=missing, verb=Verb.SUPERVISION_FIRED, data__rung="plan_reminder").summary
    assert "应督办日期2026年11月9日" in summary


def test_it_stops_watching_the_plan_when_the_problem_is_closed(cast: SimpleNamespace) -> None:
    from conftest import ready_to_decide

    with time_machine.travel(at(D(2026, 11, 3)), tick=False) as traveller:
        problem = signed(cast)
        sweep()
        # 立行立改 in practice: done and verified before any plan was written.
        ready_to_decide(cast, problem)
        closure_actions.do_decide_closure(problem, actor=cast.inspector, accept=True, reason="核查属实")
        traveller.move_to(at(D(2026, 11, 30)))
        sweep()
    assert plan_rungs(problem) == []
    assert Problem.objects.get(pk=problem.pk).next_check_at is None


def test_it_starts_a_new_plan_clock_when_the_problem_is_reopened(cast: SimpleNamespace) -> None:
    from conftest import ready_to_decide

    with time_machine.travel(at(D(2026, 11, 3)), tick=False) as traveller:
        problem = signed(cast)
        submit(cast, problem)
        ready_to_decide(cast, problem)
        closure_actions.do_decide_closure(problem, actor=cast.inspector, accept=True, reason="核查属实")
        traveller.move_to(at(D(2026, 11, 16)))  # a Monday
        problem = problem_actions.do_reopen_problem(problem, actor=cast.coordinator, reason="群众反映仍在补课")
        assert (problem.plan_due_on, problem.plan_submitted_at) == (D(2026, 11, 19), None)
        traveller.move_to(at(D(2026, 11, 20)))
        sweep()
    assert plan_rungs(problem) == [("plan_reminder", D(2026, 11, 20))]


def test_it_sends_no_reminder_when_the_plan_comes_in_while_a_sweep_holds_the_problem(cast: SimpleNamespace) -> None:
    from taizhang.supervision.actions import do_supervise_batch
    from taizhang.supervision.config import get_config
    from taizhang.supervision.scheduler import claim_due

    with time_machine.travel(at(D(2026, 11, 3)), tick=False) as traveller:
        problem = signed(cast)
        sweep()
        traveller.move_to(at(D(2026, 11, 9)))  # the plan reminder is due
        token, ids = claim_due(at(D(2026, 11, 9)), 10)
        assert ids == [problem.pk]
        seen_by_sweep = Problem.objects.select_related("lead_unit").get(pk=problem.pk)
        submit(cast, problem)  # the unit files its plan between the sweep's read and its writes
        outcome = do_supervise_batch([seen_by_sweep], lease=token, fired={}, config=get_config())
        assert (outcome.fired, outcome.lost) == (0, [problem.pk])
        sweep()  # the next sweep decides afresh, with the plan in
    assert plan_rungs(problem) == []
