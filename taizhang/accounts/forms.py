"""The login forms (staff and admin), which say so when an account or an address is locked (accounts.lockout)."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from taizhang.accounts.lockout import policy


def _locked_message(by: str) -> str:
    minutes = policy("lock_minutes")
    if by == "address":
        return gettext("此网络地址登录失败次数过多，已暂停登录 %(minutes)d 分钟。如有疑问请联系系统管理员。") % {
            "minutes": minutes
        }
    return gettext("该账户连续登录失败次数过多，已锁定 %(minutes)d 分钟。请稍后再试，或联系系统管理员解除锁定。") % {
        "minutes": minutes
    }


class LockoutMixin:
    request: Any
    locked = False  # the login page then shows the lock's message instead of "wrong password"

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()  # type: ignore[misc,no-any-return]
        except ValidationError:
            by = getattr(self.request, "login_locked", None)
            if by:
                self.locked = True
                raise ValidationError(_locked_message(by), code="locked") from None
            raise


class LoginForm(LockoutMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMixin, AdminAuthenticationForm):
    pass
