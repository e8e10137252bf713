"""Files read as grids: every format, merged cells filled, and the files that must be refused."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import xlwt
from openpyxl import Workbook

from taizhang.lib.sheet_layout import choose_layout
from taizhang.lib.tables import TableRejected, read_tables

SYNONYMS = {"serial": ["序号"], "text": ["诉求内容", "问题描述"], "unit": ["责任单位"], "when": ["来电时间"]}


def test_it_reads_an_old_xls_with_merged_cells_and_dates() -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("工单")
    sheet.write_merge(0, 0, 0, 2, "青溪县热线工单")
    for col, name in enumerate(["序号", "来电时间", "诉求内容"]):
        sheet.write(1, col, name)
    sheet.write(2, 0, 1)
    sheet.write(2, 1, dt.datetime(2026, 11, 3, 9, 15), xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm"))
    sheet.write(2, 2, "学校乱收费")
    out = io.BytesIO()
    book.save(out)
    [grid] = read_tables(out.getvalue())
    assert grid.rows[0] == (1, ["青溪县热线工单"] * 3)  # the merged title fills its width
    assert grid.rows[2] == (3, [1.0, dt.datetime(2026, 11, 3, 9, 15), "学校乱收费"])
    layout = choose_layout([grid], SYNONYMS, key_field="text")
    assert layout is not None and layout.header_rows == [2]


def test_it_fills_a_vertical_merge_down() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["序号", "问题类别", "问题描述"])
    ws.append([1, "形式主义", "台账重复"])
    ws.append([2, None, "打卡过多"])
    ws.merge_cells("B2:B3")
    out = io.BytesIO()
    wb.save(out)
    [grid] = read_tables(out.getvalue())
    assert [cells[1] for _n, cells in grid.rows[1:]] == ["形式主义", "形式主义"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_it_tells_csv_encodings_apart(encoding: str) -> None:
    text = (
        '序号,诉求内容\r\n1,"食堂饭菜贵，\n吃不饱"\r\n2,𠀀生僻字\r\n'
        if encoding != "gbk"
        else "序号,诉求内容\r\n1,食堂\r\n"
    )
    [grid] = read_tables(text.encode(encoding))
    assert grid.rows[0] == (1, ["序号", "诉求内容"])
    assert grid.rows[1][1][1] in ("食堂饭菜贵，\n吃不饱", "食堂")


def test_it_reads_tab_separated_text() -> None:
    [grid] = read_tables("序号\t诉求内容\n1\t作业太多，周末打卡\n".encode())
    assert grid.rows[1] == (2, ["1", "作业太多，周末打卡"])


def test_it_refuses_a_zip_bomb_before_unpacking_it() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(TableRejected, match="异常巨大"):
        read_tables(out.getvalue())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "空文件"),
        (b"PK\x03\x04garbage", "已损坏"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是表格文件"),
        ("漢字測試內容".encode("big5") * 50, "无法识别 CSV 文件的编码"),
    ],
)
def test_it_refuses_what_is_not_a_readable_table(content: bytes, message: str) -> None:
    with pytest.raises(TableRejected, match=message):
        read_tables(content, "x")
