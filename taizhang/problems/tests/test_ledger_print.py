"""The ledger's print view: the listed problems on landscape A4, scoped like the list; the export's file name in
Beijing time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client
from django.urls import reverse

from taizhang.accounts.models import Role, User
from taizhang.problems.models import Problem, Status


def test_the_ledger_prints_what_the_list_shows_to_that_user(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    mine = make_problem(Status.ASSIGNED)  # assigned to 基础教育股
    client.force_login(cast.coordinator)
    assert reverse("ledger_print") in client.get(reverse("ledger")).content.decode()
    page = client.get(reverse("ledger_print")).content.decode()
    assert 'id="ledger-print"' in page and "css/print.css" in page and "统计截止时间" in page
    assert mine.number in page and "教师有偿补课" in page and "基础教育股" in page
    empty = client.get(reverse("ledger_print"), {"status": "closed"}).content.decode()
    assert mine.number not in empty and "没有符合条件的问题" in empty
    school = User.objects.create_user("school-officer", password="pass-1234", role=Role.UNIT_OFFICER, unit=cast.school)
    client.force_login(school)  # another unit's problem is not on their print-out
    assert mine.number not in client.get(reverse("ledger_print")).content.decode()


def test_the_export_file_is_named_in_beijing_time(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.coordinator)
    with time_machine.travel(dt.datetime(2026, 11, 2, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        response = client.get(reverse("ledger_export"))
    assert "问题整改台账_202611020730.xlsx" in unquote(response["Content-Disposition"])
