"""Chinese official documents (党政机关公文, after GB/T 9704-2012) as DOCX, and the `{占位符}` wording they use.

Layout: A4 with the standard margins, a red 版头 in 方正小标宋简体, the 发文字号 above a red rule, the title in
方正小标宋简体 二号, 主送 and body in 仿宋_GB2312 三号 at a fixed 28-point line, 落款 and the date right-aligned.
Fonts are named with their East Asian slot set and listed with alternatives in the font table, so Word or
LibreOffice on a machine without the GB fonts substitutes 仿宋 / 宋体 instead of a Latin face.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from taizhang.lib.chinese_dates import chinese_date

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADER_FONT = "方正小标宋简体"
# name in the document → alternatives a printer's machine is likely to have
FONT_ALTERNATIVES = {
    BODY_FONT: ["仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC"],
    TITLE_FONT: ["华文中宋", "宋体", "SimSun", "Noto Serif CJK SC"],
}
RED = RGBColor(0xE6, 0x00, 0x12)
PLACEHOLDER = re.compile(r"\{([^{}\s]{1,20})\}")


@dataclass(frozen=True)
class OfficialDocument:
    header: str  # 版头, e.g. 青溪县教育局督查督办
    number: str  # 发文字号, e.g. 青教督〔2026〕12号
    title: str
    recipient: str  # 主送
    body: str  # paragraphs separated by newlines
    issuer: str  # 落款
    date: dt.date


def placeholders_in(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def check_template(text: str, *, required: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """Problems with a template's wording, in Chinese: required placeholders missing, unknown ones used,
    braces left unbalanced."""
    used = placeholders_in(text)
    errors = []
    if missing := sorted(set(required) - used):
        errors.append("缺少必需的占位符：" + "、".join(f"{{{m}}}" for m in missing) + "。")
    if unknown := sorted(used - set(allowed)):
        errors.append("无法识别的占位符：" + "、".join(f"{{{u}}}" for u in unknown) + "。")
    stripped = PLACEHOLDER.sub("", text)
    if "{" in stripped or "}" in stripped:
        errors.append("花括号不成对，占位符应写成 {名称}。")
    return errors


def fill(text: str, values: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _font(run: Any, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(slot), name)


def _paragraph(doc: Any, text: str, font: str, size: float, **kw: Any) -> Any:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = kw.get("align", WD_ALIGN_PARAGRAPH.JUSTIFY)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(kw.get("line", 28))
    fmt.space_before = Pt(kw.get("before", 0))
    fmt.space_after = Pt(kw.get("after", 0))
    if kw.get("indent"):
        fmt.first_line_indent = Pt(size * 2)
    if kw.get("right_indent"):
        fmt.right_indent = Pt(size * kw["right_indent"])
    _font(p.add_run(text), font, size, bold=kw.get("bold", False), color=kw.get("color"))
    return p


def _red_rule(paragraph: Any) -> None:
    """The red line under the 发文字号, drawn as the paragraph's bottom border."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "6"), ("w:color", "E60012")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _list_font_alternatives(doc: Any) -> None:
    for part in doc.part.package.iter_parts():
        if str(part.partname).endswith("/fontTable.xml"):
            root = part.element if hasattr(part, "element") else None
            if root is None:
                return
            for name, alternatives in FONT_ALTERNATIVES.items():
                font = OxmlElement("w:font")
                font.set(qn("w:name"), name)
                alt = OxmlElement("w:altName")
                alt.set(qn("w:val"), ",".join(alternatives))
                charset = OxmlElement("w:charset")
                charset.set(qn("w:val"), "86")  # GB2312
                font.append(alt)
                font.append(charset)
                root.append(font)
            return


def render_docx(document: OfficialDocument, out: IO[bytes]) -> None:
    doc: Any = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    doc.core_properties.title = f"{document.number} {document.title}"
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(doc, document.header, HEADER_FONT, 36, align=center, line=48, color=RED, after=12)
    _red_rule(_paragraph(doc, document.number, BODY_FONT, 16, align=center, after=18))
    _paragraph(doc, document.title, TITLE_FONT, 22, align=center, line=36, before=12, after=18)
    _paragraph(doc, f"{document.recipient}：", BODY_FONT, 16)
    for line in document.body.splitlines():
        if line.strip():
            _paragraph(doc, line.strip(), BODY_FONT, 16, indent=True)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(doc, document.issuer, BODY_FONT, 16, align=right, before=42, right_indent=2)
    _paragraph(doc, chinese_date(document.date), BODY_FONT, 16, align=right, right_indent=4)
    _list_font_alternatives(doc)
    doc.save(out)


def read_docx_text(source: IO[bytes]) -> list[str]:
    """The paragraphs' text, for checks and tests."""
    return [p.text for p in Document(source).paragraphs]
