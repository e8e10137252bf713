"""The figures of a bulletin, workbook or review for one period, read from the ledger's own rows through the one
vocabulary (`problems.models.Term`, 满意率's `followup.CONTENT`) — never a typed total.

Two kinds of figure, and each document says which is which:
- flows in the period (from local midnight of its first day to local midnight after its last): opinions received,
  problems created (立项), problems closed (销号, closed_at in the period), 红灯督办 issued;
- standing on the day the report is generated (`as_of`), over the problems created up to the period's end: open,
  closed, overdue and the rates — the vocabulary's terms describe a problem as it stands now, and a report generated
  today tells today's standing rather than pretending to know last month's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from taizhang.assessment.indicators import Window, red_cards
from taizhang.assessment.models import Ranking
from taizhang.clock import today
from taizhang.errors import ActionError
from taizhang.followup.models import CONTENT, Rating
from taizhang.intake.models import Channel, Opinion, OpinionLink
from taizhang.lib.scoring import Period
from taizhang.problems.models import CategoryGroup, Problem, Term

NOT_TRIAGED = "none"  # an opinion behind no problem: not triaged yet, or not taken up (不予立项)
GROUP_LABELS = {
    CategoryGroup.FOUR_WINDS.value: "“四风”方面",
    CategoryGroup.PEOPLE_INTERESTS.value: "群众切身利益方面",
    CategoryGroup.LAST_MILE.value: "服务群众“最后一公里”方面",
    CategoryGroup.OTHER.value: "其他方面",
}

# Each rate: key, label, numerator term, denominator term, numerator label, denominator label.
RATES: list[tuple[str, str, str, str, str, str]] = [
    ("sign_on_time", "签收及时率", "signed_on_time", "sign_due", "签收及时", "应签收"),
    ("done_on_time", "按期办结率", "done_on_time", "due", "按期办结", "应办结"),
    ("closed", "销号率", "closed", "total", "已销号", "问题总数"),
    ("satisfied", "满意率", "content", "rated", "满意与基本满意", "回访评价"),
    ("returned", "回退率", "returned", "assigned_ever", "退单过", "交办过"),
    ("reopened", "重办率", "reopened", "ever_done", "重办过", "验收通过过"),
    ("self_found", "自查率", "self_found", "total", "自查发现", "问题总数"),
    ("follow_up_verified", "回访核实率", "follow_up_verified", "followed_up", "回访核实", "经回访"),
]
# The definition of each term, from the vocabulary's own docstrings (the workbook's 说明 sheet).
TERM_SOURCES = {
    "open": Term.open,
    "closed": Term.closed,
    "overdue": Term.overdue,
    "due": Term.due,
    "done_on_time": Term.done_on_time,
    "sign_due": Term.sign_due,
    "signed_on_time": Term.signed_on_time,
    "reopened": Term.reopened,
    "ever_done": Term.ever_done,
    "returned": Term.returned,
    "assigned_ever": Term.assigned_ever,
    "self_found": Term.self_found,
    "followed_up": Term.followed_up,
    "follow_up_verified": Term.follow_up_verified,
}


def term_definition(name: str) -> str:
    doc = TERM_SOURCES[name].__doc__ or ""
    return " ".join(doc.split())


MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def parse_report_period(text: str = "", *, start: str = "", end: str = "") -> Period:
    """A month ('2026-11') or two dates; refusals in Chinese. A period that has not begun is refused too."""
    text, start, end = (text or "").strip(), (start or "").strip(), (end or "").strip()
    if text:
        m = MONTH.fullmatch(text)
        if not m or not 1 <= int(m[2]) <= 12:
            raise ActionError(gettext("报表期间应写成年-月，如 2026-11（收到“%(v)s”）。") % {"v": text[:20]})
        year, month = int(m[1]), int(m[2])
        first = dt.date(year, month, 1)
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        period = Period(first, last, f"{year}-{month:02d}")
    elif start or end:
        if not (start and end):
            raise ActionError(gettext("请同时填写报表期间的开始日期和结束日期。"))
        try:
            first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError:
            raise ActionError(gettext("日期格式有误，应为 YYYY-MM-DD。")) from None
        if last < first:
            raise ActionError(gettext("报表期间的结束日期早于开始日期。"))
        period = Period(first, last, f"{first.isoformat()}~{last.isoformat()}")
    else:
        raise ActionError(gettext("请选择报表期间。"))
    if period.starts_on > today():
        raise ActionError(gettext("报表期间尚未开始（%(label)s），不能生成。") % {"label": period.label})
    return period


def last_complete_month(day: dt.date) -> Period:
    """The month before `day`'s: the period a monthly report generated on `day` is for."""
    previous = day.replace(day=1) - dt.timedelta(days=1)
    return parse_report_period(f"{previous.year}-{previous.month:02d}")


