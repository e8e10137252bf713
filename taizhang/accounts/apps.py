from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "taizhang.accounts"
    label = "accounts"
    verbose_name = _("单位与用户")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        user_logged_in.connect(_logged_in, dispatch_uid="accounts-audit-login")
        user_login_failed.connect(_login_failed, dispatch_uid="accounts-audit-login-failed")


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Every login is in the audit trail (等保: who entered, from where)."""
    from taizhang.accounts import sessions
    from taizhang.accounts.lockout import _audit, client_address

    _audit("login_succeeded", username=user.get_username(), ip=client_address(request), user=user)
    if request is not None and hasattr(request, "session"):
        sessions.start(request)


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    """A wrong password or an unknown name; a refused attempt (locked) was recorded as such already."""
    from taizhang.accounts.lockout import _audit, client_address

    if request is not None and getattr(request, "login_locked", None):
        return
    _audit("login_failed", username=str(credentials.get("username", "")), ip=client_address(request))
