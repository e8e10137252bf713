"""Exact, incremental rollups for the whole body's 驾驶舱.

**Marks.** Database triggers (SQLite row triggers, PostgreSQL statement triggers over transition tables) append a
`RollupMark` for every 立项 day whose problems change in a column a figure reads, and for every day of receipt whose
opinions or links change — in the writer's own transaction, whatever wrote (an action, a bulk update, the admin, a
raw statement). A rating marks its problem's day; a category moving to another group marks every day.

**Refresh.** Before the rollups are read, `refresh()` takes the marks it can see, recomputes those days from the
ledger's rows — with the very `Term` conditions the raw figures use — and deletes exactly the marks it read, in one
transaction, one refresh at a time (SQLite's transactions are IMMEDIATE; PostgreSQL takes an advisory lock). A mark
is committed with the change it marks, so a refresh that sees a mark also sees the change; a change committed
after the refresh read the marks left its own mark behind for the next one. Nothing is incremented or decremented:
a day is always recounted whole, so a rollup cannot drift from the ledger.

**Reading.** The figures that depend on today (overdue, due, lights, 应签收, overdue by unit) are evaluated at read
time over `OpenCell`, which keeps the deadline and 签收时限 of every 在办 problem; the yellow light, whose warning
window depends on each problem's rule, is counted from the ledger over the few days of deadlines it can cover.

SQLite rebuilds a table when a migration alters it, which drops that table's triggers: `install_triggers` runs
after every `migrate` (apps.py), and a test checks they are present.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from taizhang.dashboard.models import DoneDay, OpenCell, OpinionDay, ProblemDay, RollupMark
from taizhang.followup.models import CONTENT, Rating
from taizhang.intake.models import Opinion, OpinionLink
from taizhang.problems.models import (
    ACTIVE_STATUSES,
    CategoryGroup,
    LocalDate,
    Problem,
    RectificationKind,
    Status,
    Term,
    _utc_offset_minutes,
)

# The day-independent terms kept in ProblemDay.counts (the rest are evaluated at read time over OpenCell).
DAY_TERMS = [
    "open", "closed", "done", "done_on_time", "ever_done", "reopened", "assigned_ever", "returned", "self_found",
    "signed", "signed_on_time", "followed_up", "follow_up_verified",
]  # fmt: skip
GROUP_BITS = {g.value: 1 << i for i, g in enumerate(CategoryGroup)}
DAYS_PER_QUERY = 200
LOCK_KEY = 0x74A1D45  # PostgreSQL advisory lock: one refresh at a time

# The columns whose change moves a problem's figures (statuses, terms, lights, groups, trend).
PROBLEM_COLUMNS = [
    "status", "kind", "category_id", "source", "campaign_id", "lead_unit_id", "deadline", "sign_due_on", "signed_at",
    "closed_at", "reopen_count", "assigned_at", "returned_count", "follow_up_due_on", "created_at",
]  # fmt: skip
OPINION_COLUMNS = ["campaign_id", "channel", "received_at"]


# ---------------------------------------------------------------- triggers


def _sqlite_day(column: str) -> str:
    return f"date({column}, '{_utc_offset_minutes():+d} minutes')"


def _pg_day(column: str) -> str:
    return f"(({column}) AT TIME ZONE '{settings.TIME_ZONE}')::date"


def _sqlite_statements() -> list[str]:
    day = _sqlite_day
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in PROBLEM_COLUMNS)
    opinion_changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in OPINION_COLUMNS)
    mark = "INSERT INTO dashboard_rollupmark (kind, day)"
    linked_opinion_days = (
        f"{mark} SELECT DISTINCT 'o', {day('o.received_at')} FROM intake_opinionlink l "
        "JOIN intake_opinion o ON o.id = l.opinion_id WHERE l.problem_id = NEW.id"
    )
    return [
        *_sqlite_drops(),
        f"CREATE TRIGGER tz_rollup_problem_ins AFTER INSERT ON problems_problem BEGIN "
        f"{mark} VALUES ('p', {day('NEW.created_at')}); END",
        f"CREATE TRIGGER tz_rollup_problem_upd AFTER UPDATE ON problems_problem WHEN {changed} BEGIN "
        f"{mark} VALUES ('p', {day('OLD.created_at')}); "
        f"{mark} SELECT 'p', {day('NEW.created_at')} WHERE {day('NEW.created_at')} IS NOT {day('OLD.created_at')}; "
        f"{linked_opinion_days} AND OLD.category_id IS NOT NEW.category_id; END",
        f"CREATE TRIGGER tz_rollup_problem_del AFTER DELETE ON problems_problem BEGIN "
        f"{mark} VALUES ('p', {day('OLD.created_at')}); END",
        f"CREATE TRIGGER tz_rollup_opinion_ins AFTER INSERT ON intake_opinion BEGIN "
        f"{mark} VALUES ('o', {day('NEW.received_at')}); END",
        f"CREATE TRIGGER tz_rollup_opinion_upd AFTER UPDATE ON intake_opinion WHEN {opinion_changed} BEGIN "
        f"{mark} VALUES ('o', {day('OLD.received_at')}), ('o', {day('NEW.received_at')}); END",
        f"CREATE TRIGGER tz_rollup_opinion_del AFTER DELETE ON intake_opinion BEGIN "
        f"{mark} VALUES ('o', {day('OLD.received_at')}); END",
        *(
            f"CREATE TRIGGER tz_rollup_link_{op.lower()} AFTER {op} ON intake_opinionlink BEGIN "
            f"{mark} SELECT 'o', {day('received_at')} FROM intake_opinion WHERE id = {row}.opinion_id; END"
            for op, row in (("INSERT", "NEW"), ("DELETE", "OLD"))
        ),
        f"CREATE TRIGGER tz_rollup_link_upd AFTER UPDATE ON intake_opinionlink BEGIN "
        f"{mark} SELECT 'o', {day('received_at')} FROM intake_opinion WHERE id IN (OLD.opinion_id, NEW.opinion_id); "
        "END",
        *(
            f"CREATE TRIGGER tz_rollup_rating_{op.lower()} AFTER {op} ON followup_rating BEGIN "
            f"{mark} SELECT 'p', {day('created_at')} FROM problems_problem WHERE id = {row}.problem_id; END"
            for op, row in (("INSERT", "NEW"), ("DELETE", "OLD"))
        ),
        f"CREATE TRIGGER tz_rollup_rating_upd AFTER UPDATE ON followup_rating BEGIN "
        f"{mark} SELECT 'p', {day('created_at')} FROM problems_problem WHERE id IN (OLD.problem_id, NEW.problem_id); "
        "END",
        f'CREATE TRIGGER tz_rollup_category_upd AFTER UPDATE ON problems_category WHEN OLD."group" IS NOT NEW."group" '
        f"BEGIN {mark} VALUES ('p', NULL), ('o', NULL); END",
    ]


SQLITE_TRIGGERS = [
    "tz_rollup_problem_ins", "tz_rollup_problem_upd", "tz_rollup_problem_del", "tz_rollup_opinion_ins",
    "tz_rollup_opinion_upd", "tz_rollup_opinion_del", "tz_rollup_link_insert", "tz_rollup_link_delete",
    "tz_rollup_link_upd", "tz_rollup_rating_insert", "tz_rollup_rating_delete", "tz_rollup_rating_upd",
    "tz_rollup_category_upd",
]  # fmt: skip


def _sqlite_drops() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


# PostgreSQL: one statement trigger per table and operation, reading the transition tables, so a bulk statement
# writes one INSERT … SELECT DISTINCT of its days instead of a mark per row.
_NEW = "NEW TABLE AS new_rows"
_OLD = "OLD TABLE AS old_rows"
_BOTH = f"{_OLD} {_NEW}"
PG_TRIGGERS = {
    # name: (table, operation, transition tables, body)
    "tz_rollup_problem_ins": ("problems_problem", "INSERT", _NEW, "problem_ins"),
    "tz_rollup_problem_upd": ("problems_problem", "UPDATE", _BOTH, "problem_upd"),
    "tz_rollup_problem_del": ("problems_problem", "DELETE", _OLD, "problem_del"),
    "tz_rollup_opinion_ins": ("intake_opinion", "INSERT", _NEW, "opinion_ins"),
    "tz_rollup_opinion_upd": ("intake_opinion", "UPDATE", _BOTH, "opinion_upd"),
    "tz_rollup_opinion_del": ("intake_opinion", "DELETE", _OLD, "opinion_del"),
    "tz_rollup_link_ins": ("intake_opinionlink", "INSERT", _NEW, "link_ins"),
    "tz_rollup_link_upd": ("intake_opinionlink", "UPDATE", _BOTH, "link_upd"),
    "tz_rollup_link_del": ("intake_opinionlink", "DELETE", _OLD, "link_del"),
    "tz_rollup_rating_ins": ("followup_rating", "INSERT", _NEW, "rating_ins"),
    "tz_rollup_rating_upd": ("followup_rating", "UPDATE", _BOTH, "rating_upd"),
    "tz_rollup_rating_del": ("followup_rating", "DELETE", _OLD, "rating_del"),
    "tz_rollup_category_upd": ("problems_category", "UPDATE", _BOTH, "category_upd"),
}  # fmt: skip


def _pg_bodies() -> dict[str, str]:
    day = _pg_day
    mark = "INSERT INTO dashboard_rollupmark (kind, day)"
    changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in PROBLEM_COLUMNS)
    opinion_changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in OPINION_COLUMNS)

    def opinion_days(rows: str) -> str:
        return (
            f"{mark} SELECT DISTINCT 'o', {day('op.received_at')} FROM {rows} r "
            "JOIN intake_opinion op ON op.id = r.opinion_id"
        )

    def rating_days(rows: str) -> str:
        return (
            f"{mark} SELECT DISTINCT 'p', {day('p.created_at')} FROM {rows} r "
            "JOIN problems_problem p ON p.id = r.problem_id"
        )

    return {
        "problem_ins": f"{mark} SELECT DISTINCT 'p', {day('created_at')} FROM new_rows",
        "problem_upd": (
            f"{mark} SELECT DISTINCT 'p', d FROM (SELECT {day('o.created_at')} AS d FROM new_rows n JOIN old_rows o "
            f"ON o.id = n.id WHERE {changed} UNION SELECT {day('n.created_at')} FROM new_rows n JOIN old_rows o "
            f"ON o.id = n.id WHERE {changed}) changed_days; "
            f"{mark} SELECT DISTINCT 'o', {day('op.received_at')} FROM new_rows n JOIN old_rows o ON o.id = n.id "
            "JOIN intake_opinionlink l ON l.problem_id = n.id JOIN intake_opinion op ON op.id = l.opinion_id "
            "WHERE n.category_id IS DISTINCT FROM o.category_id"
        ),
        "problem_del": f"{mark} SELECT DISTINCT 'p', {day('created_at')} FROM old_rows",
        "opinion_ins": f"{mark} SELECT DISTINCT 'o', {day('received_at')} FROM new_rows",
        "opinion_upd": (
            f"{mark} SELECT DISTINCT 'o', d FROM (SELECT {day('o.received_at')} AS d FROM new_rows n JOIN old_rows o "
            f"ON o.id = n.id WHERE {opinion_changed} UNION SELECT {day('n.received_at')} FROM new_rows n "
            f"JOIN old_rows o ON o.id = n.id WHERE {opinion_changed}) changed_days"
        ),
        "opinion_del": f"{mark} SELECT DISTINCT 'o', {day('received_at')} FROM old_rows",
        "link_ins": opinion_days("new_rows"),
        "link_upd": f"{opinion_days('new_rows')}; {opinion_days('old_rows')}",
        "link_del": opinion_days("old_rows"),
        "rating_ins": rating_days("new_rows"),
        "rating_upd": f"{rating_days('new_rows')}; {rating_days('old_rows')}",
        "rating_del": rating_days("old_rows"),
        "category_upd": (
            f"{mark} SELECT kind, NULL FROM (VALUES ('p'), ('o')) kinds(kind) WHERE EXISTS (SELECT 1 FROM new_rows n "
            'JOIN old_rows o ON o.id = n.id WHERE n."group" IS DISTINCT FROM o."group")'
        ),
    }


def _pg_statements() -> list[str]:
    bodies = _pg_bodies()
    out = []
    for name, (table, operation, transitions, body) in PG_TRIGGERS.items():
        out += [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {bodies[body]}; RETURN NULL; END $$",
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} AFTER {operation} ON {table} REFERENCING {transitions} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    return out


def install_triggers(conn: Any = None) -> None:
    """(Re)create every trigger; idempotent. Called after each migrate."""
    conn = conn or connection
    statements = {"sqlite": _sqlite_statements, "postgresql": _pg_statements}.get(conn.vendor)
    if statements is None:
        return
    with conn.cursor() as cursor:
        for sql in statements():
            cursor.execute(sql)


# Every table a trigger sits on or writes to.
TABLES = ["dashboard_rollupmark", "problems_problem", "problems_category", "intake_opinion", "intake_opinionlink"]
TABLES += ["followup_rating"]


def remove_triggers(conn: Any = None) -> None:
    conn = conn or connection
    if conn.vendor not in ("sqlite", "postgresql"):
        return
    tables = set(conn.introspection.table_names())
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            for sql in _sqlite_drops():
                cursor.execute(sql)
            return
        for name, (table, _operation, _transitions, _body) in PG_TRIGGERS.items():
            if table in tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")


def mark_everything(conn: Any = None) -> None:
    """Every day stale: the next refresh recounts all (after a migration, which the triggers did not watch)."""
    conn = conn or connection
    with conn.cursor() as cursor:
        cursor.execute("INSERT INTO dashboard_rollupmark (kind, day) VALUES ('p', NULL), ('o', NULL)")


def installed_triggers(conn: Any = None) -> set[str]:
    conn = conn or connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'tz_rollup_%'")
        else:
            cursor.execute("SELECT DISTINCT tgname FROM pg_trigger WHERE tgname LIKE 'tz_rollup_%'")
        return {row[0] for row in cursor.fetchall()}


def expected_triggers(conn: Any = None) -> set[str]:
    conn = conn or connection
    return set(SQLITE_TRIGGERS) if conn.vendor == "sqlite" else set(PG_TRIGGERS)


# ---------------------------------------------------------------- refresh


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _chunks(days: list[dt.date]) -> Iterable[list[dt.date]]:
    for i in range(0, len(days), DAYS_PER_QUERY):
        yield days[i : i + DAYS_PER_QUERY]


def _on_days(qs: QuerySet[Any], column: str, days: list[dt.date] | None) -> QuerySet[Any]:
    """Rows whose `column` falls on one of `days` (Beijing dates), annotated with that day as `d`."""
    qs = qs.annotate(d=LocalDate(column))
    if days is None:
        return qs
    return qs.filter(
        **{f"{column}__gte": _midnight(min(days)), f"{column}__lt": _midnight(max(days) + dt.timedelta(days=1))},
        d__in=days,
    )


def count_aggregates(terms: dict[str, Q]) -> dict[str, Any]:
    """Counts by status, kind and category group, and one per term: the dashboard's counting, kept or not."""
    aggregates: dict[str, Any] = {"total": Count("id")}
    aggregates |= {f"status_{s.value}": Count("id", filter=Q(status=s)) for s in Status}
    aggregates |= {f"kind_{k.value}": Count("id", filter=Q(kind=k)) for k in RectificationKind}
    aggregates["kind_none"] = Count("id", filter=Q(kind=""))
    aggregates |= {f"group_{g.value}": Count("id", filter=Q(category__group=g)) for g in CategoryGroup}
    aggregates |= {name: Count("id", filter=condition) for name, condition in terms.items()}
    return aggregates


