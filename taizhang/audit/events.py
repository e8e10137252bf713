"""Append events to the tamper-evident audit trail. Call only inside the action's transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.dispatch import Signal

from taizhang.audit.models import AuditEvent, AuditHead, Verb
from taizhang.clock import now
from taizhang.lib.fastinsert import insert_new

if TYPE_CHECKING:
    from taizhang.accounts.models import User
    from taizhang.intake.models import Opinion
    from taizhang.problems.models import Problem

GENESIS = "0" * 64

# Sent with `events=` (stored, chained) inside the action's transaction, after every append: what is derived
# from the trail (the public follow page's snapshots) listens instead of every action remembering to tell it.
events_appended = Signal()


def event_digest(event: AuditEvent) -> str:
    payload = {
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "verb": event.verb,
        "problem": event.problem_id,
        "opinion": event.opinion_id,
        "summary": event.summary,
        "data": event.data,
        "prev": event.prev_hash,
    }
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def new_event(
    verb: Verb,
    *,
    actor: User | None,
    problem: Problem | None = None,
    opinion: Opinion | None = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
    actor_name: str | None = None,
) -> AuditEvent:
    """An unsaved event; `append_events` chains and stores it."""
    return AuditEvent(
        at=now(),
        actor=actor,
        actor_name=actor_name or (actor.display_name if actor else "系统"),
        verb=verb,
        problem=problem,
        opinion=opinion,
        summary=summary,
        data=data or {},
    )


def append_events(events: list[AuditEvent]) -> list[AuditEvent]:
    """Chain and store events in order under one lock of the chain head (bulk work stays one round trip)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events must be written inside the action's transaction")
    if not events:
        return events
    head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
    prev = head.last_hash
    for event in events:
        event.prev_hash = prev
        event.hash = prev = event_digest(event)
    insert_new(events)
    head.last_hash = prev
    head.save(update_fields=["last_hash"])
    events_appended.send(sender=AuditEvent, events=events)
    return events


def record_event(
    verb: Verb,
    *,
    actor: User | None,
    problem: Problem | None = None,
    opinion: Opinion | None = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
    actor_name: str | None = None,
) -> AuditEvent:
    event = new_event(
        verb, actor=actor, problem=problem, opinion=opinion, summary=summary, data=data, actor_name=actor_name
    )
    return append_events([event])[0]


def verify_chain(batch_size: int = 5000) -> tuple[int, AuditEvent | None]:
    """Walk the trail in order; return (events checked, first broken event or None)."""
    prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev or event_digest(event) != event.hash:
            return checked, event
        prev = event.hash
        checked += 1
    return checked, None
