from __future__ import annotations

from typing import Any

from django import template

from taizhang.problems.models import Problem

register = template.Library()


@register.inclusion_tag("followup/_public_rating.html", takes_context=True)
def public_rating(context: template.Context) -> dict[str, Any]:
    """The follow page's rating form, when the reporter may rate (or the thanks once they have)."""
    from taizhang.followup.forms import RatingForm

    return {
        "timeline": context.get("timeline"),
        "rated": context.get("rated"),
        "rating_form": context.get("rating_form"),
        # A blank form only where one is shown (its fields are deep-copied: not on every follow page).
        "blank_rating_form": RatingForm() if getattr(context.get("timeline"), "rating_open", False) else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("followup/_problem_panel.html", takes_context=True)
def follow_up_panel(context: template.Context, problem: Problem) -> dict[str, Any]:
    """回访 on the problem page: the window, the ratings (the reporters' identities stay on the opinions), and the
    review of a 不满意 for coordinators. Units see the answers, never who gave them."""
    from taizhang.followup import actions
    from taizhang.followup.forms import ReviewForm
    from taizhang.followup.models import Rating, Review

    user = context["request"].user
    ratings = list(Rating.objects.filter(problem=problem).order_by("created_at", "id"))
    total, rate = actions.satisfaction_rate(Rating.objects.filter(problem=problem, round=problem.reopen_count))
    standing = actions.standing(problem) if problem.status == "follow_up" else None
    return {
        "problem": problem,
        "ratings": ratings,
        "rated": total,
        "rate": None if rate is None else round(rate * 100),
        "standing": standing,
        "can_review": user.role in actions.CALLERS,
        "pending": [r for r in ratings if r.review == Review.PENDING],
        "review_form": ReviewForm(),
        "csrf_token": context.get("csrf_token"),
    }
