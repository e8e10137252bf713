"""Back up the database and every attachment into a new directory, with a manifest of checksums."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taizhang.audit.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和全部附件到一个新目录（含校验清单） (back up the database and attachments)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="备份目录（新目录或空目录）")

    def handle(self, *args: Any, directory: str, **options: Any) -> None:
        try:
            manifest = backup(Path(directory))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份到 {directory}：{len(manifest['tables'])} 张表共 {rows} 行，{len(manifest['files'])} 个文件"
                "（审计密钥不在备份中，请另行保管）。"
            )
        )
