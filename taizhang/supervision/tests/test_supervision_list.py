"""The 督查督办 list: newest first, filtered by form, unit, signing and dates."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import time_machine
from django.test import Client
from django.urls import reverse

from taizhang.supervision.models import SupervisionAction
from taizhang.supervision.scheduler import sweep
from taizhang.supervision.tests.helpers import assign, at, new_problem

D = dt.date


def _rows(client: Client, **query: str) -> list[int]:
    html = client.get(reverse("supervision_index"), query).content.decode()
    table = html.split('id="supervision-table"')[1]
    return [int(pk) for pk in re.findall(r'data-action="(\d+)"', table)]


def test_it_lists_newest_first_and_filters(client: Client, cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        assign(cast, new_problem(cast, "问题甲"), milestone_on=D(2026, 11, 3))
        assign(cast, new_problem(cast, "问题乙"), milestone_on=D(2026, 11, 3), unit=cast.safety)
    for day in (D(2026, 11, 3), D(2026, 11, 20), D(2026, 12, 10)):
        with time_machine.travel(at(day), tick=False):
            sweep()
    actions = list(SupervisionAction.objects.all())
    assert len({a.due_on for a in actions}) > 1 and any(a.form_kind for a in actions)
    with time_machine.travel(at(D(2026, 12, 10), 10), tick=False):
        client.force_login(cast.coordinator)
        shown = _rows(client)
        by_pk = {a.pk: a for a in actions}
        dates = [by_pk[pk].due_on for pk in shown]
        assert len(shown) == len(actions) and dates == sorted(dates, reverse=True)
        kind = next(a.form_kind for a in actions if a.form_kind)
        assert {by_pk[pk].form_kind for pk in _rows(client, form_kind=kind)} == {kind}
        assert {by_pk[pk].unit_id for pk in _rows(client, unit=str(cast.safety.pk))} == {cast.safety.pk}
        unsigned = _rows(client, signed="unsigned")
        assert unsigned and all(by_pk[pk].signed_at is None and by_pk[pk].doc_number for pk in unsigned)
        assert _rows(client, signed="signed") == []
        window = _rows(client, date_from="2026-11-10", date_to="2026-11-30")
        assert window and all(D(2026, 11, 10) <= by_pk[pk].due_on <= D(2026, 11, 30) for pk in window)
