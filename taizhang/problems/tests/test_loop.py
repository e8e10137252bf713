from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from taizhang.audit.events import verify_chain
from taizhang.audit.models import AuditEvent, Verb
from taizhang.errors import Conflict, NotAllowed
from taizhang.problems import actions, closure
from taizhang.problems.models import Problem, Source, Status


def test_it_walks_the_loop_to_closed_with_a_timeline(make_problem: Any) -> None:
    problem = make_problem(Status.CLOSED)
    assert problem.status == Status.CLOSED
    assert problem.closed_at is not None
    assert problem.source == Source.EXPOSED
    verbs = list(AuditEvent.objects.filter(problem=problem).order_by("id").values_list("verb", flat=True))
    assert verbs == [
        Verb.PROBLEM_CREATED,
        Verb.PROBLEM_ASSIGNED,
        Verb.PROBLEM_SIGNED,
        Verb.MILESTONE_DONE,
        Verb.CLOSURE_APPLIED,
        Verb.CLOSURE_APPROVED,
        Verb.VERIFIER_NAMED,
        Verb.CLOSURE_ACCEPTED,
        Verb.FOLLOW_UP_STARTED,  # reported by the public: 回访 before it closes
        Verb.RATING_RECORDED,
        Verb.FOLLOW_UP_FINISHED,
    ]
    checked, broken = verify_chain()
    assert broken is None and checked == AuditEvent.objects.count()


def test_it_refuses_a_verifier_who_did_the_work(cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem(Status.VERIFYING)
    with pytest.raises(NotAllowed):
        closure.do_decide_closure(problem, actor=cast.officer, accept=True, reason="")
    problem.refresh_from_db()
    assert problem.status == Status.VERIFYING


def test_it_detects_a_lost_update(cast: SimpleNamespace, make_problem: Any) -> None:
    problem = make_problem(Status.RECTIFYING)
    stale_version = problem.version
    actions.do_report_progress(problem, actor=cast.officer, text="已约谈", percent=30, expected_version=stale_version)
    with pytest.raises(Conflict):
        actions.do_report_progress(problem, actor=cast.officer, text="覆盖", percent=10, expected_version=stale_version)
    assert Problem.objects.get(pk=problem.pk).progress_percent == 30