def day_counts_aggregates() -> dict[str, Any]:
    """What ProblemDay.counts keeps: the same conditions as figures._problem_counts for what is day-independent."""
    aggregates = count_aggregates({name: getattr(Term, name)() for name in DAY_TERMS})
    # 应办结 = 办结 with a deadline (kept) + overdue (at read time)
    aggregates["done_with_deadline"] = Count("id", filter=Term.done() & Q(deadline__isnull=False))
    return aggregates


def _recount_problem_days(days: list[dt.date] | None) -> None:
    if days is None:
        ProblemDay.objects.all().delete()
        OpenCell.objects.all().delete()
        DoneDay.objects.all().delete()
    else:
        for stale in _chunks(days):
            ProblemDay.objects.filter(day__in=stale).delete()
            OpenCell.objects.filter(day__in=stale).delete()
            DoneDay.objects.filter(day__in=stale).delete()
    chunks: list[list[dt.date] | None] = list(_chunks(days)) if days is not None else [None]
    for chunk in chunks:
        problems = _on_days(Problem.objects.order_by(), "created_at", chunk)
        per_day: dict[tuple[dt.date, int], dict[str, int]] = {}
        for row in problems.values("d", "campaign_id").annotate(**day_counts_aggregates()):
            key = (row.pop("d"), row.pop("campaign_id"))
            per_day[key] = {k: v for k, v in row.items() if v}
        ratings = _on_days(Rating.objects.order_by(), "problem__created_at", chunk)
        for row in ratings.values("d", "problem__campaign_id").annotate(
            rated=Count("id"), content=Count("id", filter=Q(satisfaction__in=CONTENT))
        ):
            counts = per_day.setdefault((row["d"], row["problem__campaign_id"]), {})
            counts |= {k: row[k] for k in ("rated", "content") if row[k]}
        ProblemDay.objects.bulk_create(
            [ProblemDay(day=d, campaign_id=c, counts=counts) for (d, c), counts in per_day.items()], batch_size=500
        )
        waiting = Q(status=Status.ASSIGNED, signed_at__isnull=True, sign_due_on__isnull=False)
        # The conditions are counted, not filtered: a status filter would lead SQLite's planner away from the
        # 立项-time index onto the status index (every 在办 problem instead of one day's).
        open_rows = (
            problems.annotate(sd=Case(When(waiting, then="sign_due_on"), default=None))
            .values("d", "campaign_id", "lead_unit_id", "status", "deadline", "sd")
            .annotate(n=Count("id", filter=Q(Term.active(), deadline__isnull=False) | waiting))
        )
        OpenCell.objects.bulk_create(
            [
                OpenCell(
                    day=r["d"],
                    campaign_id=r["campaign_id"],
                    lead_unit_id=r["lead_unit_id"],
                    status=r["status"],
                    deadline=r["deadline"],
                    sign_due_on=r["sd"],
                    n=r["n"],
                )
                for r in open_rows
                if r["n"]
            ],
            batch_size=1000,
        )
        done_rows = (
            problems.annotate(cd=LocalDate("closed_at"))
            .values("d", "campaign_id", "cd")
            .annotate(n=Count("id", filter=Term.done()))
        )
        DoneDay.objects.bulk_create(
            [
                DoneDay(day=r["d"], campaign_id=r["campaign_id"], closed_on=r["cd"], n=r["n"])
                for r in done_rows
                if r["n"] and r["cd"] is not None
            ],
            batch_size=1000,
        )


