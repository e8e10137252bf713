from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from taizhang.accounts.models import Role, UnitKind
from taizhang.clock import now, today
from taizhang.errors import ActionError, NotAllowed
from taizhang.lib.workdays import official_arrangements
from taizhang.problems.access import access_problem_by_id
from taizhang.problems.models import Problem
from taizhang.supervision import actions, instructions
from taizhang.supervision.access import (
    ACCOUNTABILITY_WRITERS,
    SUBSCRIBERS,
    access_action_by_id,
    access_extension_by_id,
    accountability_visible_to,
    actions_visible_to,
    can_read_accountability,
    inbox_of,
    is_signing_unit_member,
)
from taizhang.supervision.documents import docx_path, pdf_converter, pdf_path
from taizhang.supervision.forms import (
    AccountabilityForm,
    CalendarYearForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    InstructionFilterForm,
    InstructionForm,
    InstructionReplyForm,
    RungFilterForm,
    SubscriptionForm,
)
from taizhang.supervision.models import (
    ActionState,
    CalendarYear,
    Instruction,
    RedItemSubscription,
    SupervisionAction,
)
from taizhang.web.http import AuthedHttpRequest, report_action_error

PAGE_SIZE = 50


@login_required
def supervision_index(request: AuthedHttpRequest) -> HttpResponse:
    form = RungFilterForm(request.GET)
    page = Paginator(form.filter(actions_visible_to(request.user)), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "supervision/index.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
def document_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    action = access_action_by_id(request.user, pk)
    context = {
        "action": action,
        "can_sign": is_signing_unit_member(request.user, action) and action.signed_at is None and action.doc_number,
        "can_review": action.state == ActionState.DRAFT and request.user.role in actions.REVIEWERS,
        "can_reply": is_signing_unit_member(request.user, action)
        and action.state == ActionState.ISSUED
        and action.form_kind in actions.REPLYABLE
        and action.replied_at is None,
        "pdf_available": pdf_converter() is not None,
    }
    return render(request, "supervision/document.html", context)


@login_required
@require_POST
def document_review(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """审批 a drafted 通报批评单 / 组织调整建议单: "approve" issues it, anything else declines it with the note."""
    action = access_action_by_id(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    try:
        action = actions.do_review_document(
            action, actor=request.user, approve=approve, note=request.POST.get("note", "")
        )
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except ActionError as exc:
        report_action_error(request, None, exc)
    else:
        if approve:
            messages.success(request, gettext("已审批通过并印发：%(number)s") % {"number": action.doc_number})
        else:
            messages.success(request, gettext("已决定不予印发。"))
    return redirect("supervision_document", pk=action.pk)


@login_required
@require_POST
def document_reply(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    action = access_action_by_id(request.user, pk)
    try:
        actions.do_reply_document(action, actor=request.user, text=request.POST.get("text", ""))
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except ActionError as exc:
        report_action_error(request, None, exc)
    else:
        messages.success(request, gettext("已回复，牵头部门会在问题的办理记录中看到。"))
    return redirect("supervision_document", pk=action.pk)


@login_required
def document_print(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The document on A4 in the official layout, for the browser to print: no LibreOffice needed."""
    action = access_action_by_id(request.user, pk)
    if not action.doc_number:
        raise Http404(gettext("该督办事项没有文书"))
    return render(request, "supervision/document_print.html", {"action": action})


def _download(path: object, name: str, content_type: str) -> FileResponse:
    response = FileResponse(open(str(path), "rb"), content_type=content_type)  # noqa: SIM115 - closed by Django
    response["Content-Disposition"] = f"attachment; filename=\"document\"; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def document_docx(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    action = access_action_by_id(request.user, pk)
    if not action.doc_number:
        raise Http404(gettext("该督办事项没有文书"))
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return _download(docx_path(action), f"{action.doc_number}{action.title}.docx", mime)


@login_required
def document_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    action = access_action_by_id(request.user, pk)
    if not action.doc_number:
        raise Http404(gettext("该督办事项没有文书"))
    path = pdf_path(action)
    if path is None:
        messages.error(
            request, gettext("本服务器未安装 PDF 转换程序（LibreOffice），暂不能下载 PDF，请下载 Word 文档。")
        )
        return redirect("supervision_document", pk=action.pk)
    return _download(path, f"{action.doc_number}{action.title}.pdf", "application/pdf")


@login_required
@require_POST
def document_sign(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    action = access_action_by_id(request.user, pk)
    try:
        actions.do_sign_document(action, actor=request.user)
    except ActionError as exc:
        report_action_error(request, None, exc)
    else:
        messages.success(request, gettext("已签收。"))
    return redirect("supervision_document", pk=action.pk)


@login_required
@require_POST
def extension_request(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    problem = access_problem_by_id(request.user, pk)
    form = ExtensionRequestForm(request.POST, prefix="extension")
    if form.is_valid():
        try:
            actions.do_request_extension(
                problem,
                actor=request.user,
                new_deadline=form.cleaned_data["new_deadline"],
                reason=form.cleaned_data["reason"],
            )
        except ActionError as exc:
            return _problem_with_error(request, problem, exc)
        messages.success(request, gettext("延期申请已提交，等待牵头部门审批。"))
        return redirect("problem_detail", pk=problem.pk)
    return _problem_with_error(request, problem, ActionError(gettext("请填写申请延至的日期和延期理由。")))


@login_required
@require_POST
def extension_decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    extension = access_extension_by_id(request.user, pk)
    problem = access_problem_by_id(request.user, extension.problem_id)
    form = ExtensionDecisionForm(request.POST, prefix="extension_decision")
    if not form.is_valid():
        return _problem_with_error(request, problem, ActionError(gettext("请选择审批结论。")))
    try:
        approve = form.cleaned_data["decision"] == "approve"
        actions.do_decide_extension(extension, actor=request.user, approve=approve, note=form.cleaned_data["note"])
    except ActionError as exc:
        return _problem_with_error(request, problem, exc)
    messages.success(request, gettext("延期审批结论已记录。"))
    return redirect("problem_detail", pk=problem.pk)


@login_required
@require_POST
def instruction_give(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    problem = access_problem_by_id(request.user, pk)
    form = InstructionForm(request.POST, prefix="instruction")
    if not form.is_valid():
        return _problem_with_error(request, problem, ActionError(gettext("请填写批示内容。")))
    try:
        instructions.do_give_instruction(
            problem, actor=request.user, text=form.cleaned_data["text"], reply_due_on=form.cleaned_data["reply_due_on"]
        )
    except ActionError as exc:
        return _problem_with_error(request, problem, exc)
    messages.success(request, gettext("批示已送达责任单位。"))
    return redirect(reverse("problem_detail", args=[problem.pk]) + "#instructions")


@login_required
@require_POST
def instruction_reply(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    instruction = instructions.access_instruction_by_id(request.user, pk)
    problem = access_problem_by_id(request.user, instruction.problem_id) if instruction.problem_id else None
    form = InstructionReplyForm(request.POST, prefix=f"instruction_reply_{instruction.pk}")
    try:  # the action checks who may answer before what they typed, so an outsider is refused as one (403)
        instructions.do_reply_instruction(instruction, actor=request.user, text=_posted(form, "text"))
    except ActionError as exc:
        if problem is not None:
            return _problem_with_error(request, problem, exc)
        status = report_action_error(request, None if form.errors else form, exc)
        return _instruction_page(request, instruction, reply_form=form, status=status)
    messages.success(request, gettext("办理情况已回复。"))
    return redirect(instructions.instruction_url(instruction))


@login_required
def instruction_list(request: AuthedHttpRequest) -> HttpResponse:
    """领导批示: a leader's own (to follow up), a unit's addressed to it, every one for the other bureau roles."""
    form = InstructionFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    listed = instructions.instructions_listed_for(request.user)
    qs = instructions.filter_instructions(listed, state=data.get("state", ""), level=data.get("level", ""))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "today": today()}
    return render(request, "supervision/instructions.html", context)


@login_required
def instruction_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A unit-level 批示 and its answer; one on a problem is read on the problem's timeline."""
    instruction = instructions.access_instruction_by_id(request.user, pk)
    if instruction.problem_id is not None:
        return redirect(instructions.instruction_url(instruction))
    return _instruction_page(request, instruction)


def _instruction_page(
    request: AuthedHttpRequest,
    instruction: Instruction,
    *,
    reply_form: InstructionReplyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if reply_form is None and instructions.can_reply(request.user, instruction):
        reply_form = InstructionReplyForm(prefix=f"instruction_reply_{instruction.pk}")
    context = {"i": instruction, "reply_form": reply_form, "today": today()}
    return render(request, "supervision/instruction.html", context, status=status)


@login_required
def unit_instruction_give(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """作出批示 on a unit's work as a whole (from the 驾驶舱): the form, and its POST."""
    try:
        unit = instructions.access_unit_to_instruct(request.user, pk)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        back = ""
    form = InstructionForm(request.POST or None, prefix="instruction")
    status = 200
    if request.method == "POST":
        try:
            if "reply_due_on" in form.errors:
                raise ActionError(str(form.errors["reply_due_on"][0]))
            instruction = instructions.do_give_unit_instruction(
                unit, actor=request.user, text=_posted(form, "text"), reply_due_on=form.cleaned_data["reply_due_on"]
            )
        except ActionError as exc:
            status = report_action_error(request, None if form.errors else form, exc)
        else:
            messages.success(request, gettext("批示已送达%(unit)s。") % {"unit": unit.name})
            return redirect(back or reverse("supervision_instruction", args=[instruction.pk]))
    recent = instructions.unit_instructions(request.user, unit)[:10]
    refusal = instructions.unit_refusal(unit)
    context = {"unit": unit, "form": form, "next": back, "recent": recent, "refusal": refusal, "today": today()}
    return render(request, "supervision/unit_instruction.html", context, status=status)


def _posted(form: InstructionForm | InstructionReplyForm, name: str) -> str:
    """What was typed, as typed: the action itself says what is wrong with it (empty, too long)."""
    return str(form.data.get(form.add_prefix(name), ""))


def _problem_with_error(request: AuthedHttpRequest, problem: Problem, exc: ActionError) -> HttpResponse:
    from taizhang.problems.views import _detail_context

    status = report_action_error(request, None, exc)
    problem.refresh_from_db()
    return render(request, "problems/problem_detail.html", _detail_context(request, problem, {}), status=status)


@login_required
def inbox(request: AuthedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        inbox_of(request.user).filter(read_at__isnull=True).update(read_at=now())
        messages.success(request, gettext("已全部标为已读。"))
        return redirect("supervision_inbox")
    page = Paginator(inbox_of(request.user).select_related("problem"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/inbox.html", {"page": page, "query": ""})


@login_required
def subscriptions(request: AuthedHttpRequest) -> HttpResponse:
    if request.user.role not in SUBSCRIBERS:
        raise PermissionDenied(gettext("只有局领导、牵头部门和纪检组可以订阅红灯事项。"))
    if request.method == "POST":
        subscribed = bool(request.POST.get("subscribed"))
        if "group" in request.POST:
            try:
                actions.do_set_group_subscription(request.user, request.POST["group"], subscribed=subscribed)
            except ActionError as exc:
                report_action_error(request, None, exc)
                return redirect("supervision_subscriptions")
            messages.success(request, gettext("已订阅。") if subscribed else gettext("已取消订阅。"))
            return redirect("supervision_subscriptions")
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            actions.do_set_red_item_subscription(request.user, form.cleaned_data["unit"], subscribed=subscribed)
            messages.success(request, gettext("已订阅。") if subscribed else gettext("已取消订阅。"))
        return redirect("supervision_subscriptions")
    subs = RedItemSubscription.objects.filter(user=request.user)
    mine = {u for u in subs.values_list("unit_id", flat=True) if u is not None}
    kinds = {k for k in subs.values_list("unit_kind", flat=True) if k}
    groups = [(kind, UnitKind(kind).label, kind in kinds) for kind in actions.GROUP_KINDS]
    all_units = SubscriptionForm().fields["unit"].queryset  # type: ignore[attr-defined]
    units = [(u, u.pk in mine, u.kind in kinds) for u in all_units]
    return render(request, "supervision/subscriptions.html", {"units": units, "groups": groups})


@login_required
def accountability(request: AuthedHttpRequest) -> HttpResponse:
    if not can_read_accountability(request.user):
        raise PermissionDenied(gettext("您的角色不能查看问责记录。"))
    can_write = request.user.role in ACCOUNTABILITY_WRITERS
    form = AccountabilityForm(request.POST or None) if can_write else None
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            try:
                _record_accountability(request, form)
            except ActionError as exc:
                status = report_action_error(request, form, exc)
            else:
                messages.success(request, gettext("问责记录已保存。"))
                return redirect("supervision_accountability")
        else:
            status = 400
    rows = accountability_visible_to(request.user).order_by("-recorded_at", "bundled_with_id", "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/accountability.html", {"form": form, "page": page, "query": ""}, status=status)


def _record_accountability(request: AuthedHttpRequest, form: AccountabilityForm) -> None:
    data = form.cleaned_data
    problem = action = None
    if number := data["problem_number"].strip():
        problem = Problem.objects.filter(number=number).first()
        if problem is None:
            raise ActionError(
                gettext("问题编号“%(number)s”不存在。") % {"number": number},
                field_errors={"problem_number": [gettext("问题编号不存在。")]},
            )
    if doc := data["document_number"].strip():
        action = SupervisionAction.objects.filter(doc_number=doc).first()
        if action is None:
            raise ActionError(
                gettext("发文字号“%(doc)s”不存在。") % {"doc": doc},
                field_errors={"document_number": [gettext("发文字号不存在。")]},
            )
    actions.do_record_accountability(
        actor=request.user,
        unit=data["unit"],
        person=data["person"],
        person_name=data["person_name"],
        sanction=data["sanction"],
        reason=data["reason"],
        decided_on=data["decided_on"],
        decision_number=data["decision_number"],
        problem=problem,
        action=action,
    )


@login_required
def calendar(request: AuthedHttpRequest) -> HttpResponse:
    is_admin = request.user.role == Role.ADMIN
    form = CalendarYearForm(request.POST or None) if is_admin else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(gettext("只有系统管理员可以维护节假日安排。"))
        if form.is_valid():
            try:
                actions.do_save_calendar_year(actor=request.user, **form.cleaned_data)
            except ActionError as exc:
                status = report_action_error(request, form, exc)
            else:
                messages.success(request, gettext("%(year)s年节假日安排已保存。") % {"year": form.cleaned_data["year"]})
                return redirect("supervision_calendar")
        else:
            status = 400
    shipped = official_arrangements()
    custom = {row.year: row for row in CalendarYear.objects.all()}
    years = sorted(set(shipped) | set(custom), reverse=True)[:6]
    rows = [(y, custom[y].arrangement() if y in custom else shipped[y], y in custom) for y in years]
    return render(request, "supervision/calendar.html", {"form": form, "rows": rows}, status=status)
