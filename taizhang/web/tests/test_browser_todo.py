"""待办 in a real browser: after each step of one problem's life, the person who must act finds it on their home
page, at phone and desktop width, and the item leads to the page where it is done."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from playwright.sync_api import Page, expect

from taizhang.clock import today
from taizhang.intake.actions import NewProblem, OpinionInput, do_create_problem_from_opinion, do_receive_opinion
from taizhang.problems import actions as problem_actions
from taizhang.problems.models import Problem
from taizhang.supervision import actions as supervision_actions
from taizhang.supervision.scheduler import sweep
from taizhang.supervision.tests.helpers import assign, at
from taizhang.web.tests.browser import Site

pytestmark = pytest.mark.browser


def _home(site: Site, username: str, *, phone: bool) -> Page:
    page = site.new_page(phone=phone)
    site.log_in(page, username)
    return page


def _finds(site: Site, username: str, kind: str, text: str, shot: str) -> None:
    for phone in (True, False):
        page = _home(site, username, phone=phone)
        item = page.locator(f"#todo .todo-item[data-kind={kind}]", has_text=text)
        expect(item).to_have_count(1)
        if not phone:
            site.shoot(page, shot)
        page.context.close()


def test_the_home_page_of_each_role_opens_on_its_todo(site: Site, cast: SimpleNamespace) -> None:
    supervision_actions.do_set_red_item_subscription(cast.leader, cast.basic, subscribed=True)
    start = today() - dt.timedelta(days=20)
    with time_machine.travel(at(start), tick=False):
        opinion = do_receive_opinion(
            OpinionInput(channel="hotline_12345", text="某老师周末有偿补课，每人每月800元。", reporter_name="张三"),
            actor=cast.coordinator,
        )
    _finds(site, "coord", "triage_opinion", "有偿补课", "todo-01-coordinator-triage")

    with time_machine.travel(at(start, 10), tick=False):
        problem = do_create_problem_from_opinion(
            opinion,
            NewProblem(title="教师有偿补课", description="周末有偿补课。", category=cast.category),
            actor=cast.coordinator,
        )
    _finds(site, "coord", "assign_problem", problem.number, "todo-02-coordinator-assign")

    with time_machine.travel(at(start, 11), tick=False):
        problem = assign(cast, problem, milestone_on=start + dt.timedelta(days=1))
    for username in ("officer", "head"):
        _finds(site, username, "sign_problem", problem.number, f"todo-03-{username}-sign")

    with time_machine.travel(at(start + dt.timedelta(days=1)), tick=False) as traveller:
        problem = problem_actions.do_sign_problem(Problem.objects.get(pk=problem.pk), actor=cast.officer)
        _finds(site, "officer", "file_plan", problem.number, "todo-04-officer-plan")
        for day in range(1, 20):  # mornings of 督办 until today: the 督办单, then the drafted 通报批评单
            traveller.move_to(at(start + dt.timedelta(days=day)))
            sweep()
    _finds(site, "officer", "reply_document", "问题整改督办单", "todo-05-officer-reply")
    _finds(site, "leader", "approve_draft", problem.number, "todo-06-leader-approve")

    page = _home(site, "coord", phone=True)  # the item leads to where it is done
    page.locator("#todo .todo-item[data-kind=approve_draft] a").first.click()
    expect(page.locator("#review-form")).to_be_visible()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="审批通过并印发").click()
    expect(page.locator("#action-state")).to_contain_text("已发出")
    page.goto(f"{site.url}/")
    expect(page.locator("#todo .todo-item[data-kind=approve_draft]")).to_have_count(0)
    site.shoot(page, "todo-07-coordinator-after-approval")
    page.context.close()

    page = _home(site, "leader", phone=True)  # 领导批示 on the red item, from the leader's phone
    page.locator("#todo .todo-item[data-kind=red_item] a", has_text=problem.number).click()
    page.locator("#id_instruction-text").fill("请主要负责同志亲自过问，三日内报告办理情况。")
    page.get_by_role("button", name="批示给基础教育股").click()
    expect(page.locator("#instruction-list")).to_contain_text("三日内报告办理情况")
    site.shoot(page, "todo-08-leader-instruction-phone")
    page.context.close()
    _finds(site, "leader", "instruction_awaiting", problem.number, "todo-09-leader-awaiting")
    _finds(site, "officer", "reply_instruction", problem.number, "todo-10-officer-instruction")

    page = _home(site, "officer", phone=False)
    page.locator("#todo .todo-item[data-kind=reply_instruction] a").click()
    reply = page.locator("#instruction-list textarea")
    reply.fill("已召开专题会议，约谈涉事教师，清退全部费用。")
    page.get_by_role("button", name="提交办理情况").click()
    expect(page.locator("#instruction-list .reply")).to_contain_text("清退全部费用")
    site.shoot(page, "todo-11-officer-replied")
    page.goto(f"{site.url}/")
    expect(page.locator("#todo .todo-item[data-kind=reply_instruction]")).to_have_count(0)
    page.context.close()
    page = _home(site, "leader", phone=False)
    expect(page.locator("#todo .todo-item[data-kind=instruction_awaiting]")).to_have_count(0)
    assert site.failed_assets == [] and site.foreign_requests() == []
