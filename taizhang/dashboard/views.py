from __future__ import annotations

import tempfile
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from taizhang.accounts.models import Unit
from taizhang.campaigns.models import Campaign
from taizhang.clock import now, today
from taizhang.dashboard.export import scope_line, write_charts_xlsx
from taizhang.dashboard.figures import Scope, compute, parse_scope
from taizhang.dashboard.tables import Chart, charts
from taizhang.errors import ActionError
from taizhang.supervision import instructions
from taizhang.supervision.forms import InstructionForm, InstructionReplyForm
from taizhang.web.http import AuthedHttpRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _choices(request: AuthedHttpRequest) -> dict[str, Any]:
    user = request.user
    units = Unit.objects.filter(is_active=True) if user.is_bureau_wide() else Unit.objects.filter(id=user.unit_id or 0)
    return {"campaigns": Campaign.objects.all(), "units": units, "params": request.GET}


@login_required
def dashboard(request: AuthedHttpRequest) -> HttpResponse:
    """驾驶舱: every figure over the problems the viewer's ledger shows; a refused parameter is said in Chinese."""
    try:
        scope = parse_scope(request.user, request.GET)
    except (ActionError, Http404) as exc:
        status = exc.status_code if isinstance(exc, ActionError) else 404
        message = exc.message if isinstance(exc, ActionError) else str(exc)
        return render(request, "dashboard/dashboard.html", {**_choices(request), "error": message}, status=status)
    figures = compute(scope)
    chart_list = charts(figures, scope)
    context = {
        **_choices(request),
        "scope": scope,
        "scope_line": scope_line(scope),
        "figures": figures,
        "charts": chart_list,
        "charts_json": [c.as_json() for c in chart_list],
        "query": request.GET.urlencode(),
        **_instructions(request, scope, figures, chart_list),
    }
    return render(request, "dashboard/dashboard.html", context)


def _instructions(
    request: AuthedHttpRequest, scope: Scope, figures: dict[str, Any], chart_list: list[Chart]
) -> dict[str, Any]:
    """领导批示 on the dashboard: for a leader, a 批示 link on each unit of the overdue table; on one unit's view
    (a chosen unit, or a unit's own), that unit's unit-level 批示 — with the form for a leader, the reply for the
    unit."""
    user = request.user
    if user.role in instructions.INSTRUCTORS:
        heat = next((c for c in chart_list if c.key == "overdue_by_unit"), None)
        back = urlencode({"next": request.get_full_path()})
        for row, entry in zip(heat.rows if heat else [], figures["overdue_by_unit"], strict=True):
            if entry["unit"]["id"]:  # the form says so if the unit is one no 批示 can go to (no extra query here)
                row.instruct = reverse("supervision_unit_instruction", args=[entry["unit"]["id"]]) + "?" + back
    unit = scope.unit or (user.unit if user.is_unit_role() else None)
    if unit is None:
        return {}
    given = [
        (i, InstructionReplyForm(prefix=f"instruction_reply_{i.pk}") if instructions.can_reply(user, i) else None)
        for i in instructions.unit_instructions(user, unit)[:10]
    ]
    return {
        "instruction_unit": unit,
        "unit_instructions": given,
        "can_instruct_unit": instructions.can_instruct_unit(user, unit),
        "instruction_form": InstructionForm(prefix="instruction"),
        "instruction_next": request.get_full_path(),
        "today": today(),
    }


@login_required
def dashboard_xlsx(request: AuthedHttpRequest) -> HttpResponseBase:
    """One chart's table (?chart=by_status) or every table, one sheet each (?chart=all), as XLSX."""
    try:
        scope: Scope = parse_scope(request.user, request.GET)
    except ActionError as exc:
        return HttpResponse(exc.message, status=exc.status_code, content_type="text/plain; charset=utf-8")
    except Http404 as exc:
        return HttpResponse(str(exc), status=404, content_type="text/plain; charset=utf-8")
    chart_list = charts(compute(scope), scope)
    key = request.GET.get("chart") or "all"
    chosen = chart_list if key == "all" else [c for c in chart_list if c.key == key]
    if not chosen:
        message = gettext("没有这个图表：%(key)s") % {"key": key[:40]}
        return HttpResponse(message, status=404, content_type="text/plain; charset=utf-8")
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    write_charts_xlsx(chosen, scope, out)
    out.seek(0)
    title = gettext("驾驶舱") if key == "all" else chosen[0].title
    filename = f"{title}_{timezone.localtime(now()):%Y%m%d%H%M}.xlsx"
    response = FileResponse(out, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=\"dashboard.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response
