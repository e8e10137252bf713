"""Time limits by rule and the status light (绿灯 / 黄灯 / 红灯), both counted in working days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, DateField, F, Q, QuerySet, Value, When
from django.utils.translation import gettext, ngettext

from taizhang.clock import today
from taizhang.problems.models import ACTIVE_STATUSES, Problem, Term
from taizhang.supervision.config import SupervisionConfig, get_config
from taizhang.supervision.models import TimeLimitRule


def default_deadline(
    category_id: int | None, kind: str, start: dt.date, config: SupervisionConfig | None = None
) -> dt.date:
    """整改时限 by rule: N working days after the day of assignment."""
    config = config or get_config()
    rule = config.rule_for(category_id, kind)
    return config.calendar.add_workdays(start, rule.rectify_workdays)


def sign_due(category_id: int | None, kind: str, start: dt.date, config: SupervisionConfig | None = None) -> dt.date:
    config = config or get_config()
    return config.calendar.add_workdays(start, config.rule_for(category_id, kind).sign_workdays)


def plan_due(category_id: int | None, kind: str, start: dt.date, config: SupervisionConfig | None = None) -> dt.date:
    """整改方案报送时限: N working days (by rule) after the day the unit took the problem up (签收 or 重办)."""
    config = config or get_config()
    return config.calendar.add_workdays(start, config.rule_for(category_id, kind).plan_workdays)


@dataclass(frozen=True)
class Light:
    color: str  # green / yellow / red / none
    label: str
    overdue_workdays: int = 0
    workdays_left: int = 0

    @property
    def css(self) -> str:
        return f"light light-{self.color}"


NO_LIGHT = Light("none", "")


def light_for(problem: Problem, on: dt.date | None = None, config: SupervisionConfig | None = None) -> Light:
    """Red when the deadline has passed, yellow within the rule's warning days, green otherwise.
    Only 在办 problems (`Term.active`) with a deadline are lit; red is exactly `Term.overdue`."""
    if problem.deadline is None or problem.status not in LIT_STATUSES:
        return NO_LIGHT
    config = config or get_config()
    on = on or today()
    cal = config.calendar
    if problem.is_overdue(on):
        overdue = cal.workdays_between(problem.deadline, on)
        label = (
            ngettext("超期%(n)d个工作日", "超期%(n)d个工作日", overdue) % {"n": overdue}
            if overdue
            else gettext("已超期")
        )
        return Light("red", label, overdue_workdays=overdue)
    left = cal.workdays_between(on, problem.deadline)
    warn = config.rule_for(problem.category_id, problem.kind).warn_workdays
    if left <= warn:
        label = (
            gettext("今日到期")
            if left == 0
            else ngettext("%(n)d个工作日内到期", "%(n)d个工作日内到期", left) % {"n": left}
        )
        return Light("yellow", label, workdays_left=left)
    return Light("green", ngettext("剩余%(n)d个工作日", "剩余%(n)d个工作日", left) % {"n": left}, workdays_left=left)


LIT_STATUSES = ACTIVE_STATUSES


def with_warn_until(qs: QuerySet[Problem], on: dt.date, config: SupervisionConfig | None = None) -> QuerySet[Problem]:
    """Annotate `warn_until`: the last deadline that is yellow today under each problem's own rule (the most
    specific rule wins, as in `rule_for`), so lists and counts agree with `light_for` in one query."""
    config = config or get_config()
    cal = config.calendar

    def until(rule: TimeLimitRule) -> Value:
        return Value(cal.add_workdays(on, rule.warn_workdays), output_field=DateField())

    ranked = sorted(config.rules.items(), key=lambda kv: (kv[0][0] is None, kv[0][1] == ""))
    whens = []
    for (category_id, kind), rule in ranked:
        cond = Q()
        if category_id is not None:
            cond &= Q(category_id=category_id)
        if kind:
            cond &= Q(kind=kind)
        whens.append(When(cond, then=until(rule)) if cond else When(Q(pk__isnull=False), then=until(rule)))
    default = until(config.rule_for(None, ""))
    return qs.annotate(warn_until=Case(*whens, default=default, output_field=DateField()))


def filter_light(qs: QuerySet[Problem], color: str, on: dt.date | None = None) -> QuerySet[Problem]:
    on = on or today()
    if color == "red":
        return qs.filter(Term.overdue(on))
    lit = qs.filter(Term.active(), deadline__isnull=False)
    annotated = with_warn_until(lit.filter(deadline__gte=on), on)
    if color == "yellow":
        return annotated.filter(deadline__lte=F("warn_until"))
    return annotated.filter(deadline__gt=F("warn_until"))


def light_counts(qs: QuerySet[Problem], on: dt.date | None = None) -> dict[str, int]:
    on = on or today()
    lit = with_warn_until(qs.filter(Term.active(), deadline__isnull=False), on)
    return lit.aggregate(
        red=Count("id", filter=Term.overdue(on)),
        yellow=Count("id", filter=Q(deadline__gte=on, deadline__lte=F("warn_until"))),
        green=Count("id", filter=Q(deadline__gt=F("warn_until"))),
    )
