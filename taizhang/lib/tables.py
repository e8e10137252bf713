"""Read the files offices keep — .xlsx, .xls, .csv in UTF-8 or GBK — into plain grids of cell values.

Nothing here knows what a column means: a grid is the rows a person sees, numbered as Excel (or the CSV
record's first line) numbers them, with merged cells filled from their top-left cell so that a category
merged down ten rows reads on every one of them. Every refusal is a `TableRejected` with a Chinese message.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | None

MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200  # honest sheets compress ~10:1; a zip bomb compresses thousands to one
MAX_COLUMNS = 200
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")
NOTE_SHEET_WORDS = ("说明", "注意事项", "填表", "字典", "可选值", "代码表", "目录", "封面")


class TableRejected(Exception):
    """The file as a whole cannot be read; `message` says why in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Grid:
    """One sheet: `rows` holds (row number as the user sees it, cell values), blank rows left out."""

    name: str
    rows: list[tuple[int, list[CellValue]]] = field(default_factory=list)
    is_notes: bool = False
    encoding: str = ""


def read_tables(content: bytes, filename: str = "") -> list[Grid]:
    """Every sheet of the file, or TableRejected. The file type is told by its content, not its name."""
    if not content:
        raise TableRejected("上传的文件是空文件。")
    if content.startswith(b"PK"):
        return _read_xlsx(content)
    if content.startswith(OLE_MAGIC):
        if ENCRYPTED_MARK in content[: 1 << 20] or ENCRYPTED_MARK in content[-(1 << 20) :]:
            raise TableRejected(
                "文件设置了打开密码，无法读取。请在 Excel 或 WPS 中取消密码（文件→信息→保护工作簿）后再导入。"
            )
        return _read_xls(content)
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableRejected(f"《{filename or '文件'}》不是表格文件（支持 .xlsx、.xls 和 .csv）。")
    return [_read_csv(content)]


def is_notes_sheet(name: str) -> bool:
    return any(word in name for word in NOTE_SHEET_WORDS)


# --- .xlsx -------------------------------------------------------------------------------------------------


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


