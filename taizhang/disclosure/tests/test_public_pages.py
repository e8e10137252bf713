"""The public pages' queries are pinned: a list of any length costs the same few, and cached cards skip theirs."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.shortcuts import render
from django.test import Client

from taizhang.disclosure.tests.helpers import published
from taizhang.problems.models import Problem, Status


def test_the_list_and_a_batch_cost_a_fixed_number_of_queries(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem], django_assert_num_queries: Any
) -> None:
    batches = [published(cast, [make_problem(Status.CLOSED), make_problem(Status.CLOSED)]) for _n in range(3)]
    with django_assert_num_queries(2):  # count and newest publication (the version), the page's batches
        page = client.get("/disclosures/").content.decode()
    assert all(b.title in page for b in batches) and "2 个问题" in page
    with django_assert_num_queries(1):  # the cards come from the cache
        assert client.get("/disclosures/").status_code == 200
    with django_assert_num_queries(2):  # the batch (with its item count), its items
        client.get(f"/disclosures/{batches[0].pk}/")
    with django_assert_num_queries(1):
        client.get(f"/disclosures/{batches[0].pk}/")


def test_a_new_publication_shows_at_once_despite_the_cache(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    published(cast, [make_problem(Status.CLOSED)])
    client.get("/disclosures/")
    later = published(cast, [make_problem(Status.CLOSED)])
    assert f"/disclosures/{later.pk}/" in client.get("/disclosures/").content.decode()


def test_a_draft_or_unknown_batch_is_not_found(client: Client, cast: SimpleNamespace) -> None:
    from taizhang.disclosure import actions
    from taizhang.disclosure.models import BatchKind

    draft = actions.do_create_batch(actor=cast.coordinator, title="草稿", kind=BatchKind.FIXED)
    assert client.get(f"/disclosures/{draft.pk}/").status_code == 404
    assert client.get("/disclosures/999999/").status_code == 404
    assert draft.title not in client.get("/disclosures/").content.decode()


def test_the_kept_list_page_is_the_page_the_template_renders(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem], monkeypatch: Any
) -> None:
    """The list is kept whole (taizhang.public.pagecache): a look served from it renders no template and differs
    from the template's own page in nothing but the CSRF token, in both languages and on a second page."""
    import re

    from django.core.cache import cache

    from taizhang.disclosure import public_views
    from taizhang.public import pagecache

    for _n in range(21):
        published(cast, [make_problem(Status.CLOSED)])
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        for url in ("/disclosures/", "/disclosures/?page=2"):
            cache.clear()
            client.get(url)  # kept
            with monkeypatch.context() as patched:
                patched.setattr(pagecache, "render_to_string", lambda *a, **k: pytest.fail("rendered a template"))
                kept = client.get(url)
            monkeypatch.setattr(
                public_views, "serve_kept", lambda request, key, template, context: render(request, template, context)
            )
            rendered = client.get(url)
            monkeypatch.undo()
            assert token.sub("", kept.content.decode()) == token.sub("", rendered.content.decode()), (language, url)
            assert "TZKEPT" not in kept.content.decode() and "csrftoken" in kept.cookies
