"""/reports/ in Debian chromium at 1280 wide: a coordinator generates this month's 通报 and workbook from the page,
confirms, and downloads the 通报; screenshots in test-artifacts/screenshots/reports-*."""

from __future__ import annotations

import io
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from docx import Document
from playwright.sync_api import expect

from taizhang.clock import today
from taizhang.problems.models import Problem, Status
from taizhang.reports.models import GeneratedReport
from taizhang.web.tests.browser import SCREENSHOTS, Site

pytestmark = pytest.mark.browser


def test_a_coordinator_generates_and_downloads_the_bulletin(
    site: Site, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    make_problem(Status.RECTIFYING)
    make_problem(Status.ASSIGNED)
    make_problem(Status.NEW)
    month = f"{today():%Y-%m}"
    page = site.new_page()
    site.log_in(page, "coord")
    site.nav(page, "通报报表")
    expect(page.locator("#no-reports")).to_be_visible()
    page.get_by_label("期间（年-月）").fill(month)
    page.locator("#generate-button").click()
    expect(page.locator("#generate-confirm")).to_contain_text("第1版")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # a POST's answer: no phone copy of its URL to open
    page.screenshot(path=SCREENSHOTS / "reports-01-confirm-desktop.png", full_page=True)
    page.locator("#confirm-button").click()
    expect(page.locator("#report-table")).to_contain_text("青教整通〔")
    expect(page.locator("#report-table tbody tr")).to_have_count(2)
    site.shoot(page, "reports-02-archive")
    row = page.locator("#report-table tbody tr", has_text="月度通报")
    with page.expect_download() as waiting:
        row.get_by_role("link", name="下载").click()
    body = open(waiting.value.path(), "rb").read()  # noqa: SIM115 - the download's temporary file
    text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
    assert "本期新立项问题3个" in text
    assert GeneratedReport.objects.filter(kind="bulletin", version=1).count() == 1
    assert not site.failed_assets and not site.foreign_requests()
