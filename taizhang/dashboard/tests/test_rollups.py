"""The rollups give the same dashboard as counting the rows, for every scope and day, before and after every kind
of write — through the actions, a bulk update, a raw statement, a category moved to another group — because the
triggers mark each changed day and the refresh recounts it."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taizhang.dashboard import rollups
from taizhang.dashboard.figures import Scope, compute, uses_rollups
from taizhang.dashboard.models import OpenCell, ProblemDay, RollupMark
from taizhang.dashboard.tests.seed import TODAY, seed
from taizhang.followup.models import Rating, Satisfaction
from taizhang.intake.models import Opinion, OpinionLink
from taizhang.problems.models import Category, CategoryGroup, Problem, Status
from taizhang.supervision.tests.helpers import at

D = dt.date


@pytest.fixture
def county(cast: SimpleNamespace) -> SimpleNamespace:
    seed(cast)
    return cast


def scopes(county: SimpleNamespace, on: dt.date) -> list[Scope]:
    user = county.leader
    return [
        Scope(user, None, None, None, None, on),
        Scope(user, D(2026, 10, 11), D(2026, 10, 31), None, None, on),
        Scope(user, D(2026, 10, 20), None, None, None, on),
        Scope(user, None, D(2026, 10, 19), None, None, on),
        Scope(user, None, None, county.campaign2, None, on),
        Scope(user, D(2026, 10, 5), D(2026, 10, 5), county.campaign, None, on),
        Scope(user, D(2027, 1, 1), D(2027, 1, 31), None, None, on),  # a period with no data
    ]


def same(scope: Scope) -> dict[str, Any]:
    rolled = compute(scope, rollups=True)
    counted = compute(scope, rollups=False)
    assert rolled == counted
    return rolled


def test_the_rollups_give_the_counted_figures_for_every_scope_and_day(county: SimpleNamespace) -> None:
    assert uses_rollups(Scope(county.leader, None, None, None, None, TODAY))
    assert not uses_rollups(Scope(county.officer, None, None, None, None, TODAY))
    assert not uses_rollups(Scope(county.leader, None, None, None, county.school, TODAY))
    # The days before, on and after deadlines move problems between green, yellow and red.
    for on in (TODAY, TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=12), D(2026, 10, 20)):
        with time_machine.travel(at(on, 10), tick=False):
            for scope in scopes(county, on):
                figures = same(scope)
    whole = same(Scope(county.leader, None, None, None, None, TODAY))
    assert whole["problems"] > 10 and whole["by_light"]["red"] and whole["terms"]["sign_due"]
    assert whole["overdue_by_unit"] and whole["opinions"]["total"] and whole["rates"]["satisfied"]["denominator"]
    assert figures["problems"] == 0  # the last scope of the last day: a period with no data
    assert not RollupMark.objects.exists()


def test_every_kind_of_write_is_seen_by_the_next_read(county: SimpleNamespace) -> None:
    whole = Scope(county.leader, None, None, None, None, TODAY)
    with time_machine.travel(at(TODAY, 10), tick=False):
        before = same(whole)
        # A bulk update behind the actions' back, as an administrator's script would.
        moved = Problem.objects.filter(status=Status.RECTIFYING).update(deadline=TODAY - dt.timedelta(days=40))
        assert moved and RollupMark.objects.exists()
        after = same(whole)
        assert after["by_light"]["red"] > before["by_light"]["red"]
        # A raw statement.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE problems_problem SET returned_count = returned_count + 1 WHERE status = %s", ["closed"]
            )
        assert same(whole)["terms"]["returned"] > after["terms"]["returned"]
        # A category moved to another group: every problem and opinion behind it changes group.
        category = Category.objects.filter(problem__isnull=False).distinct().first()
        assert category is not None
        category.group = CategoryGroup.OTHER if category.group != CategoryGroup.OTHER else CategoryGroup.FOUR_WINDS
        category.save()
        regrouped = same(whole)
        assert regrouped["by_category_group"] != before["by_category_group"]
        # A rating, a link removed, an opinion moved to another day.
        problem = Problem.objects.filter(status__in=[Status.FOLLOW_UP, Status.CLOSED]).first()
        assert problem is not None
        rated = regrouped["rates"]["satisfied"]["denominator"]
        Rating.objects.create(
            problem=problem,
            round=problem.reopen_count,
            satisfaction=Satisfaction.SATISFIED,
            created_at=at(TODAY, 9),
            **_rating_extras(problem),
        )
        assert same(whole)["rates"]["satisfied"]["denominator"] == rated + 1
        link = OpinionLink.objects.first()
        assert link is not None
        link.delete()
        same(whole)
        opinion = Opinion.objects.order_by("id").first()
        assert opinion is not None
        Opinion.objects.filter(pk=opinion.pk).update(received_at=at(D(2026, 9, 1), 9))
        same(whole)
    assert not RollupMark.objects.exists()


def _rating_extras(problem: Problem) -> dict[str, Any]:
    """The other required columns of a rating, copied from one the seed made."""
    model = Rating._meta
    sample = Rating.objects.first()
    assert sample is not None
    extras = {}
    for field in model.concrete_fields:
        if field.name in ("id", "problem", "round", "satisfaction", "created_at"):
            continue
        extras[field.attname] = getattr(sample, field.attname)
    return extras


def test_a_read_with_nothing_marked_asks_one_question_and_a_refresh_recounts_only_marked_days(
    county: SimpleNamespace,
) -> None:
    rollups.refresh()
    with CaptureQueriesContext(connection) as queries:
        assert rollups.refresh() == 0
    assert len(queries) == 1
    kept_days = set(ProblemDay.objects.values_list("day", flat=True))
    assert len(kept_days) > 5
    problem = Problem.objects.order_by("id").first()
    assert problem is not None
    Problem.objects.filter(pk=problem.pk).update(kind=problem.kind)  # nothing a figure reads changed
    assert not RollupMark.objects.exists()
    Problem.objects.filter(pk=problem.pk).update(deadline=D(2027, 3, 1))
    marked = set(RollupMark.objects.values_list("day", flat=True))
    assert len(marked) == 1
    assert rollups.refresh() >= 1
    assert OpenCell.objects.filter(deadline=D(2027, 3, 1)).exists() or problem.status not in (
        Status.ASSIGNED,
        Status.RECTIFYING,
        Status.VERIFYING,
    )


@pytest.mark.django_db
def test_the_triggers_are_in_place_after_migrate() -> None:
    assert rollups.installed_triggers() == rollups.expected_triggers()


def test_the_command_puts_back_a_dropped_trigger_and_rebuilds(county: SimpleNamespace) -> None:
    dropped = "tz_rollup_problem_upd"
    with connection.cursor() as cursor:
        on_table = "" if connection.vendor == "sqlite" else " ON problems_problem"
        cursor.execute(f"DROP TRIGGER {dropped}{on_table}")
    assert dropped not in rollups.installed_triggers()
    out = StringIO()
    call_command("refresh_dashboard", "--rebuild", stdout=out)
    assert "补装触发器1个" in out.getvalue() and "全部重算" in out.getvalue()
    assert rollups.installed_triggers() == rollups.expected_triggers()
    with time_machine.travel(at(TODAY, 10), tick=False):
        same(Scope(county.leader, None, None, None, None, TODAY))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds a table to alter it; run once")
def test_migrations_run_beside_the_triggers_and_leave_every_day_to_recount(tmp_path: Any) -> None:
    """Migrating part of the way leaves no trigger writing to a marks table not yet created; migrating a ledger with
    data back and forth (SQLite rebuilds intake_opinion) keeps every link's opinion — with the triggers left in place
    during migrations, that rebuild once lost its foreign keys — and marks every day for a recount."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3", "TAIZHANG_VAR_DIR": str(tmp_path)}

    def manage(*args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args], env=env, check=True, cwd=settings.BASE_DIR, capture_output=True
        )

    def ask(sql: str) -> list[tuple[Any, ...]]:
        db = sqlite3.connect(tmp_path / "db.sqlite3")
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    triggers = "SELECT count(*) FROM sqlite_master WHERE name LIKE 'tz_rollup_%'"
    manage("migrate", "-v0", "intake", "0003")
    assert ask(triggers) == [(0,)]
    manage("migrate", "-v0")
    assert ask(triggers) == [(len(rollups.SQLITE_TRIGGERS),)]
    manage("load_demo", "--scale", "0.02")
    links = ask("SELECT count(*) FROM intake_opinionlink")[0][0]
    assert links > 10
    ask("DELETE FROM dashboard_rollupmark")
    manage("migrate", "-v0", "intake", "0005")
    manage("migrate", "-v0")
    assert ask("PRAGMA foreign_key_check") == []
    assert ask("SELECT count(*) FROM intake_opinionlink") == [(links,)]
    assert ask(triggers) == [(len(rollups.SQLITE_TRIGGERS),)]
    assert {("o", None), ("p", None)} <= set(ask("SELECT kind, day FROM dashboard_rollupmark"))
