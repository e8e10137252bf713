"""考核 in a real browser: the leader reads the ranking at a desk (1280 px); a parent answers the 民主评议 on a
phone (390×844) through the public link; the coordinator's edit of the scheme is refused, then saved as version 2."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import expect

from taizhang.assessment.models import SurveyAnswer
from taizhang.web.tests.browser import SCREENSHOTS, Site

pytestmark = pytest.mark.browser


def test_the_leader_reads_the_ranking_and_a_parent_answers_on_a_phone(
    site: Site, cast: SimpleNamespace, ledger: Any, at: Any
) -> None:
    at(None)  # the ledger was played in November; the survey is open until 20 December
    page = site.new_page()
    site.log_in(page, "leader")
    site.nav(page, "考核")
    page.get_by_role("link", name="2026年股室学校考核").click()
    page.get_by_label("考核期间").fill("2026-Q4")
    page.get_by_role("button", name="查看").click()
    offices = page.locator("section[data-group='股室']")
    expect(offices.locator("tbody tr")).to_have_count(2)
    expect(offices.locator("tbody tr").first).to_contain_text("安全稳定股")
    expect(offices.locator("tr[data-unit='基础教育股'] .rank")).to_have_text("2")
    expect(offices.locator("tr[data-unit='基础教育股']")).to_contain_text("末位")
    expect(page.locator("section[data-group='学校'] tr[data-unit='青溪县第一幼儿园']")).to_contain_text("不排名")
    site.shoot(page, "assessment-01-ranking")

    phone = site.new_page(phone=True)
    phone.goto(f"{site.url}/survey/{ledger.survey.public_token}/")
    unit = phone.locator("fieldset", has_text="基础教育股")
    unit.get_by_label("比较满意").check()
    phone.locator("fieldset", has_text="青溪县实验小学").get_by_label("满意", exact=True).check()
    phone.screenshot(path=SCREENSHOTS / "assessment-02-survey-phone.png", full_page=True)
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.locator("#survey-thanks")).to_contain_text("已收到您对 2 个单位的评价")
    expect(phone.locator("fieldset", has_text="基础教育股")).to_contain_text("您已评价过这个单位")
    phone.screenshot(path=SCREENSHOTS / "assessment-03-survey-answered-phone.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert SurveyAnswer.objects.filter(via="public").count() == 4 + 2  # the seeded two browsers, and this one

    desk = site.new_page()
    site.log_in(desk, "coord")
    desk.goto(f"{site.url}/assessment/schemes/{ledger.version.scheme_id}/edit/")
    desk.get_by_label("民主评议").fill("25")  # the weights now add up to 110
    desk.get_by_role("button", name="保存方案").click()
    expect(desk.locator(".errorlist").first).to_contain_text("各项指标权重之和须为 100，现为 110。")
    desk.screenshot(path=SCREENSHOTS / "assessment-04-scheme-editor-refused.png", full_page=True)
    desk.get_by_label("按期办结率").fill("10")
    desk.get_by_label("修改说明").fill("民主评议权重调为25")
    desk.get_by_role("button", name="保存方案").click()
    expect(desk.locator("#ranking-caption")).to_contain_text("方案第2版")
    assert site.failed_assets == [] and site.foreign_requests() == []
