"""prune_audit: past the 180 days' retention, only as far as a verified anchor covers, archived first, behind a
checkpoint that verify_audit starts from, and itself an audit event."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from taizhang.audit import triggers
from taizhang.audit.anchors import anchor_now
from taizhang.audit.events import record_event, verify_trail
from taizhang.audit.models import AuditCheckpoint, AuditEvent, Verb
from taizhang.clock import travel_to

DAY0 = timezone.make_aware(dt.datetime(2026, 1, 10, 10, 0))
TODAY = DAY0 + dt.timedelta(days=200)
BEFORE = (DAY0 + dt.timedelta(days=20)).date()  # the latest day 180 days' retention allows on TODAY


@pytest.fixture(autouse=True)
def anchors_file(settings: Any, tmp_path: Path) -> Path:
    settings.TAIZHANG_AUDIT_ANCHORS = tmp_path / "anchors.jsonl"
    return Path(settings.TAIZHANG_AUDIT_ANCHORS)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return tmp_path / "archive"


def events_on(moment: dt.datetime, count: int, label: str) -> list[int]:
    with travel_to(moment), transaction.atomic():
        return [record_event(Verb.CALENDAR_SAVED, actor=None, summary=f"{label}{i}").pk for i in range(count)]


def anchor_on(moment: dt.datetime) -> None:
    with travel_to(moment):
        assert anchor_now(force=True) is not None


@contextlib.contextmanager
def behind_the_triggers() -> Iterator[None]:
    triggers.remove(connection)
    try:
        yield
    finally:
        triggers.install(connection)


def prune(archive: Path, before: dt.date = BEFORE, *extra: str) -> str:
    out: list[str] = []

    class Out:
        def write(self, text: str) -> None:
            out.append(text)

        def flush(self) -> None:
            pass

    with travel_to(TODAY):
        call_command("prune_audit", "--before", before.isoformat(), "--archive", str(archive), *extra, stdout=Out())
    return "".join(out)


@pytest.fixture
def trail(db: Any) -> dict[str, list[int]]:
    """20 events on day 0, anchored; 10 on day 5, not yet anchored; 5 on day 200 (today)."""
    old = events_on(DAY0, 20, "一月")
    anchor_on(DAY0 + dt.timedelta(hours=1))
    later = events_on(DAY0 + dt.timedelta(days=5), 10, "一月中")
    young = events_on(TODAY - dt.timedelta(hours=2), 5, "今日")
    return {"old": old, "later": later, "young": young}


def test_it_removes_only_the_anchored_old_segment_and_the_rest_still_verifies(
    trail: dict[str, list[int]], archive: Path, capsys: Any
) -> None:
    said = prune(archive, BEFORE, "--dry-run")
    assert "将清理 20 条" in said and "另有 10 条" in said and AuditEvent.objects.count() == 35
    assert not archive.exists() and not AuditCheckpoint.objects.exists()

    said = prune(archive)
    assert "已清理 20 条" in said
    assert not AuditEvent.objects.filter(id__in=trail["old"]).exists()
    assert AuditEvent.objects.filter(id__in=trail["later"] + trail["young"]).count() == 15
    checkpoint = AuditCheckpoint.objects.get()
    assert (checkpoint.through_id, checkpoint.pruned, checkpoint.before) == (trail["old"][-1], 20, BEFORE)
    # The archive holds every removed event with its hash; the checkpoint and the audit event name its sha256.
    (path,) = archive.iterdir()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == trail["old"]
    assert json.loads(lines[-1])["hash"] == checkpoint.through_hash
    assert hashlib.sha256(path.read_bytes()).hexdigest() == checkpoint.archive_sha256
    event = AuditEvent.objects.get(verb=Verb.AUDIT_PRUNED)
    assert event.data["count"] == 20 and event.data["archive_sha256"] == checkpoint.archive_sha256
    assert event.actor_name.startswith("系统（prune_audit")

    call_command("verify_audit")
    assert "共 16 条（另有 20 条已按保留期限清理" in capsys.readouterr().out
    # The triggers are back: the application still cannot delete an event.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=trail["later"][0]).delete()

    # Anchored the next day, the rest of the old part goes too; the anchors and the chain still verify.
    anchor_on(TODAY + dt.timedelta(hours=1))
    said = prune(archive)
    assert "已清理 10 条" in said and "另有" not in said
    assert AuditCheckpoint.objects.count() == 2 and AuditCheckpoint.objects.last().pruned == 30  # type: ignore[union-attr]
    result = verify_trail()
    assert result.intact, result.findings
    assert (result.checked, result.pruned, result.anchors) == (7, 30, 2)
    anchor_on(TODAY + dt.timedelta(days=1))
    assert verify_trail().intact
    with pytest.raises(CommandError, match="没有可清理的记录"):
        prune(archive)


def test_it_keeps_180_days(trail: dict[str, list[int]], archive: Path) -> None:
    with pytest.raises(CommandError, match="至少保留 180 天"):
        prune(archive, BEFORE + dt.timedelta(days=1))
    assert AuditEvent.objects.count() == 35 and not AuditCheckpoint.objects.exists()


def test_it_needs_an_exported_anchor(db: Any, archive: Path, anchors_file: Path) -> None:
    events_on(DAY0, 5, "一月")
    with pytest.raises(CommandError, match="还没有导出过锚点"):
        prune(archive)
    assert AuditEvent.objects.count() == 5


def test_it_refuses_a_trail_that_does_not_verify(trail: dict[str, list[int]], archive: Path) -> None:
    with behind_the_triggers():
        AuditEvent.objects.filter(pk=trail["young"][2]).update(summary="改过")
    with pytest.raises(CommandError, match="未通过校验"):
        prune(archive)
    assert AuditEvent.objects.count() == 35 and not AuditCheckpoint.objects.exists()
    assert not archive.exists() or not any(archive.iterdir())


def test_tampering_with_the_checkpoint_or_what_follows_it_is_caught(trail: dict[str, list[int]], archive: Path) -> None:
    prune(archive)
    assert verify_trail().intact
    checkpoint = AuditCheckpoint.objects.get()
    for tamper, finding in (
        (lambda: AuditCheckpoint.objects.update(pruned=19), "检查点"),
        (lambda: AuditCheckpoint.objects.update(through_id=checkpoint.through_id - 1), "检查点"),
        (lambda: AuditCheckpoint.objects.all().delete(), f"第 {trail['later'][0]} 条"),
    ):
        with transaction.atomic():
            tamper()
            findings = "\n".join(verify_trail().findings)
            assert finding in findings, findings
            transaction.set_rollback(True)
    with behind_the_triggers(), transaction.atomic():
        AuditEvent.objects.filter(pk=trail["later"][0]).delete()
        assert f"第 {trail['later'][1]} 条" in "\n".join(verify_trail().findings)
        transaction.set_rollback(True)
    assert verify_trail().intact
