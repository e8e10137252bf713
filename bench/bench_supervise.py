"""The `supervise` sweep at scale: 1,000,000 open problems on PostgreSQL, of which 10,000 are due.

    .venv/bin/python bench/bench_supervise.py \\
        --database-url postgres://postgres@127.0.0.1:5432/taizhang_bench_sup

Creates (drops and recreates: the name must contain "bench") its own database, migrates it, and inserts the
problems with one INSERT … SELECT over generate_series: every problem is 整改中 with a lead unit among 200
units (two unit users each, so every rung writes two inbox rows). The N due problems are one working day past
their deadline with the 问题预报单 and the reminder already on record, so each fires exactly one rung: a numbered
问题整改督办单 with its audit event and notifications. The other problems' next look lies in the future.

Timed with time.perf_counter around taizhang.supervision.scheduler.sweep():
  * the due sweep (the once-a-day unit backlog check already done for the day, timed on its own after),
  * the empty sweep, repeated, once nothing is due.
The helpdesk comparison is bench/helpdesk_escalate.py, run from its own virtualenv (see --helpdesk).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
UNITS = 200


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/taizhang_bench_sup")
    parser.add_argument("--problems", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--empty-repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database, only reset the due rows")
    parser.add_argument("--helpdesk", action="store_true", help="also run bench/helpdesk_escalate.py side by side")
    parser.add_argument("--json", type=Path, default=OUT / "supervise.json")
    return parser.parse_args()


def recreate_database(url: str) -> None:
    import psycopg

    from taizhang.lib.dburl import parse_database_url

    cfg = parse_database_url(url)
    name = cfg["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to drop database {name!r}: its name must contain 'bench'")
    with psycopg.connect(
        dbname="postgres",
        autocommit=True,
        host=cfg["HOST"],
        port=cfg["PORT"],
        user=cfg["USER"],
        password=cfg["PASSWORD"],
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def load(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from taizhang.accounts.models import Role, Unit, UnitKind, User
    from taizhang.campaigns.models import Campaign
    from taizhang.problems.models import Category

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    bureau = Unit.objects.create(name="青溪县教育局", kind=UnitKind.BUREAU)
    units = Unit.objects.bulk_create(
        Unit(name=f"青溪县第{i}学校", kind=UnitKind.SCHOOL, parent=bureau) for i in range(1, UNITS + 1)
    )
    creator = User.objects.create_user("coord", full_name="王协调", role=Role.COORDINATOR, unit=bureau)
    User.objects.bulk_create(
        User(username=f"u{u.pk}-{k}", full_name=f"联络员{u.pk}-{k}", role=Role.UNIT_OFFICER, unit=u)
        for u in units
        for k in (1, 2)
    )
    campaign = Campaign.objects.create(
        name="作风建设", code="QX26", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    category = Category.objects.first()
    assert category is not None
    first_unit = units[0].pk
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO problems_problem (campaign_id, number, title, description, category_id, status, source,
                origin_channel, created_at, created_by_id, lead_unit_id, responsible_person, measures, kind,
                deadline, assigned_at, progress_percent, latest_progress, reopen_count, version, next_check_at,
                supervision_round, ladder_level, sign_due_on, original_deadline, extension_count)
            SELECT %(campaign)s, 'QX26-' || lpad(g::text, 7, '0'), '问题' || g, '问题描述' || g, %(category)s,
                'rectifying', 'exposed', 'hotline_12345', now() - interval '30 days', %(creator)s,
                %(first_unit)s + (g %% %(units)s), '责任人', '整改措施', 'time_limited',
                DATE '2027-06-30', now() - interval '30 days', 20, '', 0, 1,
                TIMESTAMPTZ '2027-06-26 08:00+08', 1, 0, DATE '2026-11-01', DATE '2027-06-30', 0
            FROM generate_series(1, %(n)s) AS g
            """,
            {
                "campaign": campaign.pk,
                "category": category.pk,
                "creator": creator.pk,
                "first_unit": first_unit,
                "units": UNITS,
                "n": args.problems,
            },
        )
        cur.execute("ANALYZE")
    print(f"loaded {args.problems:,} problems in {time.perf_counter() - started:.1f} s", flush=True)


