"""The dashboard's figures (驾驶舱), computed from the ledger's own rows over exactly the problems the same user's
ledger list shows for the same campaign, unit and 立项 period — every count asks the vocabulary (`Term`).

Opinions are counted by the day they were received in the period; a unit (or a bureau-wide viewer who chose a
unit) sees only the opinions behind its problems. The untriaged inbox (待梳理) is the bureau's and is shown to
bureau-wide viewers only, as it stands now (the period does not apply to what is still waiting).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from taizhang.accounts.models import Unit
from taizhang.campaigns.models import Campaign
from taizhang.clock import today
from taizhang.dashboard import rollups
from taizhang.errors import ActionError, NotAllowed
from taizhang.followup.models import CONTENT, Rating
from taizhang.intake.models import Channel, Opinion, OpinionLink, OpinionStatus
from taizhang.problems.filters import ledger_queryset
from taizhang.problems.models import (
    ACTIVE_STATUSES,
    CategoryGroup,
    LocalDate,
    Problem,
    RectificationKind,
    Status,
    Term,
)
from taizhang.supervision.config import get_config
from taizhang.supervision.timelimits import light_counts, with_warn_until

if TYPE_CHECKING:
    from collections.abc import Mapping

    from taizhang.accounts.models import User

# Days overdue (calendar days past the deadline) for the heat map; the last bucket is open-ended.
OVERDUE_BUCKETS: list[tuple[str, int, int | None]] = [
    ("d1_7", 1, 7),
    ("d8_30", 8, 30),
    ("d31_90", 31, 90),
    ("d91", 91, None),
]
# Age of an untriaged opinion in calendar days since it was received (0 = today).
AGE_BUCKETS: list[tuple[str, int, int | None]] = [
    ("d0_1", 0, 1),
    ("d2_3", 2, 3),
    ("d4_7", 4, 7),
    ("d8_14", 8, 14),
    ("d15", 15, None),
]
# A period up to this long is drawn week by week, a longer one month by month.
WEEKLY_UP_TO_DAYS = 120
NO_KIND = "none"  # the ledger's kind filter for a problem not assigned yet
NOT_LINKED = "none"  # an opinion not (yet) behind any problem: untriaged or dismissed

# Each rate: (key, numerator term, denominator term); the terms are the ledger's `term` filter values.
RATES: list[tuple[str, str, str]] = [
    ("sign_on_time", "signed_on_time", "sign_due"),
    ("done_on_time", "done_on_time", "due"),
    ("closed", "closed", "all"),
    ("satisfied", "", ""),  # ratings, not problems: see `_satisfaction`
    ("returned", "returned", "assigned_ever"),
    ("reopened", "reopened", "ever_done"),
    ("self_found", "self_found", "all"),
    ("follow_up_verified", "follow_up_verified", "followed_up"),
]
COUNTED_TERMS = [
    "open", "closed", "done", "overdue", "due", "done_on_time", "ever_done", "reopened", "assigned_ever", "returned",
    "self_found", "sign_due", "signed_on_time", "followed_up", "follow_up_verified",
]  # fmt: skip


@dataclass(frozen=True)
class Scope:
    """Whose dashboard, over what: the user, the 立项 period (both ends inclusive, Beijing dates), campaign, unit."""

    user: User
    start: dt.date | None
    end: dt.date | None
    campaign: Campaign | None
    unit: Unit | None
    on: dt.date

    def ledger_params(self) -> dict[str, str]:
        """The ledger list's own parameters for exactly these problems (drill-downs add one more)."""
        params: dict[str, str] = {}
        if self.campaign is not None:
            params["campaign"] = str(self.campaign.pk)
        if self.unit is not None:
            params["unit"] = str(self.unit.pk)
        if self.start is not None:
            params["created_from"] = self.start.isoformat()
        if self.end is not None:
            params["created_to"] = self.end.isoformat()
        return params

    def ledger_query(self) -> str:
        return urlencode(self.ledger_params())


