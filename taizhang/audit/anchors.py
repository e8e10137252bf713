"""Anchors of the audit chain, exported for safekeeping outside the system.

Once a day (`manage.py anchor_audit`, run by scripts/run and by cron in production) the part of the chain written
since the last anchor is verified and the head — the newest event's id and hash, how many events there are — is
appended as one JSON line, with an HMAC under the audit key, to settings.TAIZHANG_AUDIT_ANCHORS. The operator copies
that file off the machine (docs/operations.md). verify_trail then checks every anchor against the database: a
restored old copy, or a chain cut back and regrown, no longer holds the anchored heads, and an edited anchor line
fails its MAC.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from taizhang.audit.events import GENESIS, _walk, audit_key, latest_checkpoint
from taizhang.audit.models import AuditEvent, AuditHead
from taizhang.clock import now

if TYPE_CHECKING:
    from taizhang.audit.events import Verification


class AnchorError(Exception):
    """The chain or the anchor file is not intact: nothing is anchored over it."""


@dataclass(frozen=True)
class Anchor:
    at: str  # ISO 8601 with offset
    last_id: int
    count: int
    head: str
    mac: str

    @property
    def day(self) -> dt.date:
        return timezone.localdate(dt.datetime.fromisoformat(self.at))


def anchor_mac(at: str, last_id: int, count: int, head: str) -> str:
    message = f"taizhang-audit-anchor|{at}|{last_id}|{count}|{head}".encode()
    return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()


def anchors_path() -> Path:
    return Path(settings.TAIZHANG_AUDIT_ANCHORS)


def read_anchors() -> tuple[list[Anchor], list[str]]:
    """The anchors in the file, and what is wrong with it (a line that does not parse or fails its MAC)."""
    path = anchors_path()
    if not path.exists():
        return [], []
    anchors, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            anchor = Anchor(str(data["at"]), int(data["last_id"]), int(data["count"]), str(data["head"]), data["mac"])
        except (ValueError, KeyError, TypeError):
            problems.append(f"锚点文件第 {number} 行无法读取：文件被改动或损坏。")
            continue
        if not hmac.compare_digest(anchor.mac, anchor_mac(anchor.at, anchor.last_id, anchor.count, anchor.head)):
            problems.append(f"锚点文件第 {number} 行校验失败：锚点被改动，或不是用本系统的审计密钥生成的。")
            continue
        anchors.append(anchor)
    return anchors, problems


def check_anchors(verification: Verification) -> tuple[int, list[str]]:
    """Every anchor against the verified chain: its event still there with its hash, and (for the newest) as many
    events up to it as it counted."""
    anchors, problems = read_anchors()
    if not anchors:
        return 0, problems
    hashes = dict(AuditEvent.objects.filter(id__in=[a.last_id for a in anchors if a.last_id]).values_list("id", "hash"))
    checkpoint = latest_checkpoint()
    removed_id = checkpoint.through_id if checkpoint else 0
    if checkpoint is not None:
        hashes[checkpoint.through_id] = checkpoint.through_hash
    for anchor in anchors:
        if 0 < anchor.last_id < removed_id:
            continue  # its events were verified against it when prune_audit removed them (and archived)
        found = hashes.get(anchor.last_id) if anchor.last_id else GENESIS
        if found != anchor.head:
            what = "数据库中已没有这一条" if found is None else "这一条的哈希与锚点不同"
            problems.append(
                f"{anchor.day:%Y年%-m月%-d日}的锚点记录了链上第 {anchor.last_id} 条（共 {anchor.count} 条），{what}"
                "：数据库被恢复为旧副本、链尾被删除或整条链被重写。"
            )
    newest = anchors[-1]
    if newest.last_id and newest.last_id >= removed_id and newest.head == hashes.get(newest.last_id):
        counted = AuditEvent.objects.filter(id__lte=newest.last_id).count() + verification.pruned
        if counted != newest.count:
            problems.append(
                f"最近的锚点（{newest.day:%Y年%-m月%-d日}）之前应有 {newest.count} 条审计记录，现有 {counted} 条。"
            )
    return len(anchors), problems


def anchor_now(*, force: bool = False) -> Anchor | None:
    """Verify what was written since the last anchor and append a new one; None when today's anchor exists
    (unless `force`). Raises AnchorError, anchoring nothing, when the chain or the anchor file is not intact."""
    anchors, problems = read_anchors()
    if problems:
        raise AnchorError(" ".join(problems))
    latest = anchors[-1] if anchors else None
    moment = now()
    if latest is not None and not force and latest.day == timezone.localdate(moment):
        return None
    events = AuditEvent.objects.all()
    prev, count = GENESIS, 0
    last_id, head = 0, GENESIS
    checkpoint = latest_checkpoint()
    if checkpoint is not None and (latest is None or latest.last_id <= checkpoint.through_id):
        # The anchored part was pruned (or reached exactly): go on from where the stored trail begins.
        if latest is not None and latest.last_id == checkpoint.through_id and latest.head != checkpoint.through_hash:
            raise AnchorError("上一个锚点与审计检查点不符：先运行 verify_audit 查明原因。")
        events = events.filter(id__gt=checkpoint.through_id)
        prev, count, last_id, head = (
            checkpoint.through_hash,
            checkpoint.pruned,
            checkpoint.through_id,
            checkpoint.through_hash,
        )
    elif latest is not None:
        if latest.last_id and not AuditEvent.objects.filter(pk=latest.last_id, hash=latest.head).exists():
            raise AnchorError(f"上一个锚点记录的第 {latest.last_id} 条已不在链中：先运行 verify_audit 查明原因。")
        events = events.filter(id__gt=latest.last_id)
        prev, count, last_id, head = latest.head, latest.count, latest.last_id, latest.head
    checked, broken, last = _walk(events, prev)
    if broken is not None:
        raise AnchorError(f"审计记录第 {broken.pk} 条校验失败：链不完整，不予锚定。先运行 verify_audit 查明原因。")
    if last is not None:
        last_id, head = last.pk, last.hash
    stored = AuditHead.objects.filter(pk=1).values_list("last_hash", flat=True).first() or GENESIS
    newer = AuditEvent.objects.filter(id__gt=last_id).exists()  # appended while we walked: the head moved on
    if stored != head and not newer:
        raise AnchorError("链尾与链头不符：末尾的记录可能被删除，不予锚定。先运行 verify_audit 查明原因。")
    at = moment.isoformat()
    anchor = Anchor(at, last_id, count + checked, head, anchor_mac(at, last_id, count + checked, head))
    _append(anchor)
    return anchor


def _append(anchor: Anchor) -> None:
    path = anchors_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(asdict(anchor), ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())
