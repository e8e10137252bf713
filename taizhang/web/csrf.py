"""The page a failed CSRF check answers with (CSRF_FAILURE_VIEW), in the product's language and layout.

Django's own page is a bare technical one: its title ("403 Forbidden") and <html lang="en"> are fixed English
whatever the language, it speaks of "CSRF tokens", and it offers no way back. A parent whose submit page sat open
in WeChat overnight (the token's cookie gone) met it on the public face. This one says what happened in plain
words and links back to the form."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def _back_url(request: HttpRequest) -> str:
    """The page the form was on (the Referer, when it is this site's), else the address posted to."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure()):
        return referer
    return request.path


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django passes its reason (English, technical); it is logged by Django already and not shown."""
    user = getattr(request, "user", None)
    public = settings.TAIZHANG_FACE == "public" or not (user is not None and user.is_authenticated)
    template = "public/403_csrf.html" if public else "403_csrf.html"
    no_cookie = not request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    context = {"back_url": _back_url(request), "no_cookie": no_cookie}
    return render(request, template, context, status=403)
