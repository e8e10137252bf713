"""The public follow page (/track/?code=…) under load: N reported problems, served by waitress, hit by ab.

    .venv/bin/python bench/bench_follow.py --problems 100000
    .venv/bin/python bench/bench_follow.py --problems 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/taizhang_bench_follow

Creates its own database (a SQLite file under bench/out/, or the PostgreSQL database named in the URL, which must
contain "bench" because it is dropped and recreated), migrates it and bulk-inserts N problems in every status, each
with the opinion that reported it and the audit events its follow page reads (received, 立项, 交办, 签收, progress,
验收 and 回访 as far as its status goes) — straight into the tables: the events carry placeholder hashes, so the
chain of this database does not verify, which the page does not read.

Then it starts two real WSGI servers — the app as deployed (`manage.py serve`, waitress, 8 threads) and the same
Django stack serving a minimal view that makes the page's database calls (the rate-limit counters, the opinion's
kept page by its code, or with --rebuild the opinion and the timeline's queries) and returns plain text, the
ceiling for this stack — and measures with
`ab -k -c 8`. The public rate limits stay on (each request writes its counters, as in production) but are raised
so that one client may send thousands of lookups: TAIZHANG_PUBLIC_RATES is set for both servers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from bench_ledger import recreate_database  # noqa: E402
from bench_public import ab, wait_until_up  # noqa: E402

BATCH = 5000
FULL_PORT, MINIMAL_PORT = 8775, 8776
RATES = "track_ip=10000000/10m,track_miss_ip=10000000/h,track_code=10000000/h"
STATUSES = ["rectifying", "closed", "follow_up", "verifying", "assigned", "closed", "rectifying", "closed"]


def main() -> None:
    args = parse_args()
    url = args.database_url or f"sqlite:///{OUT / 'bench_follow.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ["TAIZHANG_PUBLIC_RATES"] = RATES
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

    from taizhang.problems.models import Problem

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if not (args.reuse and Problem.objects.count() == args.problems):
        insert(args.problems)
        print(f"inserted {args.problems:,} problems in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    run_servers_and_measure(args, url)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problems", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="turn the kept timelines off (TAIZHANG_PUBLIC_TIMELINE_SECONDS=0): every lookup builds the timeline, "
        "as the first look after a change does",
    )
    parser.add_argument("--serve-minimal", type=int, metavar="PORT", help=argparse.SUPPRESS)
    return parser.parse_args()


def insert(n: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from taizhang.accounts.models import Unit, UnitKind, User
    from taizhang.audit.models import AuditEvent
    from taizhang.campaigns.models import Campaign
    from taizhang.demo import county
    from taizhang.intake.models import Opinion, OpinionLink
    from taizhang.intake.personal import receipt_hash
    from taizhang.problems.models import Category, Problem

    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        bureau = Unit.objects.create(name=county.BUREAU_NAME, kind=UnitKind.BUREAU)
        units = [Unit.objects.create(name=s.name, kind=s.kind, parent=bureau) for s in county.OFFICES + county.SCHOOLS]
        user = User.objects.create(username="bench-coord", full_name="基准测试", role="coordinator", unit=bureau)
        campaign = Campaign.objects.create(
            name="基准测试活动", code="BF2026", starts_on=today - dt.timedelta(days=365), ends_on=today
        )
        category = Category.objects.first()
        assert category is not None
        seq = 0
        for start in range(0, n, BATCH):
            size = min(n, start + BATCH) - start
            problems = Problem.objects.bulk_create(
                Problem(
                    campaign=campaign,
                    number=f"BF2026-{i + 1:06d}",
                    title="教师有偿补课",
                    description="家长反映有老师周末在校外有偿补课。",
                    category=category,
                    status=STATUSES[i % len(STATUSES)],
                    created_at=now,
                    created_by=user,
                    lead_unit=units[i % len(units)],
                    deadline=today + dt.timedelta(days=10),
                    progress_percent=60,
                    closed_at=now if STATUSES[i % len(STATUSES)] in ("closed", "follow_up") else None,
                )
                for i in range(start, start + size)
            )
            opinions = Opinion.objects.bulk_create(
                Opinion(
                    campaign=campaign,
                    receipt_hash=receipt_hash(code(i)),  # kept only hashed, as the app does
                    channel="hotline_12345",
                    text="某老师周末在家中组织有偿补课，每人每月800元。",
                    reporter_name="张三",
                    reporter_phone="13812345678",
                    received_at=now - dt.timedelta(days=20),
                    status="linked",
                )
                for i in range(start, start + size)
            )
            OpinionLink.objects.bulk_create(
                OpinionLink(opinion=o, problem=p, linked_at=now, linked_by=user)
                for o, p in zip(opinions, problems, strict=True)
            )
            events = []
            for o, p in zip(opinions, problems, strict=True):
                steps: list[tuple[str, Opinion | None, Problem | None, dict[str, Any]]] = [
                    ("opinion_received", o, None, {}),
                    ("problem_created", o, p, {}),
                ]
                steps += [("problem_assigned", None, p, {"lead_unit": p.lead_unit_id, "deadline": str(p.deadline)})]
                if p.status != "assigned":
                    steps += [("problem_signed", None, p, {}), ("progress_reported", None, p, {"percent": 60})]
                if p.status in ("verifying", "follow_up", "closed"):
                    steps += [("closure_applied", None, p, {})]
                if p.status in ("follow_up", "closed"):
                    steps += [("closure_accepted", None, p, {}), ("follow_up_started", None, p, {})]
                if p.status == "closed":
                    steps += [("follow_up_finished", None, p, {})]
                for k, (verb, opinion, problem, data) in enumerate(steps):
                    seq += 1
                    digest = hashlib.sha256(str(seq).encode()).hexdigest()
                    events.append(
                        AuditEvent(
                            at=now - dt.timedelta(days=20 - k),
                            actor=user,
                            actor_name=user.full_name,
                            verb=verb,
                            opinion=opinion,
                            problem=problem,
                            data=data,
                            prev_hash="bench",
                            hash=digest,
                        )
                    )
            AuditEvent.objects.bulk_create(events, batch_size=2000)


def code(i: int) -> str:
    """A receipt code shaped like the real ones (5-5, no look-alike letters), unique per i."""
    from taizhang.lib.codes import ALPHABET as alphabet

    digits = []
    for _ in range(10):
        i, r = divmod(i, len(alphabet))
        digits.append(alphabet[r])
    text = "".join(reversed(digits))
    return f"{text[:5]}-{text[5:]}"


def minimal_track(request: Any) -> Any:
    """The follow page's database calls as plain text: the rate counters and the lookup of the code with its kept
    page — or, with keeping off (--rebuild), the opinion and the timeline's queries."""
    from django.conf import settings
    from django.http import HttpResponse

    from taizhang.public.access import access_opinion_by_code, access_page_by_code
    from taizhang.public.timeline import public_timeline

    if settings.TAIZHANG_PUBLIC_TIMELINE_SECONDS > 0:
        page = access_page_by_code(request, request.GET.get("code", ""))
        timeline = page.timeline if page is not None else None
    else:
        opinion = access_opinion_by_code(request, request.GET.get("code", ""))
        timeline = public_timeline(opinion) if opinion is not None else None
    if timeline is None:
        return HttpResponse("not found", status=404)
    return HttpResponse(f"{timeline.status_words} {len(timeline.steps)}", content_type="text/plain")


