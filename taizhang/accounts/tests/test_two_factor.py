"""动态口令 (taizhang.accounts.twofactor): administrators and 纪检组 log in with the password *and* a TOTP code."""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from taizhang.accounts import twofactor
from taizhang.accounts.models import RecoveryCode, Role, TotpDevice, User
from taizhang.audit.models import AuditEvent, Verb
from taizhang.errors import ActionError
from taizhang.lib import totp

GOOD = "pass-1234"
SECRET = b"12345678901234567890"
# The start of a 30-second step near the real time: sessions made while travelling are read back after it.
START = dt.datetime.fromtimestamp(int(dt.datetime.now(dt.UTC).timestamp()) // 30 * 30 - 600, tz=dt.UTC)


def code_at(moment: dt.datetime, secret: bytes = SECRET) -> str:
    return totp.totp(secret, moment.timestamp())


def enrol(user: User, moment: dt.datetime) -> list[str]:
    """An enrolment made a while before the test's logins (its step is used up)."""
    with time_machine.travel(moment - dt.timedelta(hours=1), tick=False):
        return twofactor.do_enrol_totp(user, SECRET, code_at(moment - dt.timedelta(hours=1)))


def password(client: Client, user: User) -> Any:
    return client.post(reverse("login"), {"username": user.username, "password": GOOD}, REMOTE_ADDR="10.2.2.2")


def send_code(client: Client, code: str) -> Any:
    return client.post(reverse("login_code"), {"code": code}, REMOTE_ADDR="10.2.2.2")


def logged_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def test_the_password_alone_does_not_log_in_the_discipline_role(cast: SimpleNamespace) -> None:
    enrol(cast.discipline, START)
    client = Client()
    with time_machine.travel(START, tick=False):
        response = password(client, cast.discipline)
        assert response.status_code == 302 and response["Location"] == reverse("login_code")
        assert logged_in_as(client) is None
        assert client.get(reverse("ledger")).status_code == 302  # to the login page
        assert not AuditEvent.objects.filter(verb=Verb.LOGIN_SUCCEEDED, actor=cast.discipline).exists()
        response = send_code(client, code_at(START))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert logged_in_as(client) == cast.discipline.pk
    with time_machine.travel(START + dt.timedelta(seconds=5), tick=False):
        assert client.get(reverse("ledger")).status_code == 200
    assert AuditEvent.objects.filter(verb=Verb.LOGIN_SUCCEEDED, actor=cast.discipline).count() == 1


def test_other_roles_still_log_in_with_the_password(cast: SimpleNamespace) -> None:
    client = Client()
    assert password(client, cast.coordinator)["Location"] == reverse("home")
    assert logged_in_as(client) == cast.coordinator.pk


def test_wrong_codes_count_toward_the_lockout(cast: SimpleNamespace) -> None:
    enrol(cast.admin, START)
    client = Client()
    with time_machine.travel(START, tick=False):
        password(client, cast.admin)  # attempt 1 of 5: the password's own
        for _ in range(3):
            response = send_code(client, "000000" if code_at(START) != "000000" else "111111")
            assert response.status_code == 400 and "动态口令不正确" in response.content.decode()
        response = send_code(client, "123-not-a-code")  # the fifth attempt locks
        assert response.status_code == 302 and response["Location"] == reverse("login")
        assert logged_in_as(client) is None
        # The right password and the right code no longer help for the lock's 30 minutes.
        second = Client()
        assert password(second, cast.admin).status_code == 200
        assert send_code(second, code_at(START)).status_code == 302
        assert logged_in_as(second) is None
    failed = AuditEvent.objects.filter(verb=Verb.LOGIN_FAILED, summary=cast.admin.username)
    assert failed.filter(data__factor="totp").count() == 4
    assert AuditEvent.objects.filter(verb=Verb.LOGIN_LOCKED, summary=cast.admin.username).exists()


def test_a_right_code_clears_the_count(cast: SimpleNamespace) -> None:
    enrol(cast.admin, START)
    for minute in range(4):  # four logins with one wrong code each would be 8 attempts if nothing cleared
        moment = START + dt.timedelta(minutes=minute)
        client = Client()
        with time_machine.travel(moment, tick=False):
            password(client, cast.admin)
            send_code(client, "999999" if code_at(moment) != "999999" else "888888")
            send_code(client, code_at(moment))
        assert logged_in_as(client) == cast.admin.pk, minute


def test_a_used_code_is_refused_within_its_window(cast: SimpleNamespace) -> None:
    enrol(cast.admin, START)
    code = code_at(START)
    first, second = Client(), Client()
    with time_machine.travel(START, tick=False):
        password(first, cast.admin)
        assert send_code(first, code).status_code == 302
    with time_machine.travel(START + dt.timedelta(seconds=20), tick=False):  # still inside the step and its ±1
        password(second, cast.admin)
        response = send_code(second, code)
    assert response.status_code == 400 and logged_in_as(second) is None
    # An older code than the one used is refused too; the next step's code is taken.
    later = START + dt.timedelta(seconds=30)
    with time_machine.travel(later, tick=False):
        assert send_code(second, code_at(START - dt.timedelta(seconds=30))).status_code == 400
        assert send_code(second, code_at(later)).status_code == 302
    assert logged_in_as(second) == cast.admin.pk


def test_a_recovery_code_works_once(cast: SimpleNamespace) -> None:
    codes = enrol(cast.discipline, START)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert RecoveryCode.objects.filter(user=cast.discipline).count() == 10
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()  # hashes only
    first, second = Client(), Client()
    with time_machine.travel(START, tick=False):
        password(first, cast.discipline)
        assert send_code(first, codes[3].upper()).status_code == 302  # typed in capitals: forgiven
        assert logged_in_as(first) == cast.discipline.pk
        password(second, cast.discipline)
        assert send_code(second, codes[3]).status_code == 400
    assert logged_in_as(second) is None
    used = AuditEvent.objects.get(verb=Verb.RECOVERY_CODE_USED, actor=cast.discipline)
    assert used.data == {"left": 9}


def test_an_administrator_without_an_authenticator_enrols_first(cast: SimpleNamespace) -> None:
    client = Client()
    with time_machine.travel(START, tick=False):
        response = password(client, cast.admin)
        assert response["Location"] == reverse("login_enrol")
        assert client.get(reverse("ledger")).status_code == 302 and logged_in_as(client) is None
        page = client.get(reverse("login_enrol")).content.decode()
        shown = re.search(r'<code id="totp-secret"[^>]*>([A-Z2-7 ]+)</code>', page)
        assert shown is not None and "<svg" in page
        secret = totp.from_base32(shown.group(1))
        assert client.post(reverse("login_enrol"), {"code": "000001"}).status_code in (400, 302)
        if logged_in_as(client) is None:  # (000001 is, one time in a million, the right code)
            response = client.post(reverse("login_enrol"), {"code": code_at(START, secret)})
            assert response.status_code == 302 and response["Location"].startswith(reverse("recovery_codes"))
        assert logged_in_as(client) == cast.admin.pk
        codes_page = client.get(reverse("recovery_codes")).content.decode()
        assert (
            codes_page.count("<li>") >= 10
            and len(re.findall(r"<li>[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}</li>", codes_page)) == 10
        )
        assert not re.findall(
            r"<li>[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}</li>", client.get(reverse("recovery_codes")).content.decode()
        )
    device = TotpDevice.objects.get(user=cast.admin)
    assert totp.to_base32(secret) not in device.sealed_secret and twofactor.open_secret(device) == secret
    assert AuditEvent.objects.filter(verb=Verb.TOTP_ENROLLED, actor=cast.admin).exists()


def test_a_session_that_skipped_the_code_is_ended(cast: SimpleNamespace) -> None:
    client = Client()
    assert client.login(username=cast.admin.username, password=GOOD)  # authenticate() + login(), no code page
    response = client.get(reverse("ledger"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert logged_in_as(client) is None
    api = Client()
    api.login(username=cast.discipline.username, password=GOOD)
    assert api.get("/api/v1/problems").status_code == 401


def test_the_admin_login_takes_the_same_two_steps(cast: SimpleNamespace) -> None:
    root = User.objects.create_superuser("root-admin", password=GOOD, full_name="管理员", role=Role.ADMIN)
    enrol(root, START)
    client = Client()
    with time_machine.travel(START, tick=False):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": root.username, "password": GOOD, "next": "/admin/"}
        )
        assert response.status_code == 302 and response["Location"] == reverse("login_code")
        assert client.get("/admin/").status_code == 302
        assert send_code(client, code_at(START))["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_the_security_administrator_resets_a_lost_authenticator(cast: SimpleNamespace) -> None:
    enrol(cast.discipline, START)
    security = User.objects.create_user("sec", password=GOOD, role=Role.SECURITY_ADMIN, is_staff=True)
    for actor in (cast.admin, cast.discipline):
        try:
            twofactor.do_reset_totp(cast.discipline, actor=actor)
        except ActionError:
            pass
        else:
            raise AssertionError(f"{actor} reset a TOTP device")
    assert twofactor.do_reset_totp(cast.discipline, actor=security)
    assert not TotpDevice.objects.filter(user=cast.discipline).exists()
    assert not RecoveryCode.objects.filter(user=cast.discipline).exists()
    event = AuditEvent.objects.get(verb=Verb.TOTP_RESET)
    assert event.actor == security and event.summary == cast.discipline.username
    client = Client()
    assert password(client, cast.discipline)["Location"] == reverse("login_enrol")


def test_new_recovery_codes_replace_the_old_ones(cast: SimpleNamespace) -> None:
    old = enrol(cast.discipline, START)
    client = Client()
    client.force_login(cast.discipline)
    assert 'id="recovery-link"' in client.get(reverse("password_change")).content.decode()
    response = client.post(reverse("recovery_codes"))
    assert response.status_code == 302
    page = client.get(reverse("recovery_codes")).content.decode()
    new = re.findall(r"<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert AuditEvent.objects.filter(verb=Verb.RECOVERY_CODES_ISSUED, actor=cast.discipline).count() == 2
    assert twofactor.check_code(cast.discipline, old[0]) is None
    assert twofactor.check_code(cast.discipline, new[0]) == "recovery"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent connections are exercised on PostgreSQL (SQLite's test database is shared-cache memory)",
)
@pytest.mark.django_db(transaction=True)
def test_one_code_sent_ten_times_at_once_is_taken_once(cast: SimpleNamespace) -> None:
    enrol(cast.admin, START)
    code = code_at(START)
    recovery = enrol(cast.discipline, START)[0]

    def use(args: tuple[User, str]) -> str | None:
        try:
            return twofactor.check_code(*args)
        finally:
            connections.close_all()

    # The clock is travelled once, for every thread (time-machine patches the process).
    with time_machine.travel(START, tick=False), ThreadPoolExecutor(max_workers=10) as pool:
        taken = list(pool.map(use, [(cast.admin, code)] * 10 + [(cast.discipline, recovery)] * 10))
    assert taken[:10].count("totp") == 1 and taken[:10].count(None) == 9
    assert taken[10:].count("recovery") == 1 and taken[10:].count(None) == 9
