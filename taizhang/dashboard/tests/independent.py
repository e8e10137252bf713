"""The dashboard's figures computed again in plain Python from the raw rows (`.values()`), without the vocabulary's
querysets, the ledger's filter form or the dashboard's code: who sees what from the assignments, 签收 and 退单
from the audit trail, local dates with zoneinfo."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from taizhang.audit.models import AuditEvent
from taizhang.followup.models import Rating
from taizhang.intake.models import Opinion, OpinionLink
from taizhang.problems.models import Assignment, Problem
from taizhang.supervision.timelimits import light_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
ACTIVE = {"assigned", "rectifying", "verifying"}
DONE = {"follow_up", "closed"}


def local(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(SHANGHAI).date() if moment is not None else None


def visible_problem_rows(user: Any, *, campaign: int | None = None, unit: int | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [dict(r) for r in Problem.objects.values()]
    for row in rows:
        row["group"] = _groups()[row["category_id"]]
    if not user.is_bureau_wide():
        co: dict[int, set[int]] = defaultdict(set)
        for a in Assignment.co_units.through.objects.values(
            "assignment__problem_id", "assignment__is_current", "unit_id"
        ):
            if a["assignment__is_current"]:
                co[a["assignment__problem_id"]].add(a["unit_id"])
        rows = [r for r in rows if r["lead_unit_id"] == user.unit_id or user.unit_id in co[r["id"]]]
    if campaign is not None:
        rows = [r for r in rows if r["campaign_id"] == campaign]
    if unit is not None:
        rows = [r for r in rows if r["lead_unit_id"] == unit]
    return rows


def _groups() -> dict[int, str]:
    from taizhang.problems.models import Category

    return dict(Category.objects.values_list("id", "group"))


def expected(
    user: Any,
    on: dt.date,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    campaign: int | None = None,
    unit: int | None = None,
) -> dict[str, Any]:
    theirs = visible_problem_rows(user, campaign=campaign, unit=unit)
    rows = [
        r
        for r in theirs
        if (start is None or r["created_at"].astimezone(SHANGHAI).date() >= start)
        and (end is None or r["created_at"].astimezone(SHANGHAI).date() <= end)
    ]
    ids = {r["id"] for r in rows}
    events = list(AuditEvent.objects.filter(problem_id__in=ids).values("problem_id", "verb", "at"))
    signed_at: dict[int, dt.datetime] = {}
    returned: set[int] = set()
    for e in events:
        row = next(r for r in rows if r["id"] == e["problem_id"])
        if e["verb"] == "problem_signed" and row["assigned_at"] and e["at"] >= row["assigned_at"]:
            signed_at[row["id"]] = max(e["at"], signed_at.get(row["id"], e["at"]))
        if e["verb"] == "problem_returned":
            returned.add(row["id"])
    ratings = list(Rating.objects.filter(problem_id__in=ids).values("problem_id", "round", "satisfaction"))

    def overdue(r: dict[str, Any]) -> bool:
        return r["status"] in ACTIVE and r["deadline"] is not None and r["deadline"] < on

    def done_on_time(r: dict[str, Any]) -> bool:
        return r["status"] in DONE and r["deadline"] is not None and local(r["closed_at"]) <= r["deadline"]

    def signed_on_time(r: dict[str, Any]) -> bool:
        signed = signed_at.get(r["id"])
        return signed is not None and r["sign_due_on"] is not None and local(signed) <= r["sign_due_on"]

    def verified(r: dict[str, Any]) -> bool:
        return any(x["problem_id"] == r["id"] and x["round"] == r["reopen_count"] for x in ratings)

    followed_up = [r for r in rows if r["status"] in DONE and r["follow_up_due_on"] is not None]
    due = [r for r in rows if (r["status"] in DONE and r["deadline"] is not None) or overdue(r)]
    sign_due = [r for r in rows if r["id"] in signed_at or (r["status"] == "assigned" and r["sign_due_on"] < on)]
    ever_done = [r for r in rows if r["status"] in DONE or r["reopen_count"] > 0]
    content = sum(1 for x in ratings if x["satisfaction"] in ("satisfied", "basic"))

    def rate(numerator: int, denominator: int) -> tuple[int, int, float | None]:
        return numerator, denominator, (numerator / denominator if denominator else None)

    problems = {r["id"]: r for r in rows}
    out: dict[str, Any] = {
        "problems": len(rows),
        "by_status": Counter(r["status"] for r in rows),
        "by_kind": Counter(r["kind"] or "none" for r in rows),
        "by_category_group": Counter(r["group"] for r in rows),
        "by_light": Counter(light_for(Problem.objects.get(pk=pk), on).color for pk in problems),
        "rates": {
            "sign_on_time": rate(sum(signed_on_time(r) for r in rows), len(sign_due)),
            "done_on_time": rate(sum(done_on_time(r) for r in rows), len(due)),
            "closed": rate(sum(r["status"] == "closed" for r in rows), len(rows)),
            "satisfied": rate(content, len(ratings)),
            "returned": rate(len(returned), sum(r["assigned_at"] is not None for r in rows)),
            "reopened": rate(sum(r["reopen_count"] > 0 for r in rows), len(ever_done)),
            "self_found": rate(sum(r["source"] == "self_found" for r in rows), len(rows)),
            "follow_up_verified": rate(sum(verified(r) for r in followed_up), len(followed_up)),
        },
        "overdue_by_unit": _overdue_by_unit([r for r in rows if overdue(r)], on),
        "trend": _trend(rows, on),
    }
    out["opinions"] = _opinions(user, theirs, start=start, end=end, campaign=campaign, restricted=unit is not None)
    out["trend"]["opinions"] = Counter(_monday(local(o["received_at"])) for o in out["opinions"].pop("rows"))
    out["untriaged"] = _untriaged(user, on, campaign)
    return out


def _overdue_by_unit(rows: list[dict[str, Any]], on: dt.date) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"d1_7": 0, "d8_30": 0, "d31_90": 0, "d91": 0, "total": 0})
    for r in rows:
        days = (on - r["deadline"]).days
        key = "d1_7" if days <= 7 else "d8_30" if days <= 30 else "d31_90" if days <= 90 else "d91"
        out[r["lead_unit_id"]][key] += 1
        out[r["lead_unit_id"]]["total"] += 1
    return dict(out)


def _monday(day: dt.date | None) -> dt.date:
    assert day is not None
    return day - dt.timedelta(days=day.weekday())


def _trend(rows: list[dict[str, Any]], on: dt.date) -> dict[str, Counter[dt.date]]:
    return {
        "created": Counter(_monday(local(r["created_at"])) for r in rows),
        "done": Counter(_monday(local(r["closed_at"])) for r in rows if r["status"] in DONE),
    }


def _opinions(
    user: Any,
    theirs: list[dict[str, Any]],
    *,
    start: dt.date | None,
    end: dt.date | None,
    campaign: int | None,
    restricted: bool,
) -> dict[str, Any]:
    opinions = [
        o
        for o in Opinion.objects.values("id", "channel", "received_at", "campaign_id")
        if (campaign is None or o["campaign_id"] == campaign)
        and (start is None or o["received_at"].astimezone(SHANGHAI).date() >= start)
        and (end is None or o["received_at"].astimezone(SHANGHAI).date() <= end)
    ]
    links = list(OpinionLink.objects.values("opinion_id", "problem_id", "problem__category__group"))
    their_ids = {r["id"] for r in theirs}
    whole = user.is_bureau_wide() and not restricted
    if not whole:
        behind = {link["opinion_id"] for link in links if link["problem_id"] in their_ids}
        opinions = [o for o in opinions if o["id"] in behind]
        links = [link for link in links if link["problem_id"] in their_ids]
    chosen = {o["id"] for o in opinions}
    by_group: Counter[str] = Counter()
    for group in {link["problem__category__group"] for link in links}:
        by_group[group] = len({x["opinion_id"] for x in links if x["problem__category__group"] == group} & chosen)
    linked_ever = {link["opinion_id"] for link in OpinionLink.objects.values("opinion_id")}
    by_group["none"] = sum(1 for o in opinions if o["id"] not in linked_ever)
    return {
        "total": len(opinions),
        "by_channel": Counter(o["channel"] for o in opinions),
        "by_category_group": by_group,
        "rows": opinions,
    }


def _untriaged(user: Any, on: dt.date, campaign: int | None) -> dict[str, int] | None:
    if not user.is_bureau_wide():
        return None
    out = {"d0_1": 0, "d2_3": 0, "d4_7": 0, "d8_14": 0, "d15": 0}
    for o in Opinion.objects.filter(status="untriaged").values("received_at", "campaign_id"):
        if campaign is not None and o["campaign_id"] != campaign:
            continue
        age = (on - local(o["received_at"])).days  # type: ignore[operator]
        key = "d0_1" if age <= 1 else "d2_3" if age <= 3 else "d4_7" if age <= 7 else "d8_14" if age <= 14 else "d15"
        out[key] += 1
    return out
