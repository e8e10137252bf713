"""Helpers for the browser tests: chromium's settings and the live site as a person sees it."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, Response

CHROMIUM = os.environ.get("TAIZHANG_CHROMIUM", "/usr/bin/chromium")
# Quiet, offline chromium: no updater, sync or field trials talking to the internet behind the test's back.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "pass-1234"
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000


def browser_unavailable(reason: str) -> NoReturn:
    """CI must not pass by silently skipping the browser tests; a laptop without chromium may."""
    if os.environ.get("CI"):
        pytest.fail(f"浏览器测试无法运行 (browser tests cannot run): {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


class Site:
    """The live server seen through chromium: pages at desktop or phone width, every request recorded."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.browser = browser
        self.url = url
        self.requests: list[str] = []
        self.failed_assets: list[str] = []
        self._contexts: list[BrowserContext] = []

    def new_page(self, *, phone: bool = False, like: Page | None = None) -> Page:
        """A page in a fresh context; `like` copies that page's cookies, i.e. its logged-in session."""
        state = like.context.storage_state() if like is not None else None
        context = self.browser.new_context(**(PHONE if phone else DESKTOP), storage_state=state, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("response", self._check_asset)
        self._contexts.append(context)
        return context.new_page()

    def _check_asset(self, response: Response) -> None:
        if response.request.resource_type in ("stylesheet", "script", "image", "font") and response.status >= 400:
            self.failed_assets.append(f"{response.status} {response.url}")

    def foreign_requests(self) -> list[str]:
        host = urlsplit(self.url).netloc
        return [u for u in self.requests if urlsplit(u).scheme not in ("http", "https") or urlsplit(u).netloc != host]

    def log_in(self, page: Page, username: str) -> None:
        """Through the login form, like a person."""
        page.goto(f"{self.url}/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{self.url}/")

    def log_out(self, page: Page) -> None:
        page.get_by_role("button", name="退出").click()
        page.wait_for_url(re.compile(r"/login/$"))

    def nav(self, page: Page, name: str) -> None:
        page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True).click()

    def shoot(self, page: Page, name: str) -> None:
        """Full-page screenshots of what `page` shows, at desktop width and again on a phone."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}-desktop.png", full_page=True)
        phone = self.new_page(phone=True, like=page)
        phone.goto(page.url)
        phone.screenshot(path=SCREENSHOTS / f"{name}-phone.png", full_page=True)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        self._contexts.remove(phone.context)
        phone.context.close()
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than a 390px phone screen"

    def close(self) -> None:
        for context in self._contexts:
            context.close()
