"""Restore a backup made by `backup`: checks every checksum first, replaces the database and the attachments,
then compares row counts with the manifest and verifies the audit chain. Stop the app and the workers first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taizhang.audit.backup import BackupError, check, restore
from taizhang.audit.events import verify_trail


class Command(BaseCommand):
    help = "从备份恢复数据库和附件（会覆盖现有数据） (restore a backup; replaces the current data)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="backup 命令生成的备份目录")
        parser.add_argument("--yes", action="store_true", help="确认覆盖现有数据库和附件")

    def handle(self, *args: Any, directory: str, yes: bool, **options: Any) -> None:
        source = Path(directory)
        try:
            manifest = check(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not yes:
            raise CommandError(
                f"恢复将用 {manifest['created_at']} 的备份覆盖现有数据库和附件，且不可撤销。"
                "确认无误后加 --yes 再运行（请先停止应用和后台任务）。"
            )
        try:
            result = restore(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if result.mismatched:
            raise CommandError(f"恢复后行数与备份清单不符：{result.mismatched}")
        trail = verify_trail()
        self.stdout.write(f"已恢复 {len(result.tables)} 张表、{result.files} 个附件，行数与备份清单一致。")
        if trail.intact:
            self.stdout.write(self.style.SUCCESS(f"审计记录完好：共 {trail.checked} 条，哈希链校验通过。"))
        else:
            self.stdout.write(self.style.WARNING("审计记录校验提示：" + "；".join(trail.findings)))
