"""GET /api/v1/assessment/schemes and /api/v1/assessment/rankings?scheme=&period=[&version=]: the same rows as the
ranking page, cut to what the caller may see."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Router, Schema

from taizhang.assessment.access import access_ranking_rows, scheme_version_for
from taizhang.assessment.models import Scheme, SchemeVersion
from taizhang.assessment.ranking import deduction_label, indicator_label, lists
from taizhang.errors import ActionError
from taizhang.lib.scoring import PeriodInvalid, parse_period

router = Router(tags=["考核"])


class SchemeOut(Schema):
    id: int
    name: str
    version: int
    period_kind: str
    indicators: list[dict[str, Any]]
    deductions: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    star_bands: list[int]
    bottom_flagged: int


@router.get("/schemes", response=list[SchemeOut], summary="考核方案（各方案现行版本）")
def schemes(request: HttpRequest) -> list[dict[str, Any]]:
    current = SchemeVersion.objects.filter(number=F("scheme__current_number")).select_related("scheme")
    out = []
    for version in current.order_by("scheme_id"):
        d = version.definition
        out.append(
            {
                "id": version.scheme_id,
                "name": version.scheme.name,
                "version": version.number,
                "period_kind": d["period_kind"],
                "indicators": [{**i, "label": indicator_label(i["code"])} for i in d["indicators"]],
                "deductions": [{**r, "label": deduction_label(r["code"])} for r in d["deductions"]],
                "groups": d["groups"],
                "star_bands": d["star_bands"],
                "bottom_flagged": d["bottom_flagged"],
            }
        )
    return out


@router.get("/rankings", summary="考核排名：各单位指标值、扣分、得分、名次、星级")
def rankings(request: HttpRequest, scheme: int, period: str = "", version: int | None = None) -> dict[str, Any]:
    found = get_object_or_404(Scheme, pk=scheme)
    chosen = scheme_version_for(found, version)
    try:
        parsed = parse_period(period)
    except PeriodInvalid as exc:
        raise ActionError(str(exc), field_errors={"period": [str(exc)]}) from None
    result = access_ranking_rows(request.user, chosen, parsed)  # type: ignore[arg-type]
    labels = {i["code"]: indicator_label(i["code"]) for i in chosen.definition["indicators"]}
    labels.update({d["code"]: deduction_label(d["code"]) for d in chosen.definition["deductions"]})
    if not any(g["units"] for g in result["groups"]):
        result = {**result, "notice": gettext("本期间没有可显示的排名。")}
    honours = {
        kind: [{k: row[k] for k in ("group", "unit_id", "unit", "rank", "score", "stars")} for row in rows]
        for kind, rows in lists(result, chosen.definition).items()
    }
    return {**result, "labels": labels, "lists": honours}
