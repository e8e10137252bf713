"""Lift a login lock (taizhang.accounts.lockout) on an account, e.g. after the user phoned the administrator."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from taizhang.accounts.lockout import unlock


class Command(BaseCommand):
    help = "解除账户的登录锁定 (lift an account's login lock)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if unlock(options["username"]):
            self.stdout.write(self.style.SUCCESS(f"已解除 {options['username']} 的登录锁定。"))
        else:
            self.stdout.write(f"{options['username']} 没有被锁定。")
