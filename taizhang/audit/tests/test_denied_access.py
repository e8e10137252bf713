"""Denied access is in the chained trail: a 403, and a 404 that hid an existing record, each leave an event; a
scanner repeating itself leaves one per minute, with the skipped refusals counted."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from taizhang.audit.events import verify_trail
from taizhang.audit.models import AuditEvent, Verb
from taizhang.clock import now
from taizhang.problems.models import Problem


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def denials() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=Verb.ACCESS_DENIED).order_by("id"))


def test_it_records_a_403_with_who_and_where(cast: SimpleNamespace, client: Client) -> None:
    client.force_login(cast.officer)
    assert client.get("/triage/").status_code == 403
    (event,) = denials()
    assert event.actor == cast.officer
    assert event.data["status"] == 403 and event.data["path"] == "/triage/" and event.data["route"] == "triage_inbox"
    assert verify_trail().intact


def test_it_records_the_404_that_hides_another_units_problem(
    cast: SimpleNamespace, make_problem: Callable[..., Problem], client: Client
) -> None:
    problem = make_problem()  # 新立项, given to no unit yet
    client.force_login(cast.officer)
    assert client.get(f"/problems/{problem.pk}/").status_code == 404
    assert client.get(f"/api/v1/problems/{problem.pk}").status_code == 404
    first, second = denials()
    assert first.data["refused"] == {"kind": "problem", "id": str(problem.pk)} and first.data["status"] == 404
    assert second.data["route"] != first.data["route"]
    assert first.problem is None  # the problem's own timeline does not show who was refused


def test_a_missing_record_is_not_a_denial(cast: SimpleNamespace, client: Client) -> None:
    client.force_login(cast.officer)
    assert client.get("/problems/999999/").status_code == 404
    assert denials() == []


def test_a_scanner_leaves_one_event_per_minute_and_route(cast: SimpleNamespace, client: Client) -> None:
    client.force_login(cast.officer)
    with time_machine.travel(now(), tick=False) as clock:
        for _ in range(50):
            assert client.get("/triage/").status_code == 403
        assert len(denials()) == 1
        assert client.get("/imports/").status_code == 403  # another route: its own event
        assert len(denials()) == 2
        clock.shift(61)
        cache.delete(f"taizhang:denied:user:{cast.officer.pk}:triage_inbox")  # LocMemCache ignores time-machine
        assert client.get("/triage/").status_code == 403
    assert [e.data["skipped_before"] for e in denials()] == [0, 0, 49]
    assert verify_trail().intact
