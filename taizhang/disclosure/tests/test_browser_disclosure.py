"""公示 in a real browser: a coordinator builds, previews and publishes a batch at a desk; a parent opens it on a
phone (390×844) and files an objection. Screenshots at 390 and 1280 wide go to /tmp/shots_disclosure/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from taizhang.disclosure.models import Batch, BatchState, Objection
from taizhang.disclosure.tests.helpers import SECRETS, planted_problem
from taizhang.problems.models import Problem, Status
from taizhang.supervision.models import Notification
from taizhang.web.tests.browser import Site

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots_disclosure")


def _shoot(site: Site, page: Page, name: str) -> None:
    """The page as it is, and the same URL at the other width; neither may be wider than its screen."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 1280
    page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
    other = site.new_page(phone=width > 390, like=page)
    other.goto(page.url)
    other_width = 390 if width > 390 else 1280
    other.screenshot(path=SHOTS / f"{name}-{other_width}.png", full_page=True)
    for shown in (page, other):
        overflow = shown.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: {overflow}px wider than the screen"
    other.context.close()


def test_a_coordinator_publishes_and_a_parent_objects_on_a_phone(
    site: Site, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    planted = planted_problem(cast, closed=True)
    make_problem(Status.CLOSED)
    desk = site.new_page()
    site.log_in(desk, "coord")
    site.nav(desk, "公示")
    desk.get_by_text("新建公示").click()
    desk.get_by_label("公示标题").fill("第一批已整改问题公示")
    desk.get_by_label("公示类型").select_option(label="已整改问题")
    desk.get_by_role("button", name="创建草稿").click()
    desk.get_by_label(planted.number).check()
    desk.get_by_role("button", name="加入公示").click()
    expect(desk.locator("#item-table")).to_contain_text(planted.number)
    _shoot(site, desk, "01-coordinator-draft")
    desk.get_by_role("link", name="隐去词语").click()
    desk.get_by_label("要隐去的词语").fill("罚站")
    _shoot(site, desk, "01b-coordinator-redact")
    desk.get_by_role("button", name="保存").click()
    expect(desk.locator("#item-table")).to_contain_text("■■")

    desk.locator("#preview-link").click()
    expect(desk.locator("#preview-banner")).to_be_visible()
    expect(desk.locator("#items")).to_contain_text(planted.number)
    body = desk.locator("body").inner_text()
    assert not [s for s in SECRETS if s in body] and "罚站" not in body
    _shoot(site, desk, "02-coordinator-preview")
    desk.get_by_role("link", name="返回公示管理").click()

    desk.locator("#publish-link").click()
    expect(desk.locator("#publish-confirm")).to_be_visible()
    _shoot(site, desk, "03-coordinator-confirm")
    desk.locator("#publish-button").click()
    expect(desk.locator("#batch-state")).to_have_text("已发布")
    batch = Batch.objects.get()
    assert batch.state == BatchState.PUBLISHED

    site.requests.clear()
    phone = site.new_page(phone=True)
    phone.goto(f"{site.url}/disclosures/")
    _shoot(site, phone, "04-public-list")
    phone.get_by_role("link", name="第一批已整改问题公示").click()
    _shoot(site, phone, "05-public-batch")
    phone.locator("#items a").first.click()
    expect(phone.locator("#objection")).to_be_visible()
    phone.get_by_label("异议内容").fill("孩子说补课还在进行，请再核实。")
    _shoot(site, phone, "06-public-item")
    phone.get_by_role("button", name="提交异议").click()
    expect(phone.locator(".messages")).to_contain_text("异议已提交")
    _shoot(site, phone, "07-public-objection-sent")
    body = phone.locator("body").inner_text()
    assert not [s for s in SECRETS if s in body]
    assert Objection.objects.filter(item__batch=batch).count() == 1
    assert Notification.objects.filter(recipient=cast.coordinator, title__startswith="公示异议").count() == 1
    assert site.foreign_requests() == [] and site.failed_assets == []

    desk.reload()
    expect(desk.locator("#objections")).to_contain_text("补课还在进行")
    _shoot(site, desk, "08-coordinator-objections")
