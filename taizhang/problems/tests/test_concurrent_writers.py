"""Fifty people writing to one problem at once through the API, and numbers taken at once (#12, PostgreSQL).

Each round, 50 writers (threads, each with its own connection) read the problem's version and post a progress
report with it as expected_version. One wins, the others are told 409 (never a 500); over all rounds the
problem's version moved by exactly the number of 200s and every one of them has its audit event. CI: 50 × 20;
TAIZHANG_WRITER_ROUNDS=100 for the acceptance run (figures in docs/PERFORMANCE.md).
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from taizhang.accounts.actions import do_create_api_token
from taizhang.audit.events import verify_chain
from taizhang.audit.models import AuditEvent, Verb
from taizhang.intake.actions import NewProblem, OpinionInput, do_create_problem_from_opinion, do_receive_opinion
from taizhang.problems.models import Problem, Status
from taizhang.supervision.documents import take_number

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent connections are exercised on PostgreSQL (SQLite's test database is shared-cache memory)",
    ),
    pytest.mark.django_db(transaction=True),
]

WRITERS = 50
ROUNDS = int(os.environ.get("TAIZHANG_WRITER_ROUNDS", "20"))


def test_fifty_concurrent_writers_lose_no_update(cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem(Status.RECTIFYING)
    start_version = problem.version
    keys = [do_create_api_token(u, "并发", actor=None, scope="full")[1] for u in (cast.officer, cast.unit_head)]
    barrier = threading.Barrier(WRITERS)
    url = f"/api/v1/problems/{problem.pk}/progress"

    def writer(index: int) -> list[int]:
        client = Client(headers={"Authorization": f"Bearer {keys[index % 2]}"})
        statuses = []
        try:
            for round_ in range(ROUNDS):
                barrier.wait()
                version = Problem.objects.values_list("version", flat=True).get(pk=problem.pk)
                barrier.wait()  # everyone has read before anyone writes: one wins, the rest are stale
                answer = client.post(
                    url, {"text": f"第{round_}轮 写入者{index}", "percent": 50, "expected_version": version}
                )
                statuses.append(answer.status_code)
        finally:
            connections.close_all()
        return statuses

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = [s for statuses in pool.map(writer, range(WRITERS)) for s in statuses]
    elapsed = time.monotonic() - started
    counts = Counter(results)
    print(f"{WRITERS} writers × {ROUNDS} rounds: {dict(counts)} in {elapsed:.1f} s")
    assert set(counts) <= {200, 409}, counts
    assert counts[200] == ROUNDS  # everyone read the same version each round, so exactly one write per round
    problem.refresh_from_db()
    assert problem.version == start_version + counts[200]
    assert problem.progress_reports.count() == counts[200]
    assert AuditEvent.objects.filter(problem=problem, verb=Verb.PROGRESS_REPORTED).count() == counts[200]
    assert verify_chain()[1] is None


def test_problem_and_document_numbers_are_never_issued_twice(cast: SimpleNamespace) -> None:
    opinions = [
        do_receive_opinion(OpinionInput(channel="hotline_12345", text=f"第{i}条反映：食堂卫生差。"), actor=None)
        for i in range(WRITERS)
    ]
    barrier = threading.Barrier(WRITERS)

    def create(index: int) -> tuple[str, str]:
        try:
            barrier.wait()
            problem = do_create_problem_from_opinion(
                opinions[index],
                NewProblem(title=f"食堂卫生{index}", description="食堂卫生差。", category=cast.category),
                actor=cast.coordinator,
            )
            with transaction.atomic():  # a year no counter row exists for yet: the first ones race to create it
                _seq, document = take_number("notice", 2099, "青教督")
            return problem.number, document
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = list(pool.map(create, range(WRITERS)))
    problem_numbers = [p for p, _d in results]
    documents = [d for _p, d in results]
    assert len(set(problem_numbers)) == WRITERS, Counter(problem_numbers).most_common(3)
    assert len(set(documents)) == WRITERS, Counter(documents).most_common(3)
    assert sorted(documents) == sorted(f"青教督〔2099〕{n}号" for n in range(1, WRITERS + 1))  # gapless
    assert Problem.objects.filter(number__in=problem_numbers).count() == WRITERS