@dataclass(frozen=True)
class Span:
    period: Period
    start: dt.datetime
    end: dt.datetime  # exclusive
    as_of: dt.date

    @classmethod
    def of(cls, period: Period, as_of: dt.date | None = None) -> Span:
        window = Window.of(period)
        return cls(period, window.start, window.end, as_of or today())

    def within(self, column: str) -> Q:
        return Q(**{f"{column}__gte": self.start, f"{column}__lt": self.end})


def ratio(numerator: int, denominator: int) -> dict[str, Any]:
    return {
        "numerator": numerator,
        "denominator": denominator,
        "rate": numerator / denominator if denominator else None,
    }


def percent(value: dict[str, Any]) -> str:
    """'93.5%（145/155）', or an honest 暂无 where nothing was there to count."""
    if not value["denominator"]:
        return gettext("暂无（分母为0）")
    return f"{value['rate'] * 100:.1f}%（{value['numerator']}/{value['denominator']}）"


def scoped_problems(span: Span) -> QuerySet[Problem]:
    """The problems the standing figures are over: created (立项) up to the end of the period."""
    return Problem.objects.filter(created_at__lt=span.end).order_by()


def _term_counts(problems: QuerySet[Problem], on: dt.date) -> dict[str, Any]:
    return {
        "total": Count("id"),
        "open": Count("id", filter=Term.open()),
        "closed": Count("id", filter=Term.closed()),
        "overdue": Count("id", filter=Term.overdue(on)),
        "due": Count("id", filter=Term.due(on)),
        "done_on_time": Count("id", filter=Term.done_on_time()),
        "sign_due": Count("id", filter=Term.sign_due(on)),
        "signed_on_time": Count("id", filter=Term.signed_on_time()),
        "reopened": Count("id", filter=Term.reopened()),
        "ever_done": Count("id", filter=Term.ever_done()),
        "returned": Count("id", filter=Term.returned()),
        "assigned_ever": Count("id", filter=Term.assigned_ever()),
        "self_found": Count("id", filter=Term.self_found()),
        "followed_up": Count("id", filter=Term.followed_up()),
        "follow_up_verified": Count("id", filter=Term.follow_up_verified()),
    }


def _rates(counts: dict[str, int]) -> dict[str, dict[str, Any]]:
    out = {}
    for key, label, num, den, num_label, den_label in RATES:
        out[key] = {
            "label": label,
            "numerator_label": num_label,
            "denominator_label": den_label,
            **ratio(counts[num], counts[den]),
        }
    return out


def opinion_figures(span: Span) -> dict[str, Any]:
    """Opinions received in the period, by channel and by category group. An opinion counts once, under the group
    of the first problem it was linked to; one behind no problem counts as 未立项."""
    opinions = Opinion.objects.filter(span.within("received_at")).order_by()
    first_group = OpinionLink.objects.filter(opinion=OuterRef("pk")).order_by("id").values("problem__category__group")
    grouped = dict(
        opinions.annotate(group=Subquery(first_group[:1])).values_list("group").annotate(n=Count("id")).order_by()
    )
    by_channel = dict(opinions.values_list("channel").annotate(n=Count("id")).order_by())
    by_group = {g.value: grouped.get(g.value, 0) for g in CategoryGroup}
    by_group[NOT_TRIAGED] = grouped.get(None, 0)
    return {
        "total": sum(by_channel.values()),
        "by_group": by_group,
        "by_channel": {c.value: by_channel.get(c.value, 0) for c in Channel if by_channel.get(c.value)},
    }


