"""The public face's pages: the front page, submitting an opinion, following it by its receipt code."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from taizhang.errors import ActionError
from taizhang.intake.models import Opinion
from taizhang.lib.masking import mask_email, mask_phone
from taizhang.problems.forms import as_uploads
from taizhang.public.access import access_page_by_code
from taizhang.public.actions import (
    MAX_PHOTOS,
    MAX_TEXT_CHARS,
    do_submit_public_opinion,
    emails_receipt_code,
    texts_receipt_code,
)
from taizhang.public.forms import SubmitForm, TrackForm
from taizhang.public.limits import Counter, RateLimited, client_ip
from taizhang.public.pagecache import respond_kept
from taizhang.web.http import report_action_error


def _private(response: HttpResponse) -> HttpResponse:
    """Receipt codes and timelines are one person's: never kept by a shared cache or the browser's history."""
    response["Cache-Control"] = "no-store"
    return response


def limited(request: HttpRequest, exc: RateLimited, template: str, context: dict[str, Any]) -> HttpResponse:
    response = render(request, template, {**context, "limited": exc.message}, status=429)
    response["Retry-After"] = str(exc.wait_seconds)
    return response


@require_GET
def front_page(request: HttpRequest) -> HttpResponse:
    return render(request, "public/front.html")


@require_http_methods(["GET", "POST"])
def submit_opinion(request: HttpRequest) -> HttpResponse:
    """A phone-sized form; on success the receipt code is shown once, on this response (nothing to go back to)."""
    limits = {"max_text": MAX_TEXT_CHARS, "max_photos": MAX_PHOTOS}
    if request.method == "GET":
        form = SubmitForm(initial={"unit": request.GET.get("unit", "")})
        return render(request, "public/submit.html", {"form": form, **limits})
    form = SubmitForm(request.POST, request.FILES)
    try:
        Counter("submit_ip", client_ip(request)).hit()
    except RateLimited as exc:
        return limited(request, exc, "public/submit.html", {"form": form, **limits})
    status = 400
    if form.is_valid():
        try:
            opinion = do_submit_public_opinion(form.submission(), as_uploads(form.cleaned_data["photos"]))
        except ActionError as exc:
            status = report_action_error(request, form, exc)
        else:
            return _private(render(request, "public/receipt.html", _receipt(opinion)))
    return render(request, "public/submit.html", {"form": form, **limits}, status=status)


def _receipt(opinion: Opinion) -> dict[str, Any]:
    """Where the code was also sent, masked: the page may be read over the reporter's shoulder."""
    return {
        "opinion": opinion,
        "texted_to": mask_phone(opinion.reporter_phone) if texts_receipt_code(opinion) else "",
        "emailed_to": mask_email(opinion.reporter_email) if emails_receipt_code(opinion) else "",
    }


@require_GET
def track_opinion(request: HttpRequest) -> HttpResponse:
    """Follow an opinion by its receipt code. An unknown code and a malformed one get the same 404 page."""
    form = TrackForm(request.GET or None)
    if "code" not in request.GET:
        return render(request, "public/track.html", {"form": form})
    typed = request.GET.get("code", "")
    try:
        page = access_page_by_code(request, typed)
    except RateLimited as exc:
        return limited(request, exc, "public/track.html", {"form": TrackForm()})
    if page is None:
        # The code stays in the box, so a mistyped character is corrected instead of the whole code retyped.
        return render(request, "public/track.html", {"form": form, "not_found": True}, status=404)
    # The kept page with this look's own values: no template rendered (the page's cost was its rendering).
    if (kept := respond_kept(request, page.full, typed=typed)) is not None:
        return _private(kept)
    context = {"form": form, "timeline": page.timeline, "timeline_html": page.html}
    return _private(render(request, "public/track.html", context))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The public face's 404 (its URLconf has no staff pages for the shared 404 template to link to)."""
    return render(request, "public/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "public/500.html", status=500)
