"""scripts/manage retrain_triage [--loop SECONDS] — retrain when decisions or corrections changed; idempotent."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from taizhang.triage.actions import do_train_model


class Command(BaseCommand):
    help = "用梳理记录和人工纠正重新训练梳理模型；数据未变则不训练。--loop 按间隔循环运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS", help="每隔多少秒检查一次")
        parser.add_argument("--force", action="store_true", help="数据未变也重新训练")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            row = do_train_model(actor=None, force=options["force"])
            self.stdout.write(f"在用模型 {row.version}（样本 {row.examples}，其中纠正 {row.corrections}）")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
