"""/reports/: the archive of generated 通报 and reports, downloads, and "generate now" (POST, confirmed, audited)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from taizhang.clock import today
from taizhang.errors import ActionError
from taizhang.lib.scoring import Period
from taizhang.reports.access import access_report, can_generate, reports_visible_to, require_reader
from taizhang.reports.actions import do_generate_report
from taizhang.reports.figures import last_complete_month, parse_report_period
from taizhang.reports.models import GeneratedReport, ReportKind
from taizhang.web.http import AuthedHttpRequest


def _context(request: AuthedHttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "reports": reports_visible_to(request.user).order_by("-period_key", "kind", "-version")[:200],
        "can_generate": can_generate(request.user),
        "kinds": ReportKind.choices,
        "default_period": last_complete_month(today()).key,
        **extra,
    }


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    require_reader(request.user)
    return render(request, "reports/index.html", _context(request))


def _chosen(request: AuthedHttpRequest) -> tuple[Period, list[str]]:
    period = parse_report_period(request.POST.get("period", ""))
    kinds = [k for k in request.POST.getlist("kind") if k in ReportKind.values]
    if not kinds:
        raise ActionError(gettext("请至少选择一种报表。"))
    return period, kinds


@login_required
@require_POST
def generate(request: AuthedHttpRequest) -> HttpResponse:
    """First POST: a confirmation page saying which versions will be added; the second (confirm=1) generates."""
    require_reader(request.user)
    if not can_generate(request.user):
        raise PermissionDenied(gettext("只有牵头部门或系统管理员可以生成通报和报表。"))
    try:
        period, kinds = _chosen(request)
    except ActionError as exc:
        return render(request, "reports/index.html", _context(request, error=exc.message), status=exc.status_code)
    sent_to = request.POST.get("sent_to", "").strip()
    if request.POST.get("confirm") != "1":
        existing = {kind: GeneratedReport.objects.filter(kind=kind, period_key=period.key).count() for kind in kinds}
        plan = [(ReportKind(k).label, existing[k], existing[k] + 1) for k in kinds]
        context = {"period": period, "kinds": kinds, "plan": plan, "sent_to": sent_to}
        return render(request, "reports/confirm.html", context)
    made = []
    try:
        for kind in kinds:
            made.append(do_generate_report(kind, period, actor=request.user, sent_to=sent_to or None))
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("reports_index")
    names = "、".join(f"{r.get_kind_display()}（第{r.version}版）" for r in made if r)
    messages.success(request, gettext("已生成%(period)s的%(names)s。") % {"period": period.label, "names": names})
    return redirect("reports_index")


@login_required
def download(request: AuthedHttpRequest, pk: int) -> FileResponse:
    report = access_report(request.user, pk)
    response = FileResponse(report.file.open("rb"), content_type=report.content_type)
    ascii_name = f"{report.kind}-{report.period_key}-v{report.version}.{report.filename.rsplit('.', 1)[-1]}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(report.filename)}"
    )
    return response
