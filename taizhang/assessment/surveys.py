"""民主评议 answered by the public and by named raters, on both faces (listed in taizhang/public/face_urls.py).

What "one answer per person per unit" can honestly mean without accounts
-----------------------------------------------------------------------
The public link asks nobody to log in, so the system cannot know a person. What it knows is a browser: the
first visit gives the browser a random voter id in a long-lived cookie; the database keeps, per survey, only an
HMAC of it (keyed with SECRET_KEY and the survey, so two surveys' answers cannot be joined and the id cannot be
read back from the table), and a unique constraint lets that key grade each unit once. So one browser answers
each unit once; a person who clears cookies, switches browser or uses a second phone can answer again. That is
bounded, not prevented, by the address rate limit (taizhang.public.limits scope ``survey_ip``, 30 sheets an hour
by default: generous, because a school or a mobile carrier puts many people behind one address). A browser that
refuses cookies cannot answer. For answers that must be one per person, use named raters: each has a one-time
personal link (only its hash is stored) that submits exactly once. The ranking shows how many answers came each
way beside every score, so a reader can weigh them.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from taizhang.assessment import actions
from taizhang.assessment.models import AnswerVia, Grade, Survey, SurveyAnswer, SurveyRater
from taizhang.errors import ActionError
from taizhang.public.limits import Counter, client_ip

VOTER_COOKIE = "tz_voter"
VOTER_COOKIE_AGE = 400 * 24 * 3600  # a year's surveys and the next


def survey_public_url(request: HttpRequest, survey: Survey) -> str:
    """The link (and QR code) for the public, on TAIZHANG_PUBLIC_BASE_URL when the public face has its own host."""
    path = reverse("public_survey", args=[survey.public_token])
    base = str(getattr(settings, "TAIZHANG_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def survey_counts(survey: Survey) -> list[dict[str, object]]:
    """Per unit of the survey: answers from the public and from raters, and how many of each grade."""
    rows = {
        r["unit"]: r
        for r in SurveyAnswer.objects.filter(survey=survey)
        .values("unit")
        .annotate(
            public=Count("id", filter=Q(via=AnswerVia.PUBLIC)),
            rater=Count("id", filter=Q(via=AnswerVia.RATER)),
            **{grade: Count("id", filter=Q(grade=grade)) for grade in Grade.values},
        )
    }
    return [{"unit": unit, **rows.get(unit.pk, {})} for unit in survey.units.order_by("sort_order", "id")]


def _grades(request: HttpRequest, survey: Survey) -> dict[int, str]:
    return {u.pk: request.POST.get(f"unit-{u.pk}", "") for u in survey.units.all()}


def _render(request: HttpRequest, survey: Survey, context: dict[str, object], status: int = 200) -> HttpResponse:
    context = {
        "survey": survey,
        "units": survey.units.order_by("sort_order", "id"),
        "grades": Grade.choices,
        "is_open": actions.is_open(survey),
        **context,
    }
    return render(request, "assessment/public_survey.html", context, status=status)


@require_http_methods(["GET", "POST"])
def public_survey(request: HttpRequest, token: str) -> HttpResponse:
    survey = get_object_or_404(Survey, public_token=token, public_open=True)
    voter_id = request.COOKIES.get(VOTER_COOKIE, "")
    done: set[int] = set()
    status, context = 200, dict[str, object]()
    if voter_id:
        key = actions.voter_key(survey, voter_id)
        done = set(SurveyAnswer.objects.filter(survey=survey, voter_key=key).values_list("unit_id", flat=True))
    if request.method == "POST":
        try:
            Counter("survey_ip", client_ip(request)).hit()
            answers = actions.do_answer_survey(survey, _grades(request, survey), voter_id=voter_id)
        except ActionError as exc:
            status, context = exc.status_code, {"error": exc.message}
        else:
            done |= {a.unit_id for a in answers}
            context = {"thanks": len(answers)}
    response = _render(request, survey, {"done": done, **context}, status)
    if not voter_id:
        response.set_cookie(
            VOTER_COOKIE,
            secrets.token_hex(16),
            max_age=VOTER_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_http_methods(["GET", "POST"])
def rater_survey(request: HttpRequest, token: str) -> HttpResponse:
    rater: SurveyRater | None = actions.access_rater(token)
    if rater is None:
        return render(request, "assessment/public_survey_gone.html", status=404)
    survey = rater.survey
    status, context = 200, dict[str, object](rater=rater)
    if rater.answered_at is not None:
        context["error"] = gettext("该评议链接已经使用过，每位评议人只能提交一次。")
    if request.method == "POST":
        try:
            Counter("survey_ip", client_ip(request)).hit()
            answers = actions.do_answer_survey(survey, _grades(request, survey), rater=rater)
        except ActionError as exc:
            status = exc.status_code
            context["error"] = exc.message
        else:
            context = {"rater": rater, "thanks": len(answers)}
    done = set(rater.answers.values_list("unit_id", flat=True))
    return _render(request, survey, {"done": done, **context}, status)
