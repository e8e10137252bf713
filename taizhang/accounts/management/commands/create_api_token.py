from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taizhang.accounts.actions import do_create_api_token
from taizhang.accounts.models import User
from taizhang.errors import ActionError


class Command(BaseCommand):
    help = "为用户创建接口令牌（Authorization: Bearer …）。令牌只显示这一次，库中只存其哈希。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="令牌所属用户的登录名")
        parser.add_argument("name", help="令牌用途，如“12345热线对接”")
        parser.add_argument(
            "--scope",
            default="intake",
            choices=["intake", "read", "full"],
            help="权限范围：intake 只能登记意见并查看所登记的意见（默认，适合热线对接）；"
            "read 只读；full 与所属用户相同",
        )
        parser.add_argument("--days", type=int, default=365, help="有效期天数（默认 365，最长 730）")

    def handle(self, *args: Any, username: str, name: str, scope: str, days: int, **options: Any) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户“{username}”不存在。") from None
        try:
            token, key = do_create_api_token(
                user, name, actor=None, actor_name="管理命令 create_api_token", scope=scope, days=days
            )
        except ActionError as exc:
            raise CommandError(exc.message) from None
        self.stderr.write(
            f"已为 {user.username}（{user.get_role_display()}）创建令牌“{token.name}”，前缀 {token.prefix}，"
            f"权限范围：{token.get_scope_display()}，到期：{token.expires_at:%Y-%m-%d}。"
        )
        self.stderr.write("请立即妥善保存，令牌不会再次显示：")
        self.stdout.write(key)
