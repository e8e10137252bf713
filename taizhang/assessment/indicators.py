"""What the ledger says about each unit over a period: the indicators and deduction counts a scheme scores.

Every figure counts events inside the period (from local midnight of its first day to local midnight after its
last), read from the ledger's own rows — problems, 验收 decisions, 回访 ratings, the audit trail, 督办 records,
问责 records and 民主评议 answers — one grouped query per indicator, whatever the number of units.

The terms of the one vocabulary (problems.models.Term: 应办结, 按期办结, 应签收, 签收及时, 办结, 自查发现; 满意率's
followup.CONTENT) are used wherever they can be bounded to the period. They describe a problem's standing now,
so 重办率 and 回退率 — which must count only what happened inside the period, or a later 重办 would rewrite a
past ranking — are counted here from the dated events of the trail.
TODO(vocabulary): dated terms in problems.models.Term — "reopened between" and "returned between" (start, end) —
would let 重办率 and 回退率 move there too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from taizhang.assessment.models import GRADE_POINTS, AnswerVia, SurveyAnswer
from taizhang.audit.models import AuditEvent, Verb
from taizhang.clock import today
from taizhang.followup.models import CONTENT, Rating
from taizhang.lib.scoring import Period, Ratio
from taizhang.problems.models import UNASSIGNED_STATUSES, Assignment, ClosureApplication, ClosureDecision, Problem, Term
from taizhang.supervision.models import Accountability, ActionState, Sanction, SupervisionAction


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime  # exclusive
    period: Period

    @classmethod
    def of(cls, period: Period) -> Window:
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(period.starts_on, dt.time(0), tzinfo=zone)
        end = dt.datetime.combine(period.ends_on + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
        return cls(start, end, period)


Counts = dict[int, tuple[float, float]]  # unit id → (numerator, denominator)


def _ratios(rows: Iterable[Any], unit_key: str) -> Counts:
    return {int(r[unit_key]): (float(r["num"] or 0), float(r["den"] or 0)) for r in rows if r[unit_key] is not None}


def decided_by(w: Window) -> dt.date:
    """The day the terms are asked on: the day after the period, or today while the period runs."""
    return min(w.period.ends_on + dt.timedelta(days=1), today())


# Indicators over the problem table are written as (denominator, numerator) conditions on Problem: measure()
# counts them all in one scan of the units' problems (one COUNT … FILTER per figure), not one scan each.
Conditions = tuple[Q, Q]


def on_time_rate(w: Window) -> Conditions:
    """按期办结率: problems whose deadline falls in the period and whose being on time is decided (应办结, Term.due);
    those 按期办结 (Term.done_on_time)."""
    return Q(deadline__range=(w.period.starts_on, w.period.ends_on)) & Term.due(decided_by(w)), Term.done_on_time()


def sign_timely_rate(w: Window) -> Conditions:
    """签收及时率: problems whose 签收时限 falls in the period and that are 应签收 (Term.sign_due); those 签收及时
    (Term.signed_on_time)."""
    period = (w.period.starts_on, w.period.ends_on)
    return Q(sign_due_on__range=period) & Term.sign_due(decided_by(w)), Term.signed_on_time()


def closure_rate(w: Window) -> Conditions:
    """销号率: problems the unit held during the period (assigned before its end, not 销号 before its start); those
    办结 (Term.done) by a 销号 decision (closed_at) within it."""
    held = Q(assigned_at__lt=w.end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=w.start))
    return held & ~Q(status__in=UNASSIGNED_STATUSES), Term.done() & Q(closed_at__gte=w.start, closed_at__lt=w.end)


def reopen_rate(units: list[int], w: Window) -> Counts:
    """重办率 (lower is better): problems that passed 验收 in the period; those reopened (重办) within it. Read from
    the period's accepted 销号 decisions, and the period's reopenings as one uncorrelated subquery (a subquery per
    problem costs seconds at 100,000 on PostgreSQL); the units are kept in Python as for the 重办 deduction."""
    reopened = AuditEvent.objects.filter(verb=Verb.PROBLEM_REOPENED, at__gte=w.start, at__lt=w.end)
    rows = (
        ClosureApplication.objects.filter(
            decision=ClosureDecision.ACCEPTED, decided_at__gte=w.start, decided_at__lt=w.end
        )
        .values("problem__lead_unit")
        .annotate(
            den=Count("problem", distinct=True),
            num=Count("problem", distinct=True, filter=Q(problem__in=reopened.values("problem_id"))),
        )
    )
    wanted = set(units)
    return {u: r for u, r in _ratios(rows, "problem__lead_unit").items() if u in wanted}


def self_found_rate(w: Window) -> Conditions:
    """自查率: the unit's problems entered in the period; those it found itself (自查发现)."""
    return Q(created_at__gte=w.start, created_at__lt=w.end), Term.self_found()