def _groups_mask() -> Any:
    """The category groups of the problems behind an opinion, one bit each (0 when none or not linked)."""
    mask: Any = Value(0)
    for group, bit in GROUP_BITS.items():
        behind = OpinionLink.objects.filter(opinion=OuterRef("pk"), problem__category__group=group)
        mask = mask + Case(When(Exists(behind), then=Value(bit)), default=Value(0), output_field=IntegerField())
    return mask


def _recount_opinion_days(days: list[dt.date] | None) -> None:
    if days is None:
        OpinionDay.objects.all().delete()
    else:
        for stale in _chunks(days):
            OpinionDay.objects.filter(day__in=stale).delete()
    chunks: list[list[dt.date] | None] = list(_chunks(days)) if days is not None else [None]
    for chunk in chunks:
        rows = (
            _on_days(Opinion.objects.order_by(), "received_at", chunk)
            .annotate(
                linked=Exists(OpinionLink.objects.filter(opinion=OuterRef("pk"))),
                groups=_groups_mask(),
            )
            .values("d", "campaign_id", "channel", "linked", "groups")
            .annotate(n=Count("id"))
        )
        OpinionDay.objects.bulk_create(
            [
                OpinionDay(
                    day=r["d"],
                    campaign_id=r["campaign_id"],
                    channel=r["channel"],
                    linked=r["linked"],
                    groups=r["groups"],
                    n=r["n"],
                )
                for r in rows
            ],
            batch_size=1000,
        )


