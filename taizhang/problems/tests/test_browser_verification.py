"""Naming a verifier on a phone and verifying at a desk, in a real browser: the coordinator who did not assign the
problem names the inspector (at 390×844), who finds it in the 待办 and records an on-site check (at 1280×900)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from conftest import milestones_done, png_upload
from taizhang.clock import today
from taizhang.problems import closure
from taizhang.problems.models import Problem, Status
from taizhang.web.tests.browser import Site

SHOTS = Path(os.environ.get("TAIZHANG_SHOTS", "/tmp/taizhang-shots"))


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, f"{name} is too wide"


@pytest.mark.browser
def test_it_names_a_verifier_on_a_phone_and_verifies_at_a_desk(
    site: Site, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    problem = milestones_done(cast, make_problem(Status.RECTIFYING))
    closure.do_apply_closure(problem, actor=cast.officer, summary="补课费用已全部清退。", uploads=[png_upload()])
    closure.do_review_closure(problem, actor=cast.unit_head, approve=True, note="同意报请验收")
    url = f"{site.url}/problems/{problem.pk}/"

    phone = site.new_page(phone=True)
    site.log_in(phone, "coord2")
    phone.goto(url)
    expect(phone.locator(".closure-stage")).to_have_text("待指定验收人")
    form = phone.locator("#step-verifier")
    # The one who assigned it is offered (the list is every verifier) but refused, in Chinese, with nothing kept.
    form.get_by_label("验收人").select_option(label="王协调（青溪县教育局）")
    form.get_by_role("button", name="指定验收人").click()
    expect(phone.locator("#step-verifier .errorlist")).to_contain_text("交办该问题的人员不能验收该问题")
    shoot(phone, "1-phone-assigner-refused")
    phone.locator("#step-verifier").screenshot(path=SHOTS / "1b-phone-verifier-form.png")
    form = phone.locator("#step-verifier")
    form.get_by_label("验收人").select_option(label="周督导（第一督导组）")
    form.get_by_role("button", name="指定验收人").click()
    expect(phone.locator(".messages")).to_contain_text("已指定验收人")
    expect(phone.locator(".closure-stage")).to_have_text("待验收")
    expect(phone.locator(".closure .verifier")).to_contain_text("验收人：周督导（李牵头于")
    shoot(phone, "2-phone-verifier-named")
    phone.locator(".closure").first.screenshot(path=SHOTS / "2b-phone-closure-card.png")

    desk = site.new_page()
    site.log_in(desk, "inspector")
    expect(desk.get_by_role("link", name=f"{problem.number} {problem.title}").first).to_be_visible()
    shoot(desk, "3-desk-todo")
    desk.goto(url)
    decide = desk.locator("#step-decide")
    decide.get_by_label("验收结论").select_option("accept")
    decide.get_by_label("验收意见").fill("现场查看退费凭证，属实。")
    decide.get_by_label("现场核查", exact=True).check()
    decide.get_by_label("现场核查日期").fill(today().isoformat())
    decide.get_by_label("现场核查地点").fill("青溪县实验小学")
    shoot(desk, "4-desk-deciding")
    decide.get_by_role("button", name="提交验收结论").click()
    expect(desk.locator("#problem-status")).to_have_text("待回访")  # the reporter is asked before it closes
    expect(desk.locator(".closure").first).to_contain_text("在青溪县实验小学现场核查")
    expect(desk.locator("#follow-up")).to_contain_text("正在回访反映人")
    shoot(desk, "5-desk-follow-up")
    assert Problem.objects.get(pk=problem.pk).status == Status.FOLLOW_UP
    assert site.foreign_requests() == [] and site.failed_assets == []
