"""English as the second interface language: Chinese unless the visitor picks English on the language switch,
whatever the browser's Accept-Language says; the compiled catalogue ships in the repository."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from taizhang.lib.chinese_dates import chinese_date
from taizhang.problems.models import Problem, Status
from taizhang.web.tests.browser import PASSWORD, Site

CATALOGUE = Path(settings.BASE_DIR) / "taizhang" / "locale" / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def choose(client: Client, language: str, next_url: str = "/") -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url


def page_text(client: Client, url: str, **headers: Any) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def navigation(html: str) -> str:
    """The main navigation's own words: links and the log-out button, without the user's name and unit."""
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert nav is not None
    without_who = re.sub(r'<span class="who">.*?</span>', "", nav.group(0), flags=re.S)
    return re.sub(r"<[^>]+>", " ", without_who)


def test_it_shows_chinese_to_a_browser_that_asks_for_english(client: Client, cast: SimpleNamespace) -> None:
    login = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert "登录台账" in login.content.decode()
    assert "Log in to Taizhang" not in login.content.decode()
    assert login["Content-Language"] == "zh-hans"
    assert "Accept-Language" not in login.get("Vary", "")

    client.force_login(cast.coordinator)
    home = page_text(client, reverse("home"), accept_language="en")
    assert '<html lang="zh-Hans">' in home
    assert "工作台" in home and "Dashboard" not in home


def test_it_ignores_a_language_cookie_it_does_not_offer(client: Client, cast: SimpleNamespace) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(cast.coordinator)
    assert "工作台" in page_text(client, reverse("home"))


def test_it_switches_the_home_page_and_navigation_to_english(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.coordinator)
    choose(client, "en")
    html = page_text(client, reverse("home"))
    assert '<html lang="en">' in html
    for label in ["Dashboard", "All problems", "Red (overdue)", "To be assigned", "awaiting triage"]:
        assert label in html
    nav = navigation(html)
    for label in ["Home", "Register opinion", "Import files", "Triage", "Problem ledger", "Supervision", "Log out"]:
        assert label in nav
    assert not CJK.search(nav), nav
    assert "王协调 · Coordinator · 青溪县教育局" in html  # names are data; the role is a label


def test_it_shows_the_ledger_in_english_with_iso_dates(
    client: Client, cast: SimpleNamespace, make_problem: Any
) -> None:
    problem = make_problem(Status.ASSIGNED)
    deadline = Problem.objects.get(pk=problem.pk).deadline
    assert deadline is not None
    client.force_login(cast.coordinator)
    chinese = page_text(client, reverse("ledger"))
    assert "问题台账" in chinese and chinese_date(deadline) in chinese

    choose(client, "en", reverse("ledger"))
    english = page_text(client, reverse("ledger"))
    for label in ["Problem ledger", "Filter", "Export ledger to Excel", "Rectification deadline", "All statuses"]:
        assert label in english
    assert "Awaiting acknowledgement" in english  # the problem's status
    assert '<b id="ledger-count">1</b> problem' in english
    assert deadline.isoformat() in english and chinese_date(deadline) not in english
    assert not CJK.search(navigation(english))


def test_it_shows_the_login_page_in_english_and_back_in_chinese(client: Client) -> None:
    choose(client, "en", reverse("login"))
    english = page_text(client, reverse("login"), accept_language="zh-CN")
    for label in ["Log in to Taizhang", "Username", "Password", "receipt code", "English"]:
        assert label in english
    assert "登录台账" not in english

    choose(client, "zh-hans", reverse("login"))
    chinese = page_text(client, reverse("login"), accept_language="en")
    assert "登录台账" in chinese and "用户名" in chinese
    assert "Log in to Taizhang" not in chinese


def test_it_translates_flash_messages_and_form_errors(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.coordinator)
    choose(client, "en")
    response = client.post(reverse("opinion_new"), {"channel": "hotline_12345", "text": "食堂饭菜分量不足。"})
    assert response.status_code == 302
    detail = page_text(client, response["Location"])
    assert "Registered. Receipt code:" in detail
    assert "12345 hotline" in detail

    bad = client.get(reverse("ledger"), {"deadline_from": "2026-05-01", "deadline_to": "2026-04-01"})
    assert bad.status_code == 400
    assert "“Deadline to” cannot be earlier than “Deadline from”." in bad.content.decode()


def read_po(path: Path) -> dict[str, list[str]]:
    """msgid (with "context\\x04" in front where there is one) → msgstr, or the plural forms in order."""
    entries: dict[str, list[str]] = {}
    fields: dict[str, str] = {}
    key = ""

    def flush() -> None:
        if fields.get("msgid"):
            msgid = fields["msgid"]
            if "msgctxt" in fields:
                msgid = f"{fields['msgctxt']}\x04{msgid}"
            entries[msgid] = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        fields.clear()

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            flush()
        elif line.startswith('"'):
            fields[key] += ast.literal_eval(line)
        elif not line.startswith("#"):
            key, literal = line.split(" ", 1)
            fields[key] = ast.literal_eval(literal)
    return entries


def test_it_ships_a_compiled_catalogue_that_matches_the_po_file() -> None:
    po = read_po(CATALOGUE / "django.po")
    assert len(po) > 400
    untranslated = [msgid for msgid, strs in po.items() if not all(strs)]
    assert untranslated == []

    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for msgid, strs in po.items():
        if len(strs) == 1:
            assert compiled.gettext(msgid) == strs[0], msgid
        else:
            assert [compiled.ngettext(msgid, msgid, n) for n in (1, 2)] == strs, msgid

    with translation.override("en"):
        assert translation.gettext("问题台账") == "Problem ledger"
        assert translation.pgettext("product name", "台账") == "Taizhang"
    with translation.override("zh-hans"):
        assert translation.gettext("问题台账") == "问题台账"


@pytest.mark.browser
def test_it_switches_language_in_a_browser(site: Site, cast: SimpleNamespace) -> None:
    page = site.new_page()  # a Chinese browser (zh-CN); the choice on the switch wins over it
    page.goto(f"{site.url}/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("登录台账")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Taizhang")
    page.get_by_label("Username").fill("coord")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site.url}/")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Problem ledger")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    site.shoot(page, "i18n-01-home-english")
    nav.get_by_role("link", name="Problem ledger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Problem ledger")

    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("问题台账")
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="督查督办")).to_be_visible()
    assert site.failed_assets == [] and site.foreign_requests() == []
