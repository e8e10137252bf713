"""A minimal per-IP limit on objections, until the public face's shared limiter (taizhang.lib.ratelimit with its
counter table) is in: counted in Django's cache, per process, keyed by a hash so no address is kept."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from taizhang.lib.ratelimit import Rate, counter_key, window_start

OBJECTION_RATE = Rate.parse(getattr(settings, "TAIZHANG_OBJECTION_RATE", "5/h"))


def objection_allowed(request: HttpRequest) -> bool:
    """Count this request against its IP's window; False once the window's limit is passed."""
    moment = time.time()
    key = counter_key(settings.SECRET_KEY, "objection", request.META.get("REMOTE_ADDR", ""))
    key = f"{key}:{window_start(moment, OBJECTION_RATE.seconds)}"
    cache.add(key, 0, timeout=OBJECTION_RATE.seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=OBJECTION_RATE.seconds)
        count = 1
    return count <= OBJECTION_RATE.limit
