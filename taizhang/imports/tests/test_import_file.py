"""import_file on files shaped like offices' own: exact counts, then what was written, read back through the API."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from taizhang.accounts.models import Unit
from taizhang.audit.events import verify_chain
from taizhang.audit.models import AuditEvent, Verb
from taizhang.imports.tests import messy
from taizhang.intake.models import Channel, Opinion
from taizhang.problems.models import Problem, RectificationKind, Status

TODAY = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def run(tmp_path: Path, name: str, content: bytes, *args: str) -> dict[str, Any]:
    path = tmp_path / name
    path.write_bytes(content)
    out = io.StringIO()
    call_command("import_file", str(path), "--json", "--user", "coord", *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def flags_of(report: dict[str, Any]) -> dict[int, list[str]]:
    return {item["row"]: item["flags"] for item in report["flagged"]}


def api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@time_machine.travel(TODAY, tick=False)
def test_it_reads_a_hotline_export_and_writes_nothing_without_commit(cast: SimpleNamespace, tmp_path: Path) -> None:
    report = run(tmp_path, "12345工单.xlsx", messy.hotline_export())
    assert report["kind"] == "opinions"
    assert report["sheet"] == "工单明细"
    assert report["header_rows"] == [3]
    assert report["rows"] == 11
    assert report["importable"] == 9
    assert report["rejected"] == [{"row": 7, "reason": "没有诉求内容"}, {"row": 15, "reason": "没有诉求内容"}]
    flags = flags_of(report)
    assert sorted(flags) == [5, 6, 9, 10, 11, 12]
    assert "2026年11月8日 09:12" in flags[5][0]
    assert flags[9] == ["与第 4 行完全相同", "来源单号“QX12345-20261103-0042”与第 4 行相同"]
    assert "不是有效号码" in flags[10][0]
    assert flags[11] == ["办结时间早于来电时间"]
    assert flags[12] == ["办结时间填的是“办理中”，不是日期"]
    assert [4, 9] in report["duplicates"]
    assert report["new_units"] == ["青溪县星辰培训学校"]
    assert {"row": 17, "reason": "合计行"} in report["skipped"]
    assert report["created"] == {"opinions": 0, "problems": 0}
    assert Opinion.objects.count() == 0


@time_machine.travel(TODAY, tick=False)
def test_it_imports_a_hotline_export_keeping_every_value(cast: SimpleNamespace, tmp_path: Path) -> None:
    report = run(tmp_path, "12345工单.xlsx", messy.hotline_export(), "--commit")
    assert report["created"] == {"opinions": 9, "problems": 0}
    assert Opinion.objects.count() == 9
    first = Opinion.objects.get(external_ref="QX12345-20261103-0042")
    assert timezone.localtime(first.received_at) == timezone.make_aware(dt.datetime(2026, 11, 3, 9, 15))
    assert first.channel == Channel.HOTLINE_12345
    assert first.concerned_unit == cast.school  # 实验小学 is the registry's 青溪县实验小学
    body = api(cast.coordinator).get(f"/api/v1/opinions/{first.pk}").json()
    kept = dict(body["source_record"]["fields"])
    assert kept["诉求类型"] == "投诉"
    assert kept["承办单位"] == "基础教育股"
    assert kept["办理时限"] == "2026-11-10"
    assert kept["办结时间"] == "2026-11-08 16:00"
    assert kept["回访满意度"] == "满意"
    assert "联系电话" not in kept and "来电人" not in kept  # the reporter lives in the masked fields only
    assert body["source_record"]["row"] == 4

    two_phones = Opinion.objects.get(external_ref="QX12345-20261109-0015")
    assert two_phones.reporter_phone == "13912345678、0571-88888888"
    masked = Opinion.objects.get(external_ref="QX12345-20261108-0007")
    assert masked.reporter_phone == "138****1234"
    assert timezone.localtime(masked.received_at).strftime("%Y-%m-%d %H:%M") == "2026-11-08 09:12"
    report_opinion = Opinion.objects.get(external_ref="QX12345-20261114-0011")
    assert report_opinion.channel == Channel.REPORT  # a 举报 work order: the reporter is for 纪检组 only
    assert report_opinion.text.count("\n") == 2
    anonymous = Opinion.objects.get(external_ref="QX12345-20261115-0030")
    assert anonymous.is_anonymous and anonymous.reporter_name == "" and anonymous.reporter_phone == ""
    assert Unit.objects.filter(name="青溪县星辰培训学校", parent=cast.bureau).exists()
    assert AuditEvent.objects.filter(verb=Verb.UNIT_CREATED).count() == 1
    assert verify_chain()[1] is None


@time_machine.travel(TODAY, tick=False)
def test_it_never_imports_a_row_twice(cast: SimpleNamespace, tmp_path: Path) -> None:
    run(tmp_path, "a.xlsx", messy.hotline_export(), "--commit")
    again = run(tmp_path, "renamed.xlsx", messy.hotline_export(), "--commit")
    assert again["created"] == {"opinions": 0, "problems": 0}
    assert again["already_imported"] == 9
    assert Opinion.objects.count() == 9


@time_machine.travel(TODAY, tick=False)
def test_it_rejects_rows_naming_unknown_units_when_asked(cast: SimpleNamespace, tmp_path: Path) -> None:
    report = run(tmp_path, "a.xlsx", messy.hotline_export(), "--no-new-units", "--commit")
    assert {"row": 14, "reason": "单位“青溪县星辰培训学校”不在系统中"} in report["rejected"]
    assert report["created"]["opinions"] == 8
    assert report["new_units"] == []
    assert not Unit.objects.filter(name="青溪县星辰培训学校").exists()


@time_machine.travel(TODAY, tick=False)
def test_it_reads_a_ledger_with_a_two_row_merged_header(cast: SimpleNamespace, tmp_path: Path) -> None:
    report = run(tmp_path, "整改台账.xlsx", messy.office_ledger())
    assert report["kind"] == "ledger"
    assert report["header_rows"] == [3, 4]
    assert report["rows"] == 8 and report["importable"] == 8 and report["rejected"] == []
    assert [s["reason"] for s in report["skipped"]] == ["说明行", "签章行"]
    flags = flags_of(report)
    assert sorted(flags) == [6, 8, 9, 10, 11, 12]
    assert flags[6] == ["整改时限“2026年12月底前”按2026年12月31日计"]
    assert flags[12] == ["整改时限“2027年秋季学期前”按2027年8月31日计"]
    assert len(flags[10]) == 2 and "基本完成" in flags[10][0] and "作风效能" in flags[10][1]
    assert "待验收" in flags[11][0]
    assert report["new_units"] == ["办公室", "计财股", "督导室", "县教师发展中心"]


@time_machine.travel(TODAY, tick=False)
def test_it_imports_ledger_rows_in_the_state_they_say(cast: SimpleNamespace, tmp_path: Path) -> None:
    report = run(tmp_path, "整改台账.xlsx", messy.office_ledger(), "--commit")
    assert report["created"] == {"opinions": 0, "problems": 8}
    rows = {p.source_record["row"]: p for p in Problem.objects.all()}
    closed = rows[5]
    assert closed.status == Status.CLOSED and closed.next_check_at is None
    assert timezone.localdate(closed.closed_at) == dt.date(2026, 10, 9)
    assert closed.category.name == "形式主义" and closed.responsible_leader == "张副局长"
    two_units = rows[6]
    assert two_units.category.name == "形式主义"  # filled down from the merged cell
    assert two_units.lead_unit is not None and two_units.lead_unit.name == "计财股"
    assert [u.name for u in two_units.assignments.get().co_units.all()] == ["基础教育股"]
    assert two_units.deadline == dt.date(2026, 12, 31) and two_units.status == Status.RECTIFYING
    assert two_units.measures == "1.简化报账流程；\n2.每月集中审核一次。"
    assert rows[7].kind == RectificationKind.LONG_TERM and rows[7].deadline == cast.campaign.ends_on
    assert rows[8].kind == RectificationKind.IMMEDIATE and rows[8].status == Status.CLOSED
    assert rows[8].lead_unit == cast.bureau  # 县教育局
    overdue = rows[9]
    assert overdue.deadline == dt.date(2026, 5, 6) and overdue.is_overdue()
    assert overdue.lead_unit == cast.school and overdue.next_check_at is not None
    assert rows[10].category.code == "other" and rows[10].remarks == "需持续跟踪"
    assert rows[11].status == Status.VERIFYING and rows[11].closures.get().decision == "pending"
    body = api(cast.coordinator).get(f"/api/v1/problems/{overdue.pk}").json()
    assert body["is_overdue"] is True
    assert body["responsible_leader"] == "王副局长"
    assert dict(body["source_record"]["fields"])["整改时限"] == "2026/5/6"
    assert body["timeline"][0]["summary"].startswith("从《整改台账.xlsx》第 9 行导入台账")
    assert verify_chain()[1] is None


@time_machine.travel(TODAY, tick=False)
def test_it_reads_a_gbk_csv(cast: SimpleNamespace, tmp_path: Path) -> None:
    report = run(tmp_path, "旧系统导出.csv", messy.gbk_csv(), "--commit")
    assert report["kind"] == "opinions" and report["header_rows"] == [1]
    assert report["rows"] == 7 and report["importable"] == 7 and report["rejected"] == []
    flags = flags_of(report)
    assert flags == {8: ["渠道“路边摊位”无法识别，记为“其他渠道”"], 9: ["与第 2 行完全相同"]}
    assert [2, 9] in report["duplicates"]
    by_row = {o.source_record["row"]: o for o in Opinion.objects.all()}
    assert sorted(by_row) == [2, 3, 5, 7, 8, 9, 10]  # a record's first line: quoted newlines push the next down
    assert by_row[3].is_anonymous and by_row[3].text == "作业太多，孩子每天写到晚上十点，\n周末还有各种打卡。"
    assert timezone.localdate(by_row[3].received_at) == dt.date(2026, 10, 9)  # full-width digits
    assert by_row[5].reporter_phone == "13900001111"
    assert by_row[7].text == "建议公开收费项目，做到明明白白，包括校服、餐费、保险等。"
    assert {o.channel for o in by_row.values()} >= {Channel.QUESTIONNAIRE, Channel.SUGGESTION_BOX, Channel.FORUM}
    assert by_row[8].channel == Channel.OTHER


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "空文件"),
        (b"PK\x03\x04broken", "已损坏"),
        ("序号,说明\r\n1,没有内容列\r\n".encode(), "找不到表头"),
        ("\u6f22\u5b57".encode("big5") * 200, "无法识别 CSV 文件的编码"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 512, "密码"),
    ],
)
def test_it_refuses_unreadable_files_with_a_reason(
    cast: SimpleNamespace, tmp_path: Path, content: bytes, message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run(tmp_path, "bad.csv", content, "--commit")
    assert Opinion.objects.count() == 0 and Problem.objects.count() == 0


REPEATS = "\r\n".join(
    [
        "序号,提交日期,渠道,反映人,意见建议内容,涉及学校",
        "1,2026/10/8,电话,家长甲,县实验小学五年级数学周老师周末在家办补习班，每人每月收费800元。,青溪县实验小学",
        "2,2026/10/9,网上留言,家长乙,实验小学五年级的周老师周末在家有偿补课，一个月收800元，不去怕被穿小鞋。,实验小学",
        "3,2026/10/9,意见箱,家长丙,实验小学食堂饭菜太咸，孩子吃不下。,青溪县实验小学",
    ]
).encode("gbk")


@time_machine.travel(TODAY, tick=False)
def test_repeat_reports_of_one_matter_are_proposed_together(cast: SimpleNamespace, tmp_path: Path) -> None:
    report = run(tmp_path, "三条意见.csv", REPEATS, "--commit")
    assert report["duplicates"] == [[2, 3]]  # the canteen at the same school is another matter
    assert flags_of(report) == {3: ["疑似与第 2 行反映同一事项"]}
    assert report["created"]["opinions"] == 3  # proposed, never merged


@time_machine.travel(TODAY, tick=False)
def test_two_reporters_with_the_same_words_are_two_rows(cast: SimpleNamespace, tmp_path: Path) -> None:
    same_words = "\r\n".join(
        [
            "序号,提交日期,反映人,电话,意见建议内容,涉及学校",
            "1,2026/10/8,家长甲,13811112222,作业太多，孩子每天写到晚上十点。,实验小学",
            "2,2026/10/8,家长乙,13933334444,作业太多，孩子每天写到晚上十点。,实验小学",
        ]
    ).encode("gbk")
    report = run(tmp_path, "两位家长.csv", same_words, "--commit")
    assert "与第 2 行完全相同" not in str(report["flagged"])
    assert report["created"]["opinions"] == 2
    assert run(tmp_path, "两位家长-另一份.csv", same_words[: same_words.rindex(b"\r\n")], "--commit")["created"] == {
        "opinions": 0,
        "problems": 0,
    }
