"""Append events to the tamper-evident audit trail. Call only inside the action's transaction.

Each event's hash is an HMAC-SHA256, under settings.TAIZHANG_AUDIT_KEY (kept outside the database), of its content
and the previous event's hash. Editing, inserting, deleting or swapping a row breaks a link; recomputing the chain
after an edit needs the key; a deleted tail no longer meets the head row (AuditHead); and a restored old copy no
longer holds the heads anchored since (taizhang.audit.anchors). verify_trail checks all of it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal

from taizhang.audit.models import AuditCheckpoint, AuditEvent, AuditHead, Verb
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
    return hmac.new(audit_key(), raw.encode(), hashlib.sha256).hexdigest()


def audit_key() -> bytes:
    return str(settings.TAIZHANG_AUDIT_KEY).encode()


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


def checkpoint_mac(checkpoint: AuditCheckpoint) -> str:
    message = (
        f"taizhang-audit-checkpoint|{checkpoint.at.astimezone(dt.UTC).isoformat()}|{checkpoint.before.isoformat()}|"
        f"{checkpoint.through_id}|{checkpoint.through_hash}|{checkpoint.pruned}|{checkpoint.archive_sha256}"
    )
    return hmac.new(audit_key(), message.encode(), hashlib.sha256).hexdigest()


def latest_checkpoint() -> AuditCheckpoint | None:
    """Where the stored trail begins: the newest pruning's checkpoint, or None (the chain starts at GENESIS)."""
    return AuditCheckpoint.objects.order_by("through_id").last()


def chain_start() -> tuple[int, str, int, list[str]]:
    """(last removed id, the hash the first stored event links to, events removed, findings) — (0, GENESIS, 0)
    until the first pruning. A checkpoint whose MAC fails, or events left at or below it, are findings."""
    checkpoint = latest_checkpoint()
    if checkpoint is None:
        return 0, GENESIS, 0, []
    findings = []
    if not hmac.compare_digest(checkpoint.mac, checkpoint_mac(checkpoint)):
        findings.append(
            f"审计检查点（清理至第 {checkpoint.through_id} 条）校验失败：检查点被改动，或不是用本系统的审计密钥生成的。"
        )
    left = AuditEvent.objects.filter(id__lte=checkpoint.through_id).count()
    if left:
        findings.append(
            f"检查点之前（第 {checkpoint.through_id} 条及以前）仍有 {left} 条记录：这些记录被插入或检查点被改动。"
        )
    return checkpoint.through_id, checkpoint.through_hash, checkpoint.pruned, findings


def verify_chain(batch_size: int = 5000) -> tuple[int, AuditEvent | None]:
    """Walk the stored trail in order from its start (GENESIS, or the newest pruning's checkpoint); return (events
    checked, first broken event or None)."""
    after_id, prev, _pruned, _findings = chain_start()
    checked, broken, _last = _walk(AuditEvent.objects.filter(id__gt=after_id), prev, batch_size)
    return checked, broken


def _walk(events: Any, prev: str, batch_size: int = 5000) -> tuple[int, AuditEvent | None, AuditEvent | None]:
    checked, last = 0, None
    for event in events.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev or event_digest(event) != event.hash:
            return checked, event, last
        prev = event.hash
        checked += 1
        last = event
    return checked, None, last


@dataclass
class Verification:
    """What verify_trail found: how many events it checked, and every finding in words (empty: intact)."""

    checked: int = 0
    pruned: int = 0  # removed by prune_audit before the stored trail's first event
    last_id: int = 0
    last_hash: str = GENESIS
    findings: list[str] = field(default_factory=list)
    anchors: int = 0

    @property
    def intact(self) -> bool:
        return not self.findings


def verify_trail(batch_size: int = 5000) -> Verification:
    """The chain link by link, its end against the head row, and every anchor exported so far against the chain."""
    from taizhang.audit.anchors import check_anchors

    result = Verification()
    after_id, prev, result.pruned, result.findings = chain_start()
    if result.findings:
        return result
    result.last_id, result.last_hash = after_id, prev
    checked, broken, last = _walk(AuditEvent.objects.filter(id__gt=after_id), prev, batch_size)
    result.checked = checked
    if last is not None:
        result.last_id, result.last_hash = last.pk, last.hash
    if broken is not None:
        result.findings.append(
            f"审计记录第 {broken.pk} 条校验失败（此前 {checked} 条完好）：记录被修改、插入、删除或调换了顺序。"
        )
        return result
    head = AuditHead.objects.filter(pk=1).values_list("last_hash", flat=True).first() or GENESIS
    if head != result.last_hash:
        result.findings.append(
            f"链尾与链头不符：链上最后一条是第 {result.last_id} 条，链头记录的却是另一条记录的哈希"
            "——末尾的记录被删除，或链头被改动。"
        )
    result.anchors, problems = check_anchors(result)
    result.findings += problems
    return result