def _on_problems(units: list[int], w: Window, codes: list[str]) -> dict[str, Counts]:
    aggregates = {}
    for code in codes:
        conditions = INDICATORS[code].on_problems
        assert conditions is not None
        den, num = conditions(w)
        aggregates[f"den_{code}"] = Count("id", filter=den)
        aggregates[f"num_{code}"] = Count("id", filter=den & num)
    rows = Problem.objects.filter(lead_unit__in=units).values("lead_unit").annotate(**aggregates)
    found: dict[str, Counts] = {code: {} for code in codes}
    for row in cast(Iterable[dict[str, Any]], rows):
        for code in codes:
            if row[f"den_{code}"]:
                found[code][row["lead_unit"]] = (float(row[f"num_{code}"]), float(row[f"den_{code}"]))
    return found


def satisfaction_rate(units: list[int], w: Window) -> Counts:
    """满意率: 回访 ratings given in the period on the unit's problems; 满意 and 基本满意 among them."""
    rows = (
        Rating.objects.filter(problem__lead_unit__in=units, created_at__gte=w.start, created_at__lt=w.end)
        .values("problem__lead_unit")
        .annotate(
            den=Count("id"),
            num=Count("id", filter=Q(satisfaction__in=CONTENT)),
        )
    )
    return _ratios(rows, "problem__lead_unit")


def return_rate(units: list[int], w: Window) -> Counts:
    """回退率 (lower is better): 交办 to the unit in the period; those it sent back (退单) within the period."""
    returned = AuditEvent.objects.filter(
        problem=OuterRef("problem_id"),
        verb=Verb.PROBLEM_RETURNED,
        actor__unit=OuterRef("lead_unit_id"),
        at__gte=OuterRef("assigned_at"),
        at__lt=w.end,
    )
    rows = (
        Assignment.objects.filter(lead_unit__in=units, assigned_at__gte=w.start, assigned_at__lt=w.end)
        .values("lead_unit")
        .annotate(den=Count("id"), num=Count("id", filter=Q(Exists(returned))))
    )
    return _ratios(rows, "lead_unit")


def _answers(units: list[int], w: Window) -> QuerySet[SurveyAnswer]:
    return SurveyAnswer.objects.filter(unit__in=units, created_at__gte=w.start, created_at__lt=w.end)