def compute(period: Period, as_of: dt.date | None = None) -> dict[str, Any]:
    """Every figure the documents print, JSON-ready (it is archived with the file)."""
    span = Span.of(period, as_of)
    problems = scoped_problems(span)
    counts = problems.aggregate(**_term_counts(problems, span.as_of))
    counts |= Rating.objects.filter(problem__in=problems.values("pk")).aggregate(
        rated=Count("id"), content=Count("id", filter=Q(satisfaction__in=CONTENT))
    )
    flows = Problem.objects.order_by().aggregate(
        created=Count("id", filter=span.within("created_at")),
        closed=Count("id", filter=Term.closed() & span.within("closed_at")),
        done=Count("id", filter=Term.done() & span.within("closed_at")),
    )
    units = unit_rows(problems, span)
    return {
        "period": {
            "key": period.key,
            "label": period.label,
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
        },
        "as_of": span.as_of.isoformat(),
        "opinions": opinion_figures(span),
        "flows": flows,
        "standing": counts,
        "rates": _rates(counts),
        "units": units,
        "ranking": published_ranking(period),
        "overdue": problem_list(problems.filter(Term.overdue(span.as_of)), span.as_of),
        "reopened": problem_list(problems.filter(Term.reopened()), span.as_of),
        "red_cards": sum(u["red_cards"] for u in units),
    }


def unit_rows(problems: QuerySet[Problem], span: Span) -> list[dict[str, Any]]:
    """Each lead unit's standing (units with no problem are left out; a problem not assigned has no unit)."""
    query: Any = problems.filter(lead_unit__isnull=False)  # the stubs cannot see the annotated keys
    rows: list[dict[str, Any]] = list(
        query.values("lead_unit_id", "lead_unit__name", "lead_unit__sort_order")
        .annotate(**_term_counts(problems, span.as_of))
        .order_by("lead_unit__sort_order", "lead_unit_id")
    )
    unit_ids = [r["lead_unit_id"] for r in rows]
    cards = red_cards(unit_ids, Window.of(span.period)) if unit_ids else {}
    out = []
    for r in rows:
        out.append(
            {
                "unit_id": r["lead_unit_id"],
                "unit": r["lead_unit__name"],
                **{k: r[k] for k in ("total", "open", "closed", "overdue", "reopened", "due", "done_on_time")},
                "sign_due": r["sign_due"],
                "signed_on_time": r["signed_on_time"],
                "red_cards": cards.get(r["lead_unit_id"], 0),
                "done_on_time_rate": ratio(r["done_on_time"], r["due"]),
                "closed_rate": ratio(r["closed"], r["total"]),
                "sign_on_time_rate": ratio(r["signed_on_time"], r["sign_due"]),
            }
        )
    return out


def problem_list(problems: QuerySet[Problem], on: dt.date) -> list[dict[str, Any]]:
    rows = problems.values("number", "title", "lead_unit__name", "deadline", "reopen_count").order_by(
        "lead_unit__sort_order", "lead_unit_id", "deadline", "number"
    )
    return [
        {
            "number": r["number"],
            "title": r["title"],
            "unit": r["lead_unit__name"] or "（未交办）",
            "deadline": r["deadline"].isoformat() if r["deadline"] else "",
            "days_overdue": (on - r["deadline"]).days if r["deadline"] and r["deadline"] < on else 0,
            "reopen_count": r["reopen_count"],
        }
        for r in rows
    ]


def published_ranking(period: Period) -> dict[str, Any] | None:
    """The newest ranking published (定稿) for exactly this period, as it was frozen, or None."""
    ranking = (
        Ranking.objects.filter(starts_on=period.starts_on, ends_on=period.ends_on)
        .select_related("version__scheme")
        .order_by("-published_at", "-id")
        .first()
    )
    if ranking is None:
        return None
    return {
        "id": ranking.pk,
        "scheme": ranking.version.scheme.name,
        "version": ranking.version.number,
        "published_at": timezone.localtime(ranking.published_at).date().isoformat(),
        "groups": ranking.rows.get("groups", []),
    }
