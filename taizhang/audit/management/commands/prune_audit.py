"""Remove audit events older than a date, only past the 180 days' retention and only as far as a verified, exported
anchor covers them (taizhang.audit.retention). --dry-run says what would go and changes nothing."""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from taizhang.audit.retention import RETENTION_DAYS, PrunePlan, PruneRefused, plan_prune, prune


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


def _operator() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "?"


def _local(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "—"


class Command(BaseCommand):
    help = f"清理保留期（至少 {RETENTION_DAYS} 天）以外、已由锚点覆盖的审计记录 (prune the audit trail)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before", required=True, type=_date, help="清理此日（本地日期）之前的记录，YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="只列出将清理的记录，不做任何改动")
        parser.add_argument(
            "--archive",
            type=Path,
            default=None,
            help="归档目录：被清理的记录写入其中（默认 数据目录/audit-archive），请与锚点一起保存到系统之外",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        before: dt.date = options["before"]
        try:
            if options["dry_run"]:
                self._describe(plan_prune(before))
                return
            archive_dir = options["archive"] or Path(settings.VAR_DIR) / "audit-archive"
            done = prune(before, archive_dir, operator=f"系统（prune_audit，{_operator()}）")
        except PruneRefused as exc:
            raise CommandError(str(exc)) from exc
        self._describe(done.plan, done=True)
        self.stdout.write(f"归档文件：{done.archive}（sha256 {done.checkpoint.archive_sha256}）")
        self.stdout.write(self.style.SUCCESS("已记入审计记录；运行 verify_audit 可从检查点起校验其余记录。"))

    def _describe(self, plan: PrunePlan, *, done: bool = False) -> None:
        if not plan.count:
            self.stdout.write(f"{plan.before:%Y-%m-%d} 之前没有可清理的记录。")
        else:
            verb = "已清理" if done else "将清理"
            self.stdout.write(
                f"{verb} {plan.count} 条审计记录（第 {plan.after_id + 1} 至 {plan.through_id} 条，"
                f"{_local(plan.first_at)} 至 {_local(plan.last_at)}），均由第 {plan.anchor_last_id} 条的锚点覆盖。"
            )
        if plan.left_old:
            self.stdout.write(f"另有 {plan.left_old} 条早于该日期的记录尚未被锚点覆盖，保留；锚定后可再清理。")
