"""The coordinator's 公示 pages: batches, picking problems, redaction, preview, publish and withdraw (each with a
confirmation step), and answering the public's objections. Leaders may read them; only coordinators change
anything."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from taizhang.disclosure import actions
from taizhang.disclosure.access import access_batch_by_id, batches_visible_to, can_manage_batches, can_read_batches
from taizhang.disclosure.forms import AnswerObjectionForm, BatchForm, PublishForm, RedactForm, WithdrawForm
from taizhang.disclosure.models import Batch, BatchItem, BatchState, Objection
from taizhang.disclosure.public import preview_item
from taizhang.errors import ActionError, NotAllowed
from taizhang.problems.filters import LedgerFilterForm
from taizhang.problems.models import Problem
from taizhang.web.http import AuthedHttpRequest, report_action_error

PAGE_SIZE = 50
CANDIDATES = 100


def _readable(request: AuthedHttpRequest) -> None:
    if not can_read_batches(request.user):
        raise PermissionDenied(gettext("您的角色不能查看公示管理。"))


@login_required
def batch_list(request: AuthedHttpRequest) -> HttpResponse:
    _readable(request)
    form = BatchForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            batch = actions.do_create_batch(actor=request.user, **form.cleaned_data)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except ActionError as exc:
            status = report_action_error(request, form, exc)
        else:
            return redirect("disclosure_manage_batch", pk=batch.pk)
    batches = batches_visible_to(request.user).annotate(n_items=Count("items")).order_by("-id")
    page = Paginator(batches.select_related("created_by"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_manage": can_manage_batches(request.user)}
    return render(request, "disclosure/manage_list.html", context, status=status)


def _candidates(batch: Batch, form: LedgerFilterForm) -> list[Problem]:
    """Problems of the batch's kind not yet in it, filtered by the ledger's own filter form."""
    allowed = actions.STATUSES_FOR_KIND[batch.kind]
    qs = Problem.objects.filter(status__in=allowed).exclude(pk__in=batch.items.values("problem_id"))
    qs = form.apply(qs.select_related("lead_unit", "category")) if form.is_valid() else qs.none()
    return list(qs[:CANDIDATES])


@login_required
def batch_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    batch = access_batch_by_id(request.user, pk)
    status = 200
    if request.method == "POST":
        status = _change_items(request, batch)
        if status == 200:
            return redirect("disclosure_manage_batch", pk=batch.pk)
    items = list(batch.items.select_related("problem__lead_unit", "problem__category").order_by("position", "id"))
    if batch.state == BatchState.DRAFT:
        items = [preview_item(i) for i in items]
    form = LedgerFilterForm(request.GET)
    draft = batch.state == BatchState.DRAFT and can_manage_batches(request.user)
    context = {
        "batch": batch,
        "items": items,
        "can_manage": can_manage_batches(request.user),
        "draft": draft,
        "filter": form,
        "candidates": _candidates(batch, form) if draft else [],
        "objections": Objection.objects.filter(item__batch=batch).select_related("item", "answered_by"),
    }
    return render(request, "disclosure/manage_batch.html", context, status=status)


def _change_items(request: AuthedHttpRequest, batch: Batch) -> int:
    """POST on a draft: add the ticked problems, or remove one item."""
    try:
        if remove := request.POST.get("remove"):
            item = batch.items.filter(pk=remove).first()
            if item is None:
                raise ActionError(gettext("该问题已不在公示中。"))
            actions.do_remove_item(item, actor=request.user)
            messages.success(request, gettext("已移出。"))
        else:
            ids = [int(v) for v in request.POST.getlist("problem") if v.isdigit()]
            added = actions.do_add_problems(batch, ids, actor=request.user)
            messages.success(request, gettext("已加入 %(n)d 个问题。") % {"n": added})
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except ActionError as exc:
        return report_action_error(request, None, exc)
    return 200


@login_required
def item_redact(request: AuthedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    batch = access_batch_by_id(request.user, pk)
    item = _item_of(batch, item_pk)
    form = RedactForm(request.POST or None, initial={"words": "\n".join(item.redactions)})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_redact_item(item, form.word_list(), actor=request.user)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except ActionError as exc:
            status = report_action_error(request, form, exc)
        else:
            messages.success(request, gettext("已保存，预览中可见隐去后的效果。"))
            return redirect("disclosure_manage_batch", pk=batch.pk)
    shown = preview_item(item) if batch.state == BatchState.DRAFT else item
    context = {"batch": batch, "item": shown, "form": form, "can_manage": can_manage_batches(request.user)}
    return render(request, "disclosure/manage_redact.html", context, status=status)


def _item_of(batch: Batch, item_pk: int) -> BatchItem:
    item = batch.items.select_related("problem__lead_unit", "problem__category").filter(pk=item_pk).first()
    if item is None:
        raise Http404(gettext("该问题不在本公示中。"))
    return item


@login_required
def batch_preview(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The public page of the batch exactly as it will read, with the public layout; drafts computed live."""
    from taizhang.disclosure.public_views import render_batch

    batch = access_batch_by_id(request.user, pk)
    return render_batch(request, batch, preview=True)


@login_required
def batch_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """GET asks for the 公示期 and confirmation; POST publishes."""
    batch = access_batch_by_id(request.user, pk)
    if not can_manage_batches(request.user):
        raise PermissionDenied(gettext("只有牵头部门可以编制、发布或撤回公示。"))
    form = PublishForm(request.POST) if request.method == "POST" else PublishForm.with_defaults()
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_publish_batch(batch, actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            status = report_action_error(request, form, exc)
        else:
            messages.success(request, gettext("公示已发布。"))
            return redirect("disclosure_manage_batch", pk=batch.pk)
    context = {"batch": batch, "form": form, "n_items": batch.items.count()}
    return render(request, "disclosure/manage_publish.html", context, status=status)


@login_required
def batch_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    batch = access_batch_by_id(request.user, pk)
    if not can_manage_batches(request.user):
        raise PermissionDenied(gettext("只有牵头部门可以编制、发布或撤回公示。"))
    form = WithdrawForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_withdraw_batch(batch, actor=request.user, reason=form.cleaned_data["reason"])
        except ActionError as exc:
            status = report_action_error(request, form, exc)
        else:
            messages.success(request, gettext("公示已撤回，公众不再可见。"))
            return redirect("disclosure_manage_batch", pk=batch.pk)
    return render(request, "disclosure/manage_withdraw.html", {"batch": batch, "form": form}, status=status)


@login_required
def objection_answer(request: AuthedHttpRequest, pk: int, objection_pk: int) -> HttpResponse:
    """GET shows the objection and the answer form (or the answer given); POST answers it once."""
    batch = access_batch_by_id(request.user, pk)
    objection = Objection.objects.filter(item__batch=batch, pk=objection_pk).select_related("item", "answered_by")
    found = objection.first()
    if found is None:
        raise Http404(gettext("该异议不在本公示中。"))
    form = AnswerObjectionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_manage_batches(request.user):
            raise PermissionDenied(gettext("只有牵头部门可以答复公示异议。"))
        if form.is_valid():
            try:
                actions.do_answer_objection(found, actor=request.user, **form.cleaned_data)
            except ActionError as exc:
                status = report_action_error(request, form, exc)
            else:
                messages.success(request, gettext("已答复异议。"))
                return redirect(reverse("disclosure_manage_batch", args=[batch.pk]) + f"#objection-{found.pk}")
        else:
            status = 400
    context = {"batch": batch, "objection": found, "form": form, "can_manage": can_manage_batches(request.user)}
    return render(request, "disclosure/manage_objection.html", context, status=status)
