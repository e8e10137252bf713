"""Schemathesis against the published OpenAPI document (/api/v1/openapi.json), in-process through the WSGI app.

Every operation of the document is fuzzed three ways: as a coordinator with a full API token (the widest
reader and writer), with no credentials, and as an officer of another unit with a token. No answer may be a
5xx, and every answer must match the document (schema and content type). Without credentials every operation
but the public face's is refused with 401; neither the anonymous caller nor the other unit's officer ever reads
a byte of a problem or opinion that is not theirs (a marker planted in the text never comes back to them).

CI size: ≥ 2,000 requests, derandomised (the same cases every run). TAIZHANG_FUZZ_EXAMPLES=N multiplies the
per-operation count for the longer run (N=10 gives ≥ 20,000 requests); measured figures are in
docs/PERFORMANCE.md.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from taizhang.accounts.actions import do_create_api_token
from taizhang.accounts.models import Role, User

MARKER = "绝密标记甲乙丙"
SCALE = int(os.environ.get("TAIZHANG_FUZZ_EXAMPLES", "1"))
# Per operation and identity: 53 operations × (24 + 7 + 9) ≈ 2,100 requests in CI.
EXAMPLES = {"coordinator": 24 * SCALE, "anonymous": 7 * SCALE, "other_unit": 9 * SCALE}
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def bearer(user: User) -> dict[str, str]:
    _token, key = do_create_api_token(user, "模糊测试", actor=None, scope="full")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def schema() -> Iterator[Any]:
    from taizhang.wsgi import application

    # Like Django's test client: the request signals must not close the test's connection (its transaction
    # holds the cast) between requests.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def run_operation(
    operation: Any, examples: int, headers: dict[str, str], path_parameters: dict[str, Any], seen: list[Any]
) -> None:
    known = {p.name: v for p, v in ((p, path_parameters.get(p.name)) for p in operation.path_parameters) if v}
    # Half the cases aim at the planted rows' real ids, half at whatever the document allows.
    strategy = operation.as_strategy()
    if known:
        strategy = st.one_of(strategy, operation.as_strategy(path_parameters=known))

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def fuzz(case: Any) -> None:
        response = case.call(headers=headers)
        failure = None
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except Exception as exc:  # schemathesis raises a group of failures; collected, asserted at the end
            failure = f"{operation.label} {case.path_parameters} {case.query} → {response.status_code}: {exc}"[:2000]
        seen.append((operation.label, response.status_code, response.text, failure, dict(case.path_parameters or {})))

    fuzz()


def fuzz_all(schema: Any, who: str, headers: dict[str, str], ids: dict[str, Any]) -> list[Any]:
    seen: list[Any] = []
    for result in schema.get_all_operations():
        run_operation(result.ok(), EXAMPLES[who], headers, ids, seen)
    return seen


def test_the_api_answers_every_generated_request_within_its_document(
    cast: SimpleNamespace, make_problem: Any, schema: Any
) -> None:
    from taizhang.problems.models import Status

    problem = make_problem(Status.ASSIGNED, text=f"实验小学有老师在校外有偿补课，{MARKER}。")
    opinion = problem.opinions.first()
    ids = {"problem_id": problem.pk, "opinion_id": getattr(opinion, "pk", None), "unit_id": cast.basic.pk}
    outsider = User.objects.create_user(
        "outsider", password="pass-1234", full_name="外校联络员", role=Role.UNIT_OFFICER, unit=cast.school
    )
    started = time.monotonic()
    runs = {
        "coordinator": fuzz_all(schema, "coordinator", bearer(cast.coordinator), ids),
        "anonymous": fuzz_all(schema, "anonymous", {}, ids),
        "other_unit": fuzz_all(schema, "other_unit", bearer(outsider), ids),
    }
    elapsed = time.monotonic() - started
    total = sum(len(r) for r in runs.values())
    statuses = Counter(status for r in runs.values() for (_l, status, _t, _f, _p) in r)
    print(f"schemathesis: {total} requests in {elapsed:.1f} s, statuses {sorted(statuses.items())}")
    assert total >= 2000 * SCALE, total

    failures = [f for r in runs.values() for (_label, _status, _text, f, _p) in r if f]
    assert not failures, "\n\n".join(failures[:20])
    assert not [s for r in runs.values() for (_l, s, _t, _f, _p) in r if s >= 500]

    # The coordinator reached the planted problem (the marker can come back); nobody else ever did.
    assert any(MARKER in text for (_l, _s, text, _f, _p) in runs["coordinator"])
    for who in ("anonymous", "other_unit"):
        leaks = [(label, status) for (label, status, text, _f, _p) in runs[who] if MARKER in text]
        assert not leaks, (who, leaks[:10])
    # Without credentials everything but the public face is refused.
    anonymous_answers = [
        (label, status) for (label, status, _t, _f, _p) in runs["anonymous"] if "/public/" not in label
    ]
    assert anonymous_answers
    assert {status for (_label, status) in anonymous_answers} <= {401}, sorted(set(anonymous_answers))[:20]
    # The other unit's officer never reads the problem or its opinion by id.
    by_id = [
        (label, status)
        for (label, status, _t, _f, params) in runs["other_unit"]
        if label.startswith("GET ") and params.get("problem_id") == problem.pk
    ]
    assert by_id
    assert {status for (_label, status) in by_id} <= {403, 404}, by_id[:10]
