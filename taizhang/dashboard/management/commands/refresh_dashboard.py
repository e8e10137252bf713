"""Recount the 驾驶舱's rollups: the days marked as changed (what every dashboard read and the supervise worker do
anyway), or every day with --rebuild (after loading rows with the triggers dropped, or to check nothing drifted)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from taizhang.dashboard import rollups


class Command(BaseCommand):
    help = "驾驶舱统计：重算有变更的日期（--rebuild 全部重算）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="全部日期重算")

    def handle(self, *args: Any, rebuild: bool, **options: Any) -> None:
        started = time.monotonic()
        missing = rollups.expected_triggers() - rollups.installed_triggers()
        if missing:
            rollups.install_triggers()
            self.stdout.write(f"补装触发器{len(missing)}个")
        if rebuild:
            rollups.rebuild()
            self.stdout.write(f"驾驶舱统计已全部重算，用时{time.monotonic() - started:.1f}秒")
        else:
            marks = rollups.refresh()
            self.stdout.write(f"驾驶舱统计：处理变更标记{marks}个，用时{time.monotonic() - started:.1f}秒")
