"""A 考核 ranking for a quarter over N problems, against one hand-written SQL aggregate of the same figures.

    .venv/bin/python bench/bench_assessment.py --problems 100000
    .venv/bin/python bench/bench_assessment.py --problems 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/taizhang_bench_assessment

Creates its own database (a SQLite file under bench/out/, or the PostgreSQL database named in the URL, which must
contain "bench" because it is dropped and recreated), migrates it and bulk-inserts, straight into the tables (not
through the actions; audit events carry placeholder hashes): 150 units (100 offices, 50 schools — the seeds'
"100 key offices"), N problems spread over the year 2026 in every status with their assignments, 签收 and 退单/重办
events, accepted 销号 applications, 回访 ratings with their opinions, red 督办 records, 通报批评 and 民主评议 answers.

Then it times `ranking.compute` (the page's and the API's code: every indicator and deduction of the default scheme,
scored and ranked) for 2026-Q4, and, as the ceiling, one hand-written SQL statement that computes the five
problem-table indicators (应办结/按期办结, 应签收/签收及时, 在办/销号, 立项/自查) per unit in a single GROUP BY.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from bench_ledger import recreate_database  # noqa: E402

BATCH = 5000
GRADES = ("satisfied", "fairly", "basic", "dissatisfied")
STATUSES = ["closed", "rectifying", "closed", "follow_up", "verifying", "assigned", "closed", "returned", "closed"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problems", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    url = args.database_url or f"sqlite:///{OUT / 'bench_assessment.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    if not args.reuse:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        insert(args.problems)
        from django.db import connection

        if connection.vendor == "postgresql":  # what autovacuum would have done by the time anyone asks
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"inserted {args.problems} problems in {time.perf_counter() - started:.0f} s")
    measure(args.repeat)


def _year_moment(i: int, n: int) -> dt.datetime:
    """Spread over 2026 (Beijing), in order."""
    from zoneinfo import ZoneInfo

    start = dt.datetime(2026, 1, 1, 8, tzinfo=ZoneInfo("Asia/Shanghai"))
    return start + dt.timedelta(seconds=int(i * (360 * 86400) / n))


def insert(n: int) -> None:
    from django.db import transaction

    from taizhang.accounts.models import Unit, UnitKind, User
    from taizhang.assessment.forms import DEFAULT_DEFINITION
    from taizhang.assessment.models import Scheme, SchemeVersion, Survey, SurveyAnswer
    from taizhang.audit.models import AuditEvent
    from taizhang.campaigns.models import Campaign
    from taizhang.followup.models import Rating
    from taizhang.intake.models import Opinion
    from taizhang.intake.personal import receipt_hash
    from taizhang.problems.models import Assignment, Category, ClosureApplication, Problem
    from taizhang.supervision.models import Accountability, Rung, SupervisionAction

    fields = {f.name for f in Problem._meta.get_fields()}
    with transaction.atomic():
        bureau = Unit.objects.create(name="基准县教育局", kind=UnitKind.BUREAU)
        units = [Unit.objects.create(name=f"第{k}股", kind=UnitKind.OFFICE, parent=bureau) for k in range(100)]
        units += [Unit.objects.create(name=f"第{k}学校", kind=UnitKind.SCHOOL, parent=bureau) for k in range(50)]
        user = User.objects.create(username="bench", full_name="基准测试", role="coordinator", unit=bureau)
        campaign = Campaign.objects.create(
            name="基准测试活动", code="BA2026", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
        )
        category = Category.objects.first()
        red = Rung.objects.filter(is_red=True).first()
        assert category is not None and red is not None
        now = _year_moment(n, n)
        for start in range(0, n, BATCH):
            rows = []
            for i in range(start, min(n, start + BATCH)):
                created = _year_moment(i, n)
                status = STATUSES[i % len(STATUSES)]
                deadline = (created + dt.timedelta(days=10 + i % 20)).date()
                done_at = created + dt.timedelta(days=5 + i % 25) if status in ("closed", "follow_up") else None
                problem = Problem(
                    campaign=campaign,
                    number=f"BA-{i + 1:07d}",
                    title="问题",
                    description="基准测试问题。",
                    category=category,
                    status=status,
                    source="self_found" if i % 6 == 0 else "exposed",
                    created_at=created,
                    created_by=user,
                    lead_unit=units[i % len(units)],
                    responsible_person="负责人",
                    measures="整改。",
                    kind="time_limited",
                    deadline=deadline,
                    assigned_at=created + dt.timedelta(hours=2),
                    sign_due_on=(created + dt.timedelta(days=1)).date(),
                    closed_at=done_at,
                    reopen_count=1 if i % 33 == 0 else 0,
                )
                if "signed_at" in fields and status not in ("assigned", "returned"):
                    problem.signed_at = created + dt.timedelta(hours=5 + 24 * (i % 3))
                if "returned_count" in fields and i % 20 == 0:
                    problem.returned_count = 1
                rows.append(problem)
            problems = Problem.objects.bulk_create(rows)
            Assignment.objects.bulk_create(
                Assignment(  # type: ignore[misc]  # bulk rows: the columns are set, mypy sees Optional sources
                    problem=p,
                    lead_unit_id=p.lead_unit_id,
                    responsible_person="负责人",
                    measures="整改。",
                    kind="time_limited",
                    deadline=p.deadline,
                    assigned_at=p.assigned_at,
                    assigned_by=user,
                )
                for p in problems
            )
            events = []
            for i, p in enumerate(problems, start=start):
                assert p.assigned_at is not None
                if p.status not in ("assigned", "returned"):
                    events.append((p, "problem_signed", p.assigned_at + dt.timedelta(hours=3 + 24 * (i % 3))))
                if i % 20 == 0:
                    events.append((p, "problem_returned", p.assigned_at + dt.timedelta(hours=1)))
                if i % 33 == 0:
                    events.append((p, "problem_reopened", p.assigned_at + dt.timedelta(days=3)))
            AuditEvent.objects.bulk_create(
                AuditEvent(
                    at=at,
                    actor=user,
                    actor_name="基准",
                    verb=verb,
                    problem=p,
                    summary="",
                    data={},
                    prev_hash="0" * 64,
                    hash=f"{p.pk:032x}{verb[:8]:>8}{k:024x}"[:64],
                )
                for k, (p, verb, at) in enumerate(events)
            )
            done = [p for p in problems if p.closed_at is not None]
            ClosureApplication.objects.bulk_create(
                ClosureApplication(  # type: ignore[misc]  # bulk rows: the columns are set, mypy sees Optional sources
                    problem=p,
                    applied_by=user,
                    applied_at=p.closed_at,
                    summary="已整改。",
                    decision="accepted",
                    decided_by=user,
                    decided_at=p.closed_at,
                )
                for p in done
            )
            rated = done[::2]
            opinions = Opinion.objects.bulk_create(
                Opinion(
                    campaign=campaign,
                    receipt_hash=receipt_hash(f"B{p.pk:09d}"),
                    channel="hotline_12345",
                    text="反映。",
                    received_at=p.created_at,
                    status="linked",
                )
                for p in rated
            )
            Rating.objects.bulk_create(
                Rating(
                    problem=p,
                    opinion=o,
                    round=0,
                    fixed=True,
                    via="phone",
                    satisfaction=("satisfied", "basic", "satisfied", "dissatisfied")[p.pk % 4],
                    created_at=(p.closed_at or now) + dt.timedelta(days=1),
                )
                for p, o in zip(rated, opinions, strict=True)
            )
            SupervisionAction.objects.bulk_create(
                SupervisionAction(  # type: ignore[misc]  # bulk rows: the columns are set, mypy sees Optional sources
                    problem=p,
                    unit_id=p.lead_unit_id,
                    rung=red,
                    round=1,
                    lapse="bench",
                    due_on=p.deadline,
                    fired_at=p.created_at + dt.timedelta(days=15),
                    recipient="单位",
                )
                for p in problems[::10]
            )
        for k, unit in enumerate(units[::7]):
            Accountability.objects.create(
                unit=unit,
                bundle_role="unit",
                sanction="public_criticism",
                reason="基准。",
                decided_on=dt.date(2026, 10 + k % 3, 5),
                recorded_by=user,
                recorded_at=now,
            )
        survey = Survey.objects.create(
            title="基准评议",
            opens_on=dt.date(2026, 10, 1),
            closes_on=dt.date(2026, 12, 31),
            public_token="bench",
            created_at=now,
            created_by=user,
        )
        survey.units.set(units)
        answers = [
            SurveyAnswer(
                survey=survey,
                unit=units[k % len(units)],
                grade=("satisfied", "fairly", "basic", "dissatisfied")[k % 4],
                via="public",
                voter_key=f"v{k:063d}",
                created_at=_year_moment(int(n * 0.8) + k % int(n * 0.2), n),
            )
            for k in range(20_000)
        ]
        SurveyAnswer.objects.bulk_create(answers, batch_size=BATCH)
        scheme = Scheme.objects.create(name="基准方案", created_at=now, created_by=user, current_number=1)
        SchemeVersion.objects.create(
            scheme=scheme, number=1, definition=DEFAULT_DEFINITION, created_at=now, created_by=user
        )


CEILING_SQL = """
SELECT p.lead_unit_id,
  COUNT(*) FILTER (WHERE p.deadline BETWEEN %(start)s AND %(end)s AND (p.status IN ('follow_up', 'closed')
                   OR (p.status IN ('assigned', 'rectifying', 'verifying') AND p.deadline < %(on)s))) AS due,
  COUNT(*) FILTER (WHERE p.deadline BETWEEN %(start)s AND %(end)s AND p.status IN ('follow_up', 'closed')
                   AND p.closed_at < %(deadline_end)s) AS on_time_approx,
  COUNT(*) FILTER (WHERE p.sign_due_on BETWEEN %(start)s AND %(end)s AND p.status NOT IN ('new', 'returned'))
                   AS sign_due,
  COUNT(*) FILTER (WHERE p.assigned_at < %(t1)s AND (p.closed_at IS NULL OR p.closed_at >= %(t0)s)
                   AND p.status NOT IN ('new', 'returned')) AS held,
  COUNT(*) FILTER (WHERE p.status IN ('follow_up', 'closed') AND p.closed_at >= %(t0)s AND p.closed_at < %(t1)s)
                   AS closed,
  COUNT(*) FILTER (WHERE p.created_at >= %(t0)s AND p.created_at < %(t1)s) AS created,
  COUNT(*) FILTER (WHERE p.created_at >= %(t0)s AND p.created_at < %(t1)s AND p.source = 'self_found') AS self_found
