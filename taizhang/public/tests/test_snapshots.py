"""The follow page kept ready (taizhang.public.snapshots): served from one row while nothing changed, rebuilt
after any action on the opinion or its problems, never stored when a write overtook the build."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from taizhang.intake.models import Opinion
from taizhang.problems import actions as problem_actions
from taizhang.problems.models import Problem, Status
from taizhang.public import views
from taizhang.public.access import access_opinion_by_code
from taizhang.public.models import TimelineSnapshot
from taizhang.public.snapshots import from_json, outdate, timeline_for, to_json
from taizhang.public.timeline import public_timeline


def track(client: Client, code: str) -> Any:
    return client.get(reverse("track"), {"code": code}, REMOTE_ADDR="198.51.100.9")


def opinion_of(problem: Problem) -> Opinion:
    return Opinion.objects.filter(links__problem=problem).get()


def looked_up(opinion: Opinion) -> Opinion:
    """The opinion as the follow page loads it (with its snapshot joined)."""
    found = Opinion.objects.select_related("timeline_snapshot").get(pk=opinion.pk)
    return found


def test_a_second_look_reads_the_snapshot_and_shows_the_same_page(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    opinion = opinion_of(make_problem(Status.CLOSED))
    with CaptureQueriesContext(connection) as first:
        html = track(client, opinion.receipt_code).content.decode()
    with CaptureQueriesContext(connection) as second:
        again = track(client, opinion.receipt_code).content.decode()
    assert "已整改并验收销号" in html and "回访结束，销号" in html
    assert again.split('name="csrfmiddlewaretoken"')[0] == html.split('name="csrfmiddlewaretoken"')[0]  # the token
    snapshot = TimelineSnapshot.objects.get(pk=opinion.pk)
    assert snapshot.built_generation == snapshot.generation and "zh-hans" in snapshot.payload
    # The second look: rate counters, the opinion with its snapshot, nothing of the timeline's own queries.
    assert len(second) < len(first) - 4, [q["sql"][:80] for q in second.captured_queries]
    assert not any("audit_auditevent" in q["sql"] for q in second.captured_queries)


def test_the_stored_form_reads_back_as_the_same_timeline(
    cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    for status in (Status.NEW, Status.RECTIFYING, Status.FOLLOW_UP, Status.CLOSED):
        timeline = public_timeline(opinion_of(make_problem(status)))
        assert from_json(to_json(timeline)) == timeline


def test_an_action_on_the_problem_shows_at_once(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    problem = make_problem(Status.RECTIFYING)
    opinion = opinion_of(problem)
    assert "整改中" in track(client, opinion.receipt_code).content.decode()
    problem_actions.do_report_progress(problem, actor=cast.officer, percent=80, text="已约谈涉事教师。", public=True)
    html = track(client, opinion.receipt_code).content.decode()
    assert "已完成 80%" in html and "已约谈涉事教师" in html


def test_a_snapshot_built_before_a_write_is_never_stored(
    cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    """A reader loads the opinion (generation 0), a write commits and raises the generation, then the reader
    finishes building from the state it saw: its store must find another generation and write nothing."""
    problem = make_problem(Status.RECTIFYING)
    opinion = opinion_of(problem)
    TimelineSnapshot.objects.create(opinion=opinion)
    seen = looked_up(opinion)  # generation 0 in memory
    outdate([], [problem.pk])  # the write lands meanwhile
    timeline_for(seen)
    snapshot = TimelineSnapshot.objects.get(pk=opinion.pk)
    assert snapshot.generation == 1 and snapshot.built_generation == -1 and snapshot.payload == {}


def test_every_opinion_of_a_merged_problem_is_outdated(
    cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    first, second = make_problem(Status.RECTIFYING), make_problem(Status.RECTIFYING)
    for problem in (first, second):
        timeline_for(looked_up(opinion_of(problem)))
    problem_actions.do_report_progress(first, actor=cast.officer, percent=50, text="进展", public=False)
    generations = dict(TimelineSnapshot.objects.values_list("opinion_id", "generation"))
    assert generations[opinion_of(first).pk] >= 1 and generations[opinion_of(second).pk] == 0


def test_an_old_snapshot_is_rebuilt_and_each_language_is_kept_apart(
    cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    opinion = opinion_of(make_problem(Status.CLOSED))
    with translation.override("zh-hans"):
        chinese = timeline_for(looked_up(opinion))
    with translation.override("en"):
        english = timeline_for(looked_up(opinion))
    assert chinese.status_words == "已整改并验收销号" and english.status_words != chinese.status_words
    assert set(TimelineSnapshot.objects.get(pk=opinion.pk).payload) == {"format", "zh-hans", "en"}
    # A snapshot older than its lifetime (an edit that bypassed the trail, e.g. a unit renamed) is rebuilt.
    old = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    TimelineSnapshot.objects.filter(pk=opinion.pk).update(built_at=old, payload={"format": 5, "zh-hans": {}})
    with translation.override("zh-hans"):
        assert timeline_for(looked_up(opinion)) == chinese
    assert TimelineSnapshot.objects.get(pk=opinion.pk).built_at != old


def test_snapshots_can_be_turned_off(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem], settings: Any
) -> None:
    settings.TAIZHANG_PUBLIC_TIMELINE_SECONDS = 0
    opinion = opinion_of(make_problem(Status.ASSIGNED))
    assert "已交办" in track(client, opinion.receipt_code).content.decode()
    assert not TimelineSnapshot.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_raise_after_commit_reaches_a_row_made_during_the_write(
    cast: SimpleNamespace, make_problem: Callable[..., Problem], rf: Any
) -> None:
    """With real commits: a follow lookup made while a write is open stores nothing stale."""
    problem = make_problem(Status.RECTIFYING)
    opinion = opinion_of(problem)
    request = rf.get("/track/", REMOTE_ADDR="198.51.100.10")
    found = access_opinion_by_code(request, opinion.receipt_code)
    assert found is not None
    timeline_for(found)
    problem_actions.do_report_progress(problem, actor=cast.officer, percent=90, text="快好了", public=True)
    found = access_opinion_by_code(request, opinion.receipt_code)
    assert found is not None
    timeline = timeline_for(found)
    assert any("90%" in step.detail for step in timeline.steps)
    snapshot = TimelineSnapshot.objects.get(pk=opinion.pk)
    assert snapshot.generation == 2 and snapshot.built_generation == 2  # raised in the write and after its commit


def test_the_kept_page_is_the_page_the_template_renders(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem], settings: Any, monkeypatch: Any
) -> None:
    """A look served from the kept page (markers filled in) and the same look rendered by the template differ in
    nothing but the CSRF token — for each language, for a typed code with spaces, and with a rating form."""
    for status in (Status.FOLLOW_UP, Status.CLOSED):
        opinion = opinion_of(make_problem(status))
        typed = opinion.receipt_code.lower().replace("-", " ")
        for language in ("zh-hans", "en"):
            client.cookies["django_language"] = language
            track(client, typed)  # the first look builds and keeps the page
            with monkeypatch.context() as patched:  # the second is served from it, rendering no template
                patched.setattr(views, "render", lambda *a, **k: pytest.fail("rendered a template"))
                kept = track(client, typed)
            settings.TAIZHANG_PUBLIC_TIMELINE_SECONDS = 0
            rendered = track(client, typed)
            settings.TAIZHANG_PUBLIC_TIMELINE_SECONDS = 86400
            strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
            assert strip.sub("", kept.content.decode()) == strip.sub("", rendered.content.decode()), (status, language)
            assert kept["Cache-Control"] == "no-store" and "csrftoken" in kept.cookies
            assert "TZKEPT" not in kept.content.decode()
