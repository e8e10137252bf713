"""load_demo: the fictional 青溪县 with ten weeks of campaign history, played through the real actions."""

from __future__ import annotations

import time
import unicodedata
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from taizhang.accounts.models import TOTP_ROLES, Unit, User
from taizhang.audit.events import verify_chain
from taizhang.campaigns.models import Campaign
from taizhang.clock import today
from taizhang.demo import county
from taizhang.demo.loader import DemoLoader
from taizhang.demo.story import Story, build_story
from taizhang.demo.twofactor import current_code, demo_totp_key, enrol_demo_accounts
from taizhang.intake.models import PUBLIC_CHANNELS, Channel, Opinion, OpinionStatus
from taizhang.intake.personal import code_from_seed
from taizhang.problems.models import CategoryGroup, Problem, Status

# The logins worth trying first; --list-users prints every one.
KEY_LOGINS = [p.username for p in county.BUREAU_PEOPLE] + [
    "basic-officer",
    "basic-head",
    "safety-officer",
    "school04-officer",
    "school04-head",
    "school08-officer",
    "kg02-officer",
    "private-ed-officer",
]


class Command(BaseCommand):
    help = (
        "装入演示数据：虚构的青溪县教育局及其股室、学校、督导组和各角色账号，一次活动，约 1,593 条意见及其"
        "完整办理过程（全部经由真实业务操作，带审计记录）。已装入时只列出登录账号。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="意见数量的比例，0 到 1 之间（测试用，如 0.1）")
        parser.add_argument("--list-users", action="store_true", help="列出全部演示账号（默认只列主要账号）")

    def handle(self, *args: Any, scale: float, list_users: bool, **options: Any) -> None:
        if Campaign.objects.filter(code=county.CAMPAIGN_CODE).exists():
            self.stdout.write("演示数据已装入，未作改动。")
            self._print_logins(list_users)
            return
        if not 0 < scale <= 1:
            raise CommandError("--scale 须在 0 到 1 之间。")
        if self._holds_other_data():  # scripts/run calls this on every start, so a real database must still start
            return
        started = time.perf_counter()
        story = build_story(today(), scale=scale)
        self.stdout.write(f"装入青溪县演示数据：{len(story.opinions)} 条意见、{story.problems()} 个问题……")
        with transaction.atomic():
            DemoLoader(story, report=self.stdout.write).load()
            enrol_demo_accounts([p.username for p in county.all_people()])
        self._print_summary(story, time.perf_counter() - started)
        self._print_logins(list_users)

    def _holds_other_data(self) -> bool:
        """A database with real (or other test) data is never mixed with the demo county."""
        usernames = [p.username for p in county.all_people()]
        taken = list(User.objects.filter(username__in=usernames).values_list("username", flat=True)[:5])
        if not (Campaign.objects.exists() or Unit.objects.exists() or Opinion.objects.exists() or taken):
            return False
        self.stderr.write(
            "数据库中已有数据（活动、单位、意见或同名账号"
            + (f"：{'、'.join(taken)}" if taken else "")
            + "），演示数据只装入空库，本次未装入。如需演示，请换一个空数据库，"
            "如 DATABASE_URL=sqlite:///var/demo.sqlite3。"
        )
        return True

    def _print_summary(self, story: Story, seconds: float) -> None:
        out = self.stdout.write
        groups = story.group_counts()
        opinions = Counter(Opinion.objects.values_list("status", flat=True))
        problems = Counter(Problem.objects.values_list("status", flat=True))
        channels = Counter(Opinion.objects.values_list("channel", flat=True))
        overdue, reopened = Problem.objects.overdue().count(), Problem.objects.filter(reopen_count__gt=0).count()
        checked, broken = verify_chain()
        out("")
        out(f"单位 {Unit.objects.count()} 个，用户 {User.objects.count()} 个。")
        out(
            f"意见 {sum(opinions.values())} 条："
            + "，".join(f"{OpinionStatus(s).label} {opinions[s]}" for s in OpinionStatus.values)
        )
        out("  按类别归类：" + "，".join(f"{CategoryGroup(g).label} {n}" for g, n in groups.items()))
        out("  按渠道：" + "，".join(f"{Channel(c).label} {channels[c]}" for c in Channel.values if channels[c]))
        out(
            f"问题 {sum(problems.values())} 个："
            + "，".join(f"{Status(s).label} {problems[s]}" for s in Status.values)
            + f"；其中超期 {overdue} 个，重办过 {reopened} 个"
        )
        out(f"审计记录 {checked} 条，" + ("哈希链校验通过。" if broken is None else f"哈希链在第 {broken.pk} 条断开！"))
        out(f"用时 {seconds:.1f} 秒。")

    def _print_logins(self, everyone: bool) -> None:
        users = User.objects.select_related("unit").order_by("id")
        if not everyone:
            users = users.filter(username__in=KEY_LOGINS)
        rows = [("用户名", "姓名", "角色", "单位")] + [
            (u.username, u.full_name, u.get_role_display() + ("（后台管理）" if u.is_superuser else ""), str(u.unit))
            for u in users
        ]
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {county.DEMO_PASSWORD}）：")
        for n, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)))
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
        if not everyone:
            total = User.objects.filter(username__in=[p.username for p in county.all_people()]).count()
            self.stdout.write(
                f"另有各股室、学校账号共 {total - len(rows) + 1} 个，按“单位代码-officer / -head / -deputy”命名；"
                "加 --list-users 列出全部。"
            )
        self._print_receipt_codes()
        self._print_totp()

    def _print_totp(self) -> None:
        needing = [p.username for p in county.BUREAU_PEOPLE if p.role in TOTP_ROLES]
        self.stdout.write(
            f"{'、'.join(needing)} 登录时还须输入动态口令。演示专用密钥（仅限演示，切勿用于真实系统）："
            f"{demo_totp_key()}——可添加到手机验证器 App；当前口令 {current_code()}（30 秒内有效，"
            "再次运行 load_demo 可得新口令）。"
        )

    def _print_receipt_codes(self) -> None:
        """Codes a newcomer can try on the public follow page, one per thing it shows."""
        samples = [
            ("待梳理", Opinion.objects.filter(status=OpinionStatus.UNTRIAGED)),
            ("问题已销号", Opinion.objects.filter(problems__status=Status.CLOSED)),
            ("待回访，可在查询页评价", _rateable()),
            ("不予立项", Opinion.objects.filter(status=OpinionStatus.DISMISSED)),
        ]
        codes = [f"{code}（{label}）" for label, qs in samples if (code := _first_code(qs))]
        if codes:
            self.stdout.write("群众查询码示例：" + "，".join(codes))


def _first_code(qs: Any) -> str | None:
    """Recomputed from the opinion's seed with the index key: the database keeps only the code's hash."""
    seed: str | None = qs.exclude(receipt_seed="").order_by("id").values_list("receipt_seed", flat=True).first()
    return code_from_seed(seed) if seed else None


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _rateable() -> QuerySet[Opinion]:
    from taizhang.followup.models import Rating

    rated = Rating.objects.filter(opinion=OuterRef("pk"), problem__status=Status.FOLLOW_UP)
    return Opinion.objects.filter(problems__status=Status.FOLLOW_UP, channel__in=PUBLIC_CHANNELS).exclude(Exists(rated))
