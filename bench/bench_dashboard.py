"""驾驶舱 at scale: the whole dashboard (API and page) for the whole body over N problems, against the same figures
computed by hand-written SQL (the ceiling).

    .venv/bin/python bench/bench_dashboard.py --problems 100000
    .venv/bin/python bench/bench_dashboard.py --problems 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/taizhang_bench_dashboard

Creates its own database like bench_ledger.py (a SQLite file under bench/out/, or a PostgreSQL database whose name
contains "bench", dropped and recreated) and bulk-inserts the demo county's units and N problems with
bench_ledger's generator, then fills in what the dashboard reads and the ledger bench does not: 待回访, 签收 times
and 签收时限 (some late), 退单 and 重办 counts, 回访 windows, about 1.6 opinions per problem with their links
(duplicates, a few untriaged and unlinked) and one rating for most problems that went through 回访. Not through the
actions: no audit events, which the dashboard does not read.

Times, with time.perf_counter over --repeat runs after a warm-up, the full request through Django's test client
(session, middleware, view, JSON or template) for the coordinator: GET /api/v1/dashboard and GET /dashboard/, and
the dashboard's queries alone (figures.compute); then the hand-written SQL that computes the same numbers in as
few statements as the database allows (one statement with UNION ALL), checked to give the same totals.
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
sys.path.insert(0, str(ROOT / "bench"))

import bench_ledger  # noqa: E402  (the data generator and helpers this bench shares)
from bench_ledger import BATCH, OUT, percentile, recreate_database  # noqa: E402

OPINIONS_PER_PROBLEM = (1, 1, 1, 2, 2, 3)  # a mean of 1.67, duplicates included
UNTRIAGED_SHARE = 0.01


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(ROOT))
    OUT.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{OUT / 'bench_dashboard.sqlite3'}"
    if not args.reuse:
        recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    import django

    django.setup()
    DashboardBench(args, url).run()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problems", type=int, default=100_000, help="how many problems to insert (100000)")
    parser.add_argument("--database-url", help="postgres://…/taizhang_bench_…; default: a SQLite file in bench/out/")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each request (20)")
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run if it holds N rows")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    args.export_repeat = 0  # bench_ledger's header mentions it; nothing is exported here
    return args


class DashboardBench(bench_ledger.Bench):
    def run(self) -> None:
        from django.core.management import call_command

        from taizhang.problems.models import Problem

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        reused = self.args.reuse and Problem.objects.count() == self.n
        if not reused:
            self.insert()
            self.fill_in()
        insert_seconds = None if reused else time.perf_counter() - started
        self.analyze()
        self.describe(insert_seconds)
        self.bench_dashboard()

    # -- data -------------------------------------------------------------------------------------------------

    def fill_in(self) -> None:
        """What the dashboard reads beyond the ledger bench's rows, in batches of ids."""
        from django.db import transaction

        from taizhang.problems.models import Problem

        ids = list(Problem.objects.order_by("id").values_list("id", flat=True))
        for start in range(0, len(ids), BATCH):
            with transaction.atomic():
                self.fill_batch(ids[start : start + BATCH])
            if (start // BATCH + 1) % 10 == 0:
                print(f"  filled in {start + BATCH:,}/{len(ids):,} problems", file=sys.stderr)

    def fill_batch(self, ids: list[int]) -> None:
        from taizhang.followup.models import Rating
        from taizhang.intake.models import Opinion, OpinionLink
        from taizhang.problems.models import Problem

        rng = self.rng
        problems = list(Problem.objects.filter(id__in=ids).order_by("id"))
        now = dt.datetime.now(dt.UTC)
        for p in problems:
            if p.assigned_at is not None:
                p.sign_due_on = (p.assigned_at + dt.timedelta(days=3)).date()
                if p.status not in ("assigned", "new"):
                    p.signed_at = p.assigned_at + dt.timedelta(hours=rng.choice([2, 20, 40, 70, 100]))
                p.returned_count = 1 if rng.random() < 0.08 else 0
            if p.status == "closed":
                p.reopen_count = 1 if rng.random() < 0.06 else 0
                if p.origin_channel not in ("self_inspection", "covert_check", "inspection_feedback"):
                    p.follow_up_due_on = (p.closed_at or now).date() + dt.timedelta(days=7)
                    if rng.random() < 0.1:
                        p.status = "follow_up"
        Problem.objects.bulk_update(
            problems, ["sign_due_on", "signed_at", "returned_count", "reopen_count", "follow_up_due_on", "status"]
        )
        opinions: list[Any] = []
        owners: list[Problem | None] = []
        for p in problems:
            for _n in range(rng.choice(OPINIONS_PER_PROBLEM)):
                received = p.created_at - dt.timedelta(hours=rng.randint(0, 72))
                opinions.append(self.opinion(p.campaign_id, p.origin_channel, received, p.pk, len(opinions)))
                owners.append(p)
            if rng.random() < UNTRIAGED_SHARE:
                received = now - dt.timedelta(hours=rng.randint(1, 24 * 30))
                opinions.append(self.opinion(p.campaign_id, "hotline_12345", received, p.pk, len(opinions)))
                opinions[-1].status = "untriaged"
                owners.append(None)
        Opinion.objects.bulk_create(opinions)
        links = [
            OpinionLink(opinion=o, problem=p, linked_at=p.created_at, linked_by_id=p.created_by_id)
            for o, p in zip(opinions, owners, strict=True)
            if p is not None
        ]
        OpinionLink.objects.bulk_create(links)
        ratings = [
            Rating(
                problem=link.problem,
                opinion=link.opinion,
                round=link.problem.reopen_count,
                fixed=True,
                satisfaction=rng.choices(["satisfied", "basic", "dissatisfied"], weights=[80, 15, 5])[0],
                via="follow_page",
                created_at=link.problem.closed_at or now,
            )
            for link in links
            if link.problem.follow_up_due_on is not None and rng.random() < 0.7
        ]
        Rating.objects.bulk_create(ratings)

    def opinion(self, campaign_id: int, channel: str, received: dt.datetime, pk: int, n: int) -> Any:
        from taizhang.intake.models import Opinion
        from taizhang.intake.personal import receipt_hash

        return Opinion(
            campaign_id=campaign_id,
            receipt_hash=receipt_hash(f"B{pk:07d}{n:03d}"),
            channel=channel,
            text="基准测试意见。",
            received_at=received,
            status="linked",
        )

    def describe(self, insert_seconds: float | None) -> None:
        from taizhang.intake.models import Opinion

        self.header(insert_seconds)
        print(f"- plus {Opinion.objects.count():,} opinions with their links and the ratings of 回访\n")

    # -- measurements -----------------------------------------------------------------------------------------

    def bench_dashboard(self) -> None:
        from django.db.models import F
        from django.test import Client

        from taizhang.accounts.models import User
        from taizhang.clock import today
        from taizhang.dashboard.figures import Scope, compute

        coordinator = User.objects.get(username="bench-coord")
        client = Client()
        client.force_login(coordinator)
        scope = Scope(coordinator, None, None, None, None, today())
        body: dict[str, Any] = {}

        def api() -> None:
            response = client.get("/api/v1/dashboard")
            assert response.status_code == 200, response.content[:300]
            body.update(response.json())

        def page() -> None:
            assert client.get("/dashboard/").status_code == 200

        from taizhang.dashboard import rollups
        from taizhang.dashboard.models import RollupMark
        from taizhang.problems.models import Problem

        # The bulk load marked every day: the first read recounts them all (what an upgrade or a restore costs once).
        marks = RollupMark.objects.count()
        started = time.perf_counter()
        rollups.refresh()
        seconds = time.perf_counter() - started
        print(f"first refresh after loading: {marks:,} marks, every day recounted in {seconds:.1f} s")
        print()
        problem_ids = list(Problem.objects.order_by("?").values_list("id", flat=True)[: self.args.repeat + 2])
        touched = iter(problem_ids)

        def api_after_write() -> None:
            """Not timed: one problem's deadline moves a day (an extension), marking its 立项 day."""
            pk = next(touched)
            Problem.objects.filter(pk=pk, deadline__isnull=False).update(deadline=F("deadline") + dt.timedelta(days=1))

        week = Scope(coordinator, today() - dt.timedelta(days=6), today(), None, None, today())
        cases: list[tuple[str, Any, Any]] = [
            ("GET /api/v1/dashboard (whole body, coordinator)", api, None),
            ("GET /api/v1/dashboard right after a write (one day recounted)", api, api_after_write),
            ("GET /dashboard/ (the page, with tables and chart data)", page, None),
            ("figures.compute alone (the dashboard's queries, from the rollups)", lambda: compute(scope), None),
            ("figures.compute, the last 7 days (from the rollups)", lambda: compute(week), None),
            (
                "figures.compute counting the rows (rollups off: a unit's way)",
                lambda: compute(scope, rollups=False),
                None,
            ),
            ("hand-written SQL over the rows, one statement (the ceiling)", self.ceiling, None),
        ]
        print("| dashboard, whole body | median ms | p95 ms |")
        print("|---|---:|---:|")
        for label, run, before in cases:
            samples = []
            run()  # warm-up
            for _ in range(self.args.repeat):
                if before is not None:
                    before()
                started = time.perf_counter()
                run()
                samples.append(time.perf_counter() - started)
            print(f"| {label} | {statistics.median(samples) * 1000:.0f} | {percentile(samples, 0.95) * 1000:.0f} |")
        print()
        self.check_ceiling(body)
        assert compute(scope) == compute(scope, rollups=False), "the rollups disagree with counting the rows"
        print("checked: the rollups give the same figures as counting the rows")

    def ceiling_sql(self) -> tuple[str, list[Any]]:
        """The dashboard's numbers as one statement: the problem counts and the lights in one pass, then opinions
        by channel, links by group, the unlinked opinions, overdue by unit and bucket, the three trend series, the
        untriaged inbox's ages and the ratings, as UNION ALL rows (kind, key, value)."""
        from django.utils import timezone

        from taizhang.supervision.config import get_config

        on = timezone.localdate()
        config = get_config()
        pg = self.vendor == "postgresql"
        add = config.calendar.add_workdays
        # The last deadline that is yellow today, by each kind's rule (the bench has no category-specific rules).
        whens = " ".join(
            f"WHEN p.kind = '{kind}' THEN '{add(on, config.rule_for(None, kind).warn_workdays)}'"
            for kind in ("immediate", "time_limited", "long_term")
        )
        default = config.calendar.add_workdays(on, config.rule_for(None, "").warn_workdays)
        warn_until = (
            f"CAST(CASE {whens} ELSE '{default}' END AS DATE)" if pg else f"(CASE {whens} ELSE '{default}' END)"
        )

        def end_of(col: str) -> str:
            if pg:
                return f"(({col} + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')"
            return f"datetime({col}, '+1 day', '-480 minutes')"

        def week(col: str) -> str:
            if pg:
                return f"date_trunc('week', {col} AT TIME ZONE 'Asia/Shanghai')"
            return f"date(datetime({col}, '+480 minutes'), 'weekday 0', '-6 days')"

        def ago(days: int) -> str:
            return f"%(on)s::date - {days}" if pg else f"date(%(on)s, '-{days} days')"

        active = "p.status IN ('assigned','rectifying','verifying')"
        done = "p.status IN ('follow_up','closed')"
        counts = {
            "total": "1=1",
            **{
                f"status_{s}": f"p.status='{s}'"
                for s in ("new", "assigned", "returned", "rectifying", "verifying", "follow_up", "closed")
            },
            **{f"kind_{k}": f"p.kind='{k}'" for k in ("immediate", "time_limited", "long_term", "")},
            **{f"group_{g}": f"c.\"group\"='{g}'" for g in ("four_winds", "people_interests", "last_mile", "other")},
            "overdue": f"{active} AND p.deadline < %(on)s",
            "yellow": f"{active} AND p.deadline >= %(on)s AND p.deadline <= {warn_until}",
            "green": f"{active} AND p.deadline > {warn_until}",
            "closed": "p.status='closed'",
            "due": f"({done} AND p.deadline IS NOT NULL) OR ({active} AND p.deadline < %(on)s)",
            "done_on_time": f"{done} AND p.deadline IS NOT NULL AND p.closed_at < {end_of('p.deadline')}",
            "ever_done": f"{done} OR p.reopen_count > 0",
            "reopened": "p.reopen_count > 0",
            "assigned_ever": "p.assigned_at IS NOT NULL",
            "returned": "p.returned_count > 0",
            "self_found": "p.source='self_found'",
            "sign_due": "p.signed_at IS NOT NULL OR (p.status='assigned' AND p.sign_due_on < %(on)s)",
            "signed_on_time": f"p.signed_at IS NOT NULL AND p.signed_at < {end_of('p.sign_due_on')}",
            "followed_up": f"{done} AND p.follow_up_due_on IS NOT NULL",
            "follow_up_verified": f"{done} AND p.follow_up_due_on IS NOT NULL AND EXISTS (SELECT 1 FROM "
            "followup_rating r WHERE r.problem_id = p.id AND r.round = p.reopen_count)",
        }
        columns = ", ".join(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)" for cond in counts.values())
        unpivot = " UNION ALL ".join(f"SELECT 'problem', '{name}', v{i} FROM totals" for i, name in enumerate(counts))
        names = ", ".join(f"v{i}" for i in range(len(counts)))
        sql = f"""
        WITH totals ({names}) AS (
            SELECT {columns} FROM problems_problem p JOIN problems_category c ON c.id = p.category_id
        )
        {unpivot}
        UNION ALL SELECT 'channel', channel, COUNT(*) FROM intake_opinion GROUP BY channel
        UNION ALL SELECT 'opinion_group', c."group", COUNT(DISTINCT l.opinion_id) FROM intake_opinionlink l
            JOIN problems_problem p ON p.id = l.problem_id JOIN problems_category c ON c.id = p.category_id
            GROUP BY c."group"
        UNION ALL SELECT 'opinion_group', 'none', COUNT(*) FROM intake_opinion o
            WHERE NOT EXISTS (SELECT 1 FROM intake_opinionlink l WHERE l.opinion_id = o.id)
        UNION ALL SELECT 'overdue_unit', CAST(p.lead_unit_id AS TEXT) || ':' ||
            CASE WHEN p.deadline >= {ago(7)} THEN 'd1_7' WHEN p.deadline >= {ago(30)} THEN 'd8_30'
                 WHEN p.deadline >= {ago(90)} THEN 'd31_90' ELSE 'd91' END, COUNT(*)
            FROM problems_problem p WHERE {active} AND p.deadline < %(on)s GROUP BY 2
        UNION ALL SELECT 'created', CAST({week("created_at")} AS TEXT), COUNT(*) FROM problems_problem GROUP BY 2
        UNION ALL SELECT 'done', CAST({week("closed_at")} AS TEXT), COUNT(*) FROM problems_problem p WHERE {done}
            GROUP BY 2
        UNION ALL SELECT 'received', CAST({week("received_at")} AS TEXT), COUNT(*) FROM intake_opinion GROUP BY 2
        UNION ALL SELECT 'untriaged', 'total', COUNT(*) FROM intake_opinion WHERE status = 'untriaged'
        UNION ALL SELECT 'rated', satisfaction, COUNT(*) FROM followup_rating GROUP BY satisfaction
        """
        return sql, {"on": on}  # type: ignore[return-value]

    def ceiling(self) -> list[tuple[Any, ...]]:
        from django.db import connection

        sql, params = self.ceiling_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows

    def check_ceiling(self, body: dict[str, Any]) -> None:
        """The hand-written SQL must count what the dashboard counts, or it is no ceiling."""
        rows = self.ceiling()
        problem = {key: value for kind, key, value in rows if kind == "problem"}
        channels = {key: value for kind, key, value in rows if kind == "channel"}
        rated = sum(value for kind, _key, value in rows if kind == "rated")
        agree = {
            "problems": problem["total"] == body["problems"],
            "by_status": all(problem[f"status_{s}"] == n for s, n in body["by_status"].items()),
            "red/yellow/green": (problem["overdue"], problem["yellow"], problem["green"])
            == (body["by_light"]["red"], body["by_light"]["yellow"], body["by_light"]["green"]),
            "rates": all(
                problem[term] == body["terms"][term] for term in body["terms"] if term not in ("open", "done")
            ),
            "opinions by channel": all(channels.get(c, 0) == n for c, n in body["opinions"]["by_channel"].items()),
            "ratings": rated == body["rates"]["satisfied"]["denominator"],
        }
        print("- the ceiling counts the same: " + ", ".join(f"{k} {'✓' if v else '✗'}" for k, v in agree.items()))
        if not all(agree.values()):
            sys.exit("the hand-written SQL and the dashboard disagree")


if __name__ == "__main__":
    main()
