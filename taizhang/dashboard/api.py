"""GET /api/v1/dashboard: every figure of the dashboard page, over the problems the caller's ledger shows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from taizhang.api_common import ERRORS, api_user
from taizhang.dashboard.figures import compute, parse_scope

router = Router(tags=["驾驶舱"])


class DashboardQuery(Schema):
    """Documented here for the OpenAPI page; parse_scope, shared with the page, does the checking."""

    start: str | None = Field(None, description="立项日期自（YYYY-MM-DD，北京时间，含当日）")
    end: str | None = Field(None, description="立项日期至（YYYY-MM-DD，含当日）")
    campaign: str | None = Field(None, description="活动 id")
    unit: str | None = Field(None, description="责任单位 id；单位用户只能是本单位")


@router.get(
    "",
    response={200: dict[str, Any], **ERRORS},
    summary="驾驶舱：按状态、灯色、类型、归类、渠道、单位、趋势的统计和各项比率（含分子分母）",
)
def dashboard(request: HttpRequest, filters: Query[DashboardQuery]) -> dict[str, Any]:
    """Each rate's numerator_term / denominator_term is the `term` of GET /api/v1/problems that lists the problems
    behind it ("all": no term; empty for 满意率, which counts ratings)."""
    return compute(parse_scope(api_user(request), request.GET))
