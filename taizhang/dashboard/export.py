"""A chart's table as XLSX: the same rows as the table under the chart, with the scope written above them."""

from __future__ import annotations

from typing import IO

from django.utils import timezone
from django.utils.translation import gettext, pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from taizhang.clock import now
from taizhang.dashboard.figures import Scope
from taizhang.dashboard.tables import Chart
from taizhang.lib.chinese_dates import chinese_date, chinese_datetime
from taizhang.lib.xlsx import safe_row


def scope_line(scope: Scope) -> str:
    parts = [scope.campaign.name if scope.campaign else gettext("全部活动")]
    if scope.unit is not None:
        parts.append(scope.unit.name)
    elif scope.user.is_bureau_wide():
        parts.append(gettext("全部单位"))
    else:
        parts.append(gettext("%(unit)s（牵头及配合的问题）") % {"unit": scope.user.unit})
    if scope.start or scope.end:
        parts.append(
            gettext("立项日期 %(start)s 至 %(end)s")
            % {"start": chinese_date(scope.start) or "…", "end": chinese_date(scope.end) or "…"}
        )
    return pgettext("list separator", "；").join(parts)


def write_charts_xlsx(charts: list[Chart], scope: Scope, out: IO[bytes]) -> None:
    wb = Workbook(write_only=True)
    for chart in charts:
        ws = wb.create_sheet(chart.title[:31])
        heading = WriteOnlyCell(ws, value=chart.title)
        heading.font = Font(bold=True, size=14)
        ws.append([heading])
        ws.append([scope_line(scope)])
        ws.append([gettext("统计截止时间：%(at)s") % {"at": chinese_datetime(timezone.localtime(now()))}])
        header = []
        for name in chart.headers:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        if chart.empty:
            ws.append([gettext("暂无数据")])
        for row in chart.rows:
            values = row.values if chart.kind != "rates" else row.values[1:]
            ws.append(safe_row(ws, [row.label, *values]))
        if chart.note:
            ws.append([])
            ws.append([chart.note])
    wb.save(out)
