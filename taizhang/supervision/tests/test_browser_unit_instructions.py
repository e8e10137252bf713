"""A leader writes a 批示 to a unit from the 驾驶舱 in real chromium; the unit's officer finds it in 待办, answers it,
and the leader sees the answer in the list of their 批示 and on the unit's dashboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
import time_machine
from playwright.sync_api import expect

from taizhang.clock import today
from taizhang.problems.models import Problem, Status
from taizhang.supervision.models import Instruction
from taizhang.supervision.tests.helpers import at
from taizhang.web.tests.browser import Site

pytestmark = pytest.mark.browser


def test_a_leader_instructs_a_unit_from_the_dashboard_and_the_unit_answers(
    site: Site, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    with time_machine.travel(at(today() - dt.timedelta(days=45)), tick=False):
        make_problem(Status.RECTIFYING)  # its 30-day deadline passed: 基础教育股 is on the overdue heat map

    leader = site.new_page()
    site.log_in(leader, "leader")
    leader.goto(f"{site.url}/dashboard/")
    leader.wait_for_selector("body[data-charts-ready]")
    row = leader.locator("#chart-overdue_by_unit tbody tr", has_text="基础教育股")
    row.get_by_role("link", name="批示").click()
    expect(leader.get_by_role("heading", name="对基础教育股作出批示")).to_be_visible()
    leader.get_by_label("批示内容").fill("基础教育股超期问题较多，请负责同志牵头逐件清理，本周内报告。")
    leader.get_by_role("button", name="批示给基础教育股").click()
    leader.wait_for_url(f"{site.url}/dashboard/")
    expect(leader.get_by_text("批示已送达基础教育股。")).to_be_visible()
    instruction = Instruction.objects.get()
    assert instruction.problem is None and instruction.unit == cast.basic

    officer = site.new_page()
    site.log_in(officer, "officer")
    item = officer.locator("#todo .todo-item[data-kind=reply_instruction]", has_text="对基础教育股的批示")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("吴局长：基础教育股超期问题较多")
    item.get_by_role("link").first.click()
    expect(officer.locator(f"#instruction-{instruction.pk}")).to_contain_text("请负责同志牵头逐件清理")
    officer.get_by_label("办理情况").fill("已召开专题会，逐件明确责任人和时限，周五前清理完毕。")
    officer.get_by_role("button", name="提交办理情况").click()
    expect(officer.get_by_text("办理情况已回复。")).to_be_visible()
    expect(officer.locator(f"#instruction-{instruction.pk} .reply")).to_contain_text("已召开专题会")
    site.shoot(officer, "unit-instruction-answered")
    officer.goto(f"{site.url}/")
    expect(officer.locator("#todo .todo-item[data-kind=reply_instruction]")).to_have_count(0)

    leader.goto(f"{site.url}/supervision/instructions/")
    row = leader.locator(f"#instruction-table tr[data-instruction='{instruction.pk}']")
    expect(row).to_contain_text("已回复")
    expect(row).to_contain_text("已召开专题会")
    site.shoot(leader, "unit-instruction-list")
    leader.goto(f"{site.url}/dashboard/?unit={cast.basic.pk}")
    leader.wait_for_selector("body[data-charts-ready]")
    expect(leader.locator("#instructions")).to_contain_text("已召开专题会")
    site.shoot(leader, "unit-instruction-dashboard")
    instruction.refresh_from_db()
    assert instruction.replied_by == cast.officer
    assert not site.failed_assets and not site.foreign_requests()
