"""The public face in a real browser, on a phone and at a desk: submit, keep the code, follow it — and not one
request to any host but the app's own."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect

from taizhang.intake.models import Channel, Opinion
from taizhang.problems.models import Problem, Status
from taizhang.public.models import OpinionPhoto
from taizhang.web.tests.browser import Site

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots_public")


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: the page is {overflow}px wider than the screen"


def photo() -> FilePayload:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (30, 90, 160)).save(out, format="JPEG")
    return {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def submit_and_follow(site: Site, *, phone: bool, anonymous: bool) -> str:
    width = "phone" if phone else "desktop"
    page = site.new_page(phone=phone)
    page.goto(f"{site.url}/")
    expect(page.get_by_role("link", name="工作人员登录")).to_be_visible()
    shoot(page, f"01-front-{width}")
    page.locator("#door-submit").click()
    page.get_by_label("您要反映的问题").fill("城关一小门口上下学时段车辆乱停，孩子过马路很危险。")
    page.get_by_label("涉及的学校或单位").select_option(label="青溪县实验小学")
    page.get_by_label("问题类别").select_option(label="校园安全")
    page.get_by_label("照片（可选）").set_input_files([photo()])
    if anonymous:
        page.get_by_label("匿名（不留任何个人信息）").check()
        expect(page.get_by_label("姓名", exact=True)).to_be_hidden()
        page.get_by_label("这是举报").check()
    else:
        page.get_by_label("姓名", exact=True).fill("陈家长")
        page.get_by_label("联系电话", exact=True).fill("13900001111")
    shoot(page, f"02-submit-{width}")
    page.get_by_role("button", name="提交").click()
    code = page.locator("#receipt-code").inner_text().strip()
    expect(page.locator(".keep-warning")).to_contain_text("请抄下或截图保存")
    shoot(page, f"03-receipt-{width}")
    page.get_by_role("link", name="查看办理进度").click()
    expect(page.locator("#status-words")).to_have_text("已受理，正在梳理")
    expect(page.locator(".facts")).to_contain_text(code)
    expect(page.locator("#timeline")).to_contain_text("收到您的反映")
    assert "陈家长" not in page.content() and "车辆乱停" not in page.content()
    shoot(page, f"04-track-{width}")
    page.get_by_label("查询码").fill("ZZZZZ-ZZZZZ")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#not-found")).to_be_visible()
    shoot(page, f"05-track-unknown-{width}")
    page.context.close()
    return code


def test_a_citizen_submits_and_follows_on_a_phone_and_at_a_desk(site: Site, cast: SimpleNamespace) -> None:
    named = submit_and_follow(site, phone=True, anonymous=False)
    anonymous = submit_and_follow(site, phone=False, anonymous=True)
    first, second = Opinion.with_code(named).get(), Opinion.with_code(anonymous).get()
    assert (first.channel, first.reporter_name, first.concerned_unit) == (Channel.ONLINE_FORM, "陈家长", cast.school)
    assert (second.channel, second.is_anonymous, second.reporter_name) == (Channel.REPORT, True, "")
    assert OpinionPhoto.objects.count() == 2
    assert site.failed_assets == []
    assert site.foreign_requests() == []


def test_a_reporter_reads_a_closed_case_in_words(
    site: Site, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    problem = make_problem(Status.CLOSED)
    code = Opinion.objects.get(links__problem=problem).receipt_code
    for phone in (True, False):
        page = site.new_page(phone=phone)
        page.goto(f"{site.url}/track/")
        page.get_by_label("查询码").fill(code.lower())
        page.get_by_role("button", name="查询").click()
        expect(page.locator("#status-words")).to_have_text("已整改并验收销号")
        expect(page.locator(".facts .office")).to_contain_text("基础教育股")
        expect(page.locator("#result")).to_contain_text("已清退费用并通报")
        expect(page.locator("#timeline")).to_contain_text("回访结束，销号")
        shoot(page, f"06-track-closed-{'phone' if phone else 'desktop'}")
        page.context.close()
    assert site.failed_assets == [] and site.foreign_requests() == []


def test_the_form_says_what_is_missing_on_a_phone(site: Site, cast: SimpleNamespace) -> None:
    page = site.new_page(phone=True)
    page.goto(f"{site.url}/submit/?unit={cast.school.pk}")
    expect(page.get_by_label("涉及的学校或单位")).to_have_value(str(cast.school.pk))  # as a poster's QR code opens it
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".messages")).to_contain_text("提交的内容有误")
    expect(page.locator("#submit-form .errorlist").first).to_contain_text("请填写您要反映的问题")
    expect(page.get_by_label("涉及的学校或单位")).to_have_value(str(cast.school.pk))  # kept for the second try
    shoot(page, "07-submit-errors-phone")
    assert not Opinion.objects.exists()
    assert site.failed_assets == [] and site.foreign_requests() == []
