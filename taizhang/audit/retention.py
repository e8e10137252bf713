"""Retention of the audit trail: events are kept at least RETENTION_DAYS, and pruning removes only the oldest part
of the chain that is verified and covered by an exported anchor.

prune_audit (the one deliberate way past the append-only triggers) verifies the whole trail, writes the events it
will remove to an archive file (one JSON line each, with its hash, so a reviewer holding the key can still check
them), leaves an AuditCheckpoint — the last removed event's id and hash, which the first remaining event links to,
and how many were removed, under a MAC — lifts the triggers for its own DELETE inside the same transaction, and
records the pruning as an audit event. verify_trail then checks the rest of the chain from the checkpoint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from taizhang.audit import triggers
from taizhang.audit.anchors import read_anchors
from taizhang.audit.events import _walk, chain_start, checkpoint_mac, record_event, verify_trail
from taizhang.audit.models import AuditCheckpoint, AuditEvent, AuditHead, Verb
from taizhang.clock import now, today

RETENTION_DAYS = 180


class PruneRefused(Exception):
    """Nothing may be removed; the message says why, in Chinese."""


@dataclass(frozen=True)
class PrunePlan:
    before: dt.date
    after_id: int  # the stored trail's start: events with a larger id are candidates
    through_id: int  # the last event to remove (0: nothing)
    count: int
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    anchor_last_id: int  # the newest verified anchor, which covers everything removed
    left_old: int  # events older than `before` that stay, because no anchor covers them yet


def plan_prune(before: dt.date) -> PrunePlan:
    """What pruning everything before the local day `before` would remove, or PruneRefused."""
    latest = today() - dt.timedelta(days=RETENTION_DAYS)
    if before > latest:
        raise PruneRefused(
            f"审计记录至少保留 {RETENTION_DAYS} 天：最多只能清理 {latest:%Y年%-m月%-d日} 之前的记录"
            f"（不含当日），不能清理 {before:%Y年%-m月%-d日} 之前的。"
        )
    verification = verify_trail()
    if not verification.intact:
        raise PruneRefused("审计记录未通过校验，不予清理：\n" + "\n".join(verification.findings))
    anchors, _problems = read_anchors()  # verify_trail has checked every one of them
    if not anchors:
        raise PruneRefused("还没有导出过锚点：先运行 anchor_audit 并把锚点文件保存到系统之外，再清理。")
    anchor_last_id = anchors[-1].last_id
    after_id, _prev, _pruned, _findings = chain_start()
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    first_young = AuditEvent.objects.filter(at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
    newest_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or after_id
    old_limit = first_young - 1 if first_young is not None else newest_id
    through_id = min(old_limit, anchor_last_id)
    segment = AuditEvent.objects.filter(id__gt=after_id, id__lte=through_id)
    count = segment.count()
    first_at = segment.order_by("id").values_list("at", flat=True).first()
    last_at = segment.order_by("-id").values_list("at", flat=True).first()
    left_old = AuditEvent.objects.filter(id__gt=max(through_id, after_id), id__lte=old_limit).count()
    return PrunePlan(before, after_id, through_id if count else 0, count, first_at, last_at, anchor_last_id, left_old)


@dataclass(frozen=True)
class Pruned:
    plan: PrunePlan
    checkpoint: AuditCheckpoint
    archive: Path
    event: AuditEvent


def prune(before: dt.date, archive_dir: Path, *, operator: str) -> Pruned:
    """Remove what plan_prune(before) names, in one transaction under the chain head's lock."""
    with transaction.atomic():
        AuditHead.objects.select_for_update().filter(pk=1).first()  # no append while the start of the chain moves
        plan = plan_prune(before)
        if not plan.count:
            raise PruneRefused("没有可清理的记录：保留期以外的记录都还没有被锚点覆盖，或已清理过。")
        _after_id, prev, pruned_before, _findings = chain_start()
        segment = AuditEvent.objects.filter(id__gt=plan.after_id, id__lte=plan.through_id)
        checked, broken, last = _walk(segment, prev)
        if broken is not None or last is None or checked != plan.count:
            raise PruneRefused("待清理的记录在清理时未通过校验，不予清理。先运行 verify_audit 查明原因。")
        archive, digest = _archive(segment, archive_dir, plan)
        try:
            checkpoint = AuditCheckpoint(
                at=now(),
                before=before,
                through_id=last.pk,
                through_hash=last.hash,
                pruned=pruned_before + plan.count,
                archive_sha256=digest,
            )
            checkpoint.mac = checkpoint_mac(checkpoint)
            checkpoint.save()
            _delete(segment, plan.count)
            event = record_event(
                Verb.AUDIT_PRUNED,
                actor=None,
                actor_name=operator,
                summary=(
                    f"清理 {before:%Y年%-m月%-d日} 之前、已由锚点覆盖的审计记录 {plan.count} 条"
                    f"（第 {plan.after_id + 1} 至 {last.pk} 条），归档文件 {archive.name}"
                ),
                data={
                    "before": before.isoformat(),
                    "from_id": plan.after_id + 1,
                    "through_id": last.pk,
                    "through_hash": last.hash,
                    "count": plan.count,
                    "pruned_total": checkpoint.pruned,
                    "anchor_last_id": plan.anchor_last_id,
                    "archive": archive.name,
                    "archive_sha256": digest,
                    "checkpoint": checkpoint.pk,
                },
            )
        except BaseException:
            archive.unlink()  # the transaction is undone: no archive of a pruning that did not happen
            raise
    return Pruned(plan, checkpoint, archive, event)


def _delete(segment: QuerySet[AuditEvent], expected: int) -> None:
    """The one DELETE the trail allows: the triggers are lifted inside the caller's transaction and put back before
    it commits, so no other session ever sees the table without them."""
    triggers.remove(connection)
    try:
        deleted, _ = segment.delete()
    finally:
        triggers.install(connection)
    if deleted != expected:
        raise PruneRefused("删除的条数与计划不符，已撤销。")


def _archive(segment: QuerySet[AuditEvent], archive_dir: Path, plan: PrunePlan) -> tuple[Path, str]:
    """The removed events, one JSON line each with everything its hash covers, written and synced before the
    DELETE; returns the file and its sha256. A name already there is never overwritten."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    path = archive_dir / f"audit-{plan.after_id + 1}-{plan.through_id}.jsonl"
    digest = hashlib.sha256()
    with path.open("x", encoding="utf-8") as out:
        for event in segment.order_by("id").iterator(chunk_size=5000):
            line = json.dumps(
                {
                    "id": event.pk,
                    "at": event.at.astimezone(dt.UTC).isoformat(),
                    "actor": event.actor_id,
                    "actor_name": event.actor_name,
                    "verb": event.verb,
                    "problem": event.problem_id,
                    "opinion": event.opinion_id,
                    "summary": event.summary,
                    "data": event.data,
                    "prev": event.prev_hash,
                    "hash": event.hash,
                },
                ensure_ascii=False,
                sort_keys=True,
                default=str,
            )
            out.write(line + "\n")
            digest.update((line + "\n").encode())
        out.flush()
        os.fsync(out.fileno())
    return path, digest.hexdigest()
