"""Honest evaluation of the triage pipeline on a labelled set: folds hold out whole clusters *and* schools.

Clusters that name the same school are chained into one component, and components are dealt to folds,
so the model never saw the evaluated fold's problems nor its schools. Grouping is scored with B-cubed F1,
category and unit by accuracy, and duplicate suggestion by top-3 hit rate: each opinion of a cluster of
two or more is taken out and ranked against every problem of the whole set, its own cluster rebuilt
without it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import scipy.sparse as sp

from taizhang.lib import triage
from taizhang.lib.entities import EntityCatalogue


@dataclass(frozen=True)
class Record:
    id: str
    text: str
    channel: str
    cluster: str
    category: str
    unit: str


@dataclass
class Scores:
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    category_accuracy: float
    unit_accuracy: float
    top3: float
    top1: float
    n: int
    folds: int
    reliability: list[tuple[float, float, int, float, float]] = field(default_factory=list)  # lo, hi, n, conf, acc

    @property
    def calibration_error(self) -> float:
        """Expected calibration error: |mean confidence − share right| per bin, weighted by the bin's size."""
        total = sum(n for _lo, _hi, n, _c, _a in self.reliability) or 1
        return sum(n * abs(c - a) for _lo, _hi, n, c, a in self.reliability) / total

    def lines(self) -> list[str]:
        return [
            f"records {self.n}, folds {self.folds} (no cluster and no school of a fold seen in its training)",
            f"grouping B-cubed P {self.bcubed_precision:.3f} R {self.bcubed_recall:.3f} F1 {self.bcubed_f1:.3f}",
            f"category accuracy {self.category_accuracy:.3f}",
            f"unit accuracy {self.unit_accuracy:.3f}",
            f"existing problem in top 3 {self.top3:.3f} (top 1 {self.top1:.3f})",
            f"confidence vs. category and unit both right (calibration error {self.calibration_error:.3f}):",
            *(
                f"  {lo:.1f}–{hi:.1f}: {n} opinions, mean confidence {c:.3f}, right {a:.3f}"
                for lo, hi, n, c, a in self.reliability
            ),
        ]


def bcubed(gold: Sequence[str], predicted: Sequence[Any]) -> tuple[float, float, float]:
    by_gold: dict[str, set[int]] = defaultdict(set)
    by_pred: dict[Any, set[int]] = defaultdict(set)
    for i, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        by_gold[g].add(i)
        by_pred[p].add(i)
    precision = recall = 0.0
    for g, p in zip(gold, predicted, strict=True):
        common = len(by_gold[g] & by_pred[p])
        precision += common / len(by_pred[p])
        recall += common / len(by_gold[g])
    n = max(len(gold), 1)
    precision, recall = precision / n, recall / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def folds(records: Sequence[Record], k: int = 5) -> list[list[int]]:
    """Components of clusters linked by a shared school, dealt largest first to the smallest fold."""
    catalogue = EntityCatalogue()
    prep = triage.prepare([r.text for r in records], catalogue)
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for r, mentions in zip(records, prep.mentions, strict=True):
        for m in mentions:
            if m.kind != "office":
                parent[find("c:" + r.cluster)] = find("s:" + m.key)
    components: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        components[find("c:" + r.cluster)].append(i)
    out: list[list[int]] = [[] for _ in range(k)]
    for members in sorted(components.values(), key=lambda m: (-len(m), m[0])):
        min(out, key=len).extend(members)
    return [sorted(f) for f in out if f]


def evaluate(
    records: Sequence[Record],
    make_model: Callable[[list[Record]], triage.Model],
    *,
    k: int = 5,
) -> Scores:
    gold_all: list[str] = []
    pred_all: list[str] = []
    cat_ok = unit_ok = 0
    hits3 = hits1 = asked = 0
    confidences: list[float] = []
    right: list[bool] = []
    parts = folds(records, k)
    for f, test in enumerate(parts):
        train = [records[i] for i in range(len(records)) if i not in set(test)]
        model = make_model(train)
        result = triage.analyse(model, [records[i].text for i in test])
        ok = result.prep.ok
        for j, i in enumerate(ok):
            r = records[test[i]]
            gold_all.append(r.cluster)
            pred_all.append(f"{f}:{result.groups[j]}")
            cat_ok += result.categories[j] == r.category
            unit_ok += result.units[j] == r.unit
            confidences.append(result.confidence(j))
            right.append(result.categories[j] == r.category and result.units[j] == r.unit)
        h3, h1, n = _top3(model, records, test)
        hits3, hits1, asked = hits3 + h3, hits1 + h1, asked + n
    p, r_, f1 = bcubed(gold_all, pred_all)
    n = len(gold_all)
    return Scores(
        p,
        r_,
        f1,
        cat_ok / n,
        unit_ok / n,
        hits3 / max(asked, 1),
        hits1 / max(asked, 1),
        n,
        len(parts),
        reliability(confidences, right),
    )


