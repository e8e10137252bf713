"""The ranking page and the API: what each role sees, the shape of the answer, bad input, the XLSX file, and the
pinned number of queries."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from taizhang.assessment import actions
from taizhang.assessment.tests.conftest import version_of


def test_the_leader_sees_every_unit_with_its_figures(cast: SimpleNamespace, ledger: Any, client: Client) -> None:
    client.force_login(cast.leader)
    page = client.get(f"/assessment/schemes/{ledger.version.scheme_id}/ranking/", {"period": "2026-Q4"})
    html = page.content.decode()
    assert page.status_code == 200
    for name in ("基础教育股", "安全稳定股", "青溪县实验小学", "青溪县第一幼儿园", "按期办结率", "群众2 · 特邀0"):
        assert name in html
    assert 'id="red-list"' in html and "黑榜（末位）" in html
    assert "末位" in html and "★★★★★" in html and "定稿" not in html  # the leader reads; the coordinator publishes


def test_a_unit_sees_its_own_row_and_rank_only(cast: SimpleNamespace, ledger: Any, client: Client) -> None:
    client.force_login(cast.officer)
    page = client.get(f"/assessment/schemes/{ledger.version.scheme_id}/ranking/", {"period": "2026-Q4"})
    html = page.content.decode()
    assert "基础教育股" in html and "安全稳定股" not in html and "青溪县实验小学" not in html
    assert "2 个单位参加排名" in html
    api = client.get("/api/v1/assessment/rankings", {"scheme": ledger.version.scheme_id, "period": "2026-Q4"}).json()
    assert [[r["unit"] for r in g["units"]] for g in api["groups"]] == [["基础教育股"]]
    assert api["groups"][0]["units"][0]["rank"] == 2
    client.force_login(ledger.school_officer)
    api = client.get("/api/v1/assessment/rankings", {"scheme": ledger.version.scheme_id, "period": "2026-Q4"}).json()
    assert [[r["unit"] for r in g["units"]] for g in api["groups"]] == [["青溪县实验小学"]]


def test_the_api_answers_each_units_values_deductions_score_rank_and_stars(
    cast: SimpleNamespace, ledger: Any, client: Client
) -> None:
    client.force_login(cast.leader)
    schemes = client.get("/api/v1/assessment/schemes")
    assert schemes.status_code == 200 and "各项" not in schemes.content.decode()
    [scheme] = schemes.json()
    assert (scheme["name"], scheme["version"], scheme["period_kind"]) == ("2026年股室学校考核", 1, "quarter")
    assert scheme["indicators"][0] == {"code": "on_time_rate", "weight": 20, "label": "按期办结率"}
    answer = client.get("/api/v1/assessment/rankings", {"scheme": scheme["id"], "period": "2026-Q4"})
    assert "按期办结率" in answer.content.decode()  # Chinese unescaped
    body = answer.json()
    assert body["period"] == {
        "key": "2026-Q4",
        "label": "2026年第四季度",
        "starts_on": "2026-10-01",
        "ends_on": "2026-12-31",
    }
    assert [g["name"] for g in body["groups"]] == ["股室", "学校"]
    row = body["groups"][0]["units"][0]
    assert set(row) == {
        "unit_id",
        "unit",
        "values",
        "deductions",
        "base",
        "deducted",
        "score",
        "rank",
        "stars",
        "flagged",
        "responses",
    }
    assert set(row["values"]["on_time_rate"]) == {"numerator", "denominator", "value"}
    assert row["deductions"]["criticism"] == {"count": 1, "points": 3.0}
    assert body["labels"]["red_card"] == "红灯督办（每件）"
    assert [(r["unit"], r["rank"]) for r in body["lists"]["red"]] == [("安全稳定股", 1), ("青溪县实验小学", 1)]
    assert [(r["group"], r["unit"]) for r in body["lists"]["black"]] == [("股室", "基础教育股")]


def test_bad_input_to_the_api_is_a_chinese_4xx(cast: SimpleNamespace, ledger: Any, client: Client) -> None:
    client.force_login(cast.leader)
    scheme = ledger.version.scheme_id
    for period, message in (
        ("", "请选择考核期间。"),
        ("2026-12-31~2026-10-01", "考核期间的结束日期早于开始日期。"),
        ("2026-13", "月份无效：2026-13。"),
        ("去年", "无法识别的考核期间"),
    ):
        answer = client.get("/api/v1/assessment/rankings", {"scheme": scheme, "period": period})
        assert answer.status_code == 400 and message in answer.json()["detail"], period
    assert client.get("/api/v1/assessment/rankings", {"scheme": "999", "period": "2026-Q4"}).status_code == 404
    answer = client.get("/api/v1/assessment/rankings", {"scheme": str(scheme), "period": "2026-Q4", "version": "9"})
    assert answer.status_code == 404
    empty = client.get("/api/v1/assessment/rankings", {"scheme": scheme, "period": "2020"}).json()
    assert all(r["score"] is None for g in empty["groups"] for r in g["units"])
    page = client.get(f"/assessment/schemes/{scheme}/ranking/", {"period": "2026-12-31~2026-10-01"})
    assert page.status_code == 400 and "考核期间的结束日期早于开始日期。" in page.content.decode()


def test_the_ranking_downloads_as_xlsx(cast: SimpleNamespace, ledger: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    answer = client.get(f"/assessment/schemes/{ledger.version.scheme_id}/ranking.xlsx", {"period": "2026-Q4"})
    assert answer.status_code == 200 and "attachment" in answer["Content-Disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["股室", "学校"]
    rows = list(book["股室"].iter_rows(values_only=True))
    assert rows[2][:3] == ("名次", "单位", "按期办结率")
    assert [r[1] for r in rows[3:5]] == ["安全稳定股", "基础教育股"] and rows[3][0] == 1


def test_the_coordinator_publishes_and_everyone_reads_the_frozen_ranking(
    cast: SimpleNamespace, ledger: Any, client: Client
) -> None:
    client.force_login(cast.coordinator)
    done = client.post(f"/assessment/schemes/{ledger.version.scheme_id}/publish/", {"period": "2026-Q4", "version": 1})
    assert done.status_code == 302
    client.force_login(cast.officer)
    page = client.get(done["Location"]).content.decode()
    assert "基础教育股" in page and "安全稳定股" not in page
    assert (
        client.post(f"/assessment/schemes/{ledger.version.scheme_id}/publish/", {"period": "2026-Q4"}).status_code
        == 403
    )


def test_the_ranking_page_has_a_fixed_number_of_queries(
    cast: SimpleNamespace, ledger: Any, client: Client, django_assert_num_queries: Any
) -> None:
    """Session, user, scheme, version, units; one scan of the problems for the four indicators over them, one
    query each for 满意率, 重办率, 回退率 and 民主评议 and for each deduction (3); response counts; the header's unit
    name."""
    client.force_login(cast.leader)
    url = f"/assessment/schemes/{ledger.version.scheme_id}/ranking/"
    client.get(url, {"period": "2026-Q4"})
    with django_assert_num_queries(15):
        client.get(url, {"period": "2026-Q4"})
    actions.do_save_scheme(
        ledger.version.scheme,
        actor=cast.coordinator,
        name="2026年股室学校考核",
        definition=version_of(ledger).definition,
    )
    with django_assert_num_queries(15):  # the same for any scheme of the same size, whatever the number of units
        client.get(url, {"period": "2026-Q4", "version": "2"})
