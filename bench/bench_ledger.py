"""Ledger list and Excel export at scale: the 台账 first page and the full export over N problems.

    .venv/bin/python bench/bench_ledger.py --problems 100000
    .venv/bin/python bench/bench_ledger.py --problems 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/taizhang_bench

Creates its own database (a SQLite file under bench/out/, or the PostgreSQL database named in the URL, which
must contain "bench" because it is dropped and recreated), migrates it, and bulk-inserts the problems directly
with bulk_create: realistic field values taken from the demo county's texts, but NOT through the actions, so
there are no audit events, opinions or milestones. Then it times, with time.perf_counter over several runs,
what the HTML list does for one page (count + first 50 rows through taizhang.problems.filters.ledger_queryset)
and the full export through taizhang.problems.export.write_ledger_xlsx, and prints Markdown tables.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BATCH = 2000
PAGE = 50
KEYWORD = "补课"
STATUS_WEIGHTS = {"new": 5, "assigned": 4, "returned": 1, "rectifying": 30, "verifying": 5, "closed": 55}
CHANNEL_WEIGHTS = {
    "hotline_12345": 32, "online_form": 26, "suggestion_box": 10, "report": 6, "media": 6, "leader_visit": 6,
    "forum": 5, "inspection_feedback": 3, "covert_check": 3, "self_inspection": 3,
}  # fmt: skip


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(ROOT))
    OUT.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{OUT / 'bench.sqlite3'}"
    if not args.reuse:
        recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    import django

    django.setup()
    Bench(args, url).run()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problems", type=int, default=100_000, help="how many problems to insert (100000)")
    parser.add_argument("--database-url", help="postgres://…/taizhang_bench; default: a SQLite file in bench/out/")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each ledger page (20)")
    parser.add_argument("--export-repeat", type=int, default=3, help="timed runs of the full export (3)")
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run if it holds N rows")
    parser.add_argument("--only", choices=["list", "export"], help="time only the ledger pages or only the export")
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


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile: with few samples p95 is simply one of the slowest runs."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timed(run: Callable[[], Any], repeat: int, warmup: int = 1) -> tuple[list[float], Any]:
    result = None
    for _n in range(warmup):
        result = run()
    samples = []
    for _n in range(repeat):
        started = time.perf_counter()
        result = run()
        samples.append(time.perf_counter() - started)
    return samples, result


class Bench:
    def __init__(self, args: argparse.Namespace, url: str) -> None:
        from django.db import connection

        self.args = args
        self.n: int = args.problems
        self.vendor = connection.vendor
        self.rng = random.Random(args.seed)

    def run(self) -> None:
        from django.core.management import call_command

        from taizhang.problems.models import Problem

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        reused = self.args.reuse and Problem.objects.count() == self.n
        if not reused:
            self.insert()
        insert_seconds = None if reused else time.perf_counter() - started
        self.analyze()
        self.header(insert_seconds)
        if self.args.only in (None, "list"):
            self.bench_list()
        if self.args.only in (None, "export"):
            self.bench_export()

    # -- data -------------------------------------------------------------------------------------------------

    def insert(self) -> None:
        """Units and users of the demo county, then N problems with their current assignments, in batches."""
        from django.contrib.auth.hashers import make_password
        from django.db import transaction

        from taizhang.accounts.models import Unit, UnitKind, User
        from taizhang.campaigns.models import Campaign
        from taizhang.demo import county

        with transaction.atomic():
            bureau = Unit.objects.create(name=county.BUREAU_NAME, kind=UnitKind.BUREAU)
            units = {bureau.name: bureau}
            for spec in county.OFFICES + county.INSPECTION_GROUPS + county.SCHOOLS:
                units[spec.name] = Unit.objects.create(
                    name=spec.name, short_name=spec.short_name, kind=spec.kind, parent=bureau
                )
            password = make_password("bench")
            coordinator = User.objects.create(
                username="bench-coord", password=password, full_name="基准测试", role="coordinator", unit=bureau
            )
            User.objects.create(
                username="bench-officer",
                password=password,
                full_name="基准联络员",
                role="unit_officer",
                unit=units["青溪县实验小学"],
            )
            campaign = Campaign.objects.create(
                name="基准测试活动",
                code="BN2026",
                starts_on=dt.date.today() - dt.timedelta(days=365),
                ends_on=dt.date.today() + dt.timedelta(days=365),
                last_problem_seq=self.n,
            )
            for done, batch in enumerate(self.problem_batches(campaign, coordinator, units), start=1):
                self.insert_batch(batch, units)
                if done % 10 == 0:
                    print(f"  inserted {done * BATCH:,}/{self.n:,} problems", file=sys.stderr)

    def problem_batches(self, campaign: Any, coordinator: Any, units: dict[str, Any]) -> Iterator[list[Any]]:
        from taizhang.demo.story import build_story
        from taizhang.problems.models import Category, Problem

        shapes = [issue for issue in build_story(dt.date.today()).issues if issue.lead in units]
        categories = {c.code: c for c in Category.objects.all()}
        now = dt.datetime.now(dt.UTC)
        rng = self.rng
        batch = []
        for number in range(1, self.n + 1):
            shape = rng.choice(shapes)
            status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
            channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
            created = now - dt.timedelta(minutes=rng.randint(60, 365 * 1440))
            problem = Problem(
                campaign=campaign,
                number=f"BN2026-{number:06d}",
                title=shape.facts["brief"],
                description=shape.render(rng.choice(shape.template.cores)) + "。",
                category=categories[shape.category],
                status=status,
                source="self_found" if channel == "self_inspection" else "exposed",
                origin_channel=channel,
                first_received_at=created - dt.timedelta(hours=rng.randint(1, 72)),
                created_at=created,
                created_by=coordinator,
            )
            if status != "new":
                assigned = created + dt.timedelta(hours=rng.randint(4, 96))
                kind = rng.choice(["immediate", "time_limited", "time_limited", "long_term"])
                days = {"immediate": (3, 10), "time_limited": (15, 45), "long_term": (60, 150)}[kind]
                problem.lead_unit = units[shape.lead]
                problem.responsible_person = "责任人"
                problem.measures = shape.render(shape.template.measures)
                problem.kind = kind
                problem.deadline = assigned.date() + dt.timedelta(days=rng.randint(*days))
                problem.assigned_at = assigned
                problem.progress_percent = rng.choice([0, 20, 40, 60, 80]) if status == "rectifying" else 0
                problem.latest_progress = shape.render(rng.choice(shape.template.progress))
            if status == "closed":
                problem.closed_at = min(now, (problem.assigned_at or created) + dt.timedelta(days=rng.randint(3, 60)))
                problem.progress_percent = 100
                problem.latest_progress = shape.render(shape.template.closure)
            batch.append((problem, shape.co_units))
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    def insert_batch(self, batch: list[Any], units: dict[str, Any]) -> None:
        from taizhang.problems.models import Assignment, Problem

        problems = Problem.objects.bulk_create([problem for problem, _co in batch])
        assignments = []
        co_units = []
        for problem, co_names in zip(problems, (co for _p, co in batch), strict=True):
            if problem.lead_unit_id is None or problem.deadline is None or problem.assigned_at is None:
                continue  # not assigned yet
            assignments.append(
                Assignment(
                    problem=problem,
                    lead_unit_id=problem.lead_unit_id,
                    responsible_person=problem.responsible_person,
                    measures=problem.measures,
                    kind=problem.kind,
                    deadline=problem.deadline,
                    assigned_at=problem.assigned_at,
                    assigned_by=problem.created_by,
                )
            )
            co_units.append(
                [units[name] for name in co_names if name in units and units[name].pk != problem.lead_unit_id]
            )
        Assignment.objects.bulk_create(assignments)
        through = Assignment.co_units.through
        through.objects.bulk_create(
            through(assignment_id=a.pk, unit_id=unit.pk)
            for a, units_of_a in zip(assignments, co_units, strict=True)
            for unit in units_of_a
        )

    def analyze(self) -> None:
        from django.db import connection

        if self.vendor == "postgresql":  # what autovacuum would have done by the time anyone reads the ledger
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")

    # -- measurements -----------------------------------------------------------------------------------------

    def header(self, insert_seconds: float | None) -> None:
        from django.db import connection

        from taizhang.problems.models import Problem

        with connection.cursor() as cursor:
            cursor.execute("select sqlite_version()" if self.vendor == "sqlite" else "show server_version")
            version = cursor.fetchone()[0]
        overdue = Problem.objects.overdue().count()
        print(f"## {self.vendor} {version}, {self.n:,} problems\n")
        made = "reused from the last run" if insert_seconds is None else f"{insert_seconds:.0f} s to migrate and insert"
        print(
            f"- data: bulk_create straight into the tables (not through the actions: no audit events, no opinions), "
            f"{made}; {overdue:,} overdue"
        )
        print(
            f"- machine: {os.cpu_count()} CPU cores, {platform.machine()}, Linux {platform.release()}, "
            f"Python {platform.python_version()}; {dt.date.today().isoformat()}"
        )
        from openpyxl.xml import LXML

        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        writer = "lxml" if LXML else "et_xmlfile (no lxml)"
        print(f"- load average before timing: {load} (the machine is shared); openpyxl XML writer: {writer}")
        print(f"- each page timed {self.args.repeat}× after one warm-up; the export {self.args.export_repeat}×\n")

    def bench_list(self) -> None:
        from taizhang.accounts.models import Unit, User
        from taizhang.problems.filters import ledger_queryset

        coordinator = User.objects.get(username="bench-coord")
        officer = User.objects.get(username="bench-officer")
        school = Unit.objects.get(name="青溪县实验小学")
        cases: list[tuple[str, Any, dict[str, str]]] = [
            ("unfiltered (牵头部门)", coordinator, {}),
            ("status=整改中 + unit", coordinator, {"status": "rectifying", "unit": str(school.pk)}),
            ("overdue only", coordinator, {"overdue": "on"}),
            (f"keyword q={KEYWORD}", coordinator, {"q": KEYWORD}),
            ("sorted by deadline", coordinator, {"sort": "deadline"}),
            ("unit officer's own ledger", officer, {}),
        ]
        print("| ledger page (count + first 50 rows) | rows matched | median ms | p95 ms |")
        print("|---|---:|---:|---:|")
        for label, user, params in cases:

            def page(user: Any = user, params: dict[str, str] = params) -> int:
                form, qs = ledger_queryset(user, params)
                assert form.is_valid(), form.errors
                total = qs.count()
                for problem in qs[:PAGE]:
                    _shown = (problem.category.name, problem.lead_unit.name if problem.lead_unit else "")
                return total

            samples, total = timed(page, self.args.repeat)
            median, p95 = statistics.median(samples) * 1000, percentile(samples, 0.95) * 1000
            print(f"| {label} | {total:,} | {median:.1f} | {p95:.1f} |")
        print()

    def bench_export(self) -> None:
        from openpyxl import load_workbook

        from taizhang.accounts.models import User
        from taizhang.problems.export import write_ledger_xlsx
        from taizhang.problems.filters import ledger_queryset

        coordinator = User.objects.get(username="bench-coord")
        path = OUT / f"ledger-{self.vendor}-{self.n}.xlsx"

        def export() -> int:
            _form, qs = ledger_queryset(coordinator, {})
            with path.open("wb") as out:
                return write_ledger_xlsx(qs, out, title="青溪县教育系统整改台账（基准测试）")

        samples, written = timed(export, self.args.export_repeat, warmup=0)
        size = path.stat().st_size
        started = time.perf_counter()
        workbook = load_workbook(path, read_only=True)
        rows = sum(1 for _row in workbook.active.iter_rows(values_only=True)) - 3  # title, time, header
        workbook.close()
        read_seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print("| full Excel export | problems written | median s | p95 s | file size | rows read back | peak RSS |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        print(
            f"| write_ledger_xlsx, all problems | {written:,} | {statistics.median(samples):.1f} | "
            f"{percentile(samples, 0.95):.1f} | {size / 1e6:.1f} MB | {rows:,} "
            f"({'ok' if rows == written == self.n else 'MISMATCH'}; read in {read_seconds:.0f} s) | {peak:.0f} MB |"
        )
        if rows != self.n:
            sys.exit(f"the export holds {rows} rows, expected {self.n}")


if __name__ == "__main__":
    main()