def reliability(
    confidences: Sequence[float], right: Sequence[bool], edges: Sequence[float] = (0, 0.5, 0.7, 0.8, 0.9, 1.0001)
) -> list[tuple[float, float, int, float, float]]:
    """Per confidence bin: its bounds, how many answers fell in it, their mean confidence and the share right."""
    out = []
    for lo, hi in pairwise(edges):
        inside = [(c, r) for c, r in zip(confidences, right, strict=True) if lo <= c < hi]
        if inside:
            out.append(
                (lo, min(hi, 1.0), len(inside), mean([c for c, _ in inside]), mean([float(r) for _, r in inside]))
            )
    return out


def _top3(model: triage.Model, records: Sequence[Record], test: Sequence[int]) -> tuple[int, int, int]:
    clusters = sorted({r.cluster for r in records})
    members: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        members[r.cluster].append(i)
    problems = [(c, [records[i].text for i in members[c]]) for c in clusters]
    index = triage.ProblemIndex.build(model, problems)
    catalogue = EntityCatalogue(places=set(model.places))
    prep = triage.prepare([r.text for r in records], catalogue)
    x, _ = triage.tfidf(triage.hashed(prep.masked), index.idf)
    _xm, cat_p = triage.classify(model, prep, list(range(len(records))))
    sizes = Counter(r.cluster for r in records)
    hits3 = hits1 = asked = 0
    for i in test:
        r = records[i]
        if sizes[r.cluster] < 2:
            continue
        j = index.row[r.cluster]
        others = [m for m in members[r.cluster] if m != i]
        without = triage.Replacement(
            j,
            triage._strongest(triage._l2(sp.csr_matrix(x[others].sum(axis=0))), triage.INDEX_TERMS),
            triage._dense_l2(triage._dense_l2(cat_p[others]).sum(axis=0, keepdims=True))[0],
            frozenset(m.key for o in others for m in prep.mentions[o] if m.kind != "office"),
        )
        own = [m.key for m in prep.mentions[i] if m.kind != "office"]
        ranked = triage.rank_problems(index, x[i], cat_p[i], own, replace=without)
        ids = [m.problem_id for m in ranked]
        hits3 += r.cluster in ids[:3]
        hits1 += r.cluster in ids[:1]
        asked += 1
    return hits3, hits1, asked


def as_records(rows: Sequence[dict[str, Any]]) -> list[Record]:
    return [
        Record(
            str(r["id"]),
            str(r["text"]),
            str(r.get("channel", "")),
            str(r["cluster"]),
            str(r["category"]),
            str(r["unit"]),
        )
        for r in rows
    ]


def mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if values else 0.0


@dataclass
class FileScores:
    """Predictions of `analyze_opinions` against a labelled file: grouping, category, unit, calibration."""

    n: int
    missing: int
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    category_accuracy: float
    unit_accuracy: float
    reliability: list[tuple[float, float, int, float, float]]

    @property
    def calibration_error(self) -> float:
        total = sum(n for _lo, _hi, n, _c, _a in self.reliability) or 1
        return sum(n * abs(c - a) for _lo, _hi, n, c, a in self.reliability) / total

    def lines(self) -> list[str]:
        return [
            f"records {self.n} (without a prediction: {self.missing})",
            f"grouping B-cubed P {self.bcubed_precision:.3f} R {self.bcubed_recall:.3f} F1 {self.bcubed_f1:.3f}",
            f"category accuracy {self.category_accuracy:.3f}",
            f"unit accuracy {self.unit_accuracy:.3f}",
            f"confidence vs. category and unit both right (calibration error {self.calibration_error:.3f})",
        ]


def score_predictions(
    predicted: Sequence[dict[str, Any]], labelled: Sequence[dict[str, Any]], *, label: str = "matter"
) -> FileScores:
    """Score predictions (id, problem, category, unit, confidence) against labelled rows (id, `label`, category,
    unit). A labelled row without a usable prediction counts as wrong and as a group of its own."""
    by_id = {str(p["id"]): p for p in predicted if "problem" in p}
    gold: list[str] = []
    groups: list[str] = []
    cat_ok = unit_ok = missing = 0
    confidences: list[float] = []
    right: list[bool] = []
    for r in labelled:
        p = by_id.get(str(r["id"]))
        gold.append(str(r[label]))
        if p is None:
            missing += 1
            groups.append("missing:" + str(r["id"]))
            continue
        groups.append(str(p["problem"]))
        cat_ok += p.get("category") == r["category"]
        unit_ok += p.get("unit") == r["unit"]
        confidences.append(float(p.get("confidence", 0.0)))
        right.append(p.get("category") == r["category"] and p.get("unit") == r["unit"])
    precision, recall, f1 = bcubed(gold, groups)
    n = max(len(labelled), 1)
    return FileScores(
        len(labelled), missing, precision, recall, f1, cat_ok / n, unit_ok / n, reliability(confidences, right)
    )
