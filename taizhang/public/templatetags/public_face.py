from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def staff_login_url() -> str:
    """The staff login: this site's own, or — on the public-only face, which has none — TAIZHANG_STAFF_URL
    (the intranet address; empty: no link, as a DMZ host may not want to advertise it)."""
    try:
        return reverse("login")
    except NoReverseMatch:
        return str(getattr(settings, "TAIZHANG_STAFF_URL", "") or "")
