"""scripts/manage score_triage PREDICTED.jsonl LABELLED.jsonl — score `analyze_opinions` output on a labelled set.

The labelled file's grouping field is `matter` (the 云岭县 set) or `cluster` (the development set). With
`--matters m-091:m-179` only the opinions of those matters are scored (a held-out half)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taizhang.lib.triage_eval import score_predictions


def read_jsonl(path: str) -> list[dict[str, Any]]:
    source = Path(path)
    if not source.exists():
        raise CommandError(f"找不到文件 {source}")
    return [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]


class Command(BaseCommand):
    help = "对照标注集给离线梳理结果打分：B-cubed 分组、类别与派单准确率、置信度校准误差。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("predicted", help="analyze_opinions 的输出")
        parser.add_argument("labelled", help="带 matter（或 cluster）、category、unit 标注的 JSONL")
        parser.add_argument("--matters", help="只评这一段问题编号，如 m-091:m-179（含两端）")

    def handle(self, *args: Any, **options: Any) -> None:
        predicted = read_jsonl(options["predicted"])
        labelled = read_jsonl(options["labelled"])
        label = "matter" if labelled and "matter" in labelled[0] else "cluster"
        if options["matters"]:
            low, _sep, high = options["matters"].partition(":")
            labelled = [r for r in labelled if low <= str(r[label]) <= (high or low)]
            if not labelled:
                raise CommandError("这一段没有标注的意见")
        for line in score_predictions(predicted, labelled, label=label).lines():
            self.stdout.write(line)
