"""回访 for staff: the callback list, recording a call, reviewing a 不满意; and the follow page's rating form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from taizhang.errors import ActionError
from taizhang.followup import actions
from taizhang.followup.forms import REACHED, CallbackForm, RatingForm, ReviewForm
from taizhang.followup.models import Rating, Review
from taizhang.intake.models import Opinion
from taizhang.problems.access import access_problem_by_id
from taizhang.public.access import access_opinion_by_code
from taizhang.public.forms import TrackForm
from taizhang.public.limits import RateLimited
from taizhang.public.snapshots import timeline_for
from taizhang.web.http import AuthedHttpRequest, report_action_error


def _require_caller(request: AuthedHttpRequest) -> None:
    if request.user.role not in actions.CALLERS:
        raise PermissionDenied(gettext("只有牵头部门可以办理回访。"))


@login_required
def callbacks(request: AuthedHttpRequest) -> HttpResponse:
    _require_caller(request)
    pending = Rating.objects.filter(review=Review.PENDING).select_related("problem", "opinion")
    context = {
        "calls": actions.callback_list(),
        "rules": actions.rules(),
        "pending": pending.order_by("created_at"),
        "by_unit": actions.satisfaction_by_unit(),
        "form": CallbackForm(),
        "review_form": ReviewForm(),
    }
    return render(request, "followup/callbacks.html", context)


@login_required
@require_POST
def record_call(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_caller(request)
    opinion = get_object_or_404(Opinion, pk=pk)
    form = CallbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请选择回访结果。"))
        return redirect("followup_callbacks")
    data = form.cleaned_data
    try:
        if data["result"] == REACHED:
            if not data["satisfaction"]:
                raise ActionError(gettext("接通时请选择满意度。"))
            actions.do_rate(
                opinion,
                fixed=data["fixed"],
                satisfaction=data["satisfaction"],
                comment=data["comment"],
                actor=request.user,
            )
            messages.success(request, gettext("回访评价已记录。"))
        else:
            actions.do_record_callback_attempt(
                opinion, actor=request.user, outcome=data["result"], note=data["comment"]
            )
            messages.success(request, gettext("本次回访未果已记录。"))
    except ActionError as exc:
        report_action_error(request, None, exc)
    return redirect("followup_callbacks")


@login_required
@require_POST
def review(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_caller(request)
    rating = get_object_or_404(Rating, pk=pk)
    access_problem_by_id(request.user, rating.problem_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请选择复核结论并填写复核意见。"))
    else:
        try:
            reopen = form.cleaned_data["decision"] == "reopen"
            actions.do_review_dissatisfaction(rating, actor=request.user, reopen=reopen, note=form.cleaned_data["note"])
        except ActionError as exc:
            report_action_error(request, None, exc)
        else:
            messages.success(request, gettext("已重办。") if reopen else gettext("已维持销号。"))
    return redirect(reverse("problem_detail", args=[rating.problem_id]) + "#follow-up")


def public_rate(request: HttpRequest) -> HttpResponse:
    """The follow page's rating form (POST): the code is checked like a lookup, with the same limits."""
    if request.method != "POST":
        return redirect("track")
    typed = request.POST.get("code", "")
    try:
        opinion = access_opinion_by_code(request, typed)
    except RateLimited as exc:
        response = render(request, "public/track.html", {"limited": exc.message}, status=429)
        response["Retry-After"] = str(exc.wait_seconds)
        return response
    if opinion is None:
        return render(request, "public/track.html", {"not_found": True}, status=404)
    form = RatingForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_rate(opinion, fixed=data["fixed"], satisfaction=data["satisfaction"], comment=data["comment"])
        except ActionError as exc:
            status = report_action_error(request, form, exc)
        else:
            context = {"timeline": timeline_for(opinion), "rated": True, "form": _code_form(opinion)}
            response = render(request, "public/track.html", context)
            response["Cache-Control"] = "no-store"
            return response
    context = {"timeline": timeline_for(opinion), "rating_form": form, "form": _code_form(opinion)}
    response = render(request, "public/track.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _code_form(opinion: Opinion) -> TrackForm:
    """The lookup box above the timeline keeps the reporter's code after they rate."""
    return TrackForm(initial={"code": opinion.receipt_code})
