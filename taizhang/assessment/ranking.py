"""A ranking: a scheme version applied to a period, per unit group — the same plain rows for the page, the API,
the XLSX file and a published (定稿) ranking, which stores them as they stood."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext

from taizhang.accounts.models import Unit
from taizhang.assessment.indicators import DEDUCTIONS, INDICATORS, LOWER_IS_BETTER, measure
from taizhang.assessment.models import SchemeVersion
from taizhang.lib.scoring import Period, rank_group, score_unit


def compute(version: SchemeVersion, period: Period) -> dict[str, Any]:
    """{"scheme", "version", "period", "groups": [{"name", "empty", "units": [row …]}]}; a row is JSON-ready."""
    definition = version.definition
    kinds = [k for g in definition["groups"] for k in g["kinds"]]
    units = list(Unit.objects.filter(is_active=True, kind__in=kinds).order_by("sort_order", "id"))
    indicator_codes = [i["code"] for i in definition["indicators"]]
    deduction_codes = [d["code"] for d in definition["deductions"]]
    measured = measure([u.pk for u in units], period, indicator_codes, deduction_codes)
    groups = []
    for group in definition["groups"]:
        members = [u for u in units if u.kind in group["kinds"]]
        scores = [
            score_unit(
                u.pk,
                measured.values.get(u.pk, {}),
                measured.counts.get(u.pk, {}),
                definition,
                lower_is_better=LOWER_IS_BETTER,
            )
            for u in members
        ]
        by_id = {u.pk: u for u in members}
        ranked_scores = rank_group(scores, definition)
        rows = [_row(s, by_id[s.unit_id], measured.responses.get(s.unit_id, {})) for s in ranked_scores]
        ranked = sum(1 for r in rows if r["rank"] is not None)
        groups.append({"name": group["name"], "empty": _empty(members, rows), "units": rows, "ranked": ranked})
    return {
        "scheme": version.scheme.name,
        "scheme_id": version.scheme_id,
        "version": version.number,
        "period": {
            "key": period.key,
            "label": period.label,
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
        },
        "groups": groups,
    }


def _empty(members: list[Unit], rows: list[dict[str, Any]]) -> str:
    """The honest empty state of a group, or ''."""
    if not members:
        return gettext("该分组目前没有启用的单位。")
    if all(r["score"] is None for r in rows):
        return gettext("本期间该分组没有可计分的台账数据，不排名。")
    return ""


def _row(score: Any, unit: Unit, responses: Mapping[str, int]) -> dict[str, Any]:
    values = {
        code: {"numerator": r.numerator, "denominator": r.denominator, "value": r.value}
        for code, r in score.values.items()
    }
    return {
        "unit_id": unit.pk,
        "unit": unit.name,
        "values": values,
        "deductions": {
            code: {"count": score.counts.get(code, 0), "points": score.deductions.get(code, 0.0)}
            for code in score.counts
        },
        "base": score.base,
        "deducted": round(sum(score.deductions.values()), 2),
        "score": score.score,
        "rank": score.rank,
        "stars": score.stars,
        "flagged": score.flagged,
        "responses": {"public": responses.get("public", 0), "rater": responses.get("rater", 0)},
    }


def lists(result: Mapping[str, Any], definition: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """红榜 (the first star band of each group) and 黑榜 (each group's flagged tail)."""
    top = definition["star_bands"][0] if definition["star_bands"] else 0
    red, black = [], []
    for group in result["groups"]:
        for row in group["units"]:
            if row["rank"] is not None and top and row["rank"] <= top:
                red.append({"group": group["name"], **row})
            if row["flagged"]:
                black.append({"group": group["name"], **row})
    return {"red": red, "black": black}


def only_unit(result: dict[str, Any], unit_id: int | None) -> dict[str, Any]:
    """What a unit's own staff see: their own row and rank, and how many units were ranked with them."""
    groups = []
    for group in result["groups"]:
        own = [r for r in group["units"] if r["unit_id"] == unit_id]
        if own:
            groups.append({**group, "units": own})
    return {**result, "groups": groups}


def indicator_label(code: str) -> str:
    return str(INDICATORS[code].label) if code in INDICATORS else code


def deduction_label(code: str) -> str:
    return str(DEDUCTIONS[code].label) if code in DEDUCTIONS else code
