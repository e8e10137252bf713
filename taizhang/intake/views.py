from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from taizhang.audit.models import AuditEvent
from taizhang.errors import ActionError
from taizhang.intake import actions
from taizhang.intake.access import access_opinion_by_id, may_see_reporter, opinions_visible_to, reporter_label
from taizhang.intake.forms import CreateProblemForm, DismissForm, LinkForm, OpinionForm, SplitForm
from taizhang.intake.models import Opinion, OpinionStatus
from taizhang.problems.access import can_triage
from taizhang.problems.models import Problem
from taizhang.triage.views import suggestion_context
from taizhang.web.http import AuthedHttpRequest, report_action_error


def _require_triage(request: AuthedHttpRequest) -> None:
    if not can_triage(request.user):
        raise PermissionDenied(gettext("只有牵头部门可以登记和梳理意见。"))


@login_required
def opinion_new(request: AuthedHttpRequest) -> HttpResponse:
    _require_triage(request)
    form = OpinionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            opinion = actions.do_receive_opinion(form.to_input(), actor=request.user)
        except ActionError as exc:
            status = report_action_error(request, form, exc)
        else:
            messages.success(
                request, gettext("已登记，查询码：%(code)s（请告知反映人）") % {"code": opinion.receipt_code}
            )
            return redirect("opinion_detail", pk=opinion.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "intake/opinion_new.html", {"form": form}, status=status)


def _opinion_context(request: AuthedHttpRequest, opinion: Opinion, *, unmasked: bool = False) -> dict[str, Any]:
    return {
        "opinion": opinion,
        "reporter": reporter_label(request.user, opinion, unmasked=unmasked),
        "can_unmask": opinion.is_whistleblowing and may_see_reporter(request.user, opinion) and not unmasked,
        "problems": opinion.problems.select_related("lead_unit").all(),
        "events": AuditEvent.objects.filter(opinion=opinion).select_related("problem"),
    }


@login_required
def opinion_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    opinion = access_opinion_by_id(request.user, pk)
    return render(request, "intake/opinion_detail.html", _opinion_context(request, opinion))


@login_required
@require_POST
def opinion_unmask(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    opinion = access_opinion_by_id(request.user, pk)
    try:
        actions.do_unmask_reporter(opinion, actor=request.user)
    except ActionError as exc:
        raise PermissionDenied(exc.message) from None
    return render(request, "intake/opinion_detail.html", _opinion_context(request, opinion, unmasked=True))


@login_required
def triage_inbox(request: AuthedHttpRequest) -> HttpResponse:
    _require_triage(request)
    inbox = opinions_visible_to(request.user).filter(status=OpinionStatus.UNTRIAGED).order_by("received_at", "id")
    page = Paginator(inbox.select_related("concerned_unit"), 50).get_page(request.GET.get("page"))
    return render(request, "intake/triage_inbox.html", {"page": page, "total": page.paginator.count})


def _triage_forms(opinion: Opinion, data: Any = None, bound: str = "") -> dict[str, Any]:
    initial = {"version": opinion.version}
    guess_title = opinion.text.strip().splitlines()[0][:40]
    forms_ = {
        "create": CreateProblemForm(
            data if bound == "create" else None,
            initial={**initial, "title": guess_title, "description": opinion.text},
            prefix="create",
        ),
        "link": LinkForm(data if bound == "link" else None, initial=initial, prefix="link"),
        "split": SplitForm(data if bound == "split" else None, initial=initial, prefix="split"),
        "dismiss": DismissForm(data if bound == "dismiss" else None, initial=initial, prefix="dismiss"),
    }
    return forms_


def _run_triage(request: AuthedHttpRequest, opinion: Opinion, action: str, form: Any) -> Problem | Opinion | None:
    version = form.cleaned_data["version"]
    user = request.user
    if action == "create":
        item = actions.NewProblem(
            form.cleaned_data["title"], form.cleaned_data["description"], form.cleaned_data["category"]
        )
        return actions.do_create_problem_from_opinion(opinion, item, actor=user, expected_version=version)
    if action == "link":
        number = form.cleaned_data["problem_number"].strip().upper()
        problem = Problem.objects.filter(number=number).first()
        if problem is None:
            raise ActionError(
                gettext("未找到编号为“%(number)s”的问题。") % {"number": number},
                field_errors={"problem_number": [gettext("问题编号不存在。")]},
            )
        return actions.do_link_opinion(opinion, problem, actor=user, expected_version=version)
    if action == "split":
        rows = form.rows()
        if form.errors:
            raise ActionError(gettext("拆分信息不完整。"))
        items = [actions.NewProblem(title, opinion.text, category) for title, category in rows]
        return actions.do_split_opinion(opinion, items, actor=user, expected_version=version)[0]
    return actions.do_dismiss_opinion(
        opinion,
        actor=user,
        reason=form.cleaned_data["reason"],
        answer=form.cleaned_data["answer"],
        expected_version=version,
    )


def _next_in_inbox(request: AuthedHttpRequest) -> HttpResponse:
    """After a dismissal, go straight to the next-oldest opinion so the coordinator keeps going."""
    following = opinions_visible_to(request.user).filter(status=OpinionStatus.UNTRIAGED).order_by("received_at", "id")
    nxt = following.values_list("pk", flat=True).first()
    return redirect("triage_opinion", pk=nxt) if nxt else redirect("triage_inbox")


@login_required
def triage_opinion(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_triage(request)
    opinion = access_opinion_by_id(request.user, pk)
    action = request.POST.get("action", "")
    forms_ = _triage_forms(opinion, request.POST or None, bound=action)
    status = 200
    if request.method == "POST":
        form = forms_.get(action)
        if form is None:
            messages.error(request, gettext("未知的梳理操作。"))
            status = 400
        elif not form.is_valid():
            messages.error(request, gettext("请检查填写的内容。"))
            status = 400
        else:
            try:
                result = _run_triage(request, opinion, action, form)
            except ActionError as exc:
                status = report_action_error(request, form, exc)
            else:
                messages.success(request, gettext("意见 %(code)s 已处理。") % {"code": opinion.receipt_code})
                if isinstance(result, Problem):
                    return redirect("problem_detail", pk=result.pk)
                return _next_in_inbox(request)
    context = {**_opinion_context(request, opinion), "forms": forms_, "active": action or "create"}
    context.update(suggestion_context(opinion))
    context["suggested_title"] = forms_["create"].initial.get("title", "")
    return render(request, "intake/triage_opinion.html", context, status=status)
