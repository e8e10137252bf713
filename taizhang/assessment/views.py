"""考核 pages for staff: schemes, the ranking per group, a published ranking, the XLSX file, and 民主评议."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from taizhang.accounts.models import Unit
from taizhang.assessment import actions
from taizhang.assessment.access import access_ranking_rows, can_manage, scheme_version_for
from taizhang.assessment.export import write_ranking_xlsx
from taizhang.assessment.forms import DEFAULT_DEFINITION, RATER_KIND_BY_LABEL, RatersForm, SchemeForm, SurveyForm
from taizhang.assessment.indicators import DEDUCTIONS, INDICATORS
from taizhang.assessment.models import Grade, Ranking, RaterKind, Scheme, Survey
from taizhang.assessment.ranking import lists
from taizhang.assessment.surveys import survey_counts, survey_public_url
from taizhang.clock import today
from taizhang.errors import ActionError
from taizhang.lib.scoring import PeriodInvalid, parse_period, period_containing
from taizhang.public.poster import qr_svg
from taizhang.web.http import AuthedHttpRequest, report_action_error


def _require_manager(request: AuthedHttpRequest) -> None:
    if not can_manage(request.user):
        raise PermissionDenied(gettext("只有牵头部门或系统管理员可以管理考核。"))


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    schemes = list(Scheme.objects.order_by("id"))
    context: dict[str, Any] = {"schemes": schemes, "can_manage": can_manage(request.user)}
    if request.user.is_bureau_wide():
        context["surveys"] = Survey.objects.order_by("-opens_on", "-id")[:20]
        context["published"] = Ranking.objects.select_related("version__scheme").order_by("-published_at")[:20]
    return render(request, "assessment/index.html", context)


@login_required
def scheme_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    _require_manager(request)
    scheme = get_object_or_404(Scheme, pk=pk) if pk else None
    current = actions.current_version(scheme) if scheme else None
    definition = current.definition if current else DEFAULT_DEFINITION
    form = SchemeForm(request.POST or None, initial=SchemeForm.initial_from(scheme.name if scheme else "", definition))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            version = actions.do_save_scheme(
                scheme,
                actor=request.user,
                name=form.cleaned_data["name"],
                definition=form.definition(),
                note=form.cleaned_data["note"],
            )
        except ActionError as exc:
            status = report_action_error(request, form, exc)
        else:
            messages.success(request, gettext("已保存为第 %(n)d 版。") % {"n": version.number})
            return redirect("assessment_ranking", pk=version.scheme_id)
    elif request.method == "POST":
        status = 400
    context = {"form": form, "scheme": scheme, "version": current}
    return render(request, "assessment/scheme_form.html", context, status=status)


def _period(request: AuthedHttpRequest, kind: str) -> tuple[Any, str]:
    text = request.GET.get("period", "").strip()
    if not text:
        # The running period, to date: what a leader opening the page wants to see first.
        return period_containing(kind, today()), ""
    try:
        return parse_period(text), ""
    except PeriodInvalid as exc:
        return None, str(exc)


@login_required
def ranking(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(Scheme, pk=pk)
    version = scheme_version_for(scheme, request.GET.get("version"))
    period, error = _period(request, version.definition["period_kind"])
    result = access_ranking_rows(request.user, version, period) if period else None
    context = {
        "scheme": scheme,
        "version": version,
        "period": period,
        "period_error": error,
        "result": result,
        "indicators": [(i["code"], INDICATORS[i["code"]], i["weight"]) for i in version.definition["indicators"]],
        "deductions": [(d["code"], DEDUCTIONS[d["code"]], d) for d in version.definition["deductions"]],
        "lists": lists(result, version.definition) if result else None,
        "can_manage": can_manage(request.user),
        "versions": range(scheme.current_number, 0, -1),
        "suggested": _suggested_periods(version.definition["period_kind"]),
    }
    return render(request, "assessment/ranking.html", context, status=400 if error else 200)


def _suggested_periods(kind: str) -> list[Any]:
    day, found = today(), []
    for _n in range(4):
        period = period_containing(kind if kind != "custom" else "quarter", day)
        found.append(period)
        day = period.starts_on.replace(day=1) - dt.timedelta(days=1)
    return found


@login_required
def ranking_xlsx(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(Scheme, pk=pk)
    version = scheme_version_for(scheme, request.GET.get("version"))
    period, error = _period(request, version.definition["period_kind"])
    if period is None:
        raise Http404(error)
    result = access_ranking_rows(request.user, version, period)
    out = io.BytesIO()
    write_ranking_xlsx(result, version.definition, out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"考核排名-{scheme.name}-v{version.number}-{period.key}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_POST
def publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    scheme = get_object_or_404(Scheme, pk=pk)
    version = scheme_version_for(scheme, request.POST.get("version"))
    try:
        period = parse_period(request.POST.get("period", ""))
        published = actions.do_publish_ranking(version, period, actor=request.user)
    except PeriodInvalid as exc:
        messages.error(request, str(exc))
        return redirect("assessment_ranking", pk=pk)
    except ActionError as exc:
        report_action_error(request, None, exc)
        return redirect("assessment_ranking", pk=pk)
    messages.success(request, gettext("排名已定稿。"))
    return redirect("assessment_published", pk=published.pk)


@login_required
def published(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    ranking = get_object_or_404(Ranking.objects.select_related("version__scheme", "published_by"), pk=pk)
    result = access_ranking_rows(request.user, ranking.version, None, frozen=ranking.rows)
    definition = ranking.version.definition
    context = {
        "ranking": ranking,
        "scheme": ranking.version.scheme,
        "version": ranking.version,
        "result": result,
        "lists": lists(result, definition),
        "indicators": [(i["code"], INDICATORS[i["code"]], i["weight"]) for i in definition["indicators"]],
        "deductions": [(d["code"], DEDUCTIONS[d["code"]], d) for d in definition["deductions"]],
    }
    return render(request, "assessment/published.html", context)


# ---- 民主评议 ------------------------------------------------------------------------------------------------


@login_required
def survey_new(request: AuthedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = SurveyForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = actions.do_create_survey(
                actions.SurveyInput(
                    data["title"], data["opens_on"], data["closes_on"], list(data["units"]), data["public_open"]
                ),
                actor=request.user,
            )
        except ActionError as exc:
            status = report_action_error(request, form, exc)
        else:
            return redirect("assessment_survey", pk=survey.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "assessment/survey_form.html", {"form": form}, status=status)


@login_required
def survey_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    survey = get_object_or_404(Survey, pk=pk)
    url = survey_public_url(request, survey)
    context = {
        "survey": survey,
        "public_url": url,
        "qr": qr_svg(url),
        "counts": survey_counts(survey),
        "survey_grades": Grade.choices,
        "raters": survey.raters.select_related("unit"),
        "form": RatersForm(),
        "is_open": actions.is_open(survey),
        "new_links": request.session.pop(f"survey-links-{survey.pk}", []),
    }
    return render(request, "assessment/survey_detail.html", context)


@login_required
@require_POST
def survey_raters(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    survey = get_object_or_404(Survey, pk=pk)
    form = RatersForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请填写评议人。"))
        return redirect("assessment_survey", pk=pk)
    units = {u.name: u for u in Unit.objects.all()}
    raters = []
    for line in form.cleaned_data["raters"].splitlines():
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if parts and parts[0]:
            kind = RATER_KIND_BY_LABEL.get(parts[1], RaterKind.OTHER) if len(parts) > 1 else RaterKind.OTHER
            unit = units.get(parts[2]) if len(parts) > 2 else None
            raters.append(actions.RaterInput(parts[0], kind, unit))
    try:
        made = actions.do_add_raters(survey, raters, actor=request.user)
    except ActionError as exc:
        report_action_error(request, None, exc)
        return redirect("assessment_survey", pk=pk)
    # Shown once on the next page (the session, not the URL), then gone: only the hashes are stored.
    request.session[f"survey-links-{survey.pk}"] = [
        (r.name, request.build_absolute_uri(reverse("survey_invite", args=[token]))) for r, token in made
    ]
    return redirect("assessment_survey", pk=pk)


@login_required
@require_POST
def survey_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    survey = get_object_or_404(Survey, pk=pk)
    try:
        actions.do_close_survey(survey, actor=request.user)
    except ActionError as exc:
        report_action_error(request, None, exc)
    return redirect("assessment_survey", pk=pk)
