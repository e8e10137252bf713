"""Every figure of GET /api/v1/dashboard against plain Python over the seeded county's raw rows, for the leader, a
unit, a chosen unit, a period and a campaign; and every drill-down link lists exactly the problems it counts."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.test import Client

from taizhang.accounts.models import User
from taizhang.dashboard.tests.independent import expected
from taizhang.dashboard.tests.seed import TODAY, seed
from taizhang.supervision.tests.helpers import at

D = dt.date


@pytest.fixture
def county(cast: SimpleNamespace) -> SimpleNamespace:
    seed(cast)
    return cast


def api(client: Client, user: User, query: str = "") -> dict[str, Any]:
    client.force_login(user)
    response = client.get(f"/api/v1/dashboard{query}")
    assert response.status_code == 200, response.content.decode()
    body: dict[str, Any] = response.json()
    return body


def check(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert got["problems"] == want["problems"]
    assert got["by_status"] == {s: want["by_status"].get(s, 0) for s in got["by_status"]}
    assert got["by_kind"] == {k: want["by_kind"].get(k, 0) for k in got["by_kind"]}
    assert got["by_category_group"] == {g: want["by_category_group"].get(g, 0) for g in got["by_category_group"]}
    assert got["by_light"] == {c: want["by_light"].get(c, 0) for c in got["by_light"]}
    for key, (numerator, denominator, rate) in want["rates"].items():
        figure = got["rates"][key]
        assert (figure["numerator"], figure["denominator"], figure["rate"]) == (numerator, denominator, rate), key
    units = {row["unit"]["id"]: {**row["buckets"], "total": row["total"]} for row in got["overdue_by_unit"]}
    assert units == want["overdue_by_unit"]
    assert got["opinions"]["total"] == want["opinions"]["total"]
    assert got["opinions"]["by_channel"] == {
        c: want["opinions"]["by_channel"].get(c, 0) for c in got["opinions"]["by_channel"]
    }
    groups = got["opinions"]["by_category_group"]
    assert groups == {g: want["opinions"]["by_category_group"].get(g, 0) for g in groups}
    weeks = {
        D.fromisoformat(b["start"]) - dt.timedelta(days=D.fromisoformat(b["start"]).weekday()): b
        for b in got["trend"]["buckets"]
    }
    for series in ("created", "done", "opinions"):
        assert {w: b[series] for w, b in weeks.items() if b[series]} == {
            w: n for w, n in want["trend"][series].items() if w in weeks
        }, series
    assert sum(b["created"] for b in weeks.values()) == want["problems"]
    if want["untriaged"] is None:
        assert got["untriaged"]["visible"] is False and got["untriaged"]["total"] == 0
    else:
        assert got["untriaged"]["buckets"] == want["untriaged"]
        assert got["untriaged"]["total"] == sum(want["untriaged"].values())


def test_it_counts_every_figure_as_the_raw_rows_do(client: Client, county: SimpleNamespace) -> None:
    with time_machine.travel(at(TODAY, 10), tick=False):
        leader = api(client, county.leader)
        check(leader, expected(county.leader, TODAY))
        # The seed reaches every corner the figures have, so none of the checks above is vacuous.
        assert all(leader["by_status"].values()) and all(v for k, v in leader["by_kind"].items())
        assert leader["by_light"]["red"] == 4 and leader["by_light"]["yellow"] + leader["by_light"]["green"] > 0
        assert all(leader["rates"][k]["numerator"] for k in leader["rates"])
        assert all(r["numerator"] < r["denominator"] for r in leader["rates"].values())
        assert leader["untriaged"]["buckets"] == {"d0_1": 1, "d2_3": 1, "d4_7": 1, "d8_14": 0, "d15": 1}
        assert leader["opinions"]["by_category_group"]["none"] == 5  # four waiting, one dismissed

        for user in (county.officer, county.other_officer, county.school_officer, county.unit_head):
            check(api(client, user), expected(user, TODAY))  # a unit: its own and its co-unit problems
        check(
            api(client, county.leader, f"?unit={county.school.pk}"),
            expected(county.leader, TODAY, unit=county.school.pk),
        )
        check(
            api(client, county.school_officer, f"?unit={county.school.pk}"),
            expected(county.school_officer, TODAY, unit=county.school.pk),
        )
        period = "?start=2026-10-11&end=2026-10-31"
        check(
            api(client, county.leader, period),
            expected(county.leader, TODAY, start=D(2026, 10, 11), end=D(2026, 10, 31)),
        )
        second = api(client, county.leader, f"?campaign={county.campaign2.pk}")
        check(second, expected(county.leader, TODAY, campaign=county.campaign2.pk))
        assert second["problems"] == 1 and second["opinions"]["total"] == 1


def test_every_drill_down_lists_the_problems_it_counts(client: Client, county: SimpleNamespace) -> None:
    """The table's links (and the chart's clicks, which use the same rows) open the ledger; the ledger's own API
    with the same parameters counts exactly the figure."""
    with time_machine.travel(at(TODAY, 10), tick=False):
        client.force_login(county.leader)
        for query in ("", f"?unit={county.basic.pk}", "?start=2026-10-11&end=2026-11-10"):
            charts = client.get(f"/dashboard/{query}").context["charts"]
            checked = 0
            for chart in charts:
                if chart.key in ("opinion_channels", "opinion_groups", "untriaged"):
                    continue  # opinions, not problems: the link shows the problems behind them
                for row in chart.rows:
                    links = _links(chart, row)
                    for link, count in links:
                        assert _ledger_count(client, link) == count, (chart.key, row.label, link)
                        checked += 1
            assert checked > 40


def _links(chart: Any, row: Any) -> list[tuple[str, int]]:
    if chart.kind == "rates":
        if not row.cells[0]:
            return []  # 满意率 counts ratings
        numerator = int(row.values[1].rsplit(" ", 1)[1])
        denominator = int(row.values[2].rsplit(" ", 1)[1])
        return [(row.cells[0], numerator), (row.cells[1], denominator)]
    if chart.kind == "heatmap":
        cells = [(link, value) for link, value in zip(row.cells, row.values, strict=False) if link]
        return [*cells, (row.drill, row.values[-1])]
    return [(row.drill, row.values[0])] if row.drill else []


def _ledger_count(client: Client, link: str) -> int:
    parts = urlsplit(link)
    assert parts.path == "/problems/"
    page = client.get(link)
    assert page.status_code == 200
    response = client.get("/api/v1/problems", dict(parse_qsl(parts.query)) | {"page_size": "1"})
    assert response.status_code == 200, response.content.decode()
    count: int = response.json()["count"]
    assert page.context["page"].paginator.count == count
    return count