def _date(params: Mapping[str, str], name: str, label: str) -> dt.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        message = gettext("%(label)s须为日期，格式 YYYY-MM-DD（收到“%(value)s”）。") % {
            "label": label,
            "value": raw[:20],
        }
        raise ActionError(message, field_errors={name: [message]}) from None


def _pk(params: Mapping[str, str], name: str, label: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        message = gettext("%(label)s须为编号（整数）。") % {"label": label}
        raise ActionError(message, field_errors={name: [message]})
    return int(raw)


def parse_scope(user: User, params: Mapping[str, str]) -> Scope:
    """Check the page's and the API's parameters alike; refusals are Chinese and name the field."""
    start = _date(params, "start", gettext("开始日期"))
    end = _date(params, "end", gettext("结束日期"))
    if start and end and start > end:
        message = gettext("开始日期不能晚于结束日期。")
        raise ActionError(message, field_errors={"end": [message]})
    campaign = None
    if (campaign_id := _pk(params, "campaign", gettext("活动"))) is not None:
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None:
            raise Http404(gettext("活动不存在：%(id)s") % {"id": campaign_id})
    unit = None
    if (unit_id := _pk(params, "unit", gettext("单位"))) is not None:
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None:
            raise Http404(gettext("单位不存在：%(id)s") % {"id": unit_id})
        if not user.is_bureau_wide() and unit.pk != user.unit_id:
            raise NotAllowed(gettext("无权查看其他单位的统计，只能查看本单位（%(unit)s）。") % {"unit": user.unit})
    return Scope(user=user, start=start, end=end, campaign=campaign, unit=unit, on=today())


def scoped_problems(scope: Scope) -> QuerySet[Problem]:
    """The problems of the user's ledger list for this scope (the same function, the same parameters)."""
    form, qs = ledger_queryset(scope.user, scope.ledger_params())
    assert form.is_valid(), form.errors  # parse_scope checked every parameter the form reads
    return qs.select_related(None).order_by()


def uses_rollups(scope: Scope) -> bool:
    """The whole body (a bureau-wide viewer, no unit chosen) is read from the rollups; a unit's few hundred
    problems are counted from its rows."""
    return settings.TAIZHANG_DASHBOARD_ROLLUPS and scope.user.is_bureau_wide() and scope.unit is None


def compute(scope: Scope, *, rollups: bool | None = None) -> dict[str, Any]:
    """Every figure of the dashboard. `rollups` forces one way or the other (tests compare both)."""
    if rollups if rollups is not None else uses_rollups(scope):
        return _compute_rolled(scope)
    problems = scoped_problems(scope)
    counts = _problem_counts(problems, scope.on)
    lights = light_counts(problems, scope.on)
    # A unit's view (or a chosen unit) counts only the opinions behind its problems, whenever they were 立项.
    whole = scope.user.is_bureau_wide() and scope.unit is None
    theirs = None if whole else scoped_problems(Scope(scope.user, None, None, scope.campaign, scope.unit, scope.on))
    opinions = _opinions(scope, theirs)
    return _assemble(
        scope,
        counts,
        lights,
        _opinion_counts(opinions, theirs),
        _overdue_by_unit(problems, scope.on),
        _trend(problems, opinions, scope),
        _satisfaction(problems),
    )


def _assemble(
    scope: Scope,
    counts: dict[str, int],
    lights: dict[str, int],
    opinions: dict[str, Any],
    overdue_by_unit: list[dict[str, Any]],
    trend: dict[str, Any],
    satisfaction: dict[str, int],
) -> dict[str, Any]:
    total = counts["total"]
    return {
        "as_of": scope.on,
        "period": {"start": scope.start, "end": scope.end},
        "campaign": {"id": scope.campaign.pk, "name": scope.campaign.name} if scope.campaign else None,
        "unit": {"id": scope.unit.pk, "name": scope.unit.name} if scope.unit else None,
        "problems": total,
        "by_status": {s.value: counts[f"status_{s.value}"] for s in Status},
        "by_light": {**lights, "none": total - sum(lights.values())},
        "by_kind": {**{k.value: counts[f"kind_{k.value}"] for k in RectificationKind}, NO_KIND: counts["kind_none"]},
        "by_category_group": {g.value: counts[f"group_{g.value}"] for g in CategoryGroup},
        "terms": {t: counts[t] for t in COUNTED_TERMS},
        "opinions": opinions,
        "overdue_by_unit": overdue_by_unit,
        "trend": trend,
        "untriaged": _untriaged(scope),
        "rates": _rates(counts, satisfaction),
    }


def _compute_rolled(scope: Scope) -> dict[str, Any]:
    """The same figures from the rollups (taizhang.dashboard.rollups): the day-independent counts summed over the
    period's days, the date-dependent ones evaluated over the kept 在办 cells for `scope.on`."""
    rollups.refresh()
    kept = rollups.Rollups(scope.campaign.pk if scope.campaign else None, scope.start, scope.end)
    days = kept.problem_days()
    summed = rollups.counts_of(counts for _day, counts in days)
    on = scope.on
    open_units = kept.open_by_unit(on, OVERDUE_BUCKETS)
    open_now = {key: sum(u[key] for u in open_units) for key in ("overdue", "in_time", "waiting_late")}
    overdue = open_now["overdue"]
    keys = ["total", *(f"status_{s.value}" for s in Status), *(f"kind_{k.value}" for k in RectificationKind)]
    keys += ["kind_none", *(f"group_{g.value}" for g in CategoryGroup), *rollups.DAY_TERMS]
    counts = {key: summed.get(key, 0) for key in keys}
    counts["overdue"] = overdue
    counts["due"] = summed.get("done_with_deadline", 0) + overdue
    counts["sign_due"] = summed.get("signed", 0) + open_now["waiting_late"]
    yellow = _yellow(scope)
    lights = {"red": overdue, "yellow": yellow, "green": open_now["in_time"] - yellow}
    by_channel: dict[str, int] = defaultdict(int)
    groups: dict[str, int] = defaultdict(int)
    unlinked = 0
    for row in kept.opinions_by_kind():
        by_channel[row["channel"]] += row["n"]
        unlinked += 0 if row["linked"] else row["n"]
        for group, bit in rollups.GROUP_BITS.items():
            groups[group] += row["n"] if row["groups"] & bit else 0
    opinions = {
        "total": sum(by_channel.values()),
        "by_channel": {c.value: by_channel.get(c.value, 0) for c in Channel},
        "by_category_group": {**{g: groups[g] for g in rollups.GROUP_BITS}, NOT_LINKED: unlinked},
    }
    created: dict[dt.date, int] = {day: c.get("total", 0) for day, c in days if c.get("total")}
    span = (min(created), max(created)) if created else None
    return _assemble(
        scope,
        counts,
        lights,
        opinions,
        _overdue_by_unit_kept(open_units),
        _trend_of(scope, span, created, dict(kept.done_by_day()), dict(kept.opinions_by_day())),
        {"rated": summed.get("rated", 0), "content": summed.get("content", 0)},
    )


def _yellow(scope: Scope) -> int:
    """黄灯 over the whole body, from the ledger: only deadlines between today and the widest warning window
    qualify, a few days of rows found by the deadline index (the window itself depends on each problem's rule)."""
    config = get_config()
    rules = [config.rule_for(None, ""), *config.rules.values()]
    widest = max(config.calendar.add_workdays(scope.on, rule.warn_workdays) for rule in rules)
    # lower(status): SQLite's planner would otherwise walk the status index over every 在办 problem
    near: QuerySet[Problem] = _in_period(
        Problem.objects.filter(deadline__gte=scope.on, deadline__lte=widest)
        .alias(status_text=Lower("status"))
        .filter(status_text__in=ACTIVE_STATUSES)
        .order_by(),
        "created_at",
        scope,
    )
    return with_warn_until(near, scope.on, config).filter(deadline__lte=F("warn_until")).count()


def _overdue_by_unit_kept(open_units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    per_unit = {
        row["lead_unit_id"]: {"total": row["overdue"], "buckets": {key: row[key] for key, _l, _h in OVERDUE_BUCKETS}}
        for row in open_units
        if row["overdue"]
    }
    # the database's own order of names, as the ledger's query orders them
    names = (
        Unit.objects.filter(pk__in=[u for u in per_unit if u is not None]).order_by("name").values_list("pk", "name")
    )
    rank: dict[int | None, tuple[int, str | None]] = {pk: (i, name) for i, (pk, name) in enumerate(names)}
    ordered = sorted(per_unit.items(), key=lambda kv: (-kv[1]["total"], rank.get(kv[0], (-1, None))[0]))
    return [
        {
            "unit": {"id": unit_id, "name": rank.get(unit_id, (-1, None))[1]},
            "total": row["total"],
            "buckets": row["buckets"],
        }
        for unit_id, row in ordered
    ]


def _problem_counts(problems: QuerySet[Problem], on: dt.date) -> dict[str, int]:
    """Every count over the scoped problems in one pass: by status, kind, category group and term."""
    terms = {
        "open": Term.open(),
        "closed": Term.closed(),
        "done": Term.done(),
        "overdue": Term.overdue(on),
        "due": Term.due(on),
        "done_on_time": Term.done_on_time(),
        "ever_done": Term.ever_done(),
        "reopened": Term.reopened(),
        "assigned_ever": Term.assigned_ever(),
        "returned": Term.returned(),
        "self_found": Term.self_found(),
        "sign_due": Term.sign_due(on),
        "signed_on_time": Term.signed_on_time(),
        "followed_up": Term.followed_up(),
        "follow_up_verified": Term.follow_up_verified(),
    }
    return problems.aggregate(**rollups.count_aggregates(terms))


def _satisfaction(problems: QuerySet[Problem]) -> dict[str, int]:
    """满意率 over every rating (all rounds) of the scoped problems."""
    return Rating.objects.filter(problem__in=problems.values("pk")).aggregate(
        rated=Count("id"), content=Count("id", filter=Q(satisfaction__in=CONTENT))
    )


RATE_LABELS = {
    "sign_on_time": (gettext_noop("签收及时率"), gettext_noop("签收及时"), gettext_noop("应签收")),
    "done_on_time": (gettext_noop("按期办结率"), gettext_noop("按期办结"), gettext_noop("应办结")),
    "closed": (gettext_noop("销号率"), gettext_noop("已销号"), gettext_noop("问题总数")),
    "satisfied": (gettext_noop("满意率"), gettext_noop("满意与基本满意"), gettext_noop("回访评价")),
    "returned": (gettext_noop("回退率"), gettext_noop("退单过"), gettext_noop("交办过")),
    "reopened": (gettext_noop("重办率"), gettext_noop("重办过"), gettext_noop("验收通过过")),
    "self_found": (gettext_noop("自查率"), gettext_noop("自查发现"), gettext_noop("问题总数")),
    "follow_up_verified": (gettext_noop("回访核实率"), gettext_noop("回访核实"), gettext_noop("经回访")),
}


def _rates(counts: dict[str, int], satisfaction: dict[str, int]) -> dict[str, dict[str, Any]]:
    values = {**counts, "all": counts["total"]}
    out: dict[str, dict[str, Any]] = {}
    for key, numerator_term, denominator_term in RATES:
        if key == "satisfied":
            numerator, denominator = satisfaction["content"], satisfaction["rated"]
        else:
            numerator, denominator = values[numerator_term], values[denominator_term]
        label, numerator_label, denominator_label = RATE_LABELS[key]
        out[key] = {
            "label": gettext(label),
            "numerator": numerator,
            "denominator": denominator,
            "rate": numerator / denominator if denominator else None,
            "numerator_label": gettext(numerator_label),
            "denominator_label": gettext(denominator_label),
            "numerator_term": numerator_term,
            "denominator_term": denominator_term,
        }
    return out


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _in_period(qs: QuerySet[Any], column: str, scope: Scope) -> QuerySet[Any]:
    """The scope's campaign, and `column` (a datetime) inside its period as Beijing dates — an index range."""
    if scope.campaign is not None:
        qs = qs.filter(campaign=scope.campaign)
    if scope.start is not None:
        qs = qs.filter(**{f"{column}__gte": _local_midnight(scope.start)})
    if scope.end is not None:
        qs = qs.filter(**{f"{column}__lt": _local_midnight(scope.end + dt.timedelta(days=1))})
    return qs


def _opinions(scope: Scope, theirs: QuerySet[Problem] | None) -> QuerySet[Opinion]:
    """Opinions received in the period; with `theirs`, only those behind these problems."""
    qs = _in_period(Opinion.objects.order_by(), "received_at", scope)
    if theirs is None:
        return qs
    return qs.filter(Exists(OpinionLink.objects.filter(opinion=OuterRef("pk"), problem__in=theirs.values("pk"))))


def _opinion_counts(opinions: QuerySet[Opinion], theirs: QuerySet[Problem] | None) -> dict[str, Any]:
    by_channel = dict(opinions.values_list("channel").annotate(n=Count("id")))
    links = OpinionLink.objects.filter(opinion__in=opinions.values("pk"))
    if theirs is not None:
        links = links.filter(problem__in=theirs.values("pk"))
    grouped = dict(
        links.values_list("problem__category__group").annotate(n=Count("opinion_id", distinct=True)).order_by()
    )
    unlinked = opinions.filter(~Exists(OpinionLink.objects.filter(opinion=OuterRef("pk")))).count()
    return {
        "total": sum(by_channel.values()),
        "by_channel": {c.value: by_channel.get(c.value, 0) for c in Channel},
        "by_category_group": {**{g.value: grouped.get(g.value, 0) for g in CategoryGroup}, NOT_LINKED: unlinked},
    }


def _overdue_by_unit(problems: QuerySet[Problem], on: dt.date) -> list[dict[str, Any]]:
    def days_between(low: int, high: int | None) -> Q:
        cond = Q(deadline__lte=on - dt.timedelta(days=low))
        return cond & Q(deadline__gte=on - dt.timedelta(days=high)) if high is not None else cond

    buckets = {key: Count("id", filter=days_between(low, high)) for key, low, high in OVERDUE_BUCKETS}
    rows = (
        problems.filter(Term.overdue(on))
        .values("lead_unit_id", "lead_unit__name")
        .annotate(total=Count("id"), **buckets)
        .order_by("-total", "lead_unit__name")
    )
    return [
        {
            "unit": {"id": r["lead_unit_id"], "name": r["lead_unit__name"]},
            "total": r["total"],
            "buckets": {key: dict(r)[key] for key, _low, _high in OVERDUE_BUCKETS},
        }
        for r in rows
    ]


def overdue_deadline_range(on: dt.date, low: int, high: int | None) -> tuple[dt.date | None, dt.date]:
    """The deadlines that are `low`..`high` days overdue on day `on` (for the ledger's deadline filter)."""
    return (on - dt.timedelta(days=high) if high is not None else None, on - dt.timedelta(days=low))


def _trend(problems: QuerySet[Problem], opinions: QuerySet[Opinion], scope: Scope) -> dict[str, Any]:
    """立项, 办结 (验收 passed) and opinions received per week or month over the period (or the data's span)."""
    span = None
    if scope.start is None:
        found = problems.aggregate(first=Min("created_at"), last=Max("created_at"))
        if found["first"] is not None:
            span = (timezone.localdate(found["first"]), timezone.localdate(found["last"]))

    def per_day(qs: QuerySet[Any], column: str) -> dict[dt.date, int]:
        """Counted by local day in the database (a few hundred rows come back)."""
        rows = qs.annotate(d=LocalDate(column)).values_list("d").annotate(n=Count("id")).order_by()
        return {day: n for day, n in rows if day is not None}

    return _trend_of(
        scope,
        span,
        per_day(problems, "created_at"),
        per_day(problems.filter(Term.done()), "closed_at"),
        per_day(opinions, "received_at"),
    )


def _trend_of(
    scope: Scope,
    span: tuple[dt.date, dt.date] | None,
    created_days: Mapping[dt.date, int],
    done_days: Mapping[dt.date, int],
    received_days: Mapping[dt.date, int],
) -> dict[str, Any]:
    """Week or month buckets over the period, or over the problems' 立项 span (`span`) when it has no start."""
    first, last = scope.start, scope.end or scope.on
    if first is None:
        if span is None:
            return {"grain": "week", "buckets": []}
        first = span[0]
        last = max(last, span[1])
    grain = "week" if (last - first).days <= WEEKLY_UP_TO_DAYS else "month"

    def bucket_of(day: dt.date) -> dt.date:
        return day - dt.timedelta(days=day.weekday()) if grain == "week" else day.replace(day=1)

    def per_bucket(days: Mapping[dt.date, int]) -> dict[dt.date, int]:
        out: dict[dt.date, int] = defaultdict(int)
        for day, n in days.items():
            out[bucket_of(day)] += n
        return out

    created = per_bucket(created_days)
    done = per_bucket(done_days)
    received = per_bucket(received_days)
    buckets = []
    for start, end in _bucket_bounds(first, last, grain):
        buckets.append(
            {
                "start": max(start, first),
                "end": min(end, last),
                "created": created.get(start, 0),
                "done": done.get(start, 0),
                "opinions": received.get(start, 0),
            }
        )
    return {"grain": grain, "buckets": buckets}


def _bucket_bounds(first: dt.date, last: dt.date, grain: str) -> list[tuple[dt.date, dt.date]]:
    out = []
    if grain == "week":
        start = first - dt.timedelta(days=first.weekday())
        while start <= last:
            out.append((start, start + dt.timedelta(days=6)))
            start += dt.timedelta(days=7)
        return out
    start = first.replace(day=1)
    while start <= last:
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        out.append((start, following - dt.timedelta(days=1)))
        start = following
    return out


def _untriaged(scope: Scope) -> dict[str, Any]:
    """待梳理 by age, as the inbox stands now (bureau-wide viewers only; a unit has no inbox)."""
    if not scope.user.is_bureau_wide():
        return {"visible": False, "total": 0, "oldest_received_at": None, "buckets": {}}
    qs = Opinion.objects.filter(status=OpinionStatus.UNTRIAGED).order_by()
    if scope.campaign is not None:
        qs = qs.filter(campaign=scope.campaign)

    def aged(low: int, high: int | None) -> Q:
        cond = Q(received_at__lt=_local_midnight(scope.on - dt.timedelta(days=low - 1)))
        return (
            cond & Q(received_at__gte=_local_midnight(scope.on - dt.timedelta(days=high))) if high is not None else cond
        )

    row = qs.aggregate(
        total=Count("id"),
        oldest=Min("received_at"),
        **{key: Count("id", filter=aged(low, high)) for key, low, high in AGE_BUCKETS},
    )
    return {
        "visible": True,
        "total": row["total"],
        "oldest_received_at": row["oldest"],
        "buckets": {key: row[key] for key, _low, _high in AGE_BUCKETS},
    }
