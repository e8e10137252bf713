"""Rotate the key that encrypts reporters' personal data (docs/operations.md, 密钥轮换).

With the keys in var/data_key: `rotate_data_key --generate` puts a new key first in the file, re-encrypts every
value with it, and `--retire` then removes the old keys once nothing is under them. With TAIZHANG_DATA_KEY: put
the new key first (`new,old`), run `rotate_data_key`, then remove the old key from the variable."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from taizhang.intake.personal import current_key_id, key_id, reencrypt, stale_count


class Command(BaseCommand):
    help = "轮换个人信息加密密钥：用最新密钥重新加密全部反映人信息 (rotate the personal-data encryption key)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--generate", action="store_true", help="生成新密钥写在 var/data_key 第一行（密钥在文件中时）"
        )
        parser.add_argument("--retire", action="store_true", help="重新加密完成后，从 var/data_key 删除旧密钥")

    def handle(self, *args: Any, generate: bool, retire: bool, **options: Any) -> None:
        if (generate or retire) and os.environ.get("TAIZHANG_DATA_KEY"):
            raise CommandError(
                "密钥来自环境变量 TAIZHANG_DATA_KEY：请把新密钥写在最前面（新密钥,旧密钥）后运行本命令，"
                "完成后再从变量中删去旧密钥。--generate 和 --retire 只用于 var/data_key。"
            )
        if generate:
            new = secrets.token_hex(32)
            keys = [new, *settings.TAIZHANG_DATA_KEYS]
            _write_file(keys)
            settings.TAIZHANG_DATA_KEYS = keys
            self.stdout.write(f"已生成新密钥 {key_id(new)}，写入 {settings.TAIZHANG_DATA_KEY_FILE} 第一行。")
        done = reencrypt()
        total = sum(done.values())
        self.stdout.write(f"已用密钥 {current_key_id()} 重新加密 {total} 个值：")
        for column, count in done.items():
            self.stdout.write(f"  {column}: {count}")
        left = stale_count()
        if left:
            raise CommandError(f"仍有 {left} 个值不在最新密钥下（其间有新写入？请再运行一次）。")
        old = list(settings.TAIZHANG_DATA_KEYS[1:])
        if retire and old:
            _write_file(settings.TAIZHANG_DATA_KEYS[:1])
            settings.TAIZHANG_DATA_KEYS = settings.TAIZHANG_DATA_KEYS[:1]
            self.stdout.write(
                f"已从 {settings.TAIZHANG_DATA_KEY_FILE} 删除旧密钥 {'、'.join(key_id(k) for k in old)}。"
            )
        elif old:
            self.stdout.write(
                f"旧密钥 {'、'.join(key_id(k) for k in old)} 已不再使用；备份中的旧数据仍需要它们，"
                "确认备份另行保管密钥后再删除（--retire，或从 TAIZHANG_DATA_KEY 中删去）。"
            )
        self.stdout.write(self.style.SUCCESS("个人信息均已在最新密钥下。"))


def _write_file(keys: list[str]) -> None:
    path = settings.TAIZHANG_DATA_KEY_FILE
    temporary = path.with_suffix(".new")
    temporary.write_text("".join(f"{k}\n" for k in keys))
    temporary.chmod(0o600)
    temporary.replace(path)
