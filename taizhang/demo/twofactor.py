"""动态口令 in the demo county: the administrators and 纪检组 need a TOTP code after the password, so the demo enrols
them all with one published, DEMO-ONLY key that load_demo prints — add it to any authenticator app, or read the
current code from load_demo's output. A real installation never loads the demo; its users enrol their own phones."""

from __future__ import annotations

import datetime as dt
import time

from taizhang.accounts import twofactor
from taizhang.accounts.models import ADMINISTRATOR_ROLES, TotpDevice, User
from taizhang.audit.models import AuditEvent
from taizhang.clock import now, travel_to
from taizhang.lib import totp

DEMO_TOTP_SECRET = b"taizhang-demo-only!!"  # published in the README and the load_demo output: never for real use


def demo_totp_key() -> str:
    return totp.grouped(totp.to_base32(DEMO_TOTP_SECRET))


def current_code() -> str:
    return totp.totp(DEMO_TOTP_SECRET, time.time())


def enrol_demo_accounts(usernames: list[str]) -> int:
    """The security and audit administrators work in the admin (staff, not superusers); everyone who needs a
    second factor is enrolled with the demo key, through the real enrolment action (audited, recovery codes
    issued and not kept). Returns how many were enrolled."""
    users = User.objects.filter(username__in=usernames).order_by("id")
    User.objects.filter(pk__in=users, role__in=ADMINISTRATOR_ROLES).update(is_staff=True)
    enrolled = 0
    # At the end of the backdated story (its trail ends before today), so any code of today is still unused.
    last = AuditEvent.objects.order_by("-id").values_list("at", flat=True).first()
    moment = (last or now() - dt.timedelta(days=1)) + dt.timedelta(seconds=1)
    with travel_to(moment):
        for user in users:
            if twofactor.required(user) and not TotpDevice.objects.filter(user=user).exists():
                twofactor.do_enrol_totp(user, DEMO_TOTP_SECRET, totp.totp(DEMO_TOTP_SECRET, moment.timestamp()))
                enrolled += 1
    return enrolled