def appraisal(units: list[int], w: Window) -> Counts:
    """民主评议: the mean of the period's answers (满意 100, 比较满意 80, 基本满意 60, 不满意 0), as a share of 100."""
    points = Case(
        *[When(grade=grade, then=Value(value)) for grade, value in GRADE_POINTS.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = _answers(units, w).values("unit").annotate(den=Count("id"), num=Sum(points))
    return {unit: (num / 100, den) for unit, (num, den) in _ratios(rows, "unit").items()}


@dataclass(frozen=True)
class Indicator:
    label: Promise
    measure: Callable[[list[int], Window], Counts] | None = None  # its own query …
    on_problems: Callable[[Window], Conditions] | None = None  # … or conditions counted in the problem scan
    lower_is_better: bool = False
    percent: bool = True  # shown as a rate; 民主评议 is shown as a score out of 100


INDICATORS: dict[str, Indicator] = {
    "on_time_rate": Indicator(_("按期办结率"), on_problems=on_time_rate),
    "sign_timely_rate": Indicator(_("签收及时率"), on_problems=sign_timely_rate),
    "closure_rate": Indicator(_("销号率"), on_problems=closure_rate),
    "satisfaction_rate": Indicator(_("满意率"), satisfaction_rate),
    "reopen_rate": Indicator(_("重办率"), reopen_rate, lower_is_better=True),
    "return_rate": Indicator(_("回退率"), return_rate, lower_is_better=True),
    "self_found_rate": Indicator(_("自查率"), on_problems=self_found_rate),
    "appraisal": Indicator(_("民主评议"), appraisal, percent=False),
}
LOWER_IS_BETTER = frozenset(code for code, ind in INDICATORS.items() if ind.lower_is_better)


def red_cards(units: list[int], w: Window) -> dict[int, int]:
    """红灯督办: red rungs (督办单, 通报批评单, 组织调整建议单, 整改通知单) issued to the unit in the period."""
    rows = (
        SupervisionAction.objects.filter(
            unit__in=units, rung__is_red=True, state=ActionState.ISSUED, fired_at__gte=w.start, fired_at__lt=w.end
        )
        .values("unit")
        .annotate(n=Count("id"))
    )
    return {r["unit"]: r["n"] for r in rows}


def reopened(units: list[int], w: Window) -> dict[int, int]:
    """重办: reopenings (重办) of the unit's problems in the period."""
    # The period's reopenings by the trail's time index, then kept for the units asked: asking the database for
    # "lead unit in …" instead makes it probe the trail once per problem (ten times slower at 100,000).
    rows = (
        AuditEvent.objects.filter(verb=Verb.PROBLEM_REOPENED, at__gte=w.start, at__lt=w.end)
        .values("problem__lead_unit")
        .annotate(n=Count("id"))
    )
    wanted = set(units)
    return {r["problem__lead_unit"]: r["n"] for r in rows if r["problem__lead_unit"] in wanted}


def criticisms(units: list[int], w: Window) -> dict[int, int]:
    """通报批评: 问责 decisions of 通报批评 on the unit (the main record, not its 捆绑 copies) dated in the period."""
    rows = (
        Accountability.objects.filter(
            unit__in=units,
            sanction=Sanction.PUBLIC_CRITICISM,
            bundled_with__isnull=True,
            decided_on__range=(w.period.starts_on, w.period.ends_on),
        )
        .values("unit")
        .annotate(n=Count("id"))
    )
    return {r["unit"]: r["n"] for r in rows}


@dataclass(frozen=True)
class Deduction:
    label: Promise
    count: Callable[[list[int], Window], dict[int, int]]
    short: Promise  # in a table cell: 红灯2次 −4


DEDUCTIONS: dict[str, Deduction] = {
    "red_card": Deduction(_("红灯督办（每件）"), red_cards, _("红灯")),
    "reopened": Deduction(_("重办（每次）"), reopened, _("重办")),
    "criticism": Deduction(_("通报批评（每次）"), criticisms, _("通报")),
}


@dataclass
class Measured:
    values: dict[int, dict[str, Ratio]] = field(default_factory=lambda: defaultdict(dict))
    counts: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    responses: dict[int, dict[str, int]] = field(default_factory=dict)


def measure(units: list[int], period: Period, indicators: Iterable[str], deductions: Iterable[str]) -> Measured:
    """Every figure the scheme asks for, for every unit, over the period: one scan of the problems for the
    indicators over them, one query for each other indicator and each deduction, and one for the 民主评议 response
    counts that are shown beside every score."""
    window = Window.of(period)
    result = Measured()
    if not units:
        return result
    codes = list(indicators)
    found = _on_problems(units, window, [c for c in codes if INDICATORS[c].on_problems])
    for code in codes:
        own = INDICATORS[code].measure
        for unit, (num, den) in (own(units, window) if own else found[code]).items():
            result.values[unit][code] = Ratio(num, den)
    for code in deductions:
        for unit, n in DEDUCTIONS[code].count(units, window).items():
            result.counts[unit][code] = n
    rows = (
        _answers(units, window)
        .values("unit")
        .annotate(public=Count("id", filter=Q(via=AnswerVia.PUBLIC)), rater=Count("id", filter=Q(via=AnswerVia.RATER)))
    )
    result.responses = {r["unit"]: {"public": r["public"], "rater": r["rater"]} for r in rows}
    return result
