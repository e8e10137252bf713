"""The backup drill: back up, lose everything, restore — row counts, every table's content, every attachment's
checksum and the audit chain come back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from taizhang.audit.backup import BackupError, check, sha256, table_counts
from taizhang.audit.events import verify_trail
from taizhang.audit.models import AuditEvent
from taizhang.problems.models import Attachment, Problem, Status

pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql" and shutil.which("pg_dump") is None,
    reason="pg_dump/pg_restore (postgresql-client) are not installed on this machine",
)


@pytest.fixture
def place(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TAIZHANG_AUDIT_ANCHORS = tmp_path / "anchors.jsonl"
    return tmp_path


@pytest.mark.django_db(transaction=True)
def test_a_restore_brings_back_every_row_file_and_the_chain(make_problem: Any, place: Path, capsys: Any) -> None:
    make_problem(Status.CLOSED)
    make_problem(Status.RECTIFYING)
    call_command("anchor_audit")
    before = table_counts()
    events = list(AuditEvent.objects.order_by("id").values_list("id", "hash"))
    files = {a.file.name: sha256(Path(a.file.path)) for a in Attachment.objects.all()}
    assert files, "the drill needs attachments"
    call_command("backup", str(place / "backup"))
    # The disaster: the database emptied and the attachments gone.
    call_command("flush", interactive=False, verbosity=0)
    for path in (place / "media").rglob("*"):
        if path.is_file():
            path.unlink()
    assert not Problem.objects.exists()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(place / "backup"))
    call_command("restore", str(place / "backup"), "--yes")
    out = capsys.readouterr().out
    assert "行数与备份清单一致" in out and "哈希链校验通过" in out
    assert table_counts() == before
    assert list(AuditEvent.objects.order_by("id").values_list("id", "hash")) == events
    assert {a.file.name: sha256(Path(a.file.path)) for a in Attachment.objects.all()} == files
    assert verify_trail().intact


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_replaced(make_problem: Any, place: Path) -> None:
    make_problem(Status.CLOSED)
    call_command("backup", str(place / "backup"))
    manifest = json.loads((place / "backup" / "manifest.json").read_text())
    victim = next(name for name in manifest["files"] if name.startswith("media/"))
    (place / "backup" / victim).write_bytes(b"not the photo")
    with pytest.raises(BackupError, match="校验不符"):
        check(place / "backup")
    with pytest.raises(CommandError, match="备份已损坏"):
        call_command("restore", str(place / "backup"), "--yes")
    assert Problem.objects.count() == 1
    with pytest.raises(CommandError, match="不是空的"):
        call_command("backup", str(place / "backup"))
