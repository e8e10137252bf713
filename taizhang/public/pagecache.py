"""Whole public pages kept in the process's cache and served with each look's own values filled in (the CSRF token
of the language switch, the return address): for pages that are the same for every visitor until their data
changes, such as the 公示 list, whose key names the version of what it shows. Rendering was most of such a page's
cost. A look that carries a flash message is rendered as usual."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string

from taizhang.public.snapshots import CSRF_MARK, fill_page, marked_request

SECONDS = 300


def serve_kept(request: HttpRequest, key: str, template: str, context: dict[str, Any]) -> HttpResponse:
    if len(get_messages(request)):
        return render(request, template, context)
    full = cache.get(key)
    if full is None:
        full = render_to_string(template, {**context, "csrf_token": CSRF_MARK, "request": marked_request()})
        cache.set(key, full, SECONDS)
    response = respond_kept(request, full)
    assert response is not None  # no messages: checked above
    return response


def respond_kept(request: HttpRequest, full: str, *, typed: str = "") -> HttpResponse | None:
    """A kept page with this look's own values, or None when the look must be rendered (a flash message waits)."""
    if not full or len(get_messages(request)):
        return None
    body = fill_page(full, csrf_token=get_token(request), next_path=request.get_full_path(), typed=typed)
    return HttpResponse(body)
