"""回访 in a real browser: a parent rates on the follow page from a phone; the coordinator works the callback list
at a desk and the problem closes."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from taizhang.intake.actions import do_link_opinion
from taizhang.intake.models import Opinion
from taizhang.problems import closure as closure_actions
from taizhang.problems.models import Problem, Status
from taizhang.public.actions import PublicSubmission, do_submit_public_opinion
from taizhang.web.tests.browser import Site

pytestmark = pytest.mark.browser


def test_a_parent_rates_on_a_phone_and_the_coordinator_calls_the_other(
    site: Site, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    problem = make_problem(Status.VERIFYING)
    parent = do_submit_public_opinion(PublicSubmission(text="又有家长反映有偿补课。", anonymous=True))
    do_link_opinion(parent, problem, actor=cast.coordinator)
    closure_actions.do_decide_closure(problem, actor=cast.inspector, accept=True, reason="现场核查属实")

    page = site.new_page(phone=True)
    page.goto(f"{site.url}/track/?code={parent.receipt_code}")
    expect(page.locator("#status-words")).to_have_text("已整改并通过验收，正在回访")
    page.get_by_label("基本满意").check()
    page.get_by_label("已解决").check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#rating-thanks")).to_contain_text("感谢您的评价")
    site.shoot(page, "followup-01-parent-rated")
    page.context.close()

    page = site.new_page()
    site.log_in(page, "coord")
    expect(page.locator("#todo .todo-item[data-kind=callback]")).to_have_count(1)
    site.nav(page, "回访")
    call = page.locator(".call")
    expect(call).to_contain_text("13812345678")
    site.shoot(page, "followup-02-callback-list")
    call.get_by_label("回访结果").select_option("reached")
    call.get_by_label("满意度（接通时）").select_option("satisfied")
    call.get_by_label("反映人认为问题已解决").check()
    call.get_by_role("button", name="记录回访结果").click()
    expect(page.locator("#no-calls")).to_be_visible()
    expect(page.locator("#satisfaction-table")).to_contain_text("基础教育股")
    assert Problem.objects.get(pk=problem.pk).status == Status.CLOSED
    page.goto(f"{site.url}/problems/{problem.pk}/")
    expect(page.locator("#follow-up")).to_contain_text("满意率 100%（2人评价）")
    site.shoot(page, "followup-03-problem-closed")
    assert Opinion.objects.filter(ratings__isnull=False).count() == 2
    assert site.failed_assets == [] and site.foreign_requests() == []
