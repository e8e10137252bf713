"""The generated 通报 (DOCX) and 台账 workbook (XLSX), opened as a reader would, checked against figures computed
here in plain Python from every row of the raw tables — not through the vocabulary the reports use."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from types import SimpleNamespace
from typing import Any

from django.utils import timezone
from docx import Document
from docx.shared import Pt, RGBColor
from openpyxl import load_workbook

from taizhang.assessment import actions as assessment
from taizhang.assessment.tests.conftest import version_of
from taizhang.followup.models import Rating
from taizhang.intake.models import Channel, Opinion, OpinionLink
from taizhang.problems.models import Problem, Term
from taizhang.reports.actions import do_generate_report
from taizhang.reports.figures import parse_report_period
from taizhang.reports.models import GeneratedReport
from taizhang.supervision.models import SupervisionAction

NOV = parse_report_period("2026-11")
START, END = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
DONE, ACTIVE = ("follow_up", "closed"), ("assigned", "rectifying", "verifying")


def _in(moment: dt.datetime | None) -> bool:
    return moment is not None and START <= timezone.localdate(moment) <= END


def _pct(num: int, den: int) -> str:
    return f"{num / den * 100:.1f}%（{num}/{den}）" if den else "暂无（分母为0）"


def expected() -> dict[str, Any]:
    on = timezone.localdate(timezone.now())
    opinions = [o for o in Opinion.objects.all() if _in(o.received_at)]
    links = sorted(OpinionLink.objects.select_related("problem__category"), key=lambda link: link.pk)
    first_group: dict[int, str] = {}
    for link in links:
        first_group.setdefault(link.opinion_id, link.problem.category.group)
    problems = [p for p in Problem.objects.select_related("lead_unit") if timezone.localdate(p.created_at) <= END]
    overdue = [p for p in problems if p.status in ACTIVE and p.deadline and p.deadline < on]
    due = [p for p in problems if (p.status in DONE and p.deadline) or p in overdue]
    on_time = [p for p in due if p.status in DONE and p.deadline and timezone.localdate(p.closed_at) <= p.deadline]
    ratings = [r for r in Rating.objects.all() if r.problem_id in {p.pk for p in problems}]
    units: dict[str, dict[str, int]] = {}
    for p in problems:
        if p.lead_unit is None:
            continue
        row = units.setdefault(p.lead_unit.name, Counter())
        row["total"] += 1
        row["closed"] += p.status == "closed"
        row["overdue"] += p in overdue
        row["due"] += p in due
        row["on_time"] += p in on_time
    red = Counter(
        a.unit.name
        for a in SupervisionAction.objects.select_related("unit", "rung")
        if a.rung.is_red and a.state == "issued" and _in(a.fired_at)
    )
    return {
        "opinions": len(opinions),
        "by_channel": Counter(o.channel for o in opinions),
        "by_group": Counter(first_group.get(o.pk, "none") for o in opinions),
        "created": sum(1 for p in Problem.objects.all() if _in(p.created_at)),
        "closed_in_month": sum(1 for p in Problem.objects.all() if p.status == "closed" and _in(p.closed_at)),
        "total": len(problems),
        "closed": sum(1 for p in problems if p.status == "closed"),
        "overdue": len(overdue),
        "done_on_time": _pct(len(on_time), len(due)),
        "satisfied": _pct(sum(1 for r in ratings if r.satisfaction in ("satisfied", "basic")), len(ratings)),
        "reopened": sorted(p.number for p in problems if p.reopen_count),
        "units": units,
        "red": red,
        "ledger": sorted(
            p.number for p in problems if not (p.status == "closed" and timezone.localdate(p.closed_at) < START)
        ),
    }


def _docx_text(report: GeneratedReport) -> tuple[str, list[list[list[str]]]]:
    doc = Document(io.BytesIO(report.file.open("rb").read()))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return "\n".join(p.text for p in doc.paragraphs), tables


def _layout(report: GeneratedReport) -> None:
    """The official-document conventions: 版头 red in 小标宋, 仿宋_GB2312 三号 body, 黑体 headings, 页码 field."""
    doc = Document(io.BytesIO(report.file.open("rb").read()))
    fonts = {p.text: (p.runs[0].font.name, p.runs[0].font.size) for p in doc.paragraphs if p.runs}
    header = doc.paragraphs[0].runs[0]
    assert (header.text, header.font.name) == ("青溪县教育局", "方正小标宋简体")
    assert header.font.color.rgb == RGBColor(0xE6, 0, 0x12)
    assert fonts["关于2026年11月问题整改工作情况的通报"] == ("方正小标宋简体", Pt(22))
    assert fonts["一、总体情况"] == ("黑体", Pt(16))
    assert fonts["2026年12月1日"] == ("仿宋_GB2312", Pt(16))
    assert all(size == Pt(16) for name, size in fonts.values() if name == "仿宋_GB2312")
    assert 'w:instrText xml:space="preserve">PAGE<' in doc.sections[0].footer._element.xml
    section = doc.sections[0]
    assert section.page_width is not None and section.top_margin is not None
    assert (round(section.page_width.mm), round(section.top_margin.mm)) == (210, 37)


def test_it_writes_the_months_bulletin_with_the_raw_rows_figures(month: SimpleNamespace) -> None:
    want = expected()
    assert want["overdue"] and want["reopened"] and want["red"]  # the data set exercises every section
    report = do_generate_report("bulletin", NOV, actor=month.version.created_by)
    assert report is not None
    text, tables = _docx_text(report)
    assert "青教整通〔2026〕1号" in text and "关于2026年11月问题整改工作情况的通报" in text
    assert text.rstrip().endswith("2026年12月1日")
    _layout(report)
    for heading in ("一、总体情况", "二、各单位情况", "三、存在问题", "四、下一步工作"):
        assert heading in text
    assert f"本期共收到意见建议{want['opinions']}条" in text
    for channel, n in want["by_channel"].items():
        assert f"{Channel(channel).label}{n}条" in text
    assert f"群众切身利益方面{want['by_group']['people_interests']}条" in text
    assert f"“四风”方面{want['by_group']['four_winds']}条" in text
    assert f"服务群众“最后一公里”方面{want['by_group']['last_mile']}条" in text  # 0条, said as such
    assert f"尚未立项（待梳理或不予立项）{want['by_group']['none']}条" in text
    assert f"本期新立项问题{want['created']}个" in text and f"其中已销号{want['closed_in_month']}个" in text
    assert f"台账累计问题{want['total']}个，已销号{want['closed']}个" in text
    assert f"其中已超期{want['overdue']}个" in text
    assert f"按期办结率{want['done_on_time']}" in text and f"满意率{want['satisfied']}" in text
    # No ranking published for November: every unit's own figures, no ranks.
    assert "考核排名尚未定稿" in text
    unit_table = next(t for t in tables if t[0][:2] == ["单位", "问题数"])
    got = {row[0]: row[1:4] for row in unit_table[1:]}
    assert got == {name: [str(c["total"]), str(c["closed"]), str(c["overdue"])] for name, c in want["units"].items()}
    reopened_table = next(t for t in tables if t[0][-1] == "重办次数")
    assert sorted(row[0] for row in reopened_table[1:]) == want["reopened"]
    for unit, n in want["red"].items():
        assert f"{unit}{n}件" in text


def test_the_bulletin_shows_the_ranking_published_for_the_month(month: SimpleNamespace) -> None:
    version = version_of(month)
    published = assessment.do_publish_ranking(version, NOV, actor=month.version.created_by)
    report = do_generate_report("bulletin", NOV, actor=month.version.created_by)
    assert report is not None
    text, tables = _docx_text(report)
    assert f"{version.scheme.name}（第{version.number}版）2026年11月考核排名" in text
    ranked = [t for t in tables if t[0][:3] == ["名次", "单位", "得分"]]
    frozen = [g for g in published.rows["groups"] if not g["empty"]]
    assert len(ranked) == len(frozen)
    for table, group in zip(ranked, frozen, strict=True):
        assert [row[1] for row in table[1:]] == [r["unit"] for r in group["units"]]
        assert [row[2] for row in table[1:]] == [
            f"{r['score']:.2f}" if r["score"] is not None else "无数据" for r in group["units"]
        ]


def test_it_writes_the_months_workbook(month: SimpleNamespace) -> None:
    want = expected()
    report = do_generate_report("workbook", NOV, actor=month.version.created_by)
    assert report is not None
    wb = load_workbook(io.BytesIO(report.file.open("rb").read()))
    assert wb.sheetnames == ["问题台账", "意见汇总", "单位统计", "说明"]
    ledger = wb["问题台账"]
    assert ledger.freeze_panes == "A2"
    header = [c.value for c in ledger[1]]
    assert header[:3] == ["序号", "问题编号", "问题摘要"] and "灯色" in header and "回访满意度" in header
    assert ledger.column_dimensions["C"].width == 36
    rows = list(ledger.iter_rows(min_row=2, values_only=True))
    assert sorted(r[1] for r in rows) == want["ledger"]
    formula_row = next(r for r in ledger.iter_rows(min_row=2) if r[1].value == month.formula.number)
    assert formula_row[2].data_type == "s" and formula_row[2].value.startswith("=HYPERLINK")  # text, not a formula
    overdue_numbers = {p.number for p in Problem.objects.filter(Term.overdue(dt.date(2026, 12, 1)))}
    assert {r[1] for r in rows if r[10] == "红灯"} == overdue_numbers

    units = {r[0]: r for r in wb["单位统计"].iter_rows(min_row=2, values_only=True)}
    for name, c in want["units"].items():
        assert units[name][1] == c["total"] and units[name][3] == c["closed"] and units[name][4] == c["overdue"]
        assert units[name][6] == want["red"].get(name, 0)
        assert units[name][7] == c["on_time"] and units[name][8] == c["due"]

    opinions = {(r[0], r[1]): r[2] for r in wb["意见汇总"].iter_rows(min_row=2, values_only=True)}
    for channel, n in want["by_channel"].items():
        assert opinions[("按渠道", str(Channel(channel).label))] == n
    assert opinions[("合计", "本期收到的意见建议")] == want["opinions"]

    notes = {r[0]: r[1] for r in wb["说明"].iter_rows(min_row=2, values_only=True)}
    assert notes["已超期"] == " ".join((Term.overdue.__doc__ or "").split())
    assert "按期办结 ÷ 应办结" in notes["按期办结率"]
