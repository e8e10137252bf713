"""The password policy 等保 expects, as Django password validators (settings.AUTH_PASSWORD_VALIDATORS): at least
10 characters of at least three kinds (upper case, lower case, digits, symbols), not like the username, not a
common password, not all digits, and none of the user's last five passwords. Messages in Chinese."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext

HISTORY = 5


class LengthValidator:
    """At least `min_length` characters (Django's own message is not in its Chinese catalogue)."""

    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(self.get_help_text(), code="password_too_short")

    def get_help_text(self) -> str:
        return ngettext(
            "密码太短，至少需要 %(min_length)d 个字符。", "密码太短，至少需要 %(min_length)d 个字符。", self.min_length
        ) % {"min_length": self.min_length}


class ComplexityValidator:
    def __init__(self, kinds: int = 3) -> None:
        self.kinds = kinds

    def validate(self, password: str, user: Any = None) -> None:
        present = sum(
            (
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(c in string.punctuation or c.isspace() for c in password),
            )
        )
        if present < self.kinds:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "密码须包含大写字母、小写字母、数字、符号中的至少 %(kinds)d 种。",
            "密码须包含大写字母、小写字母、数字、符号中的至少 %(kinds)d 种。",
            self.kinds,
        ) % {"kinds": self.kinds}


class HistoryValidator:
    """Not one of the user's last HISTORY passwords (their hashes are kept in PasswordHistory)."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        from django.contrib.auth.hashers import check_password

        from taizhang.accounts.models import PasswordHistory

        if user.password and check_password(password, user.password):
            raise ValidationError(gettext("新密码不能与当前密码相同。"), code="password_reused")
        for old in PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id")[:HISTORY]:
            if check_password(password, old.password):
                raise ValidationError(
                    gettext("不能使用最近 %(count)d 次用过的密码。") % {"count": HISTORY}, code="password_reused"
                )

    def password_changed(self, password: str, user: Any = None) -> None:
        """Keep the new password's hash (Django calls this after set_password and save)."""
        if user is None or not getattr(user, "pk", None) or not user.password:
            return
        from taizhang.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id").values_list("pk", flat=True)
        PasswordHistory.objects.filter(pk__in=list(stale[HISTORY:])).delete()

    def get_help_text(self) -> str:
        return gettext("不能使用最近 %(count)d 次用过的密码。") % {"count": HISTORY}
