"""Triage assistance on the HTML side: the suggestion panel of the triage page and the batch review page."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.errors import ActionError
from taizhang.intake import actions as intake_actions
from taizhang.intake.access import opinions_visible_to
from taizhang.intake.models import Opinion, OpinionStatus
from taizhang.problems.access import can_triage
from taizhang.problems.models import Category
from taizhang.triage import engine
from taizhang.triage.actions import do_record_suggestion
from taizhang.triage.models import Suggestion
from taizhang.triage.presenting import present
from taizhang.web.http import AuthedHttpRequest

logger = logging.getLogger(__name__)
BATCH_LIMIT = 2000


def suggestion_context(opinion: Opinion) -> dict[str, Any]:
    """The suggestion panel for one untriaged opinion; never breaks the triage page."""
    if opinion.status != OpinionStatus.UNTRIAGED:
        return {}
    try:
        suggestion = engine.suggest([opinion.text], concerned=[opinion.concerned_unit])[0]
    except Exception:  # the page must work without the assistant
        logger.exception("triage suggestion failed for opinion %s", opinion.pk)
        return {"suggestion_error": _("智能梳理建议暂不可用，请人工梳理。")}
    if suggestion.error:
        return {"suggestion_error": suggestion.error}
    recorded = Suggestion.objects.filter(opinion=opinion, model_version=suggestion.model_version).first()
    if recorded is None:
        recorded = do_record_suggestion(opinion, suggestion)
    return {"suggestion": suggestion, "suggestion_row": recorded, "shown": present(suggestion)}


def _require_triage(request: AuthedHttpRequest) -> None:
    if not can_triage(request.user):
        raise PermissionDenied(_("只有牵头部门可以梳理意见。"))


def _proposed_groups(opinions: list[Opinion]) -> list[dict[str, Any]]:
    model = engine.require_model()
    from taizhang.lib import triage

    result = triage.analyse(
        model,
        [o.text for o in opinions],
        catalogue=engine.registry_catalogue(model),
        concerned=[o.concerned_unit.name if o.concerned_unit else None for o in opinions],
    )
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    groups: dict[int, list[int]] = defaultdict(list)
    for j, _i in enumerate(result.prep.ok):
        groups[int(result.groups[j])].append(j)
    out = []
    for gid, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        rows = [result.prep.ok[j] for j in members]
        first = members[0]
        out.append(
            {
                "id": gid,
                "opinions": [opinions[i] for i in rows],
                "category": categories.get(result.categories[first]),
                "unit": result.units[first],
                "places": sorted({m.surface for i in rows for m in result.prep.mentions[i] if m.kind != "office"}),
                "confidence": round(float(result.cohesion[members].mean()), 2),
            }
        )
    errors = [(opinions[i], e) for i, e in enumerate(result.prep.errors) if e]
    return out + [{"id": f"e{o.pk}", "opinions": [o], "error": e} for o, e in errors]


@login_required
def batch_review(request: AuthedHttpRequest) -> HttpResponse:
    """Proposed grouping of the untriaged opinions; nothing is written until a group is confirmed."""
    _require_triage(request)
    inbox = list(
        opinions_visible_to(request.user)
        .filter(status=OpinionStatus.UNTRIAGED)
        .select_related("concerned_unit")
        .order_by("received_at", "id")[:BATCH_LIMIT]
    )
    groups = _proposed_groups(inbox) if inbox else []
    categories = Category.objects.filter(is_active=True)
    return render(
        request, "triage/batch_review.html", {"groups": groups, "categories": categories, "total": len(inbox)}
    )


@login_required
@require_POST
def batch_confirm(request: AuthedHttpRequest) -> HttpResponse:
    """Confirm one proposed group: the first opinion becomes a problem, the others are linked to it."""
    _require_triage(request)
    ids = [int(v) for v in request.POST.getlist("opinion") if v.isdigit()]
    opinions = list(
        opinions_visible_to(request.user)
        .filter(pk__in=ids, status=OpinionStatus.UNTRIAGED)
        .order_by("received_at", "id")
    )
    category = Category.objects.filter(pk=request.POST.get("category") or 0, is_active=True).first()
    title = request.POST.get("title", "").strip()
    if not opinions or category is None or not title:
        messages.error(request, _("请勾选意见，并填写问题摘要和类别。"))
        return redirect("triage_batch")
    try:
        with transaction.atomic():  # the whole group or nothing: no problem left with half its opinions
            problem = intake_actions.do_create_problem_from_opinion(
                opinions[0], intake_actions.NewProblem(title[:200], opinions[0].text, category), actor=request.user
            )
            for opinion in opinions[1:]:
                intake_actions.do_link_opinion(opinion, problem, actor=request.user)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("triage_batch")
    messages.success(
        request, _("已立项 %(number)s，归并 %(count)s 条意见。") % {"number": problem.number, "count": len(opinions)}
    )
    return redirect("triage_batch")
