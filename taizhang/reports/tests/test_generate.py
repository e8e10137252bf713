"""Generating: versions never overwrite, numbers are gapless, every generation is audited; the scheduler makes the
month just ended once and never a past month; bad periods are refused in Chinese and an empty month says so."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from taizhang.audit.events import verify_chain
from taizhang.audit.models import AuditEvent, Verb
from taizhang.errors import ActionError, NotAllowed
from taizhang.reports.actions import do_generate_report, generate_due_reports
from taizhang.reports.bulletin import summary_text
from taizhang.reports.figures import compute, parse_report_period
from taizhang.reports.models import GeneratedReport, ReportKind

NOV = parse_report_period("2026-11")


def _text(report: GeneratedReport) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(report.file.open("rb").read())).paragraphs)


def test_it_adds_a_version_and_keeps_the_first(month: SimpleNamespace) -> None:
    coordinator = month.version.created_by
    first = do_generate_report("bulletin", NOV, actor=coordinator)
    first_bytes = first.file.open("rb").read() if first else b""
    second = do_generate_report("bulletin", NOV, actor=coordinator, sent_to="县委活动办")
    assert first is not None and second is not None
    assert (first.version, second.version) == (1, 2)
    assert (first.doc_number, second.doc_number) == ("青教整通〔2026〕1号", "青教整通〔2026〕2号")
    assert first.file.name != second.file.name
    first.refresh_from_db()
    assert first.file.open("rb").read() == first_bytes  # never overwritten
    assert first.sha256 == hashlib.sha256(first_bytes).hexdigest()
    assert second.sent_to == "县委活动办" and first.sent_to.startswith("各股室")
    events = AuditEvent.objects.filter(verb=Verb.REPORT_GENERATED).order_by("id")
    assert [e.data["version"] for e in events] == [1, 2]
    assert events[0].actor == coordinator and events[0].data["sha256"] == first.sha256


def test_a_unit_officer_cannot_generate(month: SimpleNamespace, cast: SimpleNamespace) -> None:
    with pytest.raises(NotAllowed):
        do_generate_report("bulletin", NOV, actor=cast.officer)
    assert not GeneratedReport.objects.exists()


def test_the_command_makes_last_months_reports_once(month: SimpleNamespace, at: Any) -> None:
    at(12, 5, 7)  # day 339 of a campaign that began on 1 January: last month only, not one per past month
    call_command("generate_reports", stdout=io.StringIO())
    call_command("generate_reports", stdout=io.StringIO())
    made = GeneratedReport.objects.order_by("kind")
    assert sorted((r.kind, r.period_key, r.version) for r in made) == [
        ("bulletin", "2026-11", 1),
        ("review", "2026-11", 1),
        ("workbook", "2026-11", 1),
    ]
    assert all(r.generated_by is None for r in made)
    assert AuditEvent.objects.filter(verb=Verb.REPORT_GENERATED, actor_name="系统").count() == 3


@pytest.mark.parametrize(("starts", "ends"), [((12, 1), (12, 31)), ((1, 1), (10, 31))])
def test_the_scheduler_makes_nothing_for_a_month_without_a_campaign(
    cast: SimpleNamespace, at: Any, starts: tuple[int, int], ends: tuple[int, int]
) -> None:
    campaign = cast.campaign
    campaign.starts_on = dt.date(2026, *starts)
    campaign.ends_on = dt.date(2026, *ends)
    campaign.save(update_fields=["starts_on", "ends_on"])
    at(12, 5, 7)
    assert generate_due_reports() == []
    assert not GeneratedReport.objects.exists()


@pytest.mark.parametrize(
    ("text", "start", "end", "message"),
    [
        ("", "", "", "请选择报表期间。"),
        ("2026-13", "", "", "报表期间应写成年-月"),
        ("", "2026-11-30", "2026-11-01", "结束日期早于开始日期"),
        ("", "2026-11-01", "", "请同时填写"),
        ("2027-01", "", "", "尚未开始"),
    ],
)
def test_it_refuses_a_bad_period_in_chinese(db: Any, text: str, start: str, end: str, message: str) -> None:
    with pytest.raises(ActionError) as refused:
        parse_report_period(text, start=start, end=end)
    assert message in refused.value.message


def test_a_month_without_data_is_an_honest_empty_report(cast: SimpleNamespace, at: Any) -> None:
    at(12, 5, 9)
    empty = parse_report_period("2026-03")
    f = compute(empty)
    assert f["opinions"]["total"] == 0 and f["standing"]["total"] == 0
    assert all(r["rate"] is None for r in f["rates"].values())
    assert summary_text(f) == "本期间未收集到意见建议；尚未梳理形成问题，暂无整改数据。"
    bulletin = do_generate_report(ReportKind.BULLETIN, empty, actor=cast.coordinator)
    assert bulletin is not None
    text = _text(bulletin)
    assert "本期未收到意见建议。" in text and "截至目前台账中尚无问题。" in text
    assert "签收及时率暂无（分母为0）" in text and "本期尚无交办到单位的问题" in text
    assert "本期没有超期未办结、重办的问题，也没有发出红灯督办。" in text
    for kind in (ReportKind.WORKBOOK, ReportKind.REVIEW, ReportKind.SUMMARY):
        report = do_generate_report(kind, empty, actor=cast.coordinator)
        assert report is not None and report.size > 0
    workbook = GeneratedReport.objects.get(kind=ReportKind.WORKBOOK)
    ledger = load_workbook(io.BytesIO(workbook.file.open("rb").read()))["问题台账"]
    assert ledger.cell(row=2, column=1).value == "本期没有在办或办结的问题。"


def test_the_summary_fills_its_sentences_from_data(month: SimpleNamespace) -> None:
    text = summary_text(compute(NOV))
    assert text.startswith(
        "共收集意见建议7条，其中“四风”方面1条、群众切身利益方面4条、服务群众“最后一公里”方面0条，另有2条尚未立项；"
    )
    assert "梳理形成问题5个，已整改销号2个，整改率40.0%（2/5），尚未销号3个（其中超期1个）" in text


def test_the_summary_covers_the_campaign_to_date(month: SimpleNamespace, cast: SimpleNamespace) -> None:
    report = do_generate_report(ReportKind.SUMMARY, NOV, actor=cast.coordinator)
    assert report is not None and report.sent_to == "上级活动办公室"
    whole = compute(parse_report_period(start="2026-01-01", end="2026-11-30"))
    assert summary_text(whole) in _text(report)
    assert report.figures["period"]["starts_on"] == "2026-01-01"
    assert "关于作风建设专项整治问题整改工作情况的报告" in _text(report)
    assert verify_chain()[1] is None  # the audit trail still verifies with the generation events in it
