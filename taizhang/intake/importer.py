"""意见批量导入: read an .xlsx sheet, validate every row through a form, import all rows or none.

Each row goes through `OpinionRowForm` (one form per row, as NetBox's bulk import does) and every error
is reported with the row number Excel shows, so an office can fix the whole sheet in one pass. Only a
sheet without a single error reaches `do_import_opinions`, which writes it in one transaction.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
import zipfile
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django import forms
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from taizhang.accounts.models import Unit, UnitKind
from taizhang.intake.actions import ImportedOpinion, OpinionInput, do_import_opinions, validate_opinion
from taizhang.intake.models import Channel, Opinion
from taizhang.lib.cnvalues import cell_str, fold
from taizhang.lib.xlsx import text_cell

if TYPE_CHECKING:
    from taizhang.accounts.models import User

MAX_FILE_BYTES = 10 * 1024 * 1024
# A 10 MB zip can inflate to gigabytes of XML; no honest 5,000-row sheet comes near this.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 10
SHEET_NAME = "意见导入"
CHOICES_SHEET_NAME = "可选值"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    name: str
    required: bool = False
    width: int = 14
    note: str = ""


COLUMNS = (
    Column("渠道", "channel", required=True, width=14, note="可选值见“可选值”表，也可填英文代码。"),
    Column("内容", "text", required=True, width=60, note="意见的具体内容。"),
    Column("反映人", "reporter_name", width=10),
    Column("联系电话", "reporter_phone", width=16, note="手机号或座机号；匿名时可不填。"),
    Column("是否匿名", "is_anonymous", width=10, note="填“是”或“否”，不填视为“否”。匿名时不保存反映人和电话。"),
    Column("涉及单位", "concerned_unit", width=22, note="可不填。填写时须与系统中的单位名称一致，见“可选值”表。"),
    Column("来源单号", "external_ref", width=20, note="可不填。同一渠道的来源单号不能重复。"),
)
COLUMN_BY_HEADER = {c.header: c for c in COLUMNS}
HEADER_BY_NAME = {c.name: c.header for c in COLUMNS}
LETTER_BY_NAME = {c.name: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}

# The label of each channel, its English code, and the words offices actually type for the merged labels.
CHANNEL_ALIASES = {"12345": Channel.HOTLINE_12345, "媒体": Channel.MEDIA, "网帖": Channel.MEDIA}
YES = frozenset({"是", "y", "yes", "true", "1", "匿名"})
NO = frozenset({"", "否", "n", "no", "false", "0", "实名"})
EXAMPLE_TEXTS = (
    "学校门口上下学时段交通拥堵，存在安全隐患，建议增派人员疏导。",
    "部分教师课后服务收费不透明，希望公示收费标准。",
)
PHONE_RE = re.compile(r"^[0-9+\-()（）\s转]+$")


def _fold(value: str) -> str:
    """Full-width letters and digits to half-width, lower case, no spaces: how typed codes are compared."""
    return fold(value).lower()


CHANNEL_LOOKUP: dict[str, str] = {
    **{_fold(str(label)): value for value, label in Channel.choices},
    **{_fold(value): value for value in Channel.values},
    **{_fold(alias): value for alias, value in CHANNEL_ALIASES.items()},
}


class SheetRejected(Exception):
    """The file as a whole cannot be read as an opinion sheet; nothing row by row to report."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ParsedRow:
    row: int
    data: OpinionInput


@dataclass
class ParsedSheet:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def example_rows(self) -> list[int]:
        """Rows still holding the template's examples: imported as they stand unless the user deletes them."""
        return [r.row for r in self.rows if r.data.text in EXAMPLE_TEXTS]

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})


@dataclass(frozen=True)
class ImportedRow:
    row: int
    opinion: Opinion