def serve_minimal(port: int) -> None:
    import django
    from django.conf import settings

    settings.ROOT_URLCONF = __name__
    django.setup()
    from waitress import serve

    from taizhang.wsgi import application

    serve(application, host="127.0.0.1", port=port, threads=8, ident="minimal", _quiet=True)


def _urlpatterns() -> list[Any]:
    from django.urls import include, path

    return [path("track/", minimal_track), path("", include("taizhang.urls"))]  # the rest, for reversing


def __getattr__(name: str) -> Any:
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def run_servers_and_measure(args: argparse.Namespace, url: str) -> None:
    import platform

    from django.db import connection

    from taizhang.problems.models import Problem

    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "LOG_LEVEL": "ERROR", "TAIZHANG_PUBLIC_RATES": RATES}
    env["TAIZHANG_PUBLIC_TIMELINE_SECONDS"] = "0" if args.rebuild else "86400"
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
        n = Problem.objects.count()
        paths = [
            ("a closed case (8 steps)", f"/track/?code={code(n // 2 + 1)}"),  # index ≡ 1 (mod 8): closed
            ("a problem under rectification (5 steps)", f"/track/?code={code(n // 2)}"),
        ]
        for port in (FULL_PORT, MINIMAL_PORT):
            wait_until_up(port, paths[0][1])
        vendor = connection.vendor
        with connection.cursor() as cursor:
            cursor.execute("SELECT sqlite_version()" if vendor == "sqlite" else "SHOW server_version")
            version = cursor.fetchone()[0]
        print(
            f"\n{dt.date.today()} · {os.cpu_count()} CPU cores · Python {platform.python_version()} · "
            f"{vendor} {version} · load average {os.getloadavg()[0]:.1f}\n"
            f"{n:,} reported problems; ab -k -c {args.concurrency} -n {args.requests} per row, after 200 of warm-up; "
            f"{'every lookup rebuilds the timeline' if args.rebuild else 'kept timelines on'}\n"
        )
        print("| page | server | req/s | p50 ms | p95 ms | failed |")
        print("|---|---|---:|---:|---:|---:|")
        for label, path in paths:
            results = {}
            for name, port in (("app", FULL_PORT), ("minimal view", MINIMAL_PORT)):
                results[name] = ab(port, path, args)
                rps, p50, p95, failed = results[name]
                print(f"| {label} | {name} | {rps:.0f} | {p50} | {p95} | {failed} |")
            print(f"| | app ÷ minimal | {results['app'][0] / results['minimal view'][0]:.0%} | | | |")
    finally:
        for server in servers:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
