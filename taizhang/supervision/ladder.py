"""What the ladder asks for a problem now: the rungs that are due (each with the date it should have fired) and
when the scheduler must look again. Reads only the problem, the configuration and what has already fired."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from taizhang.problems.models import Problem, RectificationKind, Status
from taizhang.supervision.config import SupervisionConfig
from taizhang.supervision.models import Rung, Trigger

# Rungs fire at the start of the working day, local time.
FIRE_HOUR = 8
WATCHED = {Status.ASSIGNED, Status.RECTIFYING}


@dataclass(frozen=True)
class Due:
    rung: Rung
    due_on: dt.date
    lapse: str = ""  # what "once" means for this rung: per deadline, per reporting period, or per round
    skipped: bool = False  # passed over on a catch-up: recorded so it never fires, but nothing is sent


@dataclass(frozen=True)
class Plan:
    due: list[Due]
    next_check_at: dt.datetime | None
    level: int


def fire_time(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(FIRE_HOUR)))


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def _periodic(problem: Problem, config: SupervisionConfig, now: dt.datetime) -> list[Due]:
    """长期坚持: a report is due every N days after assignment (on the next working day); each period once."""
    rungs = config.rungs_by_trigger(Trigger.PERIODIC_REPORT)
    every = config.rule_for(problem.category_id, problem.kind).report_every_days
    if not rungs or not every or problem.kind != RectificationKind.LONG_TERM or problem.assigned_at is None:
        return []
    start, out = local_date(problem.assigned_at), []
    period = 1
    while True:
        day = config.calendar.on_or_after(start + dt.timedelta(days=every * period))
        out += [Due(r, day, f"p{period}") for r in rungs]
        if fire_time(day) > now or period > 400:
            return out  # every period up to now, and the next one for scheduling
        period += 1


def _plan_reminders(problem: Problem, config: SupervisionConfig) -> list[Due]:
    """整改方案: watched while the problem is 整改中 and this round's plan is not in; once per plan deadline."""
    due_on = problem.plan_due_on
    if problem.status != Status.RECTIFYING or due_on is None or problem.plan_submitted_at is not None:
        return []
    cal, lapse = config.calendar, f"plan-{due_on.isoformat()}"
    out = [
        Due(r, cal.add_workdays(due_on, -r.offset_workdays), lapse) for r in config.rungs_by_trigger(Trigger.PLAN_DUE)
    ]
    for rung in config.rungs_by_trigger(Trigger.PLAN_OVERDUE):
        out.append(Due(rung, cal.add_workdays(due_on, max(rung.offset_workdays, 1)), lapse))
    return out


def _candidates(problem: Problem, config: SupervisionConfig, now: dt.datetime) -> list[Due]:
    """Every rung that this problem's current state could call for, with its date."""
    cal = config.calendar
    out: list[Due] = []
    if problem.status == Status.CLOSED:
        if problem.closed_at:
            out += [Due(r, local_date(problem.closed_at)) for r in config.rungs_by_trigger(Trigger.ON_CLOSE)]
        return out
    if problem.status not in WATCHED or problem.deadline is None:
        # 待验收 pauses the ladder: the unit has done its part and waits for the verifier.
        return out
    if problem.assigned_at and problem.status == Status.ASSIGNED:
        # 预报单 asks the unit to sign: once it has signed, the form has nothing left to ask.
        out += [Due(r, local_date(problem.assigned_at)) for r in config.rungs_by_trigger(Trigger.ON_ASSIGN)]
    for rung in config.rungs_by_trigger(Trigger.BEFORE_DEADLINE):
        out.append(Due(rung, cal.add_workdays(problem.deadline, -rung.offset_workdays), problem.deadline.isoformat()))
    if problem.status == Status.ASSIGNED and problem.sign_due_on:
        for rung in config.rungs_by_trigger(Trigger.SIGN_OVERDUE):
            out.append(Due(rung, cal.add_workdays(problem.sign_due_on, max(rung.offset_workdays, 1))))
    out += _plan_reminders(problem, config)
    out += _periodic(problem, config, now)
    for rung in config.rungs_by_trigger(Trigger.AFTER_DEADLINE):
        out.append(Due(rung, cal.add_workdays(problem.deadline, max(rung.offset_workdays, 1))))
    return out


def plan_for(problem: Problem, config: SupervisionConfig, now: dt.datetime, fired: set[tuple[int, str]]) -> Plan:
    """`fired` holds (rung id, lapse) pairs already fired in the problem's current round.

    A rung fires once per lapse: reminders once per deadline (an extension gives a new one), escalation rungs
    once per round and only upwards — a rung at or below the level reached never fires again."""
    level = problem.ladder_level
    due: list[Due] = []
    later: list[dt.date] = []
    for item in sorted(_candidates(problem, config, now), key=lambda d: (d.due_on, d.rung.level, d.rung.pk)):
        rung = item.rung
        escalation = rung.level > 0
        key = (rung.pk, item.lapse)
        if key in fired or (escalation and rung.level <= level):
            continue
        if fire_time(item.due_on) <= now:
            due.append(item)
            if escalation:
                level = rung.level
        else:
            later.append(item.due_on)
    next_check = fire_time(min(later)) if later else None
    return Plan(due=_collapsed(problem, due, local_date(now)), next_check_at=next_check, level=level)


def _collapsed(problem: Problem, due: list[Due], today: dt.date) -> list[Due]:
    """What one run may send for one problem, however long the scheduler was away: at most one document — the
    highest escalation still due, else the newest other form — and of the reminders only the current ones (the
    newest period of a rung; no 到期提醒 once the deadline has passed). The rest is marked skipped."""
    if len(due) <= 1 and not any(_moot(problem, d, today) for d in due):
        return due
    escalations = [d for d in due if d.rung.level > 0]
    top = max(escalations, key=lambda d: (d.rung.level, d.due_on)) if escalations else None
    documents = [d for d in due if d.rung.form_kind]
    document = top or (max(documents, key=lambda d: (d.due_on, d.rung.pk)) if documents else None)
    newest: dict[int, Due] = {}
    for item in due:
        if not item.rung.form_kind and item.rung.level == 0:
            current = newest.get(item.rung.pk)
            if current is None or item.due_on >= current.due_on:
                newest[item.rung.pk] = item
    out = []
    for item in due:
        if item.rung.form_kind or item.rung.level > 0:
            keep = item is document
        else:
            keep = newest[item.rung.pk] is item and not _moot(problem, item, today)
        out.append(item if keep else Due(item.rung, item.due_on, item.lapse, skipped=True))
    return out


def _moot(problem: Problem, item: Due, today: dt.date) -> bool:
    """A reminder that no longer asks for anything: "due in N days" when the deadline has already passed."""
    return item.rung.trigger == Trigger.BEFORE_DEADLINE and problem.deadline is not None and problem.deadline < today
