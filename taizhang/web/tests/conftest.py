"""Browser fixtures: one Debian chromium per session, a live server per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Error, sync_playwright

from taizhang.web.tests.browser import CHROMIUM, CHROMIUM_ARGS, Site, browser_unavailable


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        browser_unavailable(f"no chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    # Playwright's sync API leaves its asyncio loop marked as running on the test thread for as long as it is
    # open, and Django then refuses ORM calls there (test data, database flushes) as if they came from async
    # code. Nothing in these tests is async; the live server answers on its own threads.
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Error as exc:
            browser_unavailable(f"chromium at {CHROMIUM} did not start: {exc.message.splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture
def site(
    browser: Browser,
    live_server: Any,
    django_db_serialized_rollback: None,  # the default categories come from a data migration
) -> Iterator[Site]:
    result = Site(browser, live_server.url)
    yield result
    result.close()
