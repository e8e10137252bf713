"""The demo's 通报与报表: every story morning the report scheduler (generate_reports) runs beside the 督办 sweep, so
on the first morning of each month it makes the month just ended its 通报, 台账 workbook and review pack — through
the same action, as 系统, dated that morning and computed from the ledger as it stood then. None is made later for
an earlier month, and a load on the first of a month leaves last month's to the running scheduler."""

from __future__ import annotations

from typing import TYPE_CHECKING

from taizhang.reports.actions import generate_due_reports

if TYPE_CHECKING:
    from taizhang.demo.loader import DemoLoader


def generate_demo_reports(loader: DemoLoader) -> None:
    made = generate_due_reports()
    if made:
        names = "、".join(f"{r.get_kind_display()}（{r.period_key}）" for r in made)
        loader.report(f"已生成通报与报表：{names}")
