"""Send the daily email digest now (the supervise sweep sends it by itself from 17:30)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from taizhang.supervision.notify import send_digests


class Command(BaseCommand):
    help = "立即发送每日消息汇总邮件（supervise 每天 17:30 后自动发送；已发送过的消息不会重复发送）"

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_digests(force=True)
        self.stdout.write(f"已发送消息汇总邮件 {sent} 封。")
