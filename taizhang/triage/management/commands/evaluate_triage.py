"""scripts/manage evaluate_triage LABELLED.jsonl — cross-validated quality, no cluster or school seen in training."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from taizhang.lib import triage
from taizhang.lib.triage_eval import Record, as_records, evaluate, folds
from taizhang.triage import batch


class Command(BaseCommand):
    help = "交叉验证梳理质量：B-cubed 分组、类别与派单准确率、已有问题前三命中率。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("labelled", nargs="?", default="../shared/data/opinions-dev.jsonl")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--synthetic-only", action="store_true", help="只用内置样例训练（不用标注集的训练折）")
        parser.add_argument("--examples", type=int, default=0, help="列出若干正确与错误的分组及系统给出的解释")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rows = [json.loads(line) for line in Path(options["labelled"]).read_text(encoding="utf-8").splitlines() if line]
        records = as_records(rows)
        synthetic_only = options["synthetic_only"]
        self.n_examples = options["examples"]

        def make_model(train: list[Record]) -> triage.Model:
            extra = [] if synthetic_only else [triage.Labelled(r.text, r.category, r.unit) for r in train]
            return batch.model_with(extra, version="cv")

        scores = evaluate(records, make_model, k=options["folds"])
        for line in scores.lines():
            self.stdout.write(line)
        if options["examples"]:
            self._examples(records, make_model)
        self.stdout.write(f"用时 {time.perf_counter() - started:.1f} 秒")

    def _examples(self, records: list[Record], make_model: Callable[[list[Record]], triage.Model]) -> None:
        """Right and wrong groupings of the first fold, with the explanation the system gives for each pair."""
        test = folds(records)[0]
        model = make_model([r for i, r in enumerate(records) if i not in set(test)])
        result = triage.analyse(model, [records[i].text for i in test])
        rows = result.prep.ok
        right: list[tuple[int, int]] = []
        merged: list[tuple[int, int]] = []
        split: list[tuple[int, int]] = []
        for a in range(len(rows)):
            for b in range(a + 1, len(rows)):
                same_gold = records[test[rows[a]]].cluster == records[test[rows[b]]].cluster
                same_pred = result.groups[a] == result.groups[b]
                bucket = right if same_gold and same_pred else merged if same_pred else split if same_gold else None
                if bucket is not None:
                    bucket.append((a, b))
        for title, pairs in (("正确归为一组", right), ("错误合并", merged), ("错误拆开", split)):
            self.stdout.write(f"\n## {title}（共 {len(pairs)} 对）")
            for a, b in pairs[:: max(1, len(pairs) // self.n_examples)][: self.n_examples]:
                self._explain(records, test, result, a, b)

    def _explain(self, records: list[Record], test: list[int], result: triage.Analysis, a: int, b: int) -> None:
        prep = result.prep
        ia, ib = prep.ok[a], prep.ok[b]
        places_a = {m.key for m in prep.mentions[ia] if m.kind != "office"}
        places_b = {m.key for m in prep.mentions[ib] if m.kind != "office"}
        sim = float((result.x[a] @ result.x[b].T).toarray()[0, 0])
        for i, j in ((ia, a), (ib, b)):
            r = records[test[i]]
            self.stdout.write(f"- {r.id} [{r.cluster} {r.category}] {r.text[:70]}")
            self.stdout.write(f"    → 组 {result.groups[j]}，类别 {result.categories[j]}，承办 {result.units[j]}")
        terms = triage.key_terms(prep.texts[ia], prep.texts[ib])
        self.stdout.write(
            f"  解释：共同单位 {sorted(places_a & places_b) or '无'}；关键词 {terms}；"
            f"文字相似度 {sim:.2f}；组内凝聚度 {result.cohesion[a]:.2f}/{result.cohesion[b]:.2f}"
        )