def _check_archive(content: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except zipfile.BadZipFile:
        raise TableRejected("文件已损坏，或不是 Excel（.xlsx）表格。请重新保存后再导入。") from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise TableRejected("文件不是 Excel 表格（.xlsx）。WPS 表格请“另存为”.xlsx 格式。")
    unzipped = sum(i.file_size for i in infos)
    if unzipped > MAX_UNZIPPED_BYTES or unzipped > MAX_COMPRESSION_RATIO * max(len(content), 1 << 16):
        raise TableRejected("表格解压后异常巨大（可能是恶意构造的压缩文件），已拒绝读取。")
    return archive


def _merges(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """(first row, first col, last row, last col) of every merged range, 1-based rows, 0-based columns.
    openpyxl's streaming reader does not report merges, so the sheet part is scanned for them."""
    found: set[tuple[int, int, int, int]] = set()
    overlap = 200  # longer than any <mergeCell …/>, so one cut at a chunk's end is whole in the next window
    tail = b""
    with archive.open(path.lstrip("/")) as stream:
        while True:
            chunk = stream.read(1 << 20)
            data = tail + chunk
            for m in MERGE_RE.finditer(data):
                c1, r1, c2, r2 = m.groups()
                found.add((int(r1), _column_index(c1), int(r2), _column_index(c2)))
            if not chunk:
                break
            tail = data[-overlap:]
    return sorted(found)


def _fill_merges(rows: dict[int, list[CellValue]], merges: list[tuple[int, int, int, int]]) -> None:
    for r1, c1, r2, c2 in merges:
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:
            continue  # a whole-sheet merge carries nothing worth copying 100,000 times
        top = rows.get(r1)
        value = top[c1] if top is not None and c1 < len(top) else None
        if value is None or value == "":
            continue
        for r in range(r1, r2 + 1):
            row = rows.setdefault(r, [])
            if len(row) <= c2:
                row.extend([None] * (c2 + 1 - len(row)))
            for c in range(c1, c2 + 1):
                if row[c] is None or row[c] == "":
                    row[c] = value


def _read_xlsx(content: bytes) -> list[Grid]:
    from openpyxl import load_workbook

    archive = _check_archive(content)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl notes extensions it skips; nothing for the user to act on
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file; all mean the same to the user
        raise TableRejected("Excel 文件已损坏，无法读取。请在 Excel 或 WPS 中重新保存后再导入。") from None
    grids = []
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            sheet.reset_dimensions()  # some tools write a wrong <dimension>; read what is really there
            rows: dict[int, list[CellValue]] = {}
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = list(values[:MAX_COLUMNS])
                if any(v is not None and v != "" for v in cells):
                    rows[number] = cells
            path = getattr(sheet, "_worksheet_path", "")
            if path:
                _fill_merges(rows, _merges(archive, path))
            grid = Grid(sheet.title, sorted(rows.items()), is_notes=is_notes_sheet(sheet.title))
            grids.append(grid)
    finally:
        workbook.close()
    return grids


# --- .xls ------------------------------------------------------------------------------------------------


def _read_xls(content: bytes) -> list[Grid]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content, formatting_info=True, on_demand=True)
    except xlrd.biffh.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise TableRejected("文件设置了打开密码，无法读取。请取消密码后再导入。") from None
        raise TableRejected("旧版 Excel（.xls）文件已损坏，无法读取。请另存为 .xlsx 后再导入。") from None
    except Exception:
        raise TableRejected("旧版 Excel（.xls）文件已损坏，无法读取。请另存为 .xlsx 后再导入。") from None
    grids = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        rows: dict[int, list[CellValue]] = {}
        for r in range(sheet.nrows):
            cells = [_xls_value(book, sheet.cell(r, c)) for c in range(min(sheet.ncols, MAX_COLUMNS))]
            if any(v is not None and v != "" for v in cells):
                rows[r + 1] = cells
        merges = [(r1 + 1, c1, r2, c2 - 1) for r1, r2, c1, c2 in sheet.merged_cells]
        _fill_merges(rows, merges)
        grids.append(Grid(sheet.name, sorted(rows.items()), is_notes=is_notes_sheet(sheet.name)))
        book.unload_sheet(index)
    return grids


def _xls_value(book: object, cell: object) -> CellValue:
    import xlrd

    ctype, value = cell.ctype, cell.value  # type: ignore[attr-defined]
    if ctype == xlrd.XL_CELL_DATE:
        try:
            moment: dt.datetime = xlrd.xldate_as_datetime(value, book.datemode)  # type: ignore[attr-defined]
        except (ValueError, OverflowError):
            return value  # type: ignore[no-any-return]
        return moment if moment.time() != dt.time() else moment.date()
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    return value  # type: ignore[no-any-return]


# --- .csv ------------------------------------------------------------------------------------------------


def decode_text(content: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without BOM, UTF-16 with BOM, else GB18030 (a superset of GBK/GB2312).
    A file that decodes as GB18030 only into rare characters is in some other encoding (Big5, Shift-JIS):
    refused rather than imported as mojibake."""
    if content.startswith(b"\xef\xbb\xbf"):
        return _strict(content[3:], "utf-8"), "UTF-8 (BOM)"
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(content, "utf-16"), "UTF-16"
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    text = _strict(content, "gb18030")
    cjk = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    common = sum(1 for ch in cjk if _in_gb2312(ch))
    if cjk and common < 0.85 * len(cjk):
        raise TableRejected(
            "无法识别 CSV 文件的编码（支持 UTF-8 和 GBK/GB18030）。请用 Excel 或 WPS 另存为“CSV UTF-8”后再导入。"
        )
    return text, "GBK/GB18030"


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _strict(content: bytes, encoding: str) -> str:
    try:
        return content.decode(encoding)
    except UnicodeDecodeError:
        raise TableRejected(
            "无法识别 CSV 文件的编码（支持 UTF-8 和 GBK/GB18030）。请用 Excel 或 WPS 另存为“CSV UTF-8”后再导入。"
        ) from None


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:30])
    counts = {d: sample.count(d) for d in (",", "\t", ";", "，")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, fields): a quoted field with newlines still counts from its first line."""
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=delimiter)
    start = 1
    try:
        for fields in reader:
            yield start, fields
            start = reader.line_num + 1
    except csv.Error as exc:
        raise TableRejected(f"CSV 第 {start} 行格式有误（{exc}），常见原因是引号没有成对。") from None


def _read_csv(content: bytes) -> Grid:
    text, encoding = decode_text(content)
    grid = Grid("CSV", encoding=encoding)
    for number, fields in _csv_records(text, _delimiter(text)):
        cells: list[CellValue] = [f for f in fields[:MAX_COLUMNS]]
        if any(str(c).strip() for c in cells):
            grid.rows.append((number, cells))
    return grid
