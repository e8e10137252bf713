"""No page shows a link its viewer may not open: every role crawls the site and follows every internal link."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import time_machine
from django.test import Client

from taizhang.accounts.models import User
from taizhang.intake.actions import OpinionInput, do_receive_opinion
from taizhang.problems.models import Problem, Status
from taizhang.supervision.actions import do_record_accountability
from taizhang.supervision.models import Sanction
from taizhang.supervision.scheduler import sweep
from taizhang.supervision.tests.helpers import at

D = dt.date
ROLES = ("coordinator", "officer", "unit_head", "other_officer", "inspector", "leader", "discipline", "admin")
# Pages a crawl reads links from at most this often per path (pagination and sort orders repeat the same links).
PAGES_PER_PATH = 3
MAX_DEPTH = 3
NOT_CRAWLED = ("/admin/", "/api/", "/i18n/", "/static/", "/media/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _internal_links(page_url: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        url, _ = urldefrag(urljoin("http://testserver" + page_url, href))
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc == "testserver" and parts.path:
            out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def crawl(client: Client) -> dict[str, tuple[int, str]]:
    """Every internal link reachable from the home page: {url: (status, the page that showed it)}."""
    seen: dict[str, tuple[int, str]] = {}
    parsed_per_path: dict[str, int] = {}
    queue: deque[tuple[str, str, int]] = deque([("/", "(start)", 0)])
    while queue:
        url, shown_on, depth = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = (response.status_code, shown_on)
        path = urlsplit(url).path
        if (
            response.status_code != 200
            or depth >= MAX_DEPTH
            or path.startswith(NOT_CRAWLED)
            or not response.get("Content-Type", "").startswith("text/html")
            or parsed_per_path.get(path, 0) >= PAGES_PER_PATH
        ):
            continue
        parsed_per_path[path] = parsed_per_path.get(path, 0) + 1
        for link in _internal_links(url, response.content.decode()):
            if link not in seen:
                queue.append((link, url, depth + 1))
    return seen


@pytest.fixture
def county(cast: SimpleNamespace, make_problem: Callable[..., Problem]) -> SimpleNamespace:
    """A small county with a problem in every state, 督办 documents fired and a 问责 record."""
    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        do_receive_opinion(OpinionInput(channel="online_form", text="食堂饭菜不卫生，请核查。"), actor=cast.coordinator)
        problems = [make_problem(status) for status in Status if status != Status.CLOSED]
        problems.append(make_problem(Status.CLOSED))
    for day in (D(2026, 11, 3), D(2026, 11, 20), D(2026, 12, 10)):
        with time_machine.travel(at(day), tick=False):
            sweep()
    with time_machine.travel(at(D(2026, 12, 10)), tick=False):
        do_record_accountability(
            actor=cast.discipline,
            unit=cast.basic,
            sanction=Sanction.values[0],
            reason="整改不力",
            decided_on=D(2026, 12, 9),
            problem=problems[1],
        )
    # As in the demo, the administrator signs in to the admin (系统管理) too.
    User.objects.filter(pk=cast.admin.pk).update(is_staff=True, is_superuser=True)
    return SimpleNamespace(problems=problems)


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_no_link_its_viewer_may_not_open(
    client: Client, cast: SimpleNamespace, county: SimpleNamespace, role: str
) -> None:
    user = User.objects.get(pk=getattr(cast, role).pk)
    with time_machine.travel(at(D(2026, 12, 10), 10), tick=False):
        client.force_login(user)
        seen = crawl(client)
    broken = {url: found for url, found in seen.items() if found[0] in (403, 404)}
    assert not broken, f"{role} is shown links it may not open: {broken}"
    assert len(seen) > 10, seen  # the crawl really went somewhere
    if role == "admin":
        assert seen["/admin/"][0] == 200
