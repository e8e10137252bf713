"""The supervision list pages: scoped to the unit, constant queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from taizhang.supervision.scheduler import sweep
from taizhang.supervision.tests.helpers import assign, at, new_problem

D = dt.date


def _problems(cast: SimpleNamespace, n: int, unit: Any = None) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        for i in range(n):
            assign(cast, new_problem(cast, f"问题{i}"), milestone_on=D(2026, 11, 3), unit=unit)
        sweep()


def test_it_lists_supervision_records_in_constant_queries(
    client: Client, cast: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    _problems(cast, 2)
    client.force_login(cast.coordinator)
    client.get(reverse("supervision_index"))  # warm the session and the form's choices
    with django_assert_num_queries(7) as first:
        client.get(reverse("supervision_index"))
    _problems(cast, 4)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("supervision_index"))
    assert response.content.decode().count("青教预〔2026〕") == 6


def test_it_shows_a_unit_only_its_own_records(client: Client, cast: SimpleNamespace) -> None:
    _problems(cast, 1)
    _problems(cast, 1, unit=cast.safety)
    client.force_login(cast.other_officer)
    html = client.get(reverse("supervision_index")).content.decode()
    assert "安全稳定股" in html and "基础教育股" not in html.split('id="supervision-table"')[1]
