from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from taizhang.clock import today
from taizhang.intake.access import opinions_visible_to
from taizhang.intake.models import OpinionStatus
from taizhang.problems.models import Problem, Status
from taizhang.public.views import front_page
from taizhang.supervision.access import inbox_of
from taizhang.supervision.timelimits import light_counts
from taizhang.web.http import AuthedHttpRequest
from taizhang.web.todo import todo_for

HOME_TODO_ITEMS = 12


def home(request: HttpRequest) -> HttpResponse:
    """Staff see their workbench; anyone not logged in sees the public front page (submit, follow, 公示)."""
    if not request.user.is_authenticated:
        return front_page(request)
    return staff_home(cast(AuthedHttpRequest, request))


@login_required
def staff_home(request: AuthedHttpRequest) -> HttpResponse:
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
