"""Two schedulers sweeping the same due problems at the same moment: every rung fires exactly once."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection, connections

from taizhang.audit.events import verify_chain
from taizhang.problems.models import Problem
from taizhang.supervision.models import SupervisionAction
from taizhang.supervision.scheduler import SweepResult, sweep
from taizhang.supervision.tests.helpers import assign, at, new_problem

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every writer, so two schedulers cannot overlap; the race is exercised on PostgreSQL",
)
D = dt.date


@pytest.mark.django_db(transaction=True)
def test_it_never_fires_a_rung_twice_with_two_schedulers_running(cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False) as traveller:
        problems = [assign(cast, new_problem(cast, f"问题{i}"), milestone_on=D(2026, 11, 3)) for i in range(40)]
        results: list[SweepResult] = []
        errors: list[BaseException] = []

        def scheduler(barrier: threading.Barrier) -> None:
            try:
                barrier.wait()
                results.append(sweep(batch_size=7))
            except BaseException as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        # Two schedulers on the day of the 预报单, on the day of the 督办单 (with the missed 签收 reminder; the
        # "due in two days" reminder is moot by then) and on the day the 通报批评单 is drafted.
        for day in (D(2026, 11, 2), D(2026, 11, 12), D(2026, 11, 18)):
            traveller.move_to(at(day))
            barrier = threading.Barrier(2)
            threads = [threading.Thread(target=scheduler, args=(barrier,)) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    assert errors == []
    keys = Counter(SupervisionAction.objects.filter(problem__isnull=False).values_list("problem_id", "rung__code"))
    assert len(keys) == 40 * 5 and set(keys.values()) == {1}
    assert sum(r.fired for r in results) == 40 * 4  # all but the moot reminder
    assert sum(r.claimed for r in results) == 40 * 3  # each problem claimed by exactly one of them each day
    for kind in ("supervision_notice", "forecast"):
        seqs = sorted(
            s or 0 for s in SupervisionAction.objects.filter(form_kind=kind).values_list("doc_seq", flat=True)
        )
        assert seqs == list(range(1, 41)), kind  # gapless, no number issued twice
    assert SupervisionAction.objects.filter(form_kind="criticism", state="draft", doc_seq=None).count() == 40
    assert all(p.ladder_level == 2 for p in Problem.objects.filter(pk__in=[p.pk for p in problems]))
    assert verify_chain()[1] is None
