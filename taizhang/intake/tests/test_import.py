"""意见批量导入: the sheet goes in whole or not at all, and every bad row is named by its Excel row number."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from taizhang.audit.events import verify_chain
from taizhang.audit.models import AuditEvent, Verb
from taizhang.intake.actions import OpinionInput, do_receive_opinion
from taizhang.intake.importer import COLUMNS, MAX_ROWS, read_opinion_sheet
from taizhang.intake.models import Channel, Opinion

HEADER = ["渠道", "内容", "反映人", "联系电话", "是否匿名", "涉及单位", "来源单号"]
URL = "/opinions/import/"


def xlsx(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("意见")
    ws.append(HEADER if header is None else header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_rows() -> list[list[Any]]:
    return [
        ["12345热线", "实验小学门口交通拥堵。", "张三", 13812345678, "否", "青溪县实验小学", "12345-0001"],
        ["online_form", "食堂饭菜价格偏高。", "李四", "0571-8888666转2", "", "", ""],
        ["媒体", "网帖反映有教师有偿补课。", "王五", "13900001111", "是", "基础教育股", 20260001.0],
    ]


def login(cast: SimpleNamespace, user: Any = None) -> Client:
    client = Client()
    client.force_login(user or cast.coordinator)
    return client


def check(client: Client, content: bytes, name: str = "三月意见.xlsx") -> Any:
    return client.post(URL, {"action": "check", "file": SimpleUploadedFile(name, content)})


def pending_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return list(folder.glob("*")) if folder.exists() else []


def test_it_imports_a_good_sheet_after_check_and_confirm(cast: SimpleNamespace) -> None:
    client = login(cast)
    response = check(client, xlsx(good_rows()))
    assert response.status_code == 200
    assert "共 <b>3</b> 行，全部有效" in response.content.decode()
    assert Opinion.objects.count() == 0 and len(pending_files()) == 1

    token = response.context["token"]
    response = client.post(URL, {"action": "confirm", "token": token})
    assert response.status_code == 302 and response["Location"] == URL + "?result=1"

    opinions = list(Opinion.objects.order_by("id"))
    assert [o.channel for o in opinions] == [Channel.HOTLINE_12345, Channel.ONLINE_FORM, Channel.MEDIA]
    assert len({o.receipt_code for o in opinions}) == 3 and all(o.receipt_code for o in opinions)
    assert opinions[0].reporter_phone == "13812345678" and opinions[0].concerned_unit == cast.school
    assert opinions[1].reporter_phone == "0571-8888666转2"
    assert opinions[2].is_anonymous and opinions[2].reporter_name == "" and opinions[2].external_ref == "20260001"
    assert all(o.entered_by == cast.coordinator and o.campaign == cast.campaign for o in opinions)
    events = AuditEvent.objects.filter(verb=Verb.OPINION_RECEIVED).order_by("id")
    assert [e.opinion_id for e in events] == [o.pk for o in opinions]
    assert all(e.data["file"] == "三月意见.xlsx" for e in events)
    assert verify_chain()[1] is None
    assert pending_files() == []

    page = client.get(URL + "?result=1").content.decode()
    assert all(o.receipt_code in page for o in opinions)


def test_it_shows_fifty_codes_and_offers_all_of_them_as_excel(cast: SimpleNamespace) -> None:
    client = login(cast)
    rows = [["意见箱", f"第{i}条意见：课后服务收费不透明。", "", "", "是", "", ""] for i in range(60)]
    token = check(client, xlsx(rows)).context["token"]
    client.post(URL, {"action": "confirm", "token": token})

    page = client.get(URL + "?result=1")
    assert len(page.context["result"]["rows"]) == 50 and page.context["result"]["count"] == 60
    download = client.get(URL + "?result=xlsx")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content), read_only=True).worksheets[0]
    listed = [(row[0], row[1]) for row in sheet.iter_rows(min_row=2, values_only=True)]
    expected = [o.receipt_code for o in Opinion.objects.order_by("id")]  # recomputed: the table keeps hashes
    assert listed == [(n, code) for n, code in zip(range(2, 62), expected, strict=True)]


def test_it_lists_formula_like_text_as_text_in_the_result_download(cast: SimpleNamespace) -> None:
    wb = load_workbook(io.BytesIO(xlsx([["网上留言", '=HYPERLINK("http://example.com","点此")']])))
    wb.worksheets[0]["B2"].data_type = "s"  # typed as text, the way a web form's content reaches a sheet
    content = io.BytesIO()
    wb.save(content)
    client = login(cast)
    token = check(client, content.getvalue()).context["token"]
    client.post(URL, {"action": "confirm", "token": token})

    download = client.get(URL + "?result=xlsx")
    cell = load_workbook(io.BytesIO(download.content)).worksheets[0]["F2"]
    assert cell.data_type == "s" and cell.value == Opinion.objects.get().text


def test_it_writes_nothing_and_names_both_bad_rows(cast: SimpleNamespace) -> None:
    rows = good_rows()
    rows.insert(1, ["电报", "渠道不存在。", "", "", "", "", ""])  # row 3
    rows.append(["意见箱", "", "", "", "也许", "不存在的学校", ""])  # row 6
    client = login(cast)
    response = check(client, xlsx(rows))

    assert response.status_code == 400
    found = [(e.row, e.column) for e in response.context["errors"]]
    assert found == [(3, "渠道"), (6, "内容"), (6, "是否匿名"), (6, "涉及单位")]
    page = response.content.decode()
    assert "未导入任何意见" in page and "第 3、6 行" in page and "渠道“电报”无效" in page
    assert Opinion.objects.count() == 0 and AuditEvent.objects.exclude(verb__startswith="login_").count() == 0
    assert pending_files() == []


def test_it_validates_again_on_confirm(cast: SimpleNamespace) -> None:
    client = login(cast)
    token = check(client, xlsx(good_rows())).context["token"]
    do_receive_opinion(OpinionInput(channel="hotline_12345", text="同一工单", external_ref="12345-0001"), actor=None)

    response = client.post(URL, {"action": "confirm", "token": token})
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "来源单号")]
    assert Opinion.objects.count() == 1
    assert pending_files() == []


def test_it_reports_duplicate_external_refs_in_the_sheet_and_in_the_ledger(cast: SimpleNamespace) -> None:
    do_receive_opinion(OpinionInput(channel="hotline_12345", text="已登记", external_ref="A-1"), actor=None)
    rows = [
        ["12345热线", "第一次。", "", "", "", "", "B-7"],
        ["12345热线", "重复的单号。", "", "", "", "", "B-7"],
        ["12345热线", "库中已有。", "", "", "", "", "A-1"],
        ["网上留言", "别的渠道可以同号。", "", "", "", "", "A-1"],
    ]
    response = check(login(cast), xlsx(rows))

    assert response.status_code == 400
    errors = [(e.row, e.column, e.message) for e in response.context["errors"]]
    assert errors == [
        (3, "来源单号", "来源单号“B-7”与第 2 行重复。"),
        (4, "来源单号", "来源单号“A-1”（12345热线）已登记过，不能重复导入。"),
    ]
    assert Opinion.objects.count() == 1


def test_it_rejects_a_wrong_header(cast: SimpleNamespace) -> None:
    content = xlsx([["意见箱", "内容", "备注"]], header=["渠道", "意见", "备注"])
    response = check(login(cast), content)

    assert response.status_code == 400
    message = response.context["form"].errors["file"][0]
    assert "第 1 行表头有误" in message and "未知的列“意见”" in message and "缺少必填列“内容”" in message
    assert Opinion.objects.count() == 0


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"channel,text\nreport,hello\n", "不是 Excel（.xlsx）表格"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "旧版 Excel（.xls）"),
        (_zip_without_workbook(), "不是 Excel（.xlsx）表格"),
        (xlsx([])[:-200], "不是 Excel（.xlsx）表格，或已损坏"),
        (xlsx([], header=[]), "表格是空的"),
        (xlsx([]), "只有表头"),
        (b"", "空文件"),
    ],
)
def test_it_rejects_a_file_that_is_not_a_usable_sheet(cast: SimpleNamespace, content: bytes, expected: str) -> None:
    response = check(login(cast), content, name="意见.xlsx")
    assert response.status_code == 400
    assert expected in response.context["form"].errors["file"][0]
    assert Opinion.objects.count() == 0 and pending_files() == []


def test_it_rejects_more_than_5000_rows(cast: SimpleNamespace) -> None:
    rows = [["意见箱", f"意见{i}", "", "", "", "", ""] for i in range(MAX_ROWS + 1)]
    response = check(login(cast), xlsx(rows))
    assert response.status_code == 400
    assert "一次最多导入 5000 行" in response.context["form"].errors["file"][0]
    assert Opinion.objects.count() == 0


def test_it_rejects_a_file_over_10_mb(cast: SimpleNamespace) -> None:
    response = check(login(cast), b"PK" + b"\x00" * (10 * 1024 * 1024))
    assert response.status_code == 400
    assert "文件超过 10 MB" in response.context["form"].errors["file"][0]


def test_it_refuses_a_stale_confirmation(cast: SimpleNamespace) -> None:
    client = login(cast)
    check(client, xlsx(good_rows()))
    response = client.post(URL, {"action": "confirm", "token": "made-up"}, follow=True)
    assert "确认已失效" in response.content.decode()
    assert Opinion.objects.count() == 0


def test_it_forbids_a_unit_officer(cast: SimpleNamespace) -> None:
    client = login(cast, cast.officer)
    assert client.get(URL).status_code == 403
    response = check(client, xlsx(good_rows()))
    assert response.status_code == 403
    assert "只有牵头部门和系统管理员可以批量导入意见" in response.content.decode()
    assert client.get("/opinions/import/template.xlsx").status_code == 403
    assert Opinion.objects.count() == 0 and pending_files() == []


def test_it_sends_anonymous_visitors_to_login(cast: SimpleNamespace) -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_downloads_a_template_that_passes_as_it_stands(cast: SimpleNamespace) -> None:
    response = login(cast).get("/opinions/import/template.xlsx")

    assert response.status_code == 200
    assert f"filename*=UTF-8''{quote('意见导入模板.xlsx')}" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == [c.header for c in COLUMNS]
    choices = [row for row in wb.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert {row[0] for row in choices} >= {str(label) for label in Channel.labels}
    assert "基础教育股" in {row[3] for row in choices}
    sheet = read_opinion_sheet(response.content)
    assert sheet.ok and [r.row for r in sheet.rows] == [2, 3] and sheet.example_rows == [2, 3]


def test_it_accepts_every_channel_label_and_code(cast: SimpleNamespace) -> None:
    rows = [[str(label), "内容"] for label in Channel.labels] + [[code.upper(), "内容"] for code in Channel.values]
    rows += [["网帖", "内容"], ["１２３４５热线", "内容"]]
    sheet = read_opinion_sheet(xlsx(rows, header=["渠道", "内容"]))
    assert sheet.ok
    assert [r.data.channel for r in sheet.rows] == [*Channel.values, *Channel.values, "media", "hotline_12345"]
