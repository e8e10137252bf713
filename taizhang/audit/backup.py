"""Backup and restore of the whole installation: the database and every attachment, with checksums.

A backup is a directory:
    database.sqlite3   (SQLite: the online backup API, consistent while the app runs)  or
    database.dump      (PostgreSQL: pg_dump --format=custom)
    media/…            every file under MEDIA_ROOT
    audit-anchors.jsonl  the anchors file, if there is one
    manifest.json      what was backed up, when, from which database, each file's size and SHA-256, and each
                       table's row count

restore checks every checksum first and refuses a damaged backup; it then replaces the database and the media,
and reports the row counts and whether the audit chain verifies. The audit key (var/audit_key) is NOT in a backup:
keep it apart, with the anchors (docs/operations.md) — a backup plus the key would let its holder rewrite history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts() -> dict[str, int]:
    """Rows per table of every installed model (what a restore is compared against)."""
    counts = {}
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in tables and table not in counts:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[table] = int(cursor.fetchone()[0])
    return counts


def backup(target: Path) -> dict[str, Any]:
    """Write a backup into `target` (a new or empty directory); return the manifest."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"备份目录 {target} 不是空的，请换一个目录。")
    vendor = connection.vendor
    if vendor == "sqlite":
        database = target / "database.sqlite3"
        connection.ensure_connection()
        source = connection.connection
        copy = sqlite3.connect(database)
        try:
            source.backup(copy)  # the online backup API: a consistent copy while the app writes
        finally:
            copy.close()
    elif vendor == "postgresql":
        database = target / "database.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={database}", _pg_url()])
    else:
        raise BackupError(f"不支持的数据库：{vendor}")
    media_root = Path(settings.MEDIA_ROOT)
    files: dict[str, dict[str, Any]] = {}
    if media_root.exists():
        for path in sorted(p for p in media_root.rglob("*") if p.is_file()):
            relative = Path("media") / path.relative_to(media_root)
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / relative)
    anchors = Path(settings.TAIZHANG_AUDIT_ANCHORS)
    if anchors.exists():
        shutil.copy2(anchors, target / "audit-anchors.jsonl")
    for path in sorted(p for p in target.rglob("*") if p.is_file()):
        files[str(path.relative_to(target))] = {"size": path.stat().st_size, "sha256": sha256(path)}
    manifest = {
        "format": "taizhang-backup/1",
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "vendor": vendor,
        "database": database.name,
        "tables": table_counts(),
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def check(source: Path) -> dict[str, Any]:
    """The backup's manifest, after every file's checksum matched; BackupError naming what does not."""
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"读不到备份清单 {source / MANIFEST}：{exc}") from exc
    damaged = []
    for name, meta in manifest["files"].items():
        path = source / name
        if not path.is_file() or path.stat().st_size != meta["size"] or sha256(path) != meta["sha256"]:
            damaged.append(name)
    if damaged:
        raise BackupError(f"备份已损坏，校验不符的文件：{'、'.join(damaged[:10])}")
    return manifest


@dataclass
class Restored:
    tables: dict[str, int]
    mismatched: dict[str, tuple[int, int]]
    files: int


def restore(source: Path) -> Restored:
    """Replace this installation's database and media with the backup in `source` (checked first). Stop the app
    and the workers before: a restore under a running app is refused by nothing but good sense."""
    manifest = check(source)
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise BackupError(f"这是 {manifest['vendor']} 的备份，当前数据库是 {vendor}。")
    database = source / manifest["database"]
    if vendor == "sqlite":
        connection.ensure_connection()
        backup_copy = sqlite3.connect(database)
        try:
            backup_copy.backup(connection.connection)  # page by page into the live database, schema and all
        finally:
            backup_copy.close()
    else:
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={_pg_url()}",
                str(database),
            ]
        )
    media_root = Path(settings.MEDIA_ROOT)
    restored_files = 0
    for name in manifest["files"]:
        if not name.startswith("media/"):
            continue
        destination = media_root / Path(name).relative_to("media")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, destination)
        restored_files += 1
    counts = table_counts()
    mismatched = {
        table: (expected, counts.get(table, -1))
        for table, expected in manifest["tables"].items()
        if counts.get(table, -1) != expected
    }
    return Restored(counts, mismatched, restored_files)


def _pg_url() -> str:
    """The database to dump or restore, without its password: a command line is readable by every local user
    (ps), so the password travels in pg_dump's environment instead (_run)."""
    db = connection.settings_dict
    user = db.get("USER") or ""
    auth = f"{user}@" if user else ""
    return f"postgresql://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _run(command: list[str]) -> None:
    env = {**os.environ}
    if password := connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(password)
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip()[:500]}")
