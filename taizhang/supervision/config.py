"""The supervision configuration (calendar, time-limit rules, ladder, form templates), loaded once per process.

A few small tables read together; pages, actions and the scheduler share one snapshot. It is reloaded when this
process changes the configuration (after commit) and at the latest every `TTL_SECONDS`, so a change made by
another process reaches the scheduler within a minute.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.db import transaction

from taizhang.lib.workdays import WorkCalendar, official_arrangements
from taizhang.supervision.models import CalendarYear, FormTemplate, Rung, TimeLimitRule

TTL_SECONDS = 60.0
_lock = threading.Lock()
_cached: tuple[float, SupervisionConfig] | None = None


@dataclass(frozen=True)
class SupervisionConfig:
    calendar: WorkCalendar
    rules: dict[tuple[int | None, str], TimeLimitRule]
    rungs: tuple[Rung, ...]
    templates: dict[str, FormTemplate]
    # The years whose holiday arrangement (节假日安排) is known; deadlines in any other year are provisional.
    arranged_years: frozenset[int] = frozenset()

    def rule_for(self, category_id: int | None, kind: str) -> TimeLimitRule:
        """The most specific rule: category and kind, then category, then kind, then the catch-all."""
        for key in ((category_id, kind), (category_id, ""), (None, kind), (None, "")):
            if key in self.rules:
                return self.rules[key]
        return TimeLimitRule()  # the model's defaults, when an administrator deleted every rule

    def rungs_by_trigger(self, trigger: str) -> list[Rung]:
        return [r for r in self.rungs if r.trigger == trigger]


def load_config() -> SupervisionConfig:
    arrangements = official_arrangements()
    for row in CalendarYear.objects.all():
        arrangements[row.year] = row.arrangement()
    return SupervisionConfig(
        calendar=WorkCalendar.from_arrangements(arrangements.values()),
        rules={(r.category_id, r.kind): r for r in TimeLimitRule.objects.all()},
        rungs=tuple(Rung.objects.filter(is_active=True).order_by("level", "id")),
        templates={t.kind: t for t in FormTemplate.objects.all()},
        arranged_years=frozenset(arrangements),
    )


def get_config() -> SupervisionConfig:
    global _cached
    cached = _cached
    if cached is not None and time.monotonic() - cached[0] < TTL_SECONDS:
        return cached[1]
    with _lock:
        config = load_config()
        _cached = (time.monotonic(), config)
        return config


def forget_config() -> None:
    global _cached
    _cached = None


def config_changed() -> None:
    """Call inside the transaction that changed the configuration: the snapshot is dropped after commit."""
    transaction.on_commit(forget_config)
