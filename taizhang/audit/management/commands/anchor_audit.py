"""Anchor the audit chain's head once a day, for safekeeping outside the system (taizhang.audit.anchors).
Idempotent: a second run on the same day anchors nothing. `--loop SECONDS` keeps checking."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taizhang.audit.anchors import AnchorError, anchor_now, anchors_path


class Command(BaseCommand):
    help = "导出审计链锚点（每天一次）(anchor the audit chain's head, once a day)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="今天已有锚点也再导出一个")
        parser.add_argument("--loop", type=int, metavar="SECONDS", help="每隔若干秒检查一次，直到被停止")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["loop"]:
            self.once(force=options["force"])
            return
        while True:  # a broken chain is reported on every round, and the loop goes on
            try:
                self.once(force=options["force"])
            except CommandError as exc:
                self.stderr.write(str(exc))
            time.sleep(options["loop"])

    def once(self, *, force: bool) -> None:
        try:
            anchor = anchor_now(force=force)
        except AnchorError as exc:
            raise CommandError(f"未导出锚点：{exc}") from exc
        if anchor is None:
            self.stdout.write("今天已导出锚点，无需重复。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已导出锚点：链上第 {anchor.last_id} 条，共 {anchor.count} 条，写入 {anchors_path()}。"
                "请将该文件另行备份到系统之外。"
            )
        )
