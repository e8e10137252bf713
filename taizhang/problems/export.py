"""整改台账 export: the columns Chinese offices use, streamed in write-only mode so 100k rows stay cheap."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from taizhang.clock import now, today
from taizhang.intake.models import Channel
from taizhang.lib.chinese_dates import chinese_date, chinese_datetime
from taizhang.lib.xlsx import safe_row, text_cell
from taizhang.problems.models import Assignment, ProblemQuerySet, RectificationKind, Source, Status, is_overdue

COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("问题编号", 14),
    ("问题描述", 50),
    ("问题类别", 14),
    ("问题来源", 12),
    ("发现方式", 10),
    ("责任单位", 18),
    ("配合单位", 18),
    ("责任人", 10),
    ("整改措施", 40),
    ("整改类型", 10),
    ("整改时限", 14),
    ("整改进展", 40),
    ("完成情况", 14),
    ("销号时间", 18),
]
CHUNK = 2000
FIELDS = (
    "id", "number", "title", "description", "category__name", "origin_channel", "source", "lead_unit__name",
    "responsible_person", "measures", "kind", "deadline", "latest_progress", "progress_percent", "status", "closed_at",
)  # fmt: skip


def _co_units(problem_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    rows = Assignment.co_units.through.objects.filter(
        assignment__problem_id__in=problem_ids, assignment__is_current=True
    ).values_list("assignment__problem_id", "unit__name")
    for problem_id, name in rows:
        names[problem_id].append(name)
    return names


def _completion(row: dict[str, Any]) -> str:
    status = Status(row["status"])
    if status == Status.CLOSED:
        return "已完成"
    deadline = row["deadline"]
    if deadline and is_overdue(status, deadline, today()):
        return f"{status.label}（超期{(today() - deadline).days}天）"
    return str(status.label) + (f"（{row['progress_percent']}%）" if status == Status.RECTIFYING else "")


def ledger_rows(qs: ProblemQuerySet) -> Iterator[list[Any]]:
    serial = 0
    ids = list(qs.values_list("id", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk_ids = ids[start : start + CHUNK]
        by_id = {row["id"]: row for row in qs.model.objects.filter(id__in=chunk_ids).values(*FIELDS)}
        co_units = _co_units(chunk_ids)
        for pk in chunk_ids:
            row = by_id[pk]
            serial += 1
            yield [
                serial,
                row["number"],
                f"{row['title']}：{row['description']}" if row["description"] != row["title"] else row["title"],
                row["category__name"],
                str(Channel(row["origin_channel"]).label) if row["origin_channel"] else "",
                str(Source(row["source"]).label),
                row["lead_unit__name"] or "（未交办）",
                "、".join(co_units.get(pk, [])),
                row["responsible_person"],
                row["measures"],
                str(RectificationKind(row["kind"]).label) if row["kind"] else "",
                chinese_date(row["deadline"]),
                row["latest_progress"],
                _completion(row),
                chinese_datetime(timezone.localtime(row["closed_at"])) if row["closed_at"] else "",
            ]


WRAPPED = [i for i, (name, _width) in enumerate(COLUMNS) if name in ("问题描述", "整改措施", "整改进展")]
HEADER_ROW = 3


def _print_setup(ws: WriteOnlyWorksheet) -> None:
    """Prints as an office expects: landscape A4, all columns on the page width, the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def write_ledger_xlsx(qs: ProblemQuerySet, out: IO[bytes], *, title: str) -> int:
    """Write the 台账 to `out`; return the number of problems written. `qs` is scoped and filtered already."""
    wb = Workbook(write_only=True)
    ws: WriteOnlyWorksheet = wb.create_sheet("整改台账")
    for index, (_name, width) in enumerate(COLUMNS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    _print_setup(ws)
    heading = WriteOnlyCell(ws, value=title)
    heading.font = Font(name="方正小标宋简体", size=16, bold=True)
    ws.append([heading])
    ws.append([f"统计截止时间：{chinese_datetime(timezone.localtime(now()))}"])
    header = []
    for name, _width in COLUMNS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(name="黑体", bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    count = 0
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ledger_rows(qs):
        cells = safe_row(ws, row)
        for index in WRAPPED:  # long texts wrap in their column instead of running across the page
            if row[index]:
                cells[index] = text_cell(ws, row[index])
                cells[index].alignment = wrap
        ws.append(cells)
        count += 1
    wb.save(out)
    return count
