"""A calendar that never silently runs out: the warning from 1 November and provisional deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from taizhang.problems.models import Problem, Status
from taizhang.supervision.calendar_notice import is_provisional, missing_years
from taizhang.supervision.tests.helpers import at
from taizhang.supervision.tests.test_calendar import GOOD_2027

D = dt.date


def test_it_names_the_missing_years() -> None:
    arranged = {2025, 2026}
    assert missing_years(D(2026, 10, 31), arranged) == []
    assert missing_years(D(2026, 11, 1), arranged) == [2027]
    assert missing_years(D(2027, 3, 1), arranged) == [2027]
    assert missing_years(D(2027, 11, 1), arranged) == [2027, 2028]
    assert missing_years(D(2026, 12, 31), {2026, 2027}) == []
    assert is_provisional(D(2027, 1, 4), arranged) and not is_provisional(D(2026, 12, 31), arranged)
    assert not is_provisional(None, arranged)


def _banner(client: Client) -> str | None:
    html = client.get(reverse("home")).content.decode()
    start = html.find('id="calendar-warning"')
    return None if start < 0 else html[start : html.find("</div>", start)]


def test_it_warns_coordinators_and_admins_from_1_november(client: Client, cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 10, 31)), tick=False):
        client.force_login(cast.coordinator)
        assert _banner(client) is None
    with time_machine.travel(at(D(2026, 11, 1)), tick=False):
        for user in (cast.coordinator, cast.admin):
            client.force_login(user)
            banner = _banner(client)
            assert banner is not None and "尚未录入2027年节假日安排" in banner
            assert f'href="{reverse("supervision_calendar")}"' in banner
        for user in (cast.officer, cast.unit_head, cast.leader, cast.inspector, cast.discipline):
            client.force_login(user)
            assert _banner(client) is None, user.username


def test_it_stands_until_the_admin_enters_the_arrangement(
    client: Client, cast: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(at(D(2026, 11, 20)), tick=False):
        client.force_login(cast.admin)
        assert _banner(client) is not None
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("supervision_calendar"), GOOD_2027).status_code == 302
        assert _banner(client) is None
        client.force_login(cast.coordinator)
        assert _banner(client) is None


def test_it_marks_deadlines_in_a_year_without_arrangement_provisional(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        this_year = make_problem(Status.ASSIGNED)  # deadline 2 Dec 2026
    with time_machine.travel(at(D(2026, 12, 10)), tick=False):
        next_year = make_problem(Status.ASSIGNED)  # deadline 9 Jan 2027
        client.force_login(cast.officer)
        page = client.get(reverse("problem_detail", args=[next_year.pk])).content.decode()
        assert '2027年1月9日<span class="provisional" title="2027年节假日安排尚未录入' in page
        assert "（暂定）" not in client.get(reverse("problem_detail", args=[this_year.pk])).content.decode()
        ledger = client.get(reverse("ledger")).content.decode()
        assert ledger.count("（暂定）") == 1 and '2027年1月9日<span class="provisional"' in ledger
