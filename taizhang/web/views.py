from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from taizhang.clock import today
from taizhang.intake.access import opinions_visible_to
from taizhang.intake.models import Opinion, OpinionStatus
from taizhang.lib.codes import normalise_receipt_code
from taizhang.lib.masking import mask_text
from taizhang.problems.models import Problem, Status
from taizhang.supervision.access import inbox_of
from taizhang.supervision.timelimits import light_counts
from taizhang.web.http import AuthedHttpRequest
from taizhang.web.todo import todo_for

HOME_TODO_ITEMS = 12


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    problems = Problem.objects.visible_to(request.user)
    by_status = dict(problems.values_list("status").annotate(n=Count("id")).order_by())
    untriaged = opinions_visible_to(request.user).filter(status=OpinionStatus.UNTRIAGED)
    todo = todo_for(request.user)
    context = {
        "todo": todo,
        "todo_items": todo.items[:HOME_TODO_ITEMS],
        "status_counts": [(s, by_status.get(s.value, 0)) for s in Status],
        "total": sum(by_status.values()),
        "overdue": problems.overdue(today()).count(),
        "lights": light_counts(problems),
        "unread": inbox_of(request.user).filter(read_at__isnull=True).count(),
        "untriaged_count": untriaged.count(),
        "oldest_untriaged": untriaged.order_by("received_at").first(),
    }
    return render(request, "web/home.html", context)


@login_required
def todo(request: AuthedHttpRequest) -> HttpResponse:
    """Everything the person has to do, most urgent first (each kind's oldest 50)."""
    items = todo_for(request.user)
    return render(request, "web/todo.html", {"todo": items, "todo_items": items.items})


def track_opinion(request: HttpRequest) -> HttpResponse:
    """Public page: a reporter follows an opinion by its receipt code; nothing personal is shown."""
    code = normalise_receipt_code(request.GET.get("code", ""))
    opinion = None
    if code:
        opinion = Opinion.objects.filter(receipt_code=code).prefetch_related("problems").first()
    context = {
        "code": request.GET.get("code", ""),
        "searched": "code" in request.GET,
        "opinion": opinion,
        "answer": mask_text(opinion.answer) if opinion else "",
        "problems": list(opinion.problems.all()) if opinion else [],
    }
    return render(request, "web/track.html", context, status=200 if opinion or "code" not in request.GET else 404)
