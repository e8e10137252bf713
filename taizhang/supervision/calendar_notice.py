"""A calendar that never silently runs out: which years lack a holiday arrangement (节假日安排), and who is told.

Working-day deadlines in a year without an arrangement are counted on plain weekends, so they are provisional
(暂定) until an administrator enters the State Council's notice. From 1 November the next year's notice is due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from taizhang.accounts.models import Role

WARN_FROM_MONTH = 11  # the notice for next year is usually published in late October or November
WARNED_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})


def missing_years(today: dt.date, arranged: Collection[int]) -> list[int]:
    """This year when it has no arrangement; next year too from 1 November on."""
    years = [today.year]
    if today.month >= WARN_FROM_MONTH:
        years.append(today.year + 1)
    return [y for y in years if y not in arranged]


def is_provisional(day: dt.date | None, arranged: Collection[int]) -> bool:
    return day is not None and day.year not in arranged
