"""Supervision in a real browser, at desktop and phone width: lights, the ladder on the problem page, a 督办单
signed by the unit, the inbox. Data is built five weeks back and swept every morning since, so the ladder has
climbed by today. It lives here, beside the other browser tests, because the session-wide chromium fixture must
exist once."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from playwright.sync_api import expect

from taizhang.clock import today
from taizhang.supervision.models import SupervisionAction
from taizhang.supervision.scheduler import sweep
from taizhang.supervision.tests.helpers import assign, at, new_problem
from taizhang.web.tests.browser import Site

pytestmark = pytest.mark.browser


def test_it_shows_the_ladder_and_lets_the_unit_sign_at_phone_width(site: Site, cast: SimpleNamespace) -> None:
    start = today() - dt.timedelta(days=35)  # long enough for the 督办单 even across the Spring Festival
    with time_machine.travel(at(start), tick=False) as traveller:
        problem = assign(cast, new_problem(cast), milestone_on=start + dt.timedelta(days=1))
        for day in range(35):  # the scheduler's morning run on every day since
            traveller.move_to(at(start + dt.timedelta(days=day)))
            sweep()
    sweep()
    notice = SupervisionAction.objects.get(problem=problem, rung__code="supervision_notice")

    page = site.new_page(phone=True)
    site.log_in(page, "officer")
    expect(page.locator("#home-lights")).to_contain_text("红灯")
    site.shoot(page, "supervision-01-home")
    page.goto(f"{site.url}/problems/{problem.pk}/")
    expect(page.locator("h1 .light-red")).to_contain_text("超期")
    expect(page.locator("#supervision-actions")).to_contain_text(notice.doc_number)
    site.shoot(page, "supervision-02-problem")
    page.get_by_role("link", name=f"{notice.doc_number} {notice.title}").click()
    expect(page.locator("#official-document")).to_contain_text("问题整改督办单")
    site.shoot(page, "supervision-03-document")
    page.get_by_role("button", name="签收").click()
    expect(page.locator("#signed")).to_contain_text("赵联络")
    page.goto(f"{site.url}/supervision/inbox/")
    expect(page.locator("#inbox")).to_contain_text(notice.doc_number)
    site.shoot(page, "supervision-04-inbox")
    notice.refresh_from_db()
    assert notice.signed_by == cast.officer
    assert site.failed_assets == [] and site.foreign_requests() == []
