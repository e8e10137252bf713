"""The sweep behind `manage.py supervise`: claim due problems with a conditional UPDATE, fire their rungs.

Claiming: one short transaction selects due rows (skipping rows another scheduler has locked, where the
database can) and moves `next_check_at` to this sweep's own lease token with `UPDATE … WHERE next_check_at <=
now`; only rows that now carry the token are this sweep's. A second scheduler can neither select nor update
them. Each problem is then processed in its own savepoint, and its last write is conditional on the token
again, so a person's action in between (or a lease that ran out) rolls that problem back untouched.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count

from taizhang.accounts.models import Unit
from taizhang.clock import now, today
from taizhang.problems.models import Problem
from taizhang.supervision.actions import LeaseLost, do_issue_unit_notice, do_supervise_batch, do_supervise_problem
from taizhang.supervision.config import get_config
from taizhang.supervision.models import SchedulerJob, SupervisionAction, Trigger
from taizhang.supervision.notify import Recipients, send_digests

log = logging.getLogger("taizhang.supervise")

BATCH_SIZE = 500
LEASE = dt.timedelta(minutes=10)
RETRY_AFTER = dt.timedelta(hours=1)
UNIT_JOB = "unit_backlog"


@dataclass
class SweepResult:
    claimed: int = 0
    fired: int = 0
    failed: list[int] = field(default_factory=list)
    lost: int = 0
    unit_notices: int = 0
    digests: int = 0
    follow_ups_closed: int = 0


def _lease_token(at: dt.datetime) -> dt.datetime:
    # Unique per sweep (microseconds are random), so "rows holding my token" means "rows I claimed".
    return at.replace(microsecond=random.randrange(1_000_000)) + LEASE


def claim_due(at: dt.datetime, limit: int) -> tuple[dt.datetime, list[int]]:
    token = _lease_token(at)
    with transaction.atomic():
        due = Problem.objects.filter(next_check_at__lte=at).order_by("next_check_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        if not ids:
            return token, []
        Problem.objects.filter(pk__in=ids, next_check_at__lte=at).update(next_check_at=token)
        claimed = list(Problem.objects.filter(pk__in=ids, next_check_at=token).values_list("id", flat=True))
    return token, claimed


def _fired_sets(ids: list[int], problems: dict[int, Problem]) -> dict[int, set[tuple[int, str]]]:
    fired: dict[int, set[tuple[int, str]]] = defaultdict(set)
    rows = SupervisionAction.objects.filter(problem_id__in=ids).values_list("problem_id", "rung_id", "round", "lapse")
    for problem_id, rung_id, round_, lapse in rows:
        if round_ == problems[problem_id].supervision_round:
            fired[problem_id].add((rung_id, lapse))
    return fired


def process_batch(token: dt.datetime, ids: list[int], result: SweepResult) -> None:
    config = get_config()
    problems = Problem.objects.select_related("lead_unit").in_bulk(ids)
    fired = _fired_sets(ids, problems)
    try:
        outcome = do_supervise_batch(list(problems.values()), lease=token, fired=fired, config=config)
    except Exception:
        log.exception("supervise: batch of %d failed as a whole; retrying one problem at a time", len(ids))
        process_one_by_one(token, problems, fired, result)
        return
    result.fired += outcome.fired
    result.lost += len(outcome.lost)
    _retry_later(token, outcome.failed, result)


def process_one_by_one(
    token: dt.datetime, problems: dict[int, Problem], fired: dict[int, set[tuple[int, str]]], result: SweepResult
) -> None:
    config = get_config()
    recipients = Recipients()
    failed = []
    for pk, problem in problems.items():
        try:
            actions = do_supervise_problem(problem, lease=token, fired=fired[pk], config=config, recipients=recipients)
        except LeaseLost:
            result.lost += 1
        except Exception:
            # One bad row must not stop the sweep: its transaction is rolled back; look again later.
            log.exception("supervise: problem %s failed", pk)
            failed.append(pk)
        else:
            result.fired += len(actions)
    _retry_later(token, failed, result)


def _retry_later(token: dt.datetime, failed: list[int], result: SweepResult) -> None:
    if failed:
        result.failed += failed
        Problem.objects.filter(pk__in=failed, next_check_at=token).update(next_check_at=now() + RETRY_AFTER)


def run_unit_backlog(on: dt.date, result: SweepResult) -> None:
    """Once a day: 整改通知单 to each unit with at least N overdue open problems (claimed like a row)."""
    rungs = get_config().rungs_by_trigger(Trigger.UNIT_BACKLOG)
    if not rungs:
        return
    if not SchedulerJob.claim(UNIT_JOB, on):
        return
    open_overdue = Problem.objects.overdue_unapplied(on)
    for rung in rungs:
        threshold = max(rung.offset_workdays, 1)
        counts = (
            open_overdue.values("lead_unit_id")
            .annotate(n=Count("id"))
            .filter(n__gte=threshold)
            .order_by("lead_unit_id")
        )
        for row in counts:
            unit = Unit.objects.get(pk=row["lead_unit_id"])
            problems = list(open_overdue.filter(lead_unit=unit).order_by("deadline", "id"))
            try:
                if do_issue_unit_notice(unit, rung, problems=problems, on=on, config=get_config()):
                    result.unit_notices += 1
            except Exception:
                log.exception("supervise: unit notice for unit %s failed", unit.pk)


def sweep(batch_size: int = BATCH_SIZE, max_batches: int | None = None) -> SweepResult:
    """Fire everything due now; returns what happened. Safe to run in several processes at once."""
    from taizhang.followup.actions import finish_due_follow_ups

    result = SweepResult()
    # 回访 windows that are over close first, so their 解决问题报告单 is due in this very sweep.
    result.follow_ups_closed = finish_due_follow_ups(today())
    at = now()
    batches = 0
    while max_batches is None or batches < max_batches:
        token, ids = claim_due(at, batch_size)
        if not ids:
            break
        result.claimed += len(ids)
        process_batch(token, ids, result)
        batches += 1
    run_unit_backlog(today(), result)
    result.digests = send_digests()
    return result
