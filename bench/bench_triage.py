"""Triage at scale: batch analysis (group, classify, route) from 1,000 to 1,000,000 opinions, the speed-up over
naive all-pairs comparison, and incremental suggestion for one new opinion against a large stored index.

    .venv/bin/python bench/bench_triage.py                      # 1k, 10k, 100k; all-pairs at 5k and 20k
    .venv/bin/python bench/bench_triage.py --sizes 1000,10000,100000,300000,1000000 --index 1000000

Pure library code (taizhang.lib), no database. Opinions come from taizhang.lib.opinion_synth with ~1,500
distinct school names (many_places) and paraphrased duplicates, so grouping quality (B-cubed F1 against the
generator's clusters) is reported beside the time. Each size runs in a fresh child process so that its
peak memory (ru_maxrss) is its own. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from taizhang.lib import triage  # noqa: E402
from taizhang.lib.entities import EntityCatalogue  # noqa: E402
from taizhang.lib.opinion_synth import generate  # noqa: E402
from taizhang.lib.triage_eval import bcubed  # noqa: E402

MODEL_PATH = ROOT / "bench" / "out" / "triage-model.npz"


def model() -> triage.Model:
    from taizhang.lib import modelfile

    if MODEL_PATH.exists():
        loaded = modelfile.loads(MODEL_PATH.read_bytes())
        if triage.current(loaded):
            return loaded
    examples = [triage.Labelled(o.text, o.category, o.unit) for o in generate(4000, seed=7)]
    trained = triage.train(examples, version="bench")
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    MODEL_PATH.write_bytes(modelfile.dumps(trained))
    return trained


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_batch(n: int) -> dict[str, Any]:
    m = model()
    data = list(generate(n, seed=11, many_places=True))
    base_mb = peak_mb()
    started = time.perf_counter()
    result = triage.analyse(m, [o.text for o in data], workers=2)
    seconds = time.perf_counter() - started
    gold = [data[i].cluster for i in result.prep.ok]
    _p, _r, f1 = bcubed(gold, list(result.groups))
    same = bcubed([data[i].problem for i in result.prep.ok], list(result.groups))[2]
    cat = sum(result.categories[j] == data[i].category for j, i in enumerate(result.prep.ok)) / len(gold)
    unit = sum(result.units[j] == data[i].unit for j, i in enumerate(result.prep.ok)) / len(gold)
    return {
        "n": n,
        "seconds": seconds,
        "per_1k_ms": seconds / n * 1e6,
        "peak_mb": peak_mb(),
        "base_mb": base_mb,
        "f1": f1,
        "f1_problem": same,
        "category": cat,
        "unit": unit,
        "groups": int(result.groups.max()) + 1,
    }


def run_allpairs(n: int) -> dict[str, Any]:
    """Naive: every pair compared (chunked sparse products), linked above the threshold, components taken."""
    m = model()
    data = list(generate(n, seed=11, many_places=True))
    prep = triage.prepare([o.text for o in data], EntityCatalogue(places=set(m.places)))
    rows = prep.ok
    x, _ = triage.tfidf(triage.hashed([prep.masked[i] for i in rows]))
    _xm, p = triage.classify(m, prep, rows)
    started = time.perf_counter()
    pn = p**triage.SHARPEN
    pn = triage._dense_l2(pn / pn.sum(axis=1, keepdims=True))
    src: list[np.ndarray[Any, Any]] = []
    dst: list[np.ndarray[Any, Any]] = []
    chunk = 1000
    for a in range(0, len(rows), chunk):
        text = (x[a : a + chunk] @ x.T).toarray()
        s = triage.TEXT_WEIGHT * text + (1 - triage.TEXT_WEIGHT) * (pn[a : a + chunk] @ pn.T)
        i, j = np.nonzero(s >= triage.GROUP_THRESHOLD)
        src.append(i + a)
        dst.append(j)
    edges = sp.csr_matrix(
        (np.ones(sum(len(v) for v in src)), (np.concatenate(src), np.concatenate(dst))), shape=(len(rows), len(rows))
    )
    _count, labels = connected_components(edges, directed=False)
    naive = time.perf_counter() - started
    started = time.perf_counter()
    groups, _ = triage.group(x, p, [prep.keys[i] for i in rows])
    blocked = time.perf_counter() - started
    gold = [data[i].cluster for i in rows]
    problems = [data[i].problem for i in rows]
    return {
        "n": n,
        "naive_s": naive,
        "blocked_s": blocked,
        "speedup": naive / blocked,
        "naive_f1": bcubed(gold, list(labels))[2],
        "blocked_f1": bcubed(gold, list(groups))[2],
        "naive_f1_problem": bcubed(problems, list(labels))[2],
        "blocked_f1_problem": bcubed(problems, list(groups))[2],
    }


def run_incremental(n: int, queries: int = 200) -> dict[str, Any]:
    """Stored: n opinions analysed and grouped into problems; query: one new opinion at a time."""
    m = model()
    data = list(generate(n, seed=13, many_places=True))
    catalogue = EntityCatalogue(places=set(m.places))
    prep = triage.prepare([o.text for o in data], catalogue, workers=2)
    rows = prep.ok
    x, idf = triage.tfidf(triage.hashed_parallel([prep.masked[i] for i in rows], 2))
    _xm, p = triage.classify(m, prep, rows)
    labels = np.asarray([int(data[i].cluster[1:]) for i in rows])  # stored opinions are confirmed problems
    started = time.perf_counter()
    cx, cp, gids = triage.centroids(x, p, labels, np.arange(len(rows)))
    keys: dict[int, set[str]] = {}
    for j, i in enumerate(rows):
        keys.setdefault(int(labels[j]), set()).update(mm.key for mm in prep.mentions[i] if mm.kind != "office")
    key_list = [frozenset(keys.get(int(g), set())) for g in gids]
    index = triage.ProblemIndex.of([str(g) for g in gids], cx, cp, key_list, idf)
    build = time.perf_counter() - started
    new = list(generate(queries * 3, seed=99, many_places=True))[:queries]
    times = []
    for o in new:
        t0 = time.perf_counter()
        q = triage.prepare([o.text], catalogue, learn=False)
        if q.errors[0] is None:
            counts = triage.hashed(q.masked)
            qx, _ = triage.tfidf(counts, index.idf)
            _qm, qp = triage.classify(m, q, [0], counts)
            triage.rank_problems(index, qx[0], qp[0], [mm.key for mm in q.mentions[0] if mm.kind != "office"])
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "n": n,
        "problems": len(gids),
        "build_s": build,
        "p50_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * len(times)) - 1],
        "max_ms": times[-1],
        "peak_mb": peak_mb(),
    }


def child(kind: str, n: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(n)], capture_output=True, text=True, check=True, env=os.environ
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    with (MODEL_PATH.parent / "triage-results.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps({"kind": kind, **result}) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--allpairs", default="5000,20000")
    parser.add_argument("--index", type=int, default=100000)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        kind, n = args.child[0], int(args.child[1])
        fn = {"batch": run_batch, "allpairs": run_allpairs, "incremental": run_incremental}[kind]
        print(json.dumps(fn(n)))
        return
    model()
    cpus = os.cpu_count()
    print(f"machine: {platform.processor() or platform.machine()}, {cpus} CPUs, Python {platform.python_version()}")
    print("\n### Batch: analyse (normalise, recognise, classify, route, group)\n")
    print(
        "| opinions | seconds | ms / 1k | peak RSS MB | F1 vs generated clusters | F1 vs same place + issue "
        "| category acc. | unit acc. | groups |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in (int(v) for v in args.sizes.split(",") if v):
        r = child("batch", n)
        print(
            f"| {n:,} | {r['seconds']:.1f} | {r['per_1k_ms']:.0f} | {r['peak_mb']:.0f} | {r['f1']:.3f} | "
            f"{r['f1_problem']:.3f} | "
            f"{r['category']:.3f} | {r['unit']:.3f} | {r['groups']:,} |",
            flush=True,
        )
    print("\n### Grouping: blocked (ours) vs naive all-pairs, same features, same run\n")
    print("| opinions | all-pairs s | blocked s | speed-up | all-pairs F1 | blocked F1 | (same place + issue) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in (int(v) for v in args.allpairs.split(",") if v):
        r = child("allpairs", n)
        print(
            f"| {n:,} | {r['naive_s']:.2f} | {r['blocked_s']:.2f} | {r['speedup']:.0f}× | "
            f"{r['naive_f1']:.3f} | {r['blocked_f1']:.3f} | "
            f"{r['naive_f1_problem']:.3f} / {r['blocked_f1_problem']:.3f} |",
            flush=True,
        )
    print("\n### Incremental: one new opinion against stored opinions (in-memory index)\n")
    print("| stored opinions | problems | index build s | p50 ms | p95 ms | max ms | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    r = child("incremental", args.index)
    print(
        f"| {r['n']:,} | {r['problems']:,} | {r['build_s']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
        f"{r['max_ms']:.1f} | {r['peak_mb']:.0f} |"
    )


if __name__ == "__main__":
    main()
