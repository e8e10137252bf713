"""Rate limits for the public face, counted in the database so that every app process behind the proxy
shares them.

Why a counter table and not Django's cache: the default cache is per process (LocMemCache), so four
waitress processes would each allow the limit; Redis or memcached is one more service that a county
bureau's single machine does not run. Django's database cache would be shared, but it stores pickled
values with a read-then-write `incr` that loses counts under concurrency. Here one statement —
INSERT … ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count — counts atomically on SQLite
(3.35+) and PostgreSQL alike, and the window (fixed, keyed by its start second) needs no coordination.

Privacy: a counter's key is a scope and a keyed hash (HMAC with SECRET_KEY) of the address or code, never
the value itself, no row points to an opinion, and rows are deleted once their window has passed. So an
anonymous 举报 leaves no IP address behind (see docs/operations.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils.translation import ngettext

from taizhang.clock import now
from taizhang.errors import ActionError
from taizhang.lib.ratelimit import Rate, counter_key, retry_after, window_start
from taizhang.public.models import RateCounter

# Operators may override any of these in settings.TAIZHANG_PUBLIC_RATES, e.g. {"submit_ip": "20/h"}.
DEFAULT_RATES = {
    "submit_ip": "10/h",  # opinions submitted from one address
    "track_ip": "60/10m",  # every receipt-code lookup from one address
    "track_miss_ip": "20/h",  # lookups of codes that do not exist (or are mistyped): guessing
    "track_code": "60/h",  # lookups of one code, from anywhere
    "objection_ip": "5/h",  # 公示 objections (异议) from one address (taizhang.disclosure)
    # 民主评议 answer sheets from one address (taizhang.assessment): generous, as a school's or a carrier's NAT puts
    # many people behind one address; the per-browser voter id is what stops a second answer per unit.
    "survey_ip": "30/h",
}


class RateLimited(ActionError):
    status_code = 429

    def __init__(self, wait_seconds: int) -> None:
        minutes = max(1, -(-wait_seconds // 60))
        super().__init__(
            ngettext("操作过于频繁，请 %(minutes)d 分钟后再试。", "操作过于频繁，请 %(minutes)d 分钟后再试。", minutes)
            % {"minutes": minutes}
        )
        self.wait_seconds = wait_seconds


def rate(scope: str) -> Rate:
    configured = getattr(settings, "TAIZHANG_PUBLIC_RATES", {}) or {}
    return Rate.parse(configured.get(scope, DEFAULT_RATES[scope]))


def client_ip(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or — behind TAIZHANG_TRUSTED_PROXIES reverse proxies — the address
    the outermost trusted proxy saw (X-Forwarded-For read from the right, so a client cannot forge it)."""
    proxies = int(getattr(settings, "TAIZHANG_TRUSTED_PROXIES", 0) or 0)
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
    return hops[-proxies] if len(hops) >= proxies else (hops[0] if hops else remote)


@dataclass(frozen=True)
class Counter:
    scope: str
    value: str

    @property
    def key(self) -> str:
        return counter_key(settings.SECRET_KEY, self.scope, self.value)

    def _window(self) -> tuple[Rate, float, int]:
        limit = rate(self.scope)
        moment = now().timestamp()
        return limit, moment, window_start(moment, limit.seconds)

    def hit(self) -> None:
        """Count one event; raise RateLimited when it is one too many for the current window."""
        limit, moment, bucket = self._window()
        if _increment(self.key, bucket, limit.seconds) > limit.limit:
            raise RateLimited(retry_after(moment, limit.seconds))

    def check(self) -> None:
        """Raise RateLimited if the window is already full, without counting."""
        limit, moment, bucket = self._window()
        table = connection.ops.quote_name(RateCounter._meta.db_table)
        with connection.cursor() as cursor:  # on every follow-page look: hand-written, no ORM compilation
            cursor.execute(f"SELECT count FROM {table} WHERE key = %s AND bucket = %s", [self.key, bucket])
            row = cursor.fetchone()
        seen = row[0] if row else None
        if seen is not None and seen >= limit.limit:
            raise RateLimited(retry_after(moment, limit.seconds))


def hit_all(*counters: Counter) -> None:
    """Count one event on each counter in one statement (the follow page counts two on every lookup); raise
    RateLimited for the first that is one too many. Every counter is counted, as separate hits would be."""
    moment = now().timestamp()
    windows = [(c, rate(c.scope)) for c in counters]
    rows = [(c.key, window_start(moment, limit.seconds), limit.seconds) for c, limit in windows]
    counts = _increment_all(rows)
    for (_counter, limit), (key, _bucket, _seconds) in zip(windows, rows, strict=True):
        if counts[key] > limit.limit:
            raise RateLimited(retry_after(moment, limit.seconds))


def _increment(key: str, bucket: int, seconds: int) -> int:
    return _increment_all([(key, bucket, seconds)])[key]


def _increment_all(rows: list[tuple[str, int, int]]) -> dict[str, int]:
    """INSERT … ON CONFLICT DO UPDATE … RETURNING for (key, bucket, window seconds) rows → each key's count."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    values = ", ".join(["(%s, %s, 1, %s)"] * len(rows))
    params: list[Any] = []
    for key, bucket, seconds in rows:
        expires = dt.datetime.fromtimestamp(bucket + seconds, tz=dt.UTC)
        params += [key, bucket, connection.ops.adapt_datetimefield_value(expires)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, bucket, count, expires_at) VALUES {values} "
            f"ON CONFLICT (key, bucket) DO UPDATE SET count = {table}.count + 1 RETURNING key, count",
            params,
        )
        counts = {str(key): int(count) for key, count in cursor.fetchall()}
    if 1 in counts.values():  # a new window: clear the windows that have passed
        RateCounter.objects.filter(expires_at__lte=now()).delete()
    return counts
