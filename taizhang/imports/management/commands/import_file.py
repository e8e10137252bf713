"""scripts/manage import_file PATH [--kind auto|opinions|ledger] [--profile NAME] [--commit] [--json]

Without --commit nothing is written: the command says what importing would do. Units the registry lacks are
created under the bureau (listed in new_units) unless --no-new-units, which rejects those rows instead."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taizhang.accounts.models import Role, User
from taizhang.errors import ActionError
from taizhang.imports.actions import do_import_plan, reject_unknown_units
from taizhang.imports.models import ImportKind, ImportProfile
from taizhang.imports.planning import plan_file
from taizhang.intake.models import Channel
from taizhang.lib.tables import TableRejected

MAX_FILE_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = "导入表格文件（12345 工单导出、意见清单、整改台账；.xlsx/.xls/.csv）。不加 --commit 时只检查，不写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--kind", choices=ImportKind.values, default=ImportKind.AUTO)
        parser.add_argument("--profile", default="", help="导入方案名称（列对应）")
        parser.add_argument("--channel", choices=Channel.values, default="", help="文件没有渠道列时的渠道")
        parser.add_argument("--commit", action="store_true", help="写入数据库（默认只检查）")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument("--no-new-units", action="store_true", help="单位不在系统中的行不导入")
        parser.add_argument("--user", default="", help="以哪个用户的名义导入（默认第一个系统管理员）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，请拆分后分批导入。")
        profile = None
        if options["profile"]:
            profile = ImportProfile.objects.filter(name=options["profile"]).first()
            if profile is None:
                raise CommandError(f"没有名为“{options['profile']}”的导入方案。")
        try:
            plan = plan_file(
                path.read_bytes(),
                path.name,
                kind=options["kind"],
                profile=profile,
                choices={"channel": options["channel"]},
            )
        except TableRejected as rejected:
            raise CommandError(rejected.message) from None
        if options["no_new_units"]:
            reject_unknown_units(plan)
        created = None
        if options["commit"]:
            try:
                created = do_import_plan(plan, actor=self._actor(options["user"]), filename=path.name)
            except ActionError as error:
                raise CommandError(error.message) from None
        report = plan.report(created)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self._summary(report, committed=options["commit"])

    def _actor(self, username: str) -> User:
        users = User.objects.filter(is_active=True)
        user = users.filter(username=username).first() if username else users.filter(role=Role.ADMIN).first()
        if user is None:
            raise CommandError("找不到导入人：请用 --user 指定一个牵头部门或系统管理员的用户名。")
        return user

    def _summary(self, report: dict[str, Any], *, committed: bool) -> None:
        kind = "意见" if report["kind"] == ImportKind.OPINIONS else "整改台账"
        out = self.stdout
        out.write(
            f"工作表“{report['sheet']}”，表头在第 {'、'.join(map(str, report['header_rows']))} 行，按{kind}导入。"
        )
        out.write(
            f"数据 {report['rows']} 行：可导入 {report['importable']} 行"
            f"（其中已导入过 {report['already_imported']} 行），"
            f"不导入 {len(report['rejected'])} 行，需留意 {len(report['flagged'])} 行。"
        )
        for item in report["rejected"]:
            out.write(f"  不导入 第 {item['row']} 行：{item['reason']}")
        for item in report["flagged"]:
            out.write(f"  留意 第 {item['row']} 行：{'；'.join(item['flags'])}")
        for group in report["duplicates"]:
            out.write(f"  疑似同一事项：第 {'、'.join(map(str, group))} 行")
        if report["new_units"]:
            out.write(f"  系统中没有的单位：{'、'.join(report['new_units'])}")
        if committed:
            created = report["created"]
            out.write(self.style.SUCCESS(f"已导入：意见 {created['opinions']} 条，问题 {created['problems']} 个。"))
        else:
            out.write("未写入任何数据（检查模式）。确认无误后加 --commit 导入。")