FROM problems_problem p
WHERE p.lead_unit_id IS NOT NULL
GROUP BY p.lead_unit_id
"""


def _ceiling(window: Any) -> int:
    from django.db import connection

    params = {
        "start": window.period.starts_on,
        "end": window.period.ends_on,
        "on": min(window.period.ends_on + dt.timedelta(days=1), dt.date(2026, 12, 31)),
        "deadline_end": window.end,
        "t0": window.start,
        "t1": window.end,
    }
    if connection.vendor == "sqlite":  # stored as naive UTC text there
        params = {
            k: connection.ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime) else v
            for k, v in params.items()
        }
    with connection.cursor() as cursor:
        cursor.execute(CEILING_SQL, params)
        return len(cursor.fetchall())


def measure(repeat: int) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from taizhang.assessment.indicators import Window, _on_problems
    from taizhang.assessment.models import SchemeVersion
    from taizhang.assessment.ranking import compute
    from taizhang.lib.scoring import parse_period
    from taizhang.problems.models import Problem

    period = parse_period("2026-Q4")
    version = SchemeVersion.objects.select_related("scheme").get()
    result = compute(version, period)  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        compute(version, period)
    n_queries = len(queries)  # read now: reset_queries() below empties the log it is a slice of
    times = []
    for _ in range(repeat):
        reset_queries()
        started = time.perf_counter()
        result = compute(version, period)
        times.append(time.perf_counter() - started)
    ceiling = []
    window = Window.of(period)
    for _ in range(repeat):
        started = time.perf_counter()
        _ceiling(window)
        ceiling.append(time.perf_counter() - started)
    units = [u for g in result["groups"] for u in (r["unit_id"] for r in g["units"])]
    same = []  # the ORM's query for the same four problem-table indicators, for a like-for-like ratio
    for _ in range(repeat):
        started = time.perf_counter()
        _on_problems(units, window, ["on_time_rate", "sign_timely_rate", "closure_rate", "self_found_rate"])
        same.append(time.perf_counter() - started)
    ranked = sum(1 for g in result["groups"] for r in g["units"] if r["rank"] is not None)
    print(f"database: {connection.vendor}, problems: {Problem.objects.count()}, units ranked: {ranked}")
    print(
        f"ranking 2026-Q4 (compute, {n_queries} queries): median {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms over {repeat}"
    )
    print(
        "the same four problem-table indicators through the ORM (one query): "
        f"median {statistics.median(same) * 1000:.0f} ms"
    )
    print(
        "ceiling (one SQL aggregate of the problem-table indicators): "
        f"median {statistics.median(ceiling) * 1000:.0f} ms, "
        f"max {max(ceiling) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
