"""The second factor (动态口令, RFC 6238) for the administrators and 纪检组, as 等保 level 3 expects of privileged
and sensitive accounts.

- **Two steps.** A right password for such an account does not log in: it leaves a *pending* login in the session
  (five minutes) and the login page sends the user to the code page, or, if they have no authenticator yet, to the
  enrolment page. Only a right code calls Django's login() and marks the session verified. SessionPolicyMiddleware
  ends any session of such a user that is not verified, so no other way in skips the code.
- **No replay.** The newest time step used is kept on the device and moved forward with a conditional UPDATE: a
  code (or an older one) is taken once, even by two requests at the same moment.
- **Lockout.** Every wrong code counts against the account like a wrong password (accounts.lockout): the fifth
  attempt in 30 minutes, password ones included, locks it. The password step does not clear the count for these
  accounts; a right code does.
- **Recovery codes.** Ten one-time codes shown once at enrolment (and when the user makes new ones); only their
  SHA-256 is kept — 60 random bits each, beyond an offline search.
- **The secret** is sealed (lib.secretbox) under the data keys (TAIZHANG_DATA_KEYS, if set) or the secret key, and
  never shown after enrolment. A lost phone without recovery codes: the security administrator resets the
  device (audited) and the user enrols again at the next login.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext

from taizhang.accounts.models import TOTP_ROLES, RecoveryCode, Role, TotpDevice, User
from taizhang.audit.events import record_event
from taizhang.audit.models import Verb
from taizhang.clock import now
from taizhang.errors import ActionError
from taizhang.lib import secretbox, totp

PENDING = "taizhang_2fa_pending"
VERIFIED = "taizhang_2fa_verified"
NEW_RECOVERY_CODES = "taizhang_2fa_new_codes"
PENDING_SECONDS = 300
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_CODE_CHARS = 12  # 12 × log2(31) ≈ 59 bits
ISSUER = "台账"
SEAL_PURPOSE = "totp-secret"


def required(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", "") in TOTP_ROLES)


def enrolled(user: User) -> bool:
    return TotpDevice.objects.filter(user=user).exists()


# The secret at rest


def _seal_keys() -> list[bytes]:
    keys = [str(k) for k in getattr(settings, "TAIZHANG_DATA_KEYS", None) or []]
    return [k.encode() for k in (*keys, settings.SECRET_KEY)]


def seal_secret(secret: bytes) -> str:
    return secretbox.seal(secret, _seal_keys()[0], SEAL_PURPOSE)


def open_secret(device: TotpDevice) -> bytes:
    return secretbox.unseal(device.sealed_secret, _seal_keys(), SEAL_PURPOSE)


# The pending login (between the password and the code)


def begin(request: HttpRequest, user: User, next_url: str) -> None:
    backend = getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0])
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": backend,
        "hash": user.get_session_auth_hash(),
        "at": int(time.time()),
        "next": next_url,
    }


def pending_user(request: HttpRequest) -> User | None:
    """The user whose password was right in this session a moment ago, if still valid."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=int(pending.get("user", 0)), is_active=True).first()
    if user is None or user.get_session_auth_hash() != pending.get("hash"):
        return None  # the password changed meanwhile
    user.backend = pending["backend"]
    return user


def pending_next(request: HttpRequest) -> str:
    return str((request.session.get(PENDING) or {}).get("next", ""))


def finish(request: HttpRequest, user: User) -> None:
    """The code was right: the real login, the session marked verified, the account's failure count cleared."""
    from django.contrib.auth import login

    from taizhang.accounts.lockout import clear_account

    request.session.pop(PENDING, None)
    clear_account(user.get_username())
    login(request, user, backend=getattr(user, "backend", None))
    request.session[VERIFIED] = user.pk


def enrolment_secret(request: HttpRequest) -> bytes:
    """The secret offered on the enrolment page, kept in the (server-side) session until the first code confirms it."""
    pending = request.session[PENDING]
    if "secret" not in pending:
        pending["secret"] = totp.to_base32(totp.new_secret())
        request.session.modified = True
    return totp.from_base32(pending["secret"])


