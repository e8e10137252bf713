"""What a message needs besides translated words: joining several reasons, and writing a date, in the
active interface language. The Chinese comes out exactly as the messages have always written it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import get_language

from taizhang.lib.chinese_dates import chinese_date


def chinese_active() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("zh")


def join_reasons(reasons: Iterable[str], chinese_separator: str = "；") -> str:
    """Several refusal reasons in one message: in Chinese joined as each message always joined them (“；” or
    nothing, the reasons ending in “。”); in English by a space, the reasons being sentences."""
    return (chinese_separator if chinese_active() else " ").join(reasons)


def message_date(value: dt.date, *, padded: bool = False) -> str:
    """2026年11月3日 (2026年11月03日 where `padded`) in Chinese; ISO 2026-11-03 in English, as the pages write it."""
    if not chinese_active():
        return value.isoformat()
    return f"{value:%Y年%m月%d日}" if padded else chinese_date(value)