class OpinionRowForm(forms.Form):
    """One sheet row. Field names are OpinionInput's; every value arrives as the cell's text."""

    channel = forms.CharField(error_messages={"required": "请填写渠道。"})
    text = forms.CharField(error_messages={"required": "请填写意见内容。"})
    reporter_name = forms.CharField(required=False)
    reporter_phone = forms.CharField(required=False)
    is_anonymous = forms.CharField(required=False)
    concerned_unit = forms.CharField(required=False)
    external_ref = forms.CharField(
        required=False, max_length=60, error_messages={"max_length": "来源单号过长，最多 60 个字符。"}
    )

    def __init__(self, data: Mapping[str, str], *, units: Mapping[str, Unit]) -> None:
        super().__init__(data)
        self.units = units

    def clean_channel(self) -> str:
        typed: str = self.cleaned_data["channel"]
        channel = CHANNEL_LOOKUP.get(_fold(typed))
        if channel is None:
            labels = "、".join(str(label) for label in Channel.labels)
            raise forms.ValidationError(f"渠道“{typed}”无效，可选：{labels}。")
        return channel

    def clean_is_anonymous(self) -> bool:
        typed: str = self.cleaned_data["is_anonymous"]
        folded = _fold(typed)
        if folded in YES:
            return True
        if folded in NO:
            return False
        raise forms.ValidationError(f"“{typed}”无法识别，请填“是”或“否”。")

    def clean_reporter_phone(self) -> str:
        phone: str = self.cleaned_data["reporter_phone"]
        if phone and (not PHONE_RE.match(phone) or not any(ch.isdigit() for ch in phone)):
            raise forms.ValidationError(f"联系电话“{phone}”格式不对，只能包含数字、“-”、括号和“转”。")
        return phone

    def clean_concerned_unit(self) -> Unit | None:
        name: str = self.cleaned_data["concerned_unit"]
        if not name:
            return None
        unit = self.units.get(name)
        if unit is None:
            raise forms.ValidationError(f"系统中没有名为“{name}”的单位，请按“可选值”表填写。")
        if not unit.is_active:
            raise forms.ValidationError(f"单位“{name}”已停用。")
        return unit

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            # The action's own rules (lengths, channel) so a sheet row and a typed opinion agree.
            for name, messages in validate_opinion(self.opinion_input()).items():
                for message in messages:
                    self.add_error(name, message)
        return cleaned

    def opinion_input(self) -> OpinionInput:
        return OpinionInput(**{name: self.cleaned_data[name] for name in HEADER_BY_NAME})


def _unit_lookup() -> dict[str, Unit]:
    return {unit.name: unit for unit in Unit.objects.all()}


