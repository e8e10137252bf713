"""Chinese date formatting used in pages, exports and documents."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def chinese_date(value: dt.date | None) -> str:
    """2026年11月3日 — no leading zeros, as official documents write dates."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def chinese_datetime(value: dt.datetime | None) -> str:
    """An aware moment is written in the bureau's time zone (Asia/Shanghai), never in UTC."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = timezone.localtime(value)
    return f"{chinese_date(value.date())} {value:%H:%M}"
