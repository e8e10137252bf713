"""Generate the monthly reports of the month that has just ended, once. Run daily from cron, or with --loop as a
worker; idempotent, and safe with several workers (a period's first version is made once)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from taizhang.reports.actions import generate_due_reports


class Command(BaseCommand):
    help = "生成上月的月度通报、台账工作簿和管理评审材料（每期只生成一次；不补生成更早的月份）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="持续运行，每隔 --interval 秒检查一次")
        parser.add_argument("--interval", type=float, default=3600.0, help="--loop 时的检查间隔（秒）")

    def handle(self, *args: Any, loop: bool, interval: float, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        if loop:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        while True:
            started = time.monotonic()
            made = generate_due_reports()
            if made or options["verbosity"] > 1:
                names = "、".join(f"{r.get_kind_display()}（{r.period_key}）" for r in made) or "无"
                self.stdout.write(f"生成报表：{len(made)}份（{names}），用时{time.monotonic() - started:.2f}秒")
            if not loop or stopping:
                return
            close_old_connections()
            deadline = time.monotonic() + max(interval - (time.monotonic() - started), 0)
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, deadline - time.monotonic()))