def _open_rows(content: bytes) -> Generator[tuple[int, list[str]]]:
    """Yield (Excel row number, cell texts) for every row of the sheet, or raise SheetRejected."""
    if not content:
        raise SheetRejected("上传的文件是空文件。")
    if len(content) > MAX_FILE_BYTES:
        raise SheetRejected(f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，请拆分后分批导入。")
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetRejected("这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中“另存为”.xlsx 格式后再导入。")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        raise SheetRejected("文件不是 Excel（.xlsx）表格，或已损坏。请使用下载的模板填写。") from None
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise SheetRejected("文件不是 Excel（.xlsx）表格，请使用下载的模板填写。")
    if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        raise SheetRejected("表格内容过大，请拆分后分批导入。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # openpyxl notes extensions it skips; nothing to act on
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file; all mean the same to the user
        raise SheetRejected("Excel 文件已损坏，无法读取。请重新保存后再试。") from None
    try:
        sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        sheet.reset_dimensions()  # some tools write a wrong <dimension>; read what is really there
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_str(v) for v in values]
    finally:
        workbook.close()


def _read_header(cells: list[str], number: int) -> dict[int, Column]:
    columns: dict[int, Column] = {}
    problems: list[str] = []
    for index, text in enumerate(cells):
        if not text:
            continue
        column = COLUMN_BY_HEADER.get(text)
        if column is None:
            problems.append(f"未知的列“{text}”")
        elif column in columns.values():
            problems.append(f"列“{text}”重复")
        else:
            columns[index] = column
    missing = [c.header for c in COLUMNS if c.required and c not in columns.values()]
    if missing:
        problems.append("缺少必填列" + "、".join(f"“{h}”" for h in missing))
    if problems:
        expected = "、".join(c.header for c in COLUMNS)
        raise SheetRejected(f"第 {number} 行表头有误：{'；'.join(problems)}。表头应为：{expected}。")
    return columns


def _is_header_like(cells: list[str]) -> bool:
    return any(text in COLUMN_BY_HEADER for text in cells)


def _raw_rows(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """The non-empty rows under the header as (row number, {field name: text}). Title rows above it are skipped."""
    columns: dict[int, Column] | None = None
    data: list[tuple[int, dict[str, str]]] = []
    first_nonblank: tuple[int, list[str]] | None = None
    with contextlib.closing(_open_rows(content)) as rows:
        for number, cells in rows:
            if columns is None:
                if not any(cells):
                    continue
                first_nonblank = first_nonblank or (number, cells)
                if _is_header_like(cells):
                    columns = _read_header(cells, number)
                elif number >= HEADER_SEARCH_ROWS:
                    break
                continue
            if not any(cells):
                continue
            if len(data) == MAX_ROWS:
                raise SheetRejected(f"一次最多导入 {MAX_ROWS} 行，本表超过了，请拆分后分批导入。")
            data.append((number, {c.name: cells[i] if i < len(cells) else "" for i, c in columns.items()}))
    if first_nonblank is None:
        raise SheetRejected("表格是空的，请在模板第 1 行表头下逐行填写意见。")
    if columns is None:
        # No known column name anywhere near the top: report what is wrong with the row meant as the header.
        _read_header(first_nonblank[1], first_nonblank[0])
    if not data:
        raise SheetRejected("表格只有表头，没有可导入的意见。")
    return data


def _duplicate_refs(rows: Sequence[ParsedRow]) -> list[RowError]:
    errors: list[RowError] = []
    header = HEADER_BY_NAME["external_ref"]
    first_row: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row.data.channel, row.data.external_ref)
        if not key[1]:
            continue
        if key in first_row:
            errors.append(RowError(row.row, header, f"来源单号“{key[1]}”与第 {first_row[key]} 行重复。"))
        else:
            first_row[key] = row.row
    refs = {ref for _channel, ref in first_row}
    taken = set(Opinion.objects.filter(external_ref__in=refs).values_list("channel", "external_ref")) if refs else set()
    for key, number in first_row.items():
        if key in taken:
            label = Channel(key[0]).label
            errors.append(RowError(number, header, f"来源单号“{key[1]}”（{label}）已登记过，不能重复导入。"))
    return errors


def read_opinion_sheet(content: bytes) -> ParsedSheet:
    """Validate every row of an uploaded sheet. Raises SheetRejected when the file itself is unusable."""
    raw = _raw_rows(content)
    units = _unit_lookup()
    sheet = ParsedSheet(row_count=len(raw))
    for number, values in raw:
        form = OpinionRowForm(values, units=units)
        if form.is_valid():
            sheet.rows.append(ParsedRow(number, form.opinion_input()))
            continue
        for name, messages in form.errors.items():
            column = HEADER_BY_NAME.get(name, "")
            sheet.errors.extend(RowError(number, column, str(message)) for message in messages)
    sheet.errors.extend(_duplicate_refs(sheet.rows))
    order = {c.header: i for i, c in enumerate(COLUMNS)}
    sheet.errors.sort(key=lambda e: (e.row, order.get(e.column, len(order))))
    if sheet.errors:
        sheet.rows = []
    return sheet


def import_opinion_sheet(content: bytes, *, actor: User, filename: str) -> tuple[ParsedSheet, list[ImportedRow]]:
    """Validate the sheet again and, only when every row is good, import all of it in one action call."""
    sheet = read_opinion_sheet(content)
    if not sheet.ok:
        return sheet, []
    opinions = do_import_opinions([ImportedOpinion(r.data) for r in sheet.rows], actor=actor, filename=filename)
    return sheet, [ImportedRow(r.row, o) for r, o in zip(sheet.rows, opinions, strict=True)]


def _example_rows() -> list[dict[str, str]]:
    units = Unit.objects.filter(is_active=True)
    unit = units.filter(kind=UnitKind.SCHOOL).first() or units.first()
    return [
        {
            "channel": "12345热线",
            "text": EXAMPLE_TEXTS[0],
            "reporter_name": "张三",
            "reporter_phone": "13800000000",
            "is_anonymous": "否",
            "concerned_unit": unit.name if unit else "",  # a real unit, so the example passes as it stands
            "external_ref": "12345-2026-000001",
        },
        {"channel": "意见箱", "text": EXAMPLE_TEXTS[1], "is_anonymous": "是"},
    ]


def build_template_workbook(out: IO[bytes]) -> None:
    """The downloadable template: header, two example rows, and a sheet of the valid 渠道 and 单位."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_NAME
    ws.append([c.header for c in COLUMNS])
    for example in _example_rows():
        ws.append([example.get(c.name, "") for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True, color="B71C1C" if column.required else None)
        cell.fill = PatternFill("solid", fgColor="EEF1F4")
        cell.alignment = Alignment(horizontal="center")
        if column.required or column.note:
            cell.comment = Comment(("必填。" if column.required else "") + column.note, "台账")
        ws.column_dimensions[cell.column_letter].width = column.width
        if column.name == "text":
            for row in (2, 3):
                ws.cell(row=row, column=index).alignment = Alignment(wrap_text=True, vertical="top")
    for row in range(2, MAX_ROWS + 2):
        ws[f"{LETTER_BY_NAME['reporter_phone']}{row}"].number_format = "@"  # typed phones stay text: no 1.38E+10
    ws.freeze_panes = "A2"
    _add_choices_sheet(wb, ws)
    wb.save(out)


def _add_choices_sheet(wb: Workbook, ws: Any) -> None:
    choices = wb.create_sheet(CHOICES_SHEET_NAME)
    choices.append(["渠道", "英文代码", "", "涉及单位"])
    units = list(Unit.objects.filter(is_active=True).values_list("name", flat=True))
    for index in range(max(len(Channel.choices), len(units))):
        channel = Channel.choices[index] if index < len(Channel.choices) else ("", "")
        choices.append([str(channel[1]), channel[0], "", units[index] if index < len(units) else ""])
    for letter, width in (("A", 14), ("B", 22), ("D", 30)):
        choices.column_dimensions[letter].width = width
    for cell in choices[1]:
        cell.font = Font(bold=True)
    last = MAX_ROWS + 1
    # Drop-downs help; the importer still checks every value, so a warning (not a block) is enough.
    lists = [
        ("channel", f"'{CHOICES_SHEET_NAME}'!$A$2:$A${len(Channel.choices) + 1}"),
        ("is_anonymous", '"是,否"'),
    ]
    if units:
        lists.append(("concerned_unit", f"'{CHOICES_SHEET_NAME}'!$D$2:$D${len(units) + 1}"))
    for name, formula in lists:
        letter = LETTER_BY_NAME[name]
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, errorStyle="warning")
        validation.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(validation)


RESULT_COLUMNS = (("行号", 8), ("查询码", 14), ("渠道", 12), ("来源单号", 20), ("涉及单位", 22), ("内容", 60))


def build_result_workbook(rows: Sequence[tuple[int, Opinion]], out: IO[bytes]) -> None:
    """The full list of receipt codes of one import, row by row, to hand back to the reporters."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("导入结果")
    for index, (_name, width) in enumerate(RESULT_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.append([name for name, _width in RESULT_COLUMNS])
    for row, opinion in rows:
        unit = opinion.concerned_unit.name if opinion.concerned_unit else ""
        texts = [opinion.receipt_code, str(Channel(opinion.channel).label), opinion.external_ref, unit, opinion.text]
        ws.append([row, *(text_cell(ws, text) for text in texts)])
    wb.save(out)
