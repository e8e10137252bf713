"""Audit tamper detection at the acceptance size (#12): a 100,000-event chain, 1,000 random tamperings.

    .venv/bin/python bench/bench_audit_tamper.py                       # SQLite file in bench/out/
    .venv/bin/python bench/bench_audit_tamper.py \\
        --database-url postgres://postgres@127.0.0.1:5432/taizhang_bench_audit

Creates its own database (the PostgreSQL name must contain "bench": it is dropped and recreated), migrates it and
appends N events through taizhang.audit.events.append_events (the application's own chaining, keyed HMACs) in
batches. Then:
  * verify_trail over the intact chain, timed (--verify-repeat times): it must find nothing;
  * T tamperings, each one random edit, deletion, insertion or swap (taizhang/audit/tests/tampering.py: the
    append-only triggers lifted as a superuser would, one change, triggers put back), verified, then rolled
    back. Each must be reported at its exact first broken event; the time of each verification is recorded
    (verification stops at the first broken link, so these are shorter than a full pass);
  * verify_trail over the chain again at the end: intact (no false alarm after 1,000 rolled-back tamperings).
The audit key and the anchors file are the benchmark's own (bench/out/), never the installation's.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--tamperings", type=int, default=1_000)
    parser.add_argument("--verify-repeat", type=int, default=3)
    parser.add_argument(
        "--database-url", help="postgres://…/taizhang_bench_audit; default: a SQLite file in bench/out/"
    )
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def recreate_database(url: str) -> None:
    from taizhang.lib.dburl import parse_database_url

    config = parse_database_url(url)
    if config["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm"):
            Path(config["NAME"] + suffix).unlink(missing_ok=True)
        return
    name = config["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to drop database {name!r}: its name must contain 'bench'")
    import psycopg

    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"],
        user=config["USER"],
        password=config["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(ROOT))
    OUT.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{OUT / 'bench_audit.sqlite3'}"
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["TAIZHANG_AUDIT_KEY"] = "bench-audit-key-" + "0" * 48
    os.environ["TAIZHANG_AUDIT_ANCHORS"] = str(OUT / "bench_audit_anchors.jsonl")
    Path(os.environ["TAIZHANG_AUDIT_ANCHORS"]).unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    import django

    django.setup()
    run(args, url)


def run(args: argparse.Namespace, url: str) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from taizhang.audit.events import append_events, new_event, verify_trail
    from taizhang.audit.models import AuditEvent, Verb
    from taizhang.audit.tests.tampering import KINDS, behind_the_triggers, tamper

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    for first in range(0, args.events, 5000):
        with transaction.atomic():
            append_events(
                [
                    new_event(Verb.OPINION_RECEIVED, actor=None, actor_name="录入员", summary=f"第{i}条", data={"i": i})
                    for i in range(first, min(first + 5000, args.events))
                ]
            )
    print(f"{connection.vendor}: appended {args.events:,} events in {time.perf_counter() - started:.1f} s", flush=True)
    ids = list(AuditEvent.objects.filter(summary__startswith="第").order_by("id").values_list("id", flat=True))
    assert ids == list(range(ids[0], ids[0] + args.events)), "the chain's ids are not consecutive"

    full = []
    for _ in range(args.verify_repeat):
        t0 = time.perf_counter()
        result = verify_trail()
        full.append(time.perf_counter() - t0)
        assert result.intact, result.findings  # no false alarm on the intact chain
    print(f"verify_trail over {result.checked:,} events: " + ", ".join(f"{s:.2f} s" for s in full), flush=True)

    rng = random.Random(args.seed)
    detected: Counter[str] = Counter()
    times: list[float] = []
    started = time.perf_counter()
    for n in range(args.tamperings):
        kind = rng.choice(KINDS)
        with transaction.atomic():
            with behind_the_triggers():
                expected = tamper(kind, ids, rng)
            t0 = time.perf_counter()
            found = verify_trail()
            times.append(time.perf_counter() - t0)
            if found.intact or f"审计记录第 {expected} 条校验失败" not in found.findings[0]:
                sys.exit(f"tampering {n} ({kind} at {expected}) not reported as such: {found.findings}")
            detected[kind] += 1
            transaction.set_rollback(True)
        if (n + 1) % 100 == 0:
            print(f"  {n + 1} tamperings detected ({time.perf_counter() - started:.0f} s)", flush=True)
    final = verify_trail()
    assert final.intact, final.findings
    print(
        f"{sum(detected.values()):,} of {args.tamperings:,} tamperings detected at their first broken event "
        f"({dict(sorted(detected.items()))}); verification up to the break: median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s; intact chain verifies after: {final.checked:,} events; "
        f"total {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