# Checking codes


def _hash_recovery(user: User, code: str) -> str:
    cleaned = "".join(ch for ch in code.lower() if ch in RECOVERY_ALPHABET)
    return hashlib.sha256(f"{user.pk}:{cleaned}".encode()).hexdigest()


def check_code(user: User, code: str) -> str | None:
    """'totp' or 'recovery' when `code` lets this user in (and is used up), else None."""
    code = code.strip()[:40]
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        return None
    moment = now()
    if totp.looks_like_totp(code):
        step = totp.matching_step(open_secret(device), code, moment.timestamp(), after_step=device.last_step)
        if step is None:
            return None
        # Conditional: of two requests with the same code, one moves the step and the other finds it moved.
        taken = TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step, last_used_at=moment)
        return "totp" if taken else None
    used = RecoveryCode.objects.filter(user=user, code_hash=_hash_recovery(user, code), used_at__isnull=True)
    with transaction.atomic():
        if not used.update(used_at=moment):
            return None
        left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
        record_event(Verb.RECOVERY_CODE_USED, actor=user, summary=user.get_username(), data={"left": left})
    return "recovery"


def _new_recovery_codes(user: User) -> list[str]:
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_CHARS))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    moment = now()
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_hash_recovery(user, code), created_at=moment) for code in codes
    )
    return [f"{c[:4]}-{c[4:8]}-{c[8:]}" for c in codes]


# Actions


@transaction.atomic
def do_enrol_totp(user: User, secret: bytes, code: str) -> list[str]:
    """The first code confirms the secret the user's app now holds: the device is kept (sealed) and ten recovery
    codes are issued, returned once."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    if TotpDevice.objects.filter(user=user).exists():
        raise ActionError(gettext("此账户已启用动态口令。"))
    moment = now()
    step = totp.matching_step(secret, code, moment.timestamp())
    if step is None:
        raise ActionError(gettext("动态口令不正确，请核对手机上显示的 6 位数字后重试。"))
    TotpDevice.objects.create(
        user=user, sealed_secret=seal_secret(secret), confirmed_at=moment, last_step=step, last_used_at=moment
    )
    codes = _new_recovery_codes(user)
    record_event(Verb.TOTP_ENROLLED, actor=user, summary=user.get_username())
    record_event(Verb.RECOVERY_CODES_ISSUED, actor=user, summary=user.get_username(), data={"count": len(codes)})
    return codes


@transaction.atomic
def do_issue_recovery_codes(user: User) -> list[str]:
    """New recovery codes for oneself (the old ones stop working)."""
    if not TotpDevice.objects.filter(user=user).exists():
        raise ActionError(gettext("尚未启用动态口令，无法生成恢复码。"))
    codes = _new_recovery_codes(user)
    record_event(Verb.RECOVERY_CODES_ISSUED, actor=user, summary=user.get_username(), data={"count": len(codes)})
    return codes


@transaction.atomic
def do_reset_totp(user: User, *, actor: User) -> bool:
    """The security administrator clears a user's authenticator and recovery codes (a lost phone): the user enrols
    again at the next login. Not one's own. True if there was a device."""
    if actor.role != Role.SECURITY_ADMIN:
        raise ActionError(gettext("只有安全管理员可以重置动态口令。"))
    if actor.pk == user.pk:
        raise ActionError(gettext("不能重置自己的动态口令，请由另一名安全管理员办理。"))
    had = TotpDevice.objects.filter(user=user).delete()[0] > 0
    RecoveryCode.objects.filter(user=user).delete()
    record_event(Verb.TOTP_RESET, actor=actor, summary=user.get_username(), data={"had_device": had})
    return had


def weigh_code(request: HttpRequest, user: User, check: Callable[[], bool]) -> str:
    """ "ok", "wrong" or "locked": every code attempt counts against the account's lockout (accounts.lockout)."""
    from taizhang.accounts.lockout import second_factor

    return second_factor(request, user.get_username(), check, factor="totp")
