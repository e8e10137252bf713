"""scripts/manage analyze_opinions [--train LABELLED.jsonl] --input OPINIONS.jsonl --output RESULT.jsonl"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from taizhang.lib import triage
from taizhang.triage import batch


class Command(BaseCommand):
    help = "离线梳理一批意见：分组（同一问题）、分类、派单，每行输出一个结果或一条错误说明。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", help="带 category / unit 标注的 JSONL；不给则用系统在用的模型")
        parser.add_argument("--input", required=True, help="每行一个 {id, text, channel}")
        parser.add_argument("--output", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        source = Path(options["input"])
        if not source.exists():
            raise CommandError(f"找不到输入文件 {source}")
        with source.open(encoding="utf-8", errors="replace") as fh:
            items = list(batch.read_lines(fh))
        if options["train"]:
            with Path(options["train"]).open(encoding="utf-8", errors="replace") as fh:
                training = batch.labelled(fh)
            model = batch.model_with(training, version="file")
        else:
            model = self._model_in_use()
        answers = batch.analyse_lines(model, items)
        with Path(options["output"]).open("w", encoding="utf-8") as out:
            for answer in answers:
                out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        errors = sum(1 for a in answers if "error" in a)
        groups = len({a["problem"] for a in answers if "problem" in a})
        self.stdout.write(
            f"{len(answers)} 条意见，{groups} 个问题，{errors} 条无法分析；模型 {model.version}；"
            f"用时 {time.perf_counter() - started:.1f} 秒"
        )

    def _model_in_use(self) -> triage.Model:
        """The database's active model; without a migrated database, the default one (offline use)."""
        from taizhang.triage.engine import default_model, require_model

        try:
            return require_model()
        except DatabaseError:
            self.stderr.write("数据库不可用，使用内置默认模型。")
            model = default_model()
            assert model is not None
            return model
