"""Password policy, the forced change of an initial password, idle and absolute session limits, no-store."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from taizhang.accounts import sessions
from taizhang.accounts.models import User
from taizhang.audit.models import AuditEvent, Verb

GOOD = "pass-1234"
STRONG = "Qing-Jiao#2026"


def signed_in(user: User) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": GOOD}).status_code == 302
    return client


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("12345678", "太短"),
        ("password", "太短"),
        ("abcdefghijkl", "至少 3 种"),
        ("1234567890123", "只包含数字"),
        ("Qwerty123456", "太常见"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(cast: SimpleNamespace, password: str, words: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password(password, cast.officer)
    assert any(words in message for message in refused.value.messages), refused.value.messages


def test_a_password_like_the_username_is_refused(cast: SimpleNamespace) -> None:
    cast.officer.username = "zhangwei-jiaoyu"
    with pytest.raises(ValidationError, match="相似"):
        validate_password("Zhangwei-Jiaoyu1", cast.officer)


def test_a_strong_password_is_taken_and_the_last_five_are_not(cast: SimpleNamespace) -> None:
    client = signed_in(cast.officer)
    old = GOOD
    for i in range(3):
        new = f"{STRONG}-{i}"
        response = client.post(
            reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
        )
        assert response.status_code == 302, response.content.decode()[:500]
        old = new
    reuse = f"{STRONG}-0"
    response = client.post(
        reverse("password_change"), {"old_password": old, "new_password1": reuse, "new_password2": reuse}
    )
    assert response.status_code == 400 and "最近 5 次用过的密码" in response.content.decode()
    assert AuditEvent.objects.filter(verb=Verb.PASSWORD_CHANGED, actor=cast.officer).count() == 3


def test_an_initial_password_must_be_changed_first(cast: SimpleNamespace) -> None:
    User.objects.filter(pk=cast.officer.pk).update(must_change_password=True)
    client = signed_in(cast.officer)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert client.get("/api/v1/problems").status_code == 403
    page = client.get(reverse("password_change")).content.decode()
    assert 'id="must-change"' in page
    client.post(reverse("password_change"), {"old_password": GOOD, "new_password1": STRONG, "new_password2": STRONG})
    assert client.get(reverse("home")).status_code == 200
    assert not User.objects.get(pk=cast.officer.pk).must_change_password


def test_a_password_change_ends_the_users_other_sessions(cast: SimpleNamespace) -> None:
    at_home, at_work = signed_in(cast.officer), signed_in(cast.officer)
    at_work.post(reverse("password_change"), {"old_password": GOOD, "new_password1": STRONG, "new_password2": STRONG})
    assert at_work.get(reverse("ledger")).status_code == 200
    assert at_home.get(reverse("ledger")).status_code == 302  # to the login page


def age(client: Client, **seconds_ago: int) -> None:
    session = client.session
    moment = int(time.time())
    if "idle" in seconds_ago:
        session[sessions.SEEN_AT] = moment - seconds_ago["idle"]
    if "login" in seconds_ago:
        session[sessions.LOGIN_AT] = moment - seconds_ago["login"]
    session.save()


def test_an_idle_session_ends_after_30_minutes_and_an_administrators_after_15(cast: SimpleNamespace) -> None:
    officer = signed_in(cast.officer)
    age(officer, idle=29 * 60)
    assert officer.get(reverse("home")).status_code == 200
    age(officer, idle=31 * 60)
    response = officer.get(reverse("home"), follow=True)
    assert "30 分钟未操作，已自动退出" in response.content.decode()
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    admin = signed_in(cast.admin)
    age(admin, idle=16 * 60)
    assert admin.get(reverse("ledger")).status_code == 302


def test_a_session_ends_eight_hours_after_login_however_busy(cast: SimpleNamespace) -> None:
    client = signed_in(cast.officer)
    age(client, login=8 * 3600 + 60, idle=10)
    assert client.get(reverse("ledger")).status_code == 302
    assert client.get("/api/v1/problems").status_code == 401


def test_pages_and_exports_of_a_logged_in_user_are_not_cached(cast: SimpleNamespace, client: Client) -> None:
    assert "no-store" not in client.get("/").get("Cache-Control", "")  # the public front page
    staff = signed_in(cast.coordinator)
    for url in (reverse("home"), reverse("ledger"), reverse("ledger_export"), "/api/v1/problems"):
        assert staff.get(url)["Cache-Control"] == "no-store", url


def test_an_account_made_or_reset_by_the_administrator_must_change_its_password(cast: SimpleNamespace) -> None:
    root = User.objects.create_superuser("root-admin", password=GOOD, full_name="管理员")
    client = Client()
    client.force_login(root)
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "new-officer", "password1": STRONG, "password2": STRONG, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert User.objects.get(username="new-officer").must_change_password
    User.objects.filter(pk=cast.officer.pk).update(must_change_password=False)
    response = client.post(
        f"/admin/accounts/user/{cast.officer.pk}/password/",
        {"password1": STRONG, "password2": STRONG, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert User.objects.get(pk=cast.officer.pk).must_change_password
    assert AuditEvent.objects.filter(verb=Verb.PASSWORD_SET_BY_ADMIN, actor=root, summary=cast.officer.username)
