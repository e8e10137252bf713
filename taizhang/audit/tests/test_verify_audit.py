from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from taizhang.accounts.models import User
from taizhang.audit.anchors import AnchorError, anchor_now, read_anchors
from taizhang.audit.events import append_events, event_digest, new_event, verify_trail
from taizhang.audit.models import AuditEvent, AuditHead, Verb
from taizhang.audit.tests.tampering import KINDS, behind_the_triggers, tamper
from taizhang.problems.models import Status


@pytest.fixture(autouse=True)
def anchors_file(settings: Any, tmp_path: Path) -> Path:
    settings.TAIZHANG_AUDIT_ANCHORS = tmp_path / "anchors.jsonl"
    return Path(settings.TAIZHANG_AUDIT_ANCHORS)


def findings() -> str:
    return "\n".join(verify_trail().findings)


def test_it_passes_an_untouched_trail(make_problem: Any, capsys: Any) -> None:
    make_problem(Status.CLOSED)
    call_command("verify_audit")
    assert f"共 {AuditEvent.objects.count()} 条" in capsys.readouterr().out


def test_the_database_refuses_to_change_or_delete_an_event(make_problem: Any) -> None:
    make_problem(Status.CLOSED)
    victim = AuditEvent.objects.order_by("id")[2]
    for change in (
        lambda: AuditEvent.objects.filter(pk=victim.pk).update(summary="改过的说明"),
        lambda: AuditEvent.objects.filter(pk=victim.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()
    assert AuditEvent.objects.get(pk=victim.pk).summary == victim.summary


def test_it_catches_an_edited_event(make_problem: Any) -> None:
    make_problem(Status.CLOSED)
    victim = AuditEvent.objects.order_by("id")[2]
    with behind_the_triggers():
        AuditEvent.objects.filter(pk=victim.pk).update(summary="改过的说明")
    with pytest.raises(CommandError, match=f"第 {victim.pk} 条"):
        call_command("verify_audit")


def test_it_catches_a_deleted_event(make_problem: Any) -> None:
    make_problem(Status.CLOSED)
    victim = AuditEvent.objects.order_by("id")[1]
    following = AuditEvent.objects.filter(id__gt=victim.pk).order_by("id").first()
    assert following is not None
    with behind_the_triggers():
        AuditEvent.objects.filter(pk=victim.pk).delete()
    with pytest.raises(CommandError, match=f"第 {following.pk} 条"):
        call_command("verify_audit")


def test_it_catches_a_deleted_tail(make_problem: Any) -> None:
    """The newest events deleted (say, an administrator's unmasking of a 举报 reporter): every remaining link holds,
    but the chain no longer ends where the head row says."""
    make_problem(Status.CLOSED)
    newest = AuditEvent.objects.order_by("-id")[:3]
    with behind_the_triggers():
        AuditEvent.objects.filter(pk__in=[e.pk for e in newest]).delete()
    assert "链尾与链头不符" in findings()
    with pytest.raises(CommandError, match="链尾与链头不符"):
        call_command("verify_audit")


def test_a_chain_rewritten_without_the_key_does_not_verify(make_problem: Any) -> None:
    """Someone with the database but not the audit key edits an event and recomputes every later hash (and the
    head) with plain SHA-256, as the chain was computed before it had a key: the first rewritten link fails."""
    make_problem(Status.CLOSED)
    events = list(AuditEvent.objects.order_by("id"))
    start = 3
    prev = events[start - 1].hash
    with behind_the_triggers():
        for event in events[start:]:
            event.summary = event.summary + "（改）" if event is events[start] else event.summary
            event.prev_hash = prev
            raw = json.dumps({"e": event.pk, "s": event.summary, "p": prev}, sort_keys=True)
            event.hash = prev = hashlib.sha256(raw.encode()).hexdigest()
            AuditEvent.objects.filter(pk=event.pk).update(
                summary=event.summary, prev_hash=event.prev_hash, hash=event.hash
            )
        AuditHead.objects.filter(pk=1).update(last_hash=prev)
    assert f"第 {events[start].pk} 条校验失败" in findings()


def test_the_key_decides_the_hash(make_problem: Any, settings: Any) -> None:
    make_problem(Status.NEW)
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None and event_digest(event) == event.hash
    settings.TAIZHANG_AUDIT_KEY = "another-key"
    assert event_digest(event) != event.hash and verify_trail().findings


def test_an_anchor_is_written_once_a_day_and_checked(make_problem: Any, anchors_file: Path, capsys: Any) -> None:
    make_problem(Status.CLOSED)
    call_command("anchor_audit")
    call_command("anchor_audit")  # idempotent: today's anchor exists
    out = capsys.readouterr().out
    assert "已导出锚点" in out and "今天已导出锚点" in out
    anchors, problems = read_anchors()
    assert len(anchors) == 1 and not problems
    assert anchors[0].count == AuditEvent.objects.count() and anchors[0].last_id == AuditEvent.objects.latest("id").pk
    make_problem(Status.ASSIGNED)
    assert anchor_now(force=True) is not None  # only what was written since the last anchor is walked
    call_command("verify_audit")
    assert "与 2 个锚点相符" in capsys.readouterr().out


def test_a_restored_old_copy_is_caught_by_the_anchor(make_problem: Any) -> None:
    """Back up, write on (an unmasking, say), anchor, restore the backup: the old copy is a perfect chain with a
    matching head row — only the anchor, kept outside, knows what came after."""
    make_problem(Status.CLOSED)
    kept = AuditEvent.objects.latest("id").pk
    head_then = AuditHead.objects.get(pk=1).last_hash
    make_problem(Status.ASSIGNED)
    anchor_now()
    with behind_the_triggers():  # "restore" the copy taken before the second problem's events
        AuditEvent.objects.filter(id__gt=kept).delete()
        AuditHead.objects.filter(pk=1).update(last_hash=head_then)
    text = findings()
    assert "链尾与链头不符" not in text and "锚点" in text and "数据库被恢复为旧副本" in text


def test_an_edited_anchor_line_is_reported(make_problem: Any, anchors_file: Path) -> None:
    make_problem(Status.NEW)
    anchor_now()
    line = json.loads(anchors_file.read_text())
    line["count"] += 5
    anchors_file.write_text(json.dumps(line) + "\n")
    assert "锚点文件第 1 行校验失败" in findings()
    with pytest.raises(AnchorError):
        anchor_now(force=True)


def test_nothing_is_anchored_over_a_broken_chain(make_problem: Any, anchors_file: Path) -> None:
    make_problem(Status.CLOSED)
    with behind_the_triggers():
        AuditEvent.objects.filter(pk=AuditEvent.objects.order_by("id")[1].pk).update(summary="x")
    with pytest.raises(CommandError, match="未导出锚点"):
        call_command("anchor_audit")
    assert not anchors_file.exists()


def test_random_tampering_is_always_detected_and_an_intact_chain_never_alarms(cast: Any) -> None:
    """A CI-sized version of the acceptance run (bench/bench_audit_tamper.py: 100,000 events, 1,000 tamperings):
    2,000 events, then 200 random edits, deletions, insertions and swaps, each made behind the triggers and rolled
    back after verifying; verification names the first broken link each time, and passes the intact chain."""
    actor = User.objects.get(username=cast.coordinator.username)
    with transaction.atomic():
        append_events(
            [new_event(Verb.OPINION_RECEIVED, actor=actor, summary=f"第{i}条", data={"i": i}) for i in range(2000)]
        )
    assert verify_trail().intact
    ids = list(AuditEvent.objects.filter(summary__startswith="第").order_by("id").values_list("id", flat=True))
    assert ids == list(range(ids[0], ids[0] + 2000))
    rng = random.Random(20261205)
    for round_ in range(200):
        kind = KINDS[round_ % 4]
        with transaction.atomic():
            with behind_the_triggers():
                expected = tamper(kind, ids, rng)
            found = verify_trail()
            assert not found.intact, kind
            assert f"审计记录第 {expected} 条校验失败" in found.findings[0], (kind, expected, found.findings)
            transaction.set_rollback(True)
    assert verify_trail().intact
