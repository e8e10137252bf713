"""Brute-force protection for the password logins (/login/, /admin/login/), as 等保 expects.

- **Per account.** Every password attempt on an account is counted *before* the password is checked, in one
  atomic statement, so 100 concurrent guesses run at most `account_attempts` (5) password checks. The fifth
  failure in a 30-minute window locks the account for 30 minutes; a successful login clears its count.
- **Per address, as a second signal.** Failures from one address (any accounts) are counted after the check;
  past `ip_failures` (30) in the window the address is refused for 30 minutes. The threshold is high on purpose:
  an office behind one NAT address is 30 people, and one person's typos must not lock the others out.
- Every success, failure and lock is an audit event (登录 / 登录失败 / 登录锁定). The address is kept in the
  trail for staff logins; in the counter table it is a keyed hash.

Settings: TAIZHANG_LOGIN_LOCKOUT = {"account_attempts": 5, "ip_failures": 30, "window_minutes": 30,
"lock_minutes": 30}. An administrator lifts a lock with `manage.py unlock_account USERNAME` (audited).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import HttpRequest

from taizhang.accounts.models import LoginThrottle
from taizhang.clock import now

DEFAULTS = {"account_attempts": 5, "ip_failures": 30, "window_minutes": 30, "lock_minutes": 30}


def policy(name: str) -> int:
    configured = getattr(settings, "TAIZHANG_LOGIN_LOCKOUT", {}) or {}
    return int(configured.get(name, DEFAULTS[name]))


def account_key(username: str) -> str:
    return f"account:{username.strip().lower()[:150]}"


def address_key(ip: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"login-ip\x00{ip}".encode(), hashlib.sha256).hexdigest()
    return f"ip:{digest[:40]}"


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    from taizhang.public.limits import client_ip  # the same trusted-proxy rule as the public face

    return client_ip(request)


@dataclass(frozen=True)
class Count:
    attempts: int
    locked_until: dt.datetime | None


def _count(key: str, moment: dt.datetime) -> Count:
    """One more attempt on `key` in its window (a window older than the policy starts again at 1), atomically."""
    table = connection.ops.quote_name(LoginThrottle._meta.db_table)
    cutoff = connection.ops.adapt_datetimefield_value(moment - dt.timedelta(minutes=policy("window_minutes")))
    stamp = connection.ops.adapt_datetimefield_value(moment)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, attempts, window_start, locked_until) VALUES (%s, 1, %s, NULL) "
            f"ON CONFLICT (key) DO UPDATE SET "
            f"attempts = CASE WHEN {table}.window_start < %s THEN 1 ELSE {table}.attempts + 1 END, "
            f"window_start = CASE WHEN {table}.window_start < %s THEN %s ELSE {table}.window_start END "
            f"RETURNING attempts, locked_until",
            [key, stamp, cutoff, cutoff, stamp],
        )
        attempts, locked_until = cursor.fetchone()
    if isinstance(locked_until, str):  # SQLite may return the stored text …
        locked_until = dt.datetime.fromisoformat(locked_until)
    if isinstance(locked_until, dt.datetime) and locked_until.tzinfo is None:  # … or a naive UTC time
        locked_until = locked_until.replace(tzinfo=dt.UTC)
    return Count(int(attempts), locked_until)


def _lock(key: str, moment: dt.datetime) -> dt.datetime:
    until = moment + dt.timedelta(minutes=policy("lock_minutes"))
    LoginThrottle.objects.filter(key=key).update(locked_until=until)
    return until


def locked_until(key: str, moment: dt.datetime | None = None) -> dt.datetime | None:
    row = LoginThrottle.objects.filter(key=key).values_list("locked_until", flat=True).first()
    moment = moment or now()
    return row if row is not None and row > moment else None


def _audit(verb: str, *, username: str, ip: str, user: Any = None, data: dict[str, Any] | None = None) -> None:
    from taizhang.audit.events import record_event
    from taizhang.audit.models import Verb

    with transaction.atomic():
        record_event(
            Verb(verb),
            actor=user,
            actor_name=(user.display_name if user else username.strip()[:100]) or "（空）",
            summary=username.strip()[:150],
            data={"ip": ip, **(data or {})},
        )


class LockoutBackend(ModelBackend):
    """ModelBackend with the counts above around the password check. A refused attempt raises PermissionDenied,
    which stops Django's authenticate() at once (no other backend tries) and tells the login form why."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username is None or password is None:
            return None
        moment = now()
        ip = client_address(request)
        if ip and locked_until(address_key(ip), moment):
            self._refuse(request, username, ip, "address")
        count = _count(account_key(username), moment)
        if (count.locked_until and count.locked_until > moment) or count.attempts > policy("account_attempts"):
            if count.locked_until is None or count.locked_until <= moment:
                _lock(account_key(username), moment)
            self._refuse(request, username, ip, "account")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            from taizhang.accounts import twofactor

            # An account with a second factor keeps its count until the code is right (twofactor.finish): else
            # whoever has the password could guess codes four at a time for ever.
            if not twofactor.required(user):
                clear_account(username)
            return user
        if count.attempts >= policy("account_attempts"):
            until = _lock(account_key(username), moment)
            _audit("login_locked", username=username, ip=ip, data={"until": until.isoformat(), "by": "account"})
        if ip:
            failures = _count(address_key(ip), moment)
            if failures.attempts >= policy("ip_failures") and not failures.locked_until:
                until = _lock(address_key(ip), moment)
                _audit("login_locked", username=username, ip=ip, data={"until": until.isoformat(), "by": "address"})
        return None

    def _refuse(self, request: HttpRequest | None, username: str, ip: str, by: str) -> None:
        if request is not None:
            request.login_locked = by  # type: ignore[attr-defined]  # the login form words its message from it
        _audit("login_refused", username=username, ip=ip, data={"by": by})
        raise PermissionDenied(by)


def clear_account(username: str) -> None:
    LoginThrottle.objects.filter(key=account_key(username)).delete()


def second_factor(request: HttpRequest | None, username: str, check: Callable[[], bool], *, factor: str) -> str:
    """A second-step code weighed under the account's count, like a password: counted *before* `check` runs (so
    concurrent guesses get at most the policy's number of checks), a failure audited, the fifth attempt in the
    window (the password's own included) locking the account. Returns "ok", "wrong" or "locked"."""
    moment = now()
    ip = client_address(request)
    if locked_until(account_key(username), moment):
        _audit("login_refused", username=username, ip=ip, data={"by": "account", "factor": factor})
        return "locked"
    count = _count(account_key(username), moment)
    if count.attempts > policy("account_attempts"):
        _lock(account_key(username), moment)
        _audit("login_refused", username=username, ip=ip, data={"by": "account", "factor": factor})
        return "locked"
    if check():
        return "ok"
    _audit("login_failed", username=username, ip=ip, data={"factor": factor})
    if count.attempts >= policy("account_attempts"):
        until = _lock(account_key(username), moment)
        _audit("login_locked", username=username, ip=ip, data={"until": until.isoformat(), "by": "account"})
        return "locked"
    return "wrong"


def unlock(username: str, *, actor: Any = None) -> bool:
    """Lift an account's lock (an administrator's decision, audited). True if there was one."""
    from taizhang.audit.events import record_event
    from taizhang.audit.models import Verb

    with transaction.atomic():
        removed = LoginThrottle.objects.filter(key=account_key(username)).delete()[0] > 0
        record_event(Verb.LOGIN_UNLOCKED, actor=actor, summary=username.strip()[:150], data={"had_lock": removed})
    return removed
