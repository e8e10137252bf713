"""驾驶舱 in real chromium at desktop (1280) and tablet (820) width: every chart with data is drawn, a click on a bar
opens the ledger list of exactly those problems, the PNG and XLSX downloads work, and nothing leaves the host."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from taizhang.dashboard.tests.seed import seed
from taizhang.problems.models import Problem
from taizhang.web.tests.browser import SCREENSHOTS, TIMEOUT_MS, Site

pytestmark = pytest.mark.browser

WIDTHS: dict[str, ViewportSize] = {"desktop": {"width": 1280, "height": 900}, "tablet": {"width": 820, "height": 1180}}


def _page(site: Site, viewport: ViewportSize, username: str) -> Page:
    context = site.browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.on("request", lambda request: site.requests.append(request.url))
    context.on("response", site._check_asset)
    site._contexts.append(context)
    page = context.new_page()
    site.log_in(page, username)
    return page


def _open(site: Site, page: Page) -> int:
    page.goto(f"{site.url}/dashboard/")
    page.wait_for_selector("body[data-charts-ready]")
    drawn = page.locator(".dash-chart canvas").count()
    assert drawn == page.locator(".dash-chart").count() > 0
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the dashboard is {overflow}px wider than the window"
    return drawn


def _click_bar(page: Page, chart: str, index: int, value: int) -> None:
    """Click the middle of bar `index` of a chart, where a person would."""
    element = page.locator(f'.dash-chart[data-chart="{chart}"]')
    element.scroll_into_view_if_needed()
    box = element.bounding_box()
    assert box is not None
    x, y = page.evaluate(
        """([key, index, value]) => {
            const chart = echarts.getInstanceByDom(document.querySelector(`.dash-chart[data-chart="${key}"]`));
            return chart.convertToPixel({seriesIndex: 0}, [index, value / 2]);
        }""",
        [chart, index, value],
    )
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_the_leader_reads_clicks_and_downloads_the_dashboard(site: Site, cast: SimpleNamespace) -> None:
    seed(cast)
    rectifying = Problem.objects.filter(status="rectifying").count()
    for name, viewport in WIDTHS.items():
        page = _page(site, viewport, "leader")
        assert _open(site, page) == 10  # every chart of the seeded county has data
        expect(page.locator("#chart-by_status tbody tr").nth(3)).to_contain_text(str(rectifying))
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"dashboard-leader-{name}.png", full_page=True)

        with page.expect_download() as png:
            page.locator("#chart-by_status .dash-png").click()
        _assert_file(png.value, ".png", b"\x89PNG")
        with page.expect_download() as xlsx:
            page.locator("#chart-by_status .dash-xlsx").click()
        _assert_file(xlsx.value, ".xlsx", b"PK")

        _click_bar(page, "by_status", 3, rectifying)  # 整改中
        page.wait_for_url(re.compile(r"/problems/\?status=rectifying$"))
        expect(page.locator("#ledger-count")).to_have_text(str(rectifying))
        page.context.close()
    assert site.foreign_requests() == [] and site.failed_assets == []


def test_a_school_sees_its_own_dashboard_on_a_tablet(site: Site, cast: SimpleNamespace) -> None:
    seed(cast)
    page = _page(site, WIDTHS["tablet"], "school-officer")
    _open(site, page)
    expect(page.locator("#dashboard-headline")).to_contain_text("问题总数")
    expect(page.locator("#chart-untriaged")).to_have_count(0)
    page.screenshot(path=SCREENSHOTS / "dashboard-school-tablet.png", full_page=True)
    page.context.close()
    assert site.foreign_requests() == []


def _assert_file(download: Any, suffix: str, magic: bytes) -> None:
    assert download.suggested_filename.endswith(suffix), download.suggested_filename
    with open(download.path(), "rb") as f:
        assert f.read(len(magic)) == magic
