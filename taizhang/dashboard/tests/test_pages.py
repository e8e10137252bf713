"""The dashboard page, its XLSX and its API: who sees what, pinned query counts, honest empty states and refusals
in Chinese."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from taizhang.dashboard.tests.seed import TODAY, seed
from taizhang.supervision.tests.helpers import at

# Session and user, then the figures: one pass over the problems for every count and rate, the lights, opinions
# by channel, by group and unlinked, overdue by unit, the trend's span and its three series, the inbox's ages and
# the ratings. The page adds its campaign and unit choices, and the menu the viewer's unit.
API_QUERIES = 14
# The whole body reads the rollups instead (taizhang.dashboard.rollups): session and user, whether any day is
# marked stale, the day counts, the 在办 cells summed per unit, the yellow light's few days of
# deadlines, opinions by kind and by day, the 办结 days, the names of the units with overdue problems, the inbox.
WHOLE_BODY_QUERIES = 11
PAGE_QUERIES = WHOLE_BODY_QUERIES + 3


def workbook(response: Any) -> Any:
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def county(cast: SimpleNamespace) -> SimpleNamespace:
    seed(cast)
    return cast


def test_it_pins_the_queries_of_the_api_and_the_page(
    client: Client, county: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    client.force_login(county.leader)
    with time_machine.travel(at(TODAY, 10), tick=False):
        client.get("/api/v1/dashboard")  # warm: url resolvers, translations
        with django_assert_num_queries(WHOLE_BODY_QUERIES):
            assert client.get("/api/v1/dashboard").status_code == 200
        with django_assert_num_queries(API_QUERIES + 2):  # the unit is checked, then read by the ledger's filter twice
            assert client.get(f"/api/v1/dashboard?unit={county.basic.pk}&start=2026-10-01").status_code == 200
        with django_assert_num_queries(PAGE_QUERIES):
            assert client.get("/dashboard/").status_code == 200
        client.force_login(county.school_officer)  # a unit: no inbox, but its problems' opinions
        with django_assert_num_queries(API_QUERIES - 1):
            assert client.get("/api/v1/dashboard").status_code == 200


def test_a_unit_sees_its_own_dashboard_and_no_other(client: Client, county: SimpleNamespace) -> None:
    client.force_login(county.school_officer)
    with time_machine.travel(at(TODAY, 10), tick=False):
        page = client.get("/dashboard/")
        assert page.status_code == 200
        assert "待梳理意见的等待时间" not in page.content.decode()  # the bureau's inbox is not the school's
        refused = client.get(f"/api/v1/dashboard?unit={county.basic.pk}")
        assert refused.status_code == 403
        assert refused.json()["detail"] == "无权查看其他单位的统计，只能查看本单位（青溪县实验小学）。"
        assert client.get(f"/dashboard/?unit={county.basic.pk}").status_code == 403
        assert client.get(f"/dashboard/xlsx/?unit={county.basic.pk}&chart=all").status_code == 403


@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ("?start=2026-11-01&end=2026-10-01", 400, "开始日期不能晚于结束日期。"),
        ("?start=2026-13-01", 400, "开始日期须为日期，格式 YYYY-MM-DD（收到“2026-13-01”）。"),
        ("?end=昨天", 400, "结束日期须为日期，格式 YYYY-MM-DD（收到“昨天”）。"),
        ("?campaign=abc", 400, "活动须为编号（整数）。"),
        ("?campaign=99999", 404, "活动不存在：99999"),
        ("?unit=99999", 404, "单位不存在：99999"),
        ("?unit=99999999999999999999999", 400, "单位须为编号（整数）。"),
    ],
)
def test_it_refuses_bad_parameters_in_chinese(
    client: Client, cast: SimpleNamespace, query: str, status: int, detail: str
) -> None:
    client.force_login(cast.leader)
    response = client.get(f"/api/v1/dashboard{query}")
    assert (response.status_code, response.json()["detail"]) == (status, detail)
    page = client.get(f"/dashboard/{query}")
    assert page.status_code == status and detail in page.content.decode()
    assert 'id="dashboard-error"' in page.content.decode()


def test_it_asks_for_a_login(client: Client, cast: SimpleNamespace) -> None:
    assert client.get("/api/v1/dashboard").status_code == 401
    assert client.get("/dashboard/")["Location"].startswith("/login/")


def test_an_empty_ledger_shows_no_data_rather_than_dividing_by_zero(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.leader)
    body = client.get("/api/v1/dashboard").json()
    assert body["problems"] == 0
    assert all(r["rate"] is None and r["denominator"] == 0 for r in body["rates"].values())
    assert body["trend"]["buckets"] == [] and body["overdue_by_unit"] == []
    page = client.get("/dashboard/").content.decode()
    assert page.count("暂无数据") >= 10  # every chart says so instead of drawing an empty frame
    assert 'class="dash-chart' not in page


def test_each_chart_downloads_as_the_table_under_it(client: Client, county: SimpleNamespace) -> None:
    client.force_login(county.leader)
    with time_machine.travel(at(TODAY, 10), tick=False):
        charts = client.get("/dashboard/").context["charts"]
        for chart in charts:
            response = client.get(f"/dashboard/xlsx/?chart={chart.key}")
            assert response.status_code == 200
            assert response["Content-Type"].startswith("application/vnd.openxmlformats")
            sheet = workbook(response).active
            rows = [list(r) for r in sheet.iter_rows(min_row=4, values_only=True)]
            assert rows[0] == chart.headers if chart.kind != "rates" else [chart.headers[0], *chart.headers[2:]]
            body = [r for r in rows[1 : 1 + len(chart.rows)]]
            for got, row in zip(body, chart.rows, strict=True):
                want = row.values if chart.kind != "rates" else row.values[1:]
                assert got[: 1 + len(want)] == [row.label, *want]
        whole = client.get("/dashboard/xlsx/?chart=all&start=2026-10-01")
        book = workbook(whole)
        assert len(book.sheetnames) == len(charts)
        assert book.worksheets[0]["A2"].value.endswith("立项日期 2026年10月1日 至 …")
        assert client.get("/dashboard/xlsx/?chart=nonsense").status_code == 404


def test_leaders_and_coordinators_find_it_in_the_menu_and_on_the_home_page(
    client: Client, cast: SimpleNamespace
) -> None:
    for user in (cast.leader, cast.coordinator):
        client.force_login(user)
        home = client.get("/").content.decode()
        assert 'href="/dashboard/">驾驶舱</a>' in home and 'id="home-dashboard-link"' in home
    client.force_login(cast.officer)
    assert 'href="/dashboard/"' not in client.get("/").content.decode()
    assert client.get("/dashboard/").status_code == 200  # a unit may still open its own