def refresh() -> int:
    """Recount every marked day; returns how many marks were taken. Cheap when nothing is marked (one query)."""
    if not RollupMark.objects.exists():
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        marks = list(RollupMark.objects.values_list("id", "kind", "day"))
        if not marks:
            return 0
        for kind, recount in (
            (RollupMark.PROBLEMS, _recount_problem_days),
            (RollupMark.OPINIONS, _recount_opinion_days),
        ):
            days = {day for _id, k, day in marks if k == kind}
            if not days:
                continue
            recount(None if None in days else sorted(d for d in days if d is not None))
        ids = [mark_id for mark_id, _kind, _day in marks]
        for i in range(0, len(ids), 900):
            RollupMark.objects.filter(id__in=ids[i : i + 900]).delete()
    return len(marks)


def rebuild() -> None:
    """Recount everything (after restoring a backup into a database without the triggers' history)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        RollupMark.objects.all().delete()
        _recount_problem_days(None)
        _recount_opinion_days(None)


# ---------------------------------------------------------------- reading


def counts_of(rows: Iterable[dict[str, int]]) -> dict[str, int]:
    """ProblemDay.counts of several days and campaigns, summed."""
    out: dict[str, int] = {}
    for counts in rows:
        for key, n in counts.items():
            out[key] = out.get(key, 0) + n
    return out


class Rollups:
    """The whole body's rollups over one campaign (or all) and 立项 / receipt days `start`..`end` (inclusive)."""

    def __init__(self, campaign_id: int | None, start: dt.date | None, end: dt.date | None) -> None:
        self.campaign_id, self.start, self.end = campaign_id, start, end

    def _filter(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        if self.campaign_id is not None:
            qs = qs.filter(campaign_id=self.campaign_id)
        if self.start is not None:
            qs = qs.filter(day__gte=self.start)
        if self.end is not None:
            qs = qs.filter(day__lte=self.end)
        return qs

    def problem_days(self) -> list[tuple[dt.date, dict[str, int]]]:
        return list(self._filter(ProblemDay.objects.order_by()).values_list("day", "counts"))

    def open_by_unit(self, on: dt.date, buckets: list[tuple[str, int, int | None]]) -> list[dict[str, Any]]:
        """Over the kept 在办 cells, summed by the database per lead unit in one pass, on day `on`: `overdue` with
        its days-late buckets (`low`..`high` days, inclusive), `in_time` (在办 with a deadline not passed yet) and
        `waiting_late` (待签收 past its 签收时限)."""
        lit = Q(status__in=ACTIVE_STATUSES, deadline__isnull=False)
        overdue = lit & Q(deadline__lt=on)

        def late(low: int, high: int | None) -> Q:
            cond = overdue & Q(deadline__lte=on - dt.timedelta(days=low))
            return cond & Q(deadline__gte=on - dt.timedelta(days=high)) if high is not None else cond

        rows = (
            self._filter(OpenCell.objects.order_by())
            .values("lead_unit_id")
            .annotate(
                overdue=Sum("n", filter=overdue),
                in_time=Sum("n", filter=lit & Q(deadline__gte=on)),
                waiting_late=Sum("n", filter=Q(sign_due_on__lt=on)),
                **{key: Sum("n", filter=late(low, high)) for key, low, high in buckets},
            )
        )
        return [{key: (value or 0) if key != "lead_unit_id" else value for key, value in r.items()} for r in rows]

    def done_by_day(self) -> list[tuple[dt.date, int]]:
        rows = self._filter(DoneDay.objects.order_by()).values("closed_on").annotate(total=Sum("n"))
        return [(r["closed_on"], r["total"]) for r in rows]

    def opinions_by_day(self) -> list[tuple[dt.date, int]]:
        rows = self._filter(OpinionDay.objects.order_by()).values("day").annotate(total=Sum("n"))
        return [(r["day"], r["total"]) for r in rows]

    def opinions_by_kind(self) -> list[dict[str, Any]]:
        """Summed by channel, whether linked, and the groups behind: a few dozen rows."""
        return list(
            self._filter(OpinionDay.objects.order_by()).values("channel", "linked", "groups").annotate(n=Sum("n"))
        )
