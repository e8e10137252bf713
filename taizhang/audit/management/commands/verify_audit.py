"""Walk the audit trail and check every hash link; exits 1 at the first tampered or missing event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from taizhang.audit.events import verify_chain


class Command(BaseCommand):
    help = "校验审计记录哈希链 (verify the tamper-evident audit trail)"

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(f"审计记录第 {broken.pk} 条校验失败（此前 {checked} 条完好）：记录被修改或删除。")
        self.stdout.write(self.style.SUCCESS(f"审计记录完好：共 {checked} 条，哈希链校验通过。"))
