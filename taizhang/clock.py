"""The server's clock. Every recorded time comes from here, never from a typed date.

The demo loader backdates its story with `travel_to`; tests use time-machine, which this follows too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator

from django.utils import timezone

_state = threading.local()


def now() -> dt.datetime:
    override: dt.datetime | None = getattr(_state, "now", None)
    return override if override is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def travel_to(moment: dt.datetime) -> Iterator[None]:
    previous = getattr(_state, "now", None)
    _state.now = moment
    try:
        yield
    finally:
        _state.now = previous
