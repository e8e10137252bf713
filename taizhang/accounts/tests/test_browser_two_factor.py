"""动态口令 in a real browser: an administrator's first login enrols an authenticator (the key read off the page, the
code computed here as the phone would), the recovery codes are shown once, and the next login asks for a code."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from taizhang.accounts.models import TotpDevice
from taizhang.lib import totp
from taizhang.web.tests.browser import PASSWORD, Site

pytestmark = pytest.mark.browser


def password_step(site: Site, page: Page, username: str) -> None:
    page.goto(f"{site.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_an_administrator_enrols_then_logs_in_with_a_code(site: Site, cast: SimpleNamespace) -> None:
    page = site.new_page()
    password_step(site, page, "admin")
    page.wait_for_url(re.compile(r"/login/enrol/$"))
    expect(page.locator(".totp-qr svg")).to_be_visible()
    site.shoot(page, "two-factor-01-enrol")
    page.goto(f"{site.url}/problems/")  # nothing else before enrolment: not logged in
    page.wait_for_url(re.compile(r"/login/"))
    page.goto(f"{site.url}/login/enrol/")
    secret = totp.from_base32(page.locator("#totp-secret").inner_text())
    page.get_by_label("动态口令", exact=True).fill("12345")  # not a code
    page.get_by_role("button", name="确认启用并登录").click()
    expect(page.locator("#code-error")).to_be_visible()
    page.get_by_label("动态口令", exact=True).fill(totp.totp(secret, time.time()))
    page.get_by_role("button", name="确认启用并登录").click()
    page.wait_for_url(re.compile(r"/account/recovery-codes/"))
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    site.shoot(page, "two-factor-02-recovery-codes")
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(f"{site.url}/")
    assert TotpDevice.objects.filter(user=cast.admin).exists()
    site.log_out(page)

    # The next login: password, then the code. The enrolment used this step; the next one (±1) is accepted.
    password_step(site, page, "admin")
    page.wait_for_url(re.compile(r"/login/code/$"))
    site.shoot(page, "two-factor-03-code")
    page.get_by_label("动态口令", exact=True).fill(totp.totp(secret, time.time()))  # the step just used: refused
    page.get_by_role("button", name="验证并登录").click()
    expect(page.locator("#code-error")).to_be_visible()
    page.get_by_label("动态口令", exact=True).fill(totp.hotp(secret, totp.step_at(time.time()) + 1))
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url(f"{site.url}/")
    expect(page.get_by_role("navigation", name="主导航")).to_contain_text("管理员")
