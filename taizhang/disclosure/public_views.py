"""The public's 公示 pages (public layout, no login): published batches, a batch, an item with its objection form.
Only frozen text is shown, so what was published stays as published whatever happens to the problem later."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext

from taizhang.clock import today
from taizhang.disclosure.access import published_batch, published_item
from taizhang.disclosure.actions import do_file_objection
from taizhang.disclosure.forms import ObjectionForm
from taizhang.disclosure.models import Batch, BatchState
from taizhang.disclosure.public import preview_item
from taizhang.errors import ActionError
from taizhang.public.limits import Counter, client_ip
from taizhang.public.pagecache import serve_kept
from taizhang.web.http import report_action_error

BATCHES_PER_PAGE = 20
ITEMS_PER_PAGE = 20


def batch_list(request: HttpRequest) -> HttpResponse:
    """The list's cards are cached per page, language and day (their 公示中/已结束 badges), under a version that any
    publication or withdrawal changes: rendering twenty cards cost more than the page's queries (docs/PERFORMANCE)."""
    batches = Batch.objects.published().order_by("-starts_on", "-id")
    seen = batches.aggregate(n=Count("id"), latest=Max("published_at"))
    paginator = Paginator(batches, BATCHES_PER_PAGE)
    paginator.count = seen["n"]  # one query gives the pager its count and the cache its version
    page = paginator.get_page(request.GET.get("page"))
    # Publishing adds a newer batch and withdrawing removes one, so (how many, the newest) changes with either.
    version = f"{seen['n']}|{seen['latest'].timestamp() if seen['latest'] else 0}"
    context = {"page": page, "today": today(), "version": version}
    # The whole page is the same for everyone until a batch is published or withdrawn (the version) or the day
    # turns (the 公示中 badges): kept per page and language, each look filling in its own CSRF token.
    key = f"disclosure-list:{version}:{page.number}:{get_language()}:{context['today']}"
    return serve_kept(request, key, "disclosure/public_list.html", context)


def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_batch(request, published_batch(pk), preview=False)


def render_batch(request: HttpRequest, batch: Batch, *, preview: bool) -> HttpResponse:
    """One template for the public page and the coordinator's preview: the preview is what the public will see."""
    items = batch.items.order_by("position", "id")
    draft = batch.state == BatchState.DRAFT
    if draft:  # computed from the problems; a published batch reads only its frozen columns
        items = items.select_related("problem__lead_unit", "problem__category")
    paginator = Paginator(items, ITEMS_PER_PAGE)
    if not draft:
        paginator.count = batch.item_count  # counted once, at publication
    page = paginator.get_page(request.GET.get("page"))
    if draft:
        page.object_list = [preview_item(i) for i in page.object_list]
    context = {"batch": batch, "page": page, "preview": preview, "open": batch.is_open_for_objections()}
    return render(request, "disclosure/public_batch.html", context)


def item_detail(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    batch = published_batch(pk)
    item = published_item(batch, item_pk)
    is_open = batch.is_open_for_objections()
    form = ObjectionForm(request.POST or None) if is_open else None
    status = 200
    if request.method == "POST":
        if form is None:
            messages.error(request, gettext("该公示不在公示期内，异议通道已关闭。"))
            status = 400
        elif form.is_valid():
            try:
                Counter("objection_ip", client_ip(request)).hit()
                do_file_objection(item, **form.cleaned_data)
            except ActionError as exc:
                status = report_action_error(request, form, exc)
            else:
                messages.success(request, gettext("异议已提交，牵头部门将核实处理。感谢您的监督！"))
                return redirect("disclosure_item", pk=batch.pk, item_pk=item.pk)
        else:
            status = 400
    context = {"batch": batch, "item": item, "form": form, "open": is_open}
    return render(request, "disclosure/public_item.html", context, status=status)
