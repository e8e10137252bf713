from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from taizhang.clock import now, today
from taizhang.errors import ActionError
from taizhang.intake.access import may_read_report_text, reporter_label
from taizhang.problems import actions, closure
from taizhang.problems.access import access_problem_by_id, attachment_file, steps_for, timeline_visible_to
from taizhang.problems.export import write_ledger_xlsx
from taizhang.problems.filters import ledger_queryset
from taizhang.problems.forms import (
    AssignForm,
    ClosureForm,
    DecisionForm,
    MilestoneDoneForm,
    PlanForm,
    ProgressForm,
    ReasonForm,
    ReviewForm,
    VerifierForm,
    VersionedForm,
    as_uploads,
)
from taizhang.problems.models import Attachment, Milestone, Problem, Status
from taizhang.triage.presenting import suggested_unit_id
from taizhang.web.http import AuthedHttpRequest, report_action_error

PAGE_SIZE = 50


@login_required
def ledger(request: AuthedHttpRequest) -> HttpResponse:
    form, qs = ledger_queryset(request.user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "today": today()}
    return render(request, "problems/ledger.html", context, status=200 if form.is_valid() else 400)


@login_required
def ledger_export(request: AuthedHttpRequest) -> HttpResponseBase:
    form, qs = ledger_queryset(request.user, request.GET)
    if not form.is_valid():
        messages.error(request, gettext("筛选条件有误，无法导出。"))
        return redirect("ledger")
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    write_ledger_xlsx(qs, out, title="问题整改台账")
    out.seek(0)
    filename = f"问题整改台账_{timezone.localtime(now()):%Y%m%d%H%M}.xlsx"  # the bureau's time, not UTC
    response = FileResponse(out, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=\"taizhang.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response


STEP_FORMS: dict[str, type[forms.Form]] = {
    "assign": AssignForm,
    "sign": VersionedForm,
    "return": ReasonForm,
    "submit_plan": PlanForm,
    "report_progress": ProgressForm,
    "complete_milestone": MilestoneDoneForm,
    "apply_closure": ClosureForm,
    "review_closure": ReviewForm,
    "name_verifier": VerifierForm,
    "decide_closure": DecisionForm,
    "reopen": ReasonForm,
}


def _blank_forms(problem: Problem) -> dict[str, forms.Form]:
    initial = {"version": problem.version}
    result: dict[str, forms.Form] = {}
    for step, form_class in STEP_FORMS.items():
        result[step] = form_class(initial=initial, prefix=step)
    # A new problem's lead unit defaults to the one the triage assistant suggested for its opinion.
    lead_unit = problem.lead_unit_id or suggested_unit_id(problem.pk)
    assign_initial = {**initial, "lead_unit": lead_unit, "responsible_person": problem.responsible_person}
    result["assign"] = AssignForm(initial=assign_initial, prefix="assign")
    _with_open_milestones(result["complete_milestone"], problem)
    return result


def _open_milestones(problem: Problem) -> list[Milestone]:
    qs = Milestone.objects.filter(assignment__problem=problem, assignment__is_current=True, done_at__isnull=True)
    return list(qs)


def _with_open_milestones(form: forms.Form, problem: Problem) -> None:
    if isinstance(form, MilestoneDoneForm):
        form.set_milestones(_open_milestones(problem))


def _detail_context(request: AuthedHttpRequest, problem: Problem, bound: dict[str, forms.Form]) -> dict[str, Any]:
    opinions = problem.opinions.order_by("received_at")
    assignment = (
        problem.assignments.filter(is_current=True)
        .prefetch_related("co_units", "milestones__attachments", "milestones__done_by")
        .first()
    )
    return {
        "problem": problem,
        "opinions": [(o, reporter_label(request.user, o), may_read_report_text(request.user, o)) for o in opinions],
        "assignment": assignment,
        "plans": problem.plans.select_related("author", "unit").prefetch_related("attachments"),
        "progress_reports": problem.progress_reports.select_related("author", "unit").prefetch_related("attachments"),
        "closures": problem.closures.select_related(
            "applied_by", "decided_by", "reviewed_by", "verifier", "verifier_named_by"
        ).prefetch_related("attachments"),
        "events": timeline_visible_to(request.user, problem),
        "steps": steps_for(request.user, problem),
        "pending_closure": closure.pending_closure(problem) if problem.status == Status.VERIFYING else None,
        "forms": {**_blank_forms(problem), **bound},
        "today": today(),
    }


@login_required
def problem_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    problem = access_problem_by_id(request.user, pk)
    return render(request, "problems/problem_detail.html", _detail_context(request, problem, {}))


def _run_step(step: str, problem: Problem, form: Any, user: Any) -> str:
    data = form.cleaned_data
    version = data["version"]
    milestones = form.milestones() if step == "assign" else []
    if form.errors:
        raise ActionError(gettext("路线图节点填写不完整。"))
    handlers: dict[str, Callable[[], object]] = {
        "assign": lambda: actions.do_assign_problem(
            problem,
            actor=user,
            lead_unit=data["lead_unit"],
            co_units=list(data["co_units"]),
            responsible_person=data["responsible_person"],
            measures=data["measures"],
            kind=data["kind"],
            deadline=data["deadline"],
            milestones=milestones,
            expected_version=version,
        ),
        "sign": lambda: actions.do_sign_problem(problem, actor=user, expected_version=version),
        "return": lambda: actions.do_return_problem(
            problem, actor=user, reason=data["reason"], expected_version=version
        ),
        "submit_plan": lambda: actions.do_submit_plan(
            problem, actor=user, text=data["text"], uploads=as_uploads(data["evidence"]), expected_version=version
        ),
        "report_progress": lambda: actions.do_report_progress(
            problem,
            actor=user,
            text=data["text"],
            percent=data["percent"],
            uploads=as_uploads(data["evidence"]),
            expected_version=version,
            public=data["public"],
        ),
        "complete_milestone": lambda: closure.do_complete_milestone(
            problem,
            Milestone.objects.get(pk=data["milestone"]),
            actor=user,
            note=data["note"],
            uploads=as_uploads(data["evidence"]),
            expected_version=version,
        ),
        "apply_closure": lambda: closure.do_apply_closure(
            problem, actor=user, summary=data["summary"], uploads=as_uploads(data["evidence"]), expected_version=version
        ),
        "review_closure": lambda: closure.do_review_closure(
            problem, actor=user, approve=data["decision"] == "approve", note=data["note"], expected_version=version
        ),
        "name_verifier": lambda: closure.do_name_verifier(
            problem, actor=user, verifier=data["verifier"], expected_version=version
        ),
        "decide_closure": lambda: closure.do_decide_closure(
            problem,
            actor=user,
            accept=data["decision"] == "accept",
            reason=data["reason"],
            on_site=data["on_site"],
            site_visited_on=data["site_visited_on"],
            site_place=data["site_place"],
            expected_version=version,
        ),
        "reopen": lambda: actions.do_reopen_problem(
            problem, actor=user, reason=data["reason"], expected_version=version
        ),
    }
    handlers[step]()
    return {
        "assign": gettext("已交办。"),
        "sign": gettext("已签收。"),
        "return": gettext("已退单，等待牵头部门重新交办。"),
        "submit_plan": gettext("整改方案已报送。"),
        "report_progress": gettext("整改进展已报告。"),
        "complete_milestone": gettext("路线图节点已标记完成。"),
        "apply_closure": gettext("销号申请已提交，等待单位负责人审核。"),
        "review_closure": gettext("审核意见已记录。"),
        "name_verifier": gettext("已指定验收人。"),
        "decide_closure": gettext("验收结论已记录。"),
        "reopen": gettext("问题已重办。"),
    }[step]


@login_required
@require_POST
def problem_step(request: AuthedHttpRequest, pk: int, step: str) -> HttpResponse:
    problem = access_problem_by_id(request.user, pk)
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        raise Http404(gettext("未知操作"))
    form = form_class(request.POST, request.FILES, prefix=step)
    _with_open_milestones(form, problem)
    status = 400
    if form.is_valid():
        try:
            message = _run_step(step, problem, form, request.user)
        except ActionError as exc:
            status = report_action_error(request, form, exc)
        else:
            messages.success(request, message)
            return redirect("problem_detail", pk=problem.pk)
    else:
        messages.error(request, gettext("请检查填写的内容。"))
    problem.refresh_from_db()
    context = _detail_context(request, problem, {step: form})
    context["open_step"] = step
    return render(request, "problems/problem_detail.html", context, status=status)


@login_required
def attachment_download(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    attachment = get_object_or_404(Attachment, pk=pk)
    access_problem_by_id(request.user, attachment.problem_id)
    return attachment_file(attachment)
