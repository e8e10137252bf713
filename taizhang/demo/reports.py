"""The demo's 通报与报表: on the load day the scheduler's monthly run (generate_reports) has made last month's 通报,
台账 workbook and management review pack — through the same action, as 系统, dated the load day; only last month,
however long the story ran."""

from __future__ import annotations

from typing import TYPE_CHECKING

from taizhang.reports.actions import generate_due_reports

if TYPE_CHECKING:
    from taizhang.demo.loader import DemoLoader


def generate_demo_reports(loader: DemoLoader) -> None:
    made = generate_due_reports(loader.story.anchor)
    loader.report(f"通报与报表：{len(made)}份（{'、'.join(r.get_kind_display() for r in made)}）")
