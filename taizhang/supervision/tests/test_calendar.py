"""The admin adds next year's 节假日安排; bad tables are refused whole, in Chinese."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.test import Client
from django.urls import reverse

from taizhang.audit.models import AuditEvent, Verb
from taizhang.problems.models import Category, RectificationKind
from taizhang.supervision.config import forget_config, get_config
from taizhang.supervision.models import CalendarYear
from taizhang.supervision.timelimits import default_deadline

D = dt.date
GOOD_2027 = {
    "year": 2027,
    "holidays": "元旦 2027-01-01 至 2027-01-03\n春节 2027-02-05 至 2027-02-12",
    "makeup_days": "春节 2027-02-14\n春节 2027-02-20",
    "source": "国办发明电〔2026〕7号",
}


def test_it_adds_next_years_arrangement_and_counts_with_it(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.admin)
    response = client.post(reverse("supervision_calendar"), GOOD_2027)
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕7号"
    assert AuditEvent.objects.filter(verb=Verb.CALENDAR_SAVED).count() == 1
    forget_config()
    cal = get_config().calendar
    assert not cal.is_workday(D(2027, 2, 8)) and cal.is_workday(D(2027, 2, 14))
    category = Category.objects.get(code="paid_tutoring")
    # Thursday 4 Feb 2027 + 7 working days: the holiday runs to the 12th; Sunday the 14th and Saturday the 20th
    # are worked, so the seventh working day is that Saturday.
    assert default_deadline(category.pk, RectificationKind.IMMEDIATE, D(2027, 2, 4)) == D(2027, 2, 20)
    assert "2027年" in client.get(reverse("supervision_calendar")).content.decode()


def test_it_refuses_overlapping_holidays_and_saves_nothing(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.admin)
    bad = {**GOOD_2027, "holidays": "春节 2027-02-05 至 2027-02-12\n元宵节 2027-02-11 至 2027-02-13"}
    response = client.post(reverse("supervision_calendar"), bad)
    assert response.status_code == 400
    assert "春节与元宵节的放假日期重叠" in response.content.decode()
    assert not CalendarYear.objects.exists() and not AuditEvent.objects.filter(verb=Verb.CALENDAR_SAVED).exists()


def test_it_refuses_a_malformed_line_and_a_weekday_make_up_day(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.admin)
    response = client.post(
        reverse("supervision_calendar"), {**GOOD_2027, "holidays": "春节 2027-02-30 至 2027-03-02", "makeup_days": ""}
    )
    assert response.status_code == 400 and "格式有误" in response.content.decode()
    response = client.post(reverse("supervision_calendar"), {**GOOD_2027, "makeup_days": "春节 2027-02-17"})
    assert response.status_code == 400 and "不是周末" in response.content.decode()
    assert not CalendarYear.objects.exists()


def test_it_refuses_a_holiday_overlapping_the_shipped_year_before(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.admin)
    response = client.post(
        reverse("supervision_calendar"), {**GOOD_2027, "holidays": "元旦 2026-12-30 至 2027-01-01", "makeup_days": ""}
    )
    assert response.status_code == 302  # the last days of December may belong to next year's New Year
    response = client.post(
        reverse("supervision_calendar"), {**GOOD_2027, "year": 2025, "holidays": "国庆节 2025-10-01 至 2025-10-08"}
    )
    assert response.status_code == 400


def test_it_lets_only_the_admin_change_the_calendar(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.coordinator)
    assert client.get(reverse("supervision_calendar")).status_code == 200
    assert client.post(reverse("supervision_calendar"), GOOD_2027).status_code == 403
    assert not CalendarYear.objects.exists()
