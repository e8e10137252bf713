"""The public 公示 pages under load: N published problems, served by waitress (`manage.py serve`), hit by ab.

    .venv/bin/python bench/bench_public.py --problems 100000
    .venv/bin/python bench/bench_public.py --problems 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/taizhang_bench_public

Creates its own database (a SQLite file under bench/out/, or the PostgreSQL database named in the URL, which must
contain "bench" because it is dropped and recreated), migrates it, and bulk-inserts N problems and their
publication: batches of ITEMS_PER_BATCH items with their frozen public text, straight into the tables (not through
the actions: no audit events, no masking run). Then it starts two real WSGI servers on this machine — the app as
deployed (`manage.py serve`, waitress, 8 threads) and the same Django stack serving a minimal view that runs all
the page's database queries (the app's cached cards skip one) and returns plain text, the ceiling for this stack —
and measures each URL with `ab -k -c 8` (keep-alive, 8 concurrent clients): requests/s and 95th percentile latency.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from bench_ledger import recreate_database  # noqa: E402  (the same create-or-refuse rule as the ledger bench)

BATCH = 5000
ITEMS_PER_BATCH = 100
FULL_PORT, MINIMAL_PORT = 8765, 8766
LIST_SIZE, BATCH_PAGE = 20, 20


def main() -> None:
    args = parse_args()
    url = args.database_url or f"sqlite:///{OUT / 'bench_public.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    if args.serve_minimal:
        serve_minimal(args.serve_minimal)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    if shutil.which("ab") is None:
        sys.exit("ab is missing: apt-get install apache2-utils")
    if not args.reuse:
        recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    from taizhang.disclosure.models import BatchItem

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if not (args.reuse and BatchItem.objects.count() == args.problems):
        insert(args.problems)
        print(
            f"inserted {args.problems:,} published problems in {time.perf_counter() - started:.0f} s", file=sys.stderr
        )
    analyze()
    run_servers_and_measure(args, url)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problems", type=int, default=100_000, help="published problems to insert (100000)")
    parser.add_argument("--database-url", help="postgres://…/taizhang_bench_public; default: SQLite in bench/out/")
    parser.add_argument("--requests", type=int, default=3000, help="requests per URL and server (3000)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--reuse", action="store_true", help="keep the last run's database if it holds N items")
    parser.add_argument("--serve-minimal", type=int, metavar="PORT", help=argparse.SUPPRESS)
    return parser.parse_args()


# -- data -------------------------------------------------------------------------------------------------------


def insert(n: int) -> None:
    """A county's units and categories, N problems (closed or being fixed) and their publication in batches."""
    from django.db import transaction
    from django.utils import timezone

    from taizhang.accounts.models import Unit, UnitKind, User
    from taizhang.campaigns.models import Campaign
    from taizhang.demo import county
    from taizhang.demo.story import build_story
    from taizhang.disclosure.models import Batch, BatchItem, BatchKind, BatchState
    from taizhang.problems.models import Category, Problem

    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        bureau = Unit.objects.create(name=county.BUREAU_NAME, kind=UnitKind.BUREAU)
        units = {bureau.name: bureau}
        for spec in county.OFFICES + county.SCHOOLS:
            units[spec.name] = Unit.objects.create(name=spec.name, kind=spec.kind, parent=bureau)
        coordinator = User.objects.create(username="bench-coord", full_name="基准测试", role="coordinator", unit=bureau)
        campaign = Campaign.objects.create(
            name="基准测试活动", code="BP2026", starts_on=today - dt.timedelta(days=365), ends_on=today
        )
        shapes = [issue for issue in build_story(today).issues if issue.lead in units]
        categories = {c.code: c for c in Category.objects.all()}
        n_batches = -(-n // ITEMS_PER_BATCH)
        batches = Batch.objects.bulk_create(
            Batch(
                title=f"第{b + 1}批{'已整改' if b % 2 else '拟整改'}问题公示",
                kind=BatchKind.FIXED if b % 2 else BatchKind.TO_FIX,
                state=BatchState.PUBLISHED,
                starts_on=today - dt.timedelta(days=n_batches - b),
                ends_on=today - dt.timedelta(days=n_batches - b - 7),
                created_by=coordinator,
                created_at=now,
                published_by=coordinator,
                published_at=now - dt.timedelta(days=n_batches - b),
                item_count=min(ITEMS_PER_BATCH, n - b * ITEMS_PER_BATCH),
            )
            for b in range(n_batches)
        )
        for start in range(0, n, BATCH):
            rows = []
            for i in range(start, min(n, start + BATCH)):
                shape = shapes[i % len(shapes)]
                batch = batches[i // ITEMS_PER_BATCH]
                closed = batch.kind == BatchKind.FIXED
                rows.append(
                    Problem(
                        campaign=campaign,
                        number=f"BP2026-{i + 1:06d}",
                        title=shape.facts["brief"],
                        description=shape.render(shape.template.cores[0]),
                        category=categories[shape.category],
                        status="closed" if closed else "rectifying",
                        created_at=now,
                        created_by=coordinator,
                        lead_unit=units[shape.lead],
                        measures=shape.render(shape.template.measures),
                        deadline=today + dt.timedelta(days=30),
                        closed_at=now if closed else None,
                        latest_progress=shape.render(shape.template.closure) if closed else "",
                    )
                )
            problems = Problem.objects.bulk_create(rows)
            BatchItem.objects.bulk_create(
                BatchItem(
                    batch=batches[(start + k) // ITEMS_PER_BATCH],
                    problem=p,
                    position=(start + k) % ITEMS_PER_BATCH + 1,
                    public_number=p.number,
                    public_unit=p.lead_unit.name if p.lead_unit else "",
                    public_category=p.category.name,
                    public_category_code=p.category.code,
                    public_title=p.title,
                    public_measures=p.measures,
                    public_deadline=p.deadline,
                    public_status=p.status,
                    public_result=p.latest_progress,
                    is_closed=p.status == "closed",
                    received_at=p.created_at,
                    updated_at=p.closed_at or p.created_at,
                )
                for k, p in enumerate(problems)
            )


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")


# -- the minimal view: the same queries, no template ------------------------------------------------------------


def minimal_list(request: Any) -> Any:
    """What /disclosures/ asks the database — its count with the newest publication, and its 20 batches — returned
    as plain text: no template, no cache."""
    from django.core.paginator import Paginator
    from django.db.models import Count, Max
    from django.http import HttpResponse

    from taizhang.disclosure.models import Batch

    batches = Batch.objects.published().order_by("-starts_on", "-id")
    seen = batches.aggregate(n=Count("id"), latest=Max("published_at"))
    paginator = Paginator(batches, LIST_SIZE)
    paginator.count = seen["n"]
    page = paginator.get_page(request.GET.get("page"))
    return HttpResponse("\n".join(f"{b.title} {b.item_count}" for b in page), content_type="text/plain")


def minimal_batch(request: Any, pk: int) -> Any:
    """What /disclosures/<pk>/ asks the database: the batch and its first 20 items."""
    from django.core.paginator import Paginator
    from django.http import HttpResponse

    from taizhang.disclosure.access import published_batch

    batch = published_batch(pk)
    paginator = Paginator(batch.items.order_by("position", "id"), BATCH_PAGE)
    paginator.count = batch.item_count
    page = paginator.get_page(request.GET.get("page"))
    return HttpResponse("\n".join(f"{i.public_number} {i.public_title}" for i in page), content_type="text/plain")


def serve_minimal(port: int) -> None:
    """The app's own settings and middleware, with a URLconf of the two minimal views, under waitress."""
    import django
    from django.conf import settings

    settings.ROOT_URLCONF = __name__
    django.setup()
    from waitress import serve

    from taizhang.wsgi import application

    serve(application, host="127.0.0.1", port=port, threads=8, ident="minimal", _quiet=True)


def _urlpatterns() -> list[Any]:
    from django.urls import path

    return [path("disclosures/", minimal_list), path("disclosures/<int:pk>/", minimal_batch)]


def __getattr__(name: str) -> Any:  # the URLconf is built on first use, after django.setup()
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


# -- load -------------------------------------------------------------------------------------------------------


def run_servers_and_measure(args: argparse.Namespace, url: str) -> None:
    from taizhang.disclosure.models import Batch

    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "LOG_LEVEL": "ERROR"}
    python = sys.executable
    servers = [
        subprocess.Popen(
            [python, "manage.py", "serve", "--port", str(FULL_PORT), "--threads", "8"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        ),
        subprocess.Popen([python, __file__, "--serve-minimal", str(MINIMAL_PORT)], cwd=ROOT, env=env),
    ]
    try:
        middle = Batch.objects.order_by("id")[Batch.objects.count() // 2].pk
        paths = [
            ("public list page, first page", "/disclosures/"),
            ("a batch (its first 20 items)", f"/disclosures/{middle}/"),
        ]
        for port in (FULL_PORT, MINIMAL_PORT):
            wait_until_up(port, paths[0][1])
        print(header(args, url))
        print("| page | server | req/s | p50 ms | p95 ms | failed |")
        print("|---|---|---:|---:|---:|---:|")
        for label, path in paths:
            results = {}
            for name, port in (("app", FULL_PORT), ("minimal view", MINIMAL_PORT)):
                results[name] = ab(port, path, args)
                rps, p50, p95, failed = results[name]
                print(f"| {label} `{path}` | {name} | {rps:.0f} | {p50} | {p95} | {failed} |")
            ratio = results["app"][0] / results["minimal view"][0]
            print(f"| | app ÷ minimal | {ratio:.0%} | | | |")
    finally:
        for server in servers:
            server.terminate()
            server.wait()


def wait_until_up(port: int, path: str) -> None:
    for _n in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"the server on port {port} did not answer {path}")


def ab(port: int, path: str, args: argparse.Namespace) -> tuple[float, int, int, int]:
    """Warm up with 200 requests, then measure: (requests/s, p50 ms, p95 ms, failed requests)."""
    target = f"http://127.0.0.1:{port}{path}"
    subprocess.run(["ab", "-k", "-c", str(args.concurrency), "-n", "200", target], capture_output=True, check=True)
    out = subprocess.run(
        ["ab", "-k", "-c", str(args.concurrency), "-n", str(args.requests), target],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = int(re.search(r"^\s*50%\s+(\d+)", out, re.M).group(1))  # type: ignore[union-attr]
    p95 = int(re.search(r"^\s*95%\s+(\d+)", out, re.M).group(1))  # type: ignore[union-attr]
    failed = int(re.search(r"Failed requests:\s+(\d+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    return rps, p50, p95, failed + (int(non2xx.group(1)) if non2xx else 0)


def header(args: argparse.Namespace, url: str) -> str:
    from django.db import connection

    from taizhang.disclosure.models import Batch, BatchItem

    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    load = os.getloadavg()[0]
    return (
        f"\n{dt.date.today()} · {os.cpu_count()} CPU cores · {platform.system()} {platform.release()} · "
        f"Python {platform.python_version()} · {vendor} {version} · load average {load:.1f}\n"
        f"{BatchItem.objects.count():,} published problems in {Batch.objects.count():,} batches; "
        f"ab -k -c {args.concurrency} -n {args.requests} per row, after 200 requests of warm-up\n"
    )


if __name__ == "__main__":
    main()
