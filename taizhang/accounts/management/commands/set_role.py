"""Give an account a role at the server's console — how a new installation names its first 安全管理员 (in the admin
only a security administrator changes roles, 三权分立). Audited as the console's doing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from taizhang.accounts.models import ADMINISTRATOR_ROLES, Role, User
from taizhang.audit.events import record_event
from taizhang.audit.models import Verb


class Command(BaseCommand):
    help = "在服务器上为账户指定角色，如新系统的第一个安全管理员 (set an account's role at the console)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"]
        with transaction.atomic():
            user = User.objects.select_for_update().filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"没有用户 {options['username']}。")
            before = [user.role, user.is_staff]
            user.role = role
            user.is_staff = user.is_staff or role in ADMINISTRATOR_ROLES  # the admin is where they work
            user.save(update_fields=["role", "is_staff"])
            record_event(
                Verb.ROLE_CHANGED,
                actor=None,
                actor_name="系统（服务器命令行）",
                summary=user.get_username(),
                data={"role": [before[0], role], "is_staff": [before[1], user.is_staff], "by": "set_role"},
            )
        self.stdout.write(self.style.SUCCESS(f"{user.username} 的角色已设为 {user.get_role_display()}。"))
