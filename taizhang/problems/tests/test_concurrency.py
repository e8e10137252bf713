"""Two people acting on one problem at the same moment: one wins, the other is told, nothing is lost."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, connections

from taizhang.audit.events import verify_chain
from taizhang.audit.models import AuditEvent, Verb
from taizhang.errors import ActionError
from taizhang.problems import actions
from taizhang.problems.models import Problem, Status

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks across connections are exercised on PostgreSQL"
)


def _race(*calls: Any) -> list[BaseException | None]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[BaseException | None] = [None] * len(calls)

    def run(index: int, call: Any) -> None:
        try:
            barrier.wait()
            call()
        except BaseException as exc:  # collected for the assertions
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_concurrent_progress_reports_with_the_same_version_through(
    cast: SimpleNamespace, make_problem: Any
) -> None:
    problem = make_problem(Status.RECTIFYING)
    version = problem.version

    def report(text: str, actor: Any) -> Any:
        return lambda: actions.do_report_progress(problem, actor=actor, text=text, percent=50, expected_version=version)

    outcomes = _race(report("联络员甲的进展", cast.officer), report("股长乙的进展", cast.unit_head))
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "NoneType"]
    assert Problem.objects.get(pk=problem.pk).progress_reports.count() == 1
    assert verify_chain()[1] is None


@pytest.mark.django_db(transaction=True)
def test_it_signs_once_when_two_officers_click_together(cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem(Status.ASSIGNED)
    outcomes = _race(
        lambda: actions.do_sign_problem(problem, actor=cast.officer),
        lambda: actions.do_sign_problem(problem, actor=cast.unit_head),
    )
    failures = [o for o in outcomes if o is not None]
    assert len(failures) == 1 and isinstance(failures[0], ActionError)
    assert AuditEvent.objects.filter(problem=problem, verb=Verb.PROBLEM_SIGNED).count() == 1
    assert verify_chain()[1] is None