def make_due(args: argparse.Namespace, today: dt.date, deadline: dt.date) -> list[int]:
    """Reset the first N problems to 'one working day overdue, forecast and reminder on record'."""
    from django.db import connection, transaction

    from taizhang.audit.models import AuditEvent, AuditHead
    from taizhang.problems.models import Problem
    from taizhang.supervision.models import DocumentCounter, Notification, Rung, SchedulerJob, SupervisionAction

    with transaction.atomic():
        Notification.objects.all().delete()
        SupervisionAction.objects.all().delete()
        AuditEvent.objects.all().delete()
        AuditHead.objects.all().delete()
        DocumentCounter.objects.all().delete()
        ids = list(Problem.objects.order_by("id").values_list("id", flat=True)[: args.due])
        fire_at = dt.datetime.combine(today, dt.time(8), tzinfo=dt.timezone(dt.timedelta(hours=8)))
        Problem.objects.filter(pk__in=ids).update(
            deadline=deadline, original_deadline=deadline, next_check_at=fire_at, ladder_level=0
        )
        forecast, reminder = Rung.objects.get(code="forecast"), Rung.objects.get(code="reminder")
        with connection.cursor() as cur:
            for rung, lapse in ((forecast, ""), (reminder, deadline.isoformat())):
                cur.execute(
                    """
                    INSERT INTO supervision_supervisionaction (problem_id, unit_id, rung_id, round, deadline, lapse,
                        period, due_on, fired_at, form_kind, doc_number, header, title, recipient, body, issuer)
                    SELECT id, lead_unit_id, %s, 1, %s, %s, '', %s, now(), '', '', '', '', '', '', ''
                    FROM problems_problem WHERE id = ANY(%s)
                    """,
                    [rung.pk, deadline, lapse, deadline, ids],
                )
            cur.execute("ANALYZE problems_problem")
            cur.execute("ANALYZE supervision_supervisionaction")
        SchedulerJob.objects.update_or_create(name="unit_backlog", defaults={"last_run_on": today})
    return ids


def run(args: argparse.Namespace) -> dict[str, Any]:
    import time_machine
    from django.db import connection
    from django.urls import reverse

    from taizhang.supervision.config import forget_config
    from taizhang.supervision.models import Notification, SchedulerJob, SupervisionAction
    from taizhang.supervision.scheduler import SweepResult, run_unit_backlog, sweep

    today, deadline = dt.date(2026, 11, 24), dt.date(2026, 11, 23)  # a Tuesday, the deadline Monday
    moment = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    make_due(args, today, deadline)
    forget_config()
    with time_machine.travel(moment, tick=True):
        # Outside the timing, as in a long-running `supervise --loop`: the configuration, the connection, and the
        # URL configuration that reverse() imports once per process.
        sweep(max_batches=0)
        reverse("supervision_document", args=[1])
        started = time.perf_counter()
        result = sweep()
        due_seconds = time.perf_counter() - started
        fired = SupervisionAction.objects.filter(rung__code="supervision_notice").count()
        numbers = SupervisionAction.objects.filter(rung__code="supervision_notice").values_list("doc_seq", flat=True)
        assert result.fired == args.due == fired, (result, fired)
        assert sorted(n or 0 for n in numbers) == list(range(1, args.due + 1))
        empties = []
        for _ in range(args.empty_repeat):
            started = time.perf_counter()
            empty = sweep()
            empties.append(time.perf_counter() - started)
            assert empty.claimed == 0
        with connection.cursor() as cur:
            cur.execute(
                "EXPLAIN SELECT id FROM problems_problem WHERE next_check_at <= now() "
                "ORDER BY next_check_at LIMIT 500 FOR UPDATE SKIP LOCKED"
            )
            plan = "\n".join(r[0] for r in cur.fetchall())
        SchedulerJob.objects.filter(name="unit_backlog").update(last_run_on=None)
        started = time.perf_counter()
        daily = SweepResult()
        run_unit_backlog(today, daily)
        daily_seconds = time.perf_counter() - started
    return {
        "problems": args.problems,
        "due": args.due,
        "due_sweep_s": round(due_seconds, 2),
        "rows_per_s": round(args.due / due_seconds),
        "notifications": Notification.objects.count(),
        "empty_sweep_ms_median": round(statistics.median(empties) * 1000, 2),
        "empty_sweep_ms_max": round(max(empties) * 1000, 2),
        "daily_unit_backlog_s": round(daily_seconds, 2),
        "unit_notices": daily.unit_notices,
        "claim_plan": plan,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "postgres": connection.cursor().connection.info.server_version,
    }


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(ROOT))
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    os.environ.setdefault("TAIZHANG_MEDIA_ROOT", str(OUT / "media"))
    import django

    django.setup()
    if not args.reuse:
        load(args)
    result = run(args)
    if args.helpdesk:
        python = OUT / "helpdesk-venv" / "bin" / "python"
        proc = subprocess.run(
            [
                str(python),
                str(ROOT / "bench" / "helpdesk_escalate.py"),
                "--tickets",
                str(args.problems),
                "--due",
                str(args.due),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        result["helpdesk"] = json.loads(proc.stdout.strip().splitlines()[-1])
        result["ratio"] = round(result["helpdesk"]["escalate_s"] / result["due_sweep_s"], 1)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
