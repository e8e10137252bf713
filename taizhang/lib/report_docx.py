"""A longer official document (通报, 情况报告) as DOCX: the layout of `official_docx` (GB/T 9704-2012: red 版头
in 方正小标宋简体, 发文字号 over the red rule, title in 方正小标宋简体 二号, body in 仿宋_GB2312 三号 at a fixed
28-point line) with what a report needs besides: 一级标题 in 黑体, 二级标题 in 楷体_GB2312, and tables in 仿宋 四号.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from taizhang.lib.chinese_dates import chinese_date
from taizhang.lib.official_docx import (
    BODY_FONT,
    FONT_ALTERNATIVES,
    HEADER_FONT,
    RED,
    TITLE_FONT,
    _font,
    _paragraph,
    _red_rule,
)

HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
# The official documents' alternatives and the headings': Word or LibreOffice without the GB fonts substitutes these.
ALTERNATIVES = {
    **FONT_ALTERNATIVES,
    SUBHEADING_FONT: ["楷体", "KaiTi", "STKaiti", "Noto Serif CJK SC"],
    HEADING_FONT: ["SimHei", "STHeiti", "Noto Sans CJK SC"],
}
BODY_SIZE = 16  # 三号
TABLE_SIZE = 12  # 小四: a table of many units stays on the page width


@dataclass(frozen=True)
class Block:
    kind: str  # h1 | h2 | p | table
    text: str = ""
    rows: Sequence[Sequence[str]] = field(default_factory=tuple)  # a table's rows, the first is its header


@dataclass(frozen=True)
class OfficialReport:
    header: str  # 版头; empty for a report without one (情况报告 to the upper level)
    number: str  # 发文字号; may be empty
    title: str
    recipient: str  # 主送; may be empty
    blocks: Sequence[Block]
    issuer: str
    date: dt.date


def _table(doc: Any, rows: Sequence[Sequence[str]]) -> None:
    if not rows:
        return
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 or c > 0 else WD_ALIGN_PARAGRAPH.LEFT
            _font(paragraph.add_run(str(value)), HEADING_FONT if r == 0 else BODY_FONT, TABLE_SIZE)
    doc.add_paragraph()


def _page_number(section: Any) -> None:
    """页码 as GB/T 9704 sets it: — 1 — centred at the foot of every page, in 宋体 四号."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run("— "), "宋体", 14)
    run = paragraph.add_run()
    _font(run, "宋体", 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _font(paragraph.add_run(" —"), "宋体", 14)


def render_report_docx(report: OfficialReport, out: IO[bytes]) -> None:
    doc: Any = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_number(section)
    doc.core_properties.title = f"{report.number} {report.title}".strip()
    center = WD_ALIGN_PARAGRAPH.CENTER
    if report.header:
        _paragraph(doc, report.header, HEADER_FONT, 36, align=center, line=48, color=RED, after=12)
    if report.number:
        number = _paragraph(doc, report.number, BODY_FONT, BODY_SIZE, align=center, after=18)
        if report.header:
            _red_rule(number)
    _paragraph(doc, report.title, TITLE_FONT, 22, align=center, line=36, before=12, after=18)
    if report.recipient:
        _paragraph(doc, f"{report.recipient}：", BODY_FONT, BODY_SIZE)
    for block in report.blocks:
        if block.kind == "h1":
            _paragraph(doc, block.text, HEADING_FONT, BODY_SIZE, indent=True)
        elif block.kind == "h2":
            _paragraph(doc, block.text, SUBHEADING_FONT, BODY_SIZE, indent=True)
        elif block.kind == "table":
            _table(doc, block.rows)
        else:
            for line in block.text.splitlines():
                if line.strip():
                    _paragraph(doc, line.strip(), BODY_FONT, BODY_SIZE, indent=True)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(doc, report.issuer, BODY_FONT, BODY_SIZE, align=right, before=42, right_indent=2)
    _paragraph(doc, chinese_date(report.date), BODY_FONT, BODY_SIZE, align=right, right_indent=4)
    _list_fonts(doc)
    doc.save(out)


def _list_fonts(doc: Any) -> None:
    for part in doc.part.package.iter_parts():
        if str(part.partname).endswith("/fontTable.xml") and hasattr(part, "element"):
            for name, alternatives in ALTERNATIVES.items():
                font = OxmlElement("w:font")
                font.set(qn("w:name"), name)
                alt = OxmlElement("w:altName")
                alt.set(qn("w:val"), ",".join(alternatives))
                charset = OxmlElement("w:charset")
                charset.set(qn("w:val"), "86")  # GB2312
                font.append(alt)
                font.append(charset)
                part.element.append(font)
            return
