"""Two generations at once, on PostgreSQL (SQLite serialises writers on its own): two coordinators get two
versions, and two scheduler workers make the month's reports once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection

from taizhang.reports.actions import do_generate_report, generate_due_reports
from taizhang.reports.figures import parse_report_period
from taizhang.reports.models import BulletinCounter, GeneratedReport


def _together(work: Callable[[], Any], n: int = 2) -> list[Any]:
    results: list[Any] = []
    start = threading.Barrier(n)

    def run() -> None:
        start.wait()
        try:
            results.append(work())
        except Exception as exc:  # reported to the test
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.fixture
def on_postgres(transactional_db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite has one writer at a time")


def test_two_coordinators_get_two_versions(on_postgres: None, cast: SimpleNamespace, at: Any) -> None:
    at(12, 5, 9)
    period = parse_report_period("2026-11")
    results = _together(lambda: do_generate_report("bulletin", period, actor=cast.coordinator))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(GeneratedReport.objects.values_list("version", "doc_number")) == [
        (1, "青教整通〔2026〕1号"),
        (2, "青教整通〔2026〕2号"),
    ]
    assert BulletinCounter.objects.get(year=2026).last_number == 2


def test_two_scheduler_workers_make_the_month_once(on_postgres: None, cast: SimpleNamespace, at: Any) -> None:
    at(12, 5, 7)
    results = _together(generate_due_reports)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(len(r) for r in results) == [0, 3]
    assert GeneratedReport.objects.filter(version=1).count() == GeneratedReport.objects.count() == 3
