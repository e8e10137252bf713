"""Fixed-window rate limits: the arithmetic and the keys, with no storage (the counters live in the database,
see taizhang.public.limits). A window is identified by the epoch second it starts at, so every process
that agrees on the clock agrees on the window without talking to the others."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    """At most `limit` events per `seconds`."""

    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """'10/h', '30/10m', '5/d' → Rate; the written form operators put in settings."""
        match = _RATE.match(text)
        if match is None:
            raise ValueError(f"bad rate {text!r}: expected like '10/h' or '30/10m'")
        count, multiple, unit = match.groups()
        seconds = int(multiple or 1) * _UNITS[unit]
        if seconds <= 0:
            raise ValueError(f"bad rate {text!r}: the window must be longer than zero")
        return cls(int(count), seconds)


def window_start(epoch_seconds: float, seconds: int) -> int:
    """The start of the window that `epoch_seconds` falls in."""
    return int(epoch_seconds) // seconds * seconds


def retry_after(epoch_seconds: float, seconds: int) -> int:
    """Whole seconds until the next window opens (at least 1)."""
    return max(1, window_start(epoch_seconds, seconds) + seconds - int(epoch_seconds))


def counter_key(secret: str, scope: str, value: str) -> str:
    """`scope:` and a keyed hash of `value`: the counter table never holds an IP address or a receipt code
    in clear, and without the secret the hash cannot be matched against a list of addresses."""
    digest = hmac.new(secret.encode(), f"{scope}\x00{value}".encode(), hashlib.sha256).hexdigest()
    return f"{scope}:{digest[:40]}"
