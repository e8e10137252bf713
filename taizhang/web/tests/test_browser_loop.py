"""The core loop in a real browser: 登记 → 梳理 → 交办 → 签收 → 进展 → 销号申请 → 验收, then the public lookup and
the ledger export, each step through the pages a person would use."""

from __future__ import annotations

import datetime as dt
import re
import struct
import zlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from taizhang.clock import today
from taizhang.problems.models import Assignment, Problem, Status
from taizhang.web.tests.browser import Site, browser_unavailable

REPORTER_NAME = "陈晓红"
REPORTER_PHONE = "13987654321"
OPINION_TEXT = "青溪县实验小学五年级数学老师周末在家中组织有偿补课，每人每月收费600元，家长不敢不去。"


def write_png(path: Path) -> Path:
    """A real 1×1 PNG, so the upload passes the content check as a photo from a phone would."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xb7\x1c\x1c")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    return path


def expect_status(page: Page, label: str) -> None:
    expect(page.locator("#problem-status")).to_have_text(label)


def register_opinion(site: Site, page: Page) -> str:
    # The stylesheet really applies: the top bar is the bureau red, not an unstyled link.
    expect(page.locator(".topbar")).to_have_css("background-color", "rgb(183, 28, 28)")
    site.shoot(page, "01-login")
    site.log_in(page, "coord")
    site.nav(page, "登记意见")
    page.get_by_label("渠道").select_option(label="12345热线")
    page.get_by_label("意见内容").fill(OPINION_TEXT)
    page.get_by_label("反映人").fill(REPORTER_NAME)
    page.get_by_label("联系电话").fill(REPORTER_PHONE)
    page.get_by_role("button", name="登记并生成查询码").click()
    expect(page.locator(".messages")).to_contain_text("已登记，查询码")
    code = page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", code), code
    expect(page.locator(".messages")).to_contain_text(code)
    return code


def triage_into_problem(site: Site, page: Page, code: str, category_pk: int) -> int:
    site.nav(page, "待梳理")
    row = page.locator("tr", has_text=code)
    expect(row).to_contain_text("12345热线")
    site.shoot(page, "02-triage-inbox")
    row.get_by_role("link", name="梳理").click()
    expect(page.locator("#opinion-text")).to_have_text(OPINION_TEXT)
    site.shoot(page, "03-triage")
    create = page.locator("#triage-create")
    expect(create.get_by_label("问题摘要")).not_to_be_empty()
    create.get_by_label("问题类别").select_option(str(category_pk))
    create.get_by_role("button", name="立项").click()
    page.wait_for_url(re.compile(r"/problems/\d+/$"))
    expect_status(page, "待交办")
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def fill_assignment(page: Page) -> None:
    form = page.locator("#step-assign")
    form.get_by_label("牵头单位").select_option(label="基础教育股")
    form.get_by_label("配合单位").select_option(label="安全稳定股")
    form.get_by_label("责任人").fill("钱股长")
    form.get_by_label("整改措施").fill("约谈涉事教师，清退补课费用，在全县教师大会上通报。")
    form.get_by_label("整改类型").select_option(label="限期整改")
    form.get_by_label("整改时限").fill((today() + dt.timedelta(days=30)).isoformat())


def assign(site: Site, page: Page, problem_pk: int) -> None:
    site.shoot(page, "04-problem-assign")
    fill_assignment(page)
    page.locator("#step-assign").get_by_role("button", name="交办").click()
    expect(page.locator("#step-assign .errorlist")).to_contain_text("请至少填写一个路线图节点")
    expect_status(page, "待交办")
    assert Problem.objects.get(pk=problem_pk).status == Status.NEW
    assert not Assignment.objects.filter(problem_id=problem_pk).exists()

    form = page.locator("#step-assign")
    form.get_by_label("节点1", exact=True).fill("完成调查核实")
    form.get_by_label("节点1时限").fill((today() + dt.timedelta(days=7)).isoformat())
    form.get_by_role("button", name="交办").click()
    expect(page.locator(".messages")).to_contain_text("已交办")
    expect_status(page, "待签收")
    assignment = page.locator(".card", has=page.get_by_role("heading", name="交办情况"))
    expect(assignment).to_contain_text("完成调查核实")
    expect(assignment).to_contain_text("安全稳定股")


def rectify(site: Site, page: Page, number: str, evidence: Path) -> None:
    site.log_in(page, "officer")
    site.nav(page, "问题台账")
    page.locator("#ledger-table").get_by_role("link", name=number, exact=True).click()
    page.locator("#step-sign").get_by_role("button", name="签收").click()
    expect_status(page, "整改中")

    progress = page.locator("#step-progress")
    progress.locator("summary").click()
    progress.get_by_label("整改进展").fill("已约谈涉事教师，补课已停止，正在清退费用。")
    progress.get_by_label("完成进度(%)").fill("60")
    progress.get_by_label("佐证材料").set_input_files(evidence)
    progress.get_by_role("button", name="提交进展").click()
    expect(page.locator(".messages")).to_contain_text("整改进展已报告")
    expect(page.get_by_role("link", name=evidence.name)).to_be_visible()

    milestone = page.locator("#step-milestone")
    milestone.locator("summary").click()
    milestone.get_by_label("完成情况").fill("已完成调查核实，约谈记录附后。")
    milestone.get_by_label("佐证材料").set_input_files(write_png(evidence.with_name("约谈记录.png")))
    milestone.get_by_role("button", name="标记完成").click()
    expect(page.locator("#milestones")).to_contain_text("已完成")

    closure = page.locator("#step-closure")
    closure.locator("summary").click()
    closure.get_by_label("整改完成情况").fill("补课费用已全部清退，已在全县教师大会通报。")
    closure.get_by_label("佐证材料").set_input_files(write_png(evidence.with_name("通报会议.png")))
    closure.get_by_role("button", name="提交销号申请").click()
    expect_status(page, "待验收")
    site.log_out(page)


def verify(site: Site, page: Page, problem_url: str) -> None:
    site.log_in(page, "head")  # 单位主要负责人审核
    page.goto(problem_url)
    page.locator("#step-review").get_by_role("button", name="提交审核意见").click()
    expect(page.locator(".messages")).to_contain_text("审核意见已记录")
    site.log_out(page)
    site.log_in(page, "coord2")
    page.goto(problem_url)
    page.locator("#step-verifier").get_by_label("验收人").select_option(label="周督导（第一督导组）")
    page.locator("#step-verifier").get_by_role("button", name="指定验收人").click()
    expect(page.locator(".messages")).to_contain_text("已指定验收人")
    site.log_out(page)
    site.log_in(page, "inspector")
    page.goto(problem_url)
    decide = page.locator("#step-decide")
    decide.get_by_label("验收结论").select_option("accept")
    decide.get_by_label("验收意见").fill("现场核查属实，予以销号。")
    decide.get_by_role("button", name="提交验收结论").click()
    expect_status(page, "待回访")  # the parent is asked before it closes
    site.log_out(page)
    site.log_in(page, "coord")
    site.nav(page, "回访")
    call = page.locator(".call", has_text=REPORTER_PHONE)
    call.get_by_label("回访结果").select_option("reached")
    call.get_by_label("满意度（接通时）").select_option("satisfied")
    call.get_by_label("反映人认为问题已解决").check()
    call.get_by_role("button", name="记录回访结果").click()
    expect(page.locator(".messages")).to_contain_text("回访评价已记录")
    page.goto(problem_url)
    expect_status(page, "已销号")
    verbs = page.locator("#timeline li b")
    expect(verbs).to_have_text(
        [
            "立项",
            "交办",
            "签收",
            "报告整改进展",
            "完成路线图节点",
            "申请销号",
            "单位负责人审核通过销号申请",
            "指定验收人",
            "验收通过，销号",
            "验收通过，待回访",
            "回访评价",
            "回访结束，销号",
        ]
    )
    site.shoot(page, "05-problem-closed")


def check_public_lookup(site: Site, code: str, number: str) -> None:
    page = site.new_page()
    page.goto(f"{site.url}/track/?code={code}")
    facts = page.locator(".facts")
    expect(facts).to_contain_text(code)
    expect(facts).to_contain_text(number)
    expect(facts.locator(".badge.closed")).to_have_text("已销号")
    html = page.content()
    for secret in (REPORTER_NAME, REPORTER_PHONE, REPORTER_PHONE[-4:], OPINION_TEXT[:10]):
        assert secret not in html
    site.shoot(page, "07-track")


def check_ledger_and_export(site: Site, page: Page, number: str, tmp_path: Path) -> None:
    site.nav(page, "问题台账")
    expect(page.locator("#ledger-count")).to_have_text("3")
    page.get_by_label("状态", exact=True).select_option(label="已销号")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"status=closed"))
    expect(page.locator("#ledger-count")).to_have_text("1")
    expect(page.locator("#ledger-table tbody tr")).to_have_count(1)
    expect(page.locator("#ledger-table tbody")).to_contain_text(number)
    site.shoot(page, "06-ledger")

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel 台账").click()
    target = tmp_path / "ledger.xlsx"
    download.value.save_as(target)
    cells = {str(c) for row in openpyxl.load_workbook(target).active.iter_rows(values_only=True) for c in row if c}
    assert number in cells
    assert not {p.number for p in Problem.objects.exclude(status=Status.CLOSED)} & cells


@pytest.mark.browser
def test_it_walks_an_opinion_to_closure_in_a_browser(
    site: Site, cast: SimpleNamespace, make_problem: Any, tmp_path: Path
) -> None:
    # Two more problems, so the ledger filter and the export have something to leave out.
    make_problem(Status.NEW, text="某初中食堂饭菜分量不足。")
    make_problem(Status.RECTIFYING, text="某小学放学后校门口交通拥堵。")
    page = site.new_page()
    page.goto(f"{site.url}/login/")

    code = register_opinion(site, page)
    problem_pk = triage_into_problem(site, page, code, cast.category.pk)
    problem_url = page.url
    number = Problem.objects.get(pk=problem_pk).number
    assign(site, page, problem_pk)
    site.log_out(page)
    rectify(site, page, number, write_png(tmp_path / "整改现场.png"))
    verify(site, page, problem_url)
    check_public_lookup(site, code, number)
    check_ledger_and_export(site, page, number, tmp_path)

    problem = Problem.objects.get(pk=problem_pk)
    assert problem.status == Status.CLOSED
    assert [r.percent for r in problem.progress_reports.all()] == [60]
    assert problem.attachments.count() == 3
    assert site.foreign_requests() == []
    assert site.failed_assets == []
    assert len(site.requests) > 20


def test_it_fails_rather_than_skips_without_chromium_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="browser tests cannot run"):
        browser_unavailable("no chromium")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        browser_unavailable("no chromium")
