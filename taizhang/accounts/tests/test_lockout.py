"""Brute-force protection on the password logins (taizhang.accounts.lockout)."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from taizhang.accounts.lockout import account_key
from taizhang.accounts.models import LoginThrottle, User
from taizhang.audit.models import AuditEvent, Verb

GOOD = "pass-1234"


class CountingHasher(MD5PasswordHasher):
    """The tests' hasher (conftest), counting its verifications across threads."""

    calls = 0
    lock = threading.Lock()

    def verify(self, password: str, encoded: str) -> bool:
        with CountingHasher.lock:
            CountingHasher.calls += 1
        return bool(super().verify(password, encoded))


def login(client: Client, username: str, password: str, ip: str = "10.1.1.1", path: str = "login") -> Any:
    url = reverse(path) if path == "login" else path
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(response: Any) -> bool:
    return bool(response.status_code == 302)


def verbs(username: str) -> list[str]:
    return list(AuditEvent.objects.filter(summary=username).order_by("id").values_list("verb", flat=True))


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(cast: SimpleNamespace) -> None:
    name = cast.officer.username
    for _ in range(5):
        assert not logged_in(login(Client(), name, "wrong"))
    response = login(Client(), name, GOOD)
    assert not logged_in(response)
    assert "已锁定 30 分钟" in response.content.decode()
    # The fifth failure locks (the lock is written as it happens, before the failure itself), the sixth try is
    # refused without a password check.
    assert verbs(name) == [Verb.LOGIN_FAILED] * 4 + [Verb.LOGIN_LOCKED, Verb.LOGIN_FAILED, Verb.LOGIN_REFUSED]
    # Another account from the same address is not affected.
    assert logged_in(login(Client(), cast.coordinator.username, GOOD))


def test_a_success_clears_the_count_and_is_audited(cast: SimpleNamespace) -> None:
    name = cast.officer.username
    for _ in range(4):
        login(Client(), name, "wrong")
    assert logged_in(login(Client(), name, GOOD))
    assert not LoginThrottle.objects.filter(key=account_key(name)).exists()
    for _ in range(4):
        login(Client(), name, "wrong")
    assert logged_in(login(Client(), name, GOOD))  # four more failures do not lock: the count started again
    event = AuditEvent.objects.filter(verb=Verb.LOGIN_SUCCEEDED, actor=cast.officer).latest("id")
    assert event.data["ip"] == "10.1.1.1"


def test_the_lock_ends_after_its_time(cast: SimpleNamespace) -> None:
    name = cast.officer.username
    for _ in range(6):
        login(Client(), name, "wrong")
    assert not logged_in(login(Client(), name, GOOD))
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    LoginThrottle.objects.filter(key=account_key(name)).update(window_start=long_ago, locked_until=long_ago)
    assert logged_in(login(Client(), name, GOOD))


def test_an_address_trying_many_accounts_is_stopped_but_not_an_office(cast: SimpleNamespace, settings: Any) -> None:
    settings.TAIZHANG_LOGIN_LOCKOUT = {
        "account_attempts": 5,
        "ip_failures": 8,
        "window_minutes": 30,
        "lock_minutes": 30,
    }
    for i in range(8):  # eight different names, one wrong password each: no account reaches its limit
        login(Client(), f"guess{i}", "wrong", ip="192.0.2.66")
    response = login(Client(), cast.coordinator.username, GOOD, ip="192.0.2.66")
    assert not logged_in(response) and "此网络地址登录失败次数过多" in response.content.decode()
    assert logged_in(login(Client(), cast.coordinator.username, GOOD, ip="192.0.2.67"))


def test_the_admin_login_is_locked_too(cast: SimpleNamespace) -> None:
    admin = User.objects.create_superuser("root-admin", password=GOOD, full_name="管理员")
    for _ in range(5):
        login(Client(), admin.username, "wrong", path="/admin/login/")
    response = login(Client(), admin.username, GOOD, path="/admin/login/")
    assert response.status_code == 200 and "已锁定" in response.content.decode()
    call_command("unlock_account", admin.username)
    assert AuditEvent.objects.filter(verb=Verb.LOGIN_UNLOCKED, summary=admin.username).exists()
    assert login(Client(), admin.username, GOOD, path="/admin/login/").status_code == 302


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent connections are exercised on PostgreSQL (SQLite's test database is shared-cache memory)",
)
@pytest.mark.django_db(transaction=True)
def test_a_hundred_concurrent_guesses_run_at_most_five_password_checks(cast: SimpleNamespace, settings: Any) -> None:
    """Counted where the work is: the password hasher's verify, swapped in through PASSWORD_HASHERS (the same
    algorithm, so the cast's stored hashes verify with it), whichever code path asks for a check."""
    CountingHasher.calls = 0
    settings.PASSWORD_HASHERS = ["taizhang.accounts.tests.test_lockout.CountingHasher"]
    name = cast.officer.username

    # 40 connections at once (the server allows 100, shared with other tests), all starting together.
    workers = 40
    barrier = threading.Barrier(workers)

    def guesses(worker: int) -> list[bool]:
        try:
            barrier.wait()
            return [
                logged_in(login(Client(), name, f"wrong-{i}", ip=f"10.9.{i // 250}.{i % 250}"))
                for i in range(worker, 100, workers)
            ]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = [r for rs in pool.map(guesses, range(workers)) for r in rs]
    assert len(results) == 100
    assert not any(results)
    assert 1 <= CountingHasher.calls <= 5, CountingHasher.calls
    assert LoginThrottle.objects.get(key=account_key(name)).attempts == 100
