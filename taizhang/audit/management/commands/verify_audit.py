"""Check the audit trail: every hash link, the chain's end against the head row, and every exported anchor.
Exits 1, naming what it found, when anything is not intact."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from taizhang.audit.events import verify_trail


class Command(BaseCommand):
    help = "校验审计记录哈希链、链头和锚点 (verify the tamper-evident audit trail)"

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_trail()
        if not result.intact:
            raise CommandError("\n".join(result.findings))
        anchors = f"，与 {result.anchors} 个锚点相符" if result.anchors else "（尚无锚点：运行 anchor_audit 导出）"
        pruned = f"（另有 {result.pruned} 条已按保留期限清理，自检查点起校验）" if result.pruned else ""
        self.stdout.write(
            self.style.SUCCESS(f"审计记录完好：共 {result.checked} 条{pruned}，哈希链校验通过{anchors}。")
        )
