"""Fire due reminders and escalations. Run every minute from cron, or once with --loop as a worker."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from taizhang.dashboard import rollups
from taizhang.supervision.scheduler import sweep


class Command(BaseCommand):
    help = "督办：按时限规则发出提醒、督办单等（幂等；可多个进程同时运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="持续运行，每隔 --interval 秒扫描一次")
        parser.add_argument("--interval", type=float, default=60.0, help="--loop 时的扫描间隔（秒）")

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
            result = sweep()
            # The 驾驶舱's rollups: recount the days marked since the last look, so the next dashboard read finds
            # nothing to do (taizhang/dashboard/rollups.py).
            recounted = rollups.refresh()
            elapsed = time.monotonic() - started
            busy = result.claimed or result.unit_notices or result.digests or result.follow_ups_closed
            if recounted and options["verbosity"] > 1:
                self.stdout.write(f"驾驶舱统计：刷新{recounted}个变更标记")
            if busy or options["verbosity"] > 1:
                self.stdout.write(
                    f"督办扫描：处理{result.claimed}个问题，发出{result.fired}项督办，整改通知单{result.unit_notices}份，"
                    f"消息汇总邮件{result.digests}封，回访结束销号{result.follow_ups_closed}个，"
                    f"失败{len(result.failed)}个，让出{result.lost}个，用时{elapsed:.2f}秒"
                )
            if not loop or stopping:
                return
            close_old_connections()  # a long-running worker must not hold a dead or stale connection
            deadline = time.monotonic() + max(interval - elapsed, 0)
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, deadline - time.monotonic()))
