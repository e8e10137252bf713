"""Coordinators build, redact, publish and withdraw 公示 through the pages; nobody else can."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.test import Client

from taizhang.audit.models import AuditEvent, Verb
from taizhang.clock import today
from taizhang.disclosure.events import DisclosureVerb
from taizhang.disclosure.models import Batch, BatchItem, BatchKind, BatchState
from taizhang.disclosure.tests.helpers import published
from taizhang.problems.models import Problem, Status


def test_it_builds_redacts_and_publishes_a_batch(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    closed = make_problem(Status.CLOSED)
    rectifying = make_problem(Status.RECTIFYING)
    client.force_login(cast.coordinator)
    response = client.post("/manage/disclosures/", {"title": "第一批已整改问题公示", "kind": BatchKind.FIXED})
    batch = Batch.objects.get()
    assert response.status_code == 302 and batch.state == BatchState.DRAFT
    page = client.get(f"/manage/disclosures/{batch.pk}/?status=closed").content.decode()
    assert closed.number in page and rectifying.number not in page  # only fixed problems are offered

    client.post(f"/manage/disclosures/{batch.pk}/", {"problem": [closed.pk]})
    item = BatchItem.objects.get(batch=batch)
    client.post(f"/manage/disclosures/{batch.pk}/items/{item.pk}/redact/", {"words": "有偿补课\n"})
    preview = client.get(f"/manage/disclosures/{batch.pk}/preview/").content.decode()
    assert "■■" in preview and "有偿补课" not in preview.split("<main")[1]

    confirm = client.get(f"/manage/disclosures/{batch.pk}/publish/")
    assert "确认发布" in confirm.content.decode()
    start, end = today(), today() + dt.timedelta(days=5)
    response = client.post(f"/manage/disclosures/{batch.pk}/publish/", {"starts_on": start, "ends_on": end})
    assert response.status_code == 302
    batch.refresh_from_db()
    item.refresh_from_db()
    assert (batch.state, batch.starts_on, batch.ends_on, batch.published_by) == (
        "published",
        start,
        end,
        cast.coordinator,
    )
    assert item.public_number == closed.number and item.is_closed and "■■" in item.public_title
    verbs = list(AuditEvent.objects.filter(verb__startswith="disclosure_").values_list("verb", flat=True))
    assert verbs == [
        DisclosureVerb.BATCH_CREATED,
        DisclosureVerb.ITEMS_CHANGED,
        DisclosureVerb.ITEM_REDACTED,
        DisclosureVerb.BATCH_PUBLISHED,
    ]


def test_it_refuses_a_problem_of_the_wrong_kind(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    rectifying = make_problem(Status.RECTIFYING)
    client.force_login(cast.coordinator)
    client.post("/manage/disclosures/", {"title": "已整改", "kind": BatchKind.FIXED})
    batch = Batch.objects.get()
    response = client.post(f"/manage/disclosures/{batch.pk}/", {"problem": [rectifying.pk]})
    assert response.status_code == 400 and not batch.items.exists()


def test_published_text_is_frozen(client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]) -> None:
    problem = make_problem(Status.RECTIFYING)
    batch = published(cast, [problem], kind=BatchKind.TO_FIX)
    item = batch.items.get()
    Problem.objects.filter(pk=problem.pk).update(title="改过的标题", measures="改过的措施")
    page = client.get(f"/disclosures/{batch.pk}/items/{item.pk}/").content.decode()
    assert "教师有偿补课" in page and "约谈涉事教师" in page
    assert "改过的" not in page


@pytest.mark.parametrize("role", ["leader", "officer", "unit_head", "inspector", "discipline", "admin"])
def test_it_lets_only_coordinators_publish(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem], role: str
) -> None:
    from taizhang.disclosure import actions

    problem = make_problem(Status.CLOSED)
    batch = actions.do_create_batch(actor=cast.coordinator, title="草稿", kind=BatchKind.FIXED)
    actions.do_add_problems(batch, [problem.pk], actor=cast.coordinator)
    events = AuditEvent.objects.exclude(verb__startswith="login_").exclude(verb=Verb.ACCESS_DENIED).count()
    client.force_login(getattr(cast, role))
    day = today().isoformat()
    attempts = [
        ("/manage/disclosures/", {"title": "x", "kind": BatchKind.FIXED}),
        (f"/manage/disclosures/{batch.pk}/publish/", {"starts_on": day, "ends_on": day}),
        (f"/manage/disclosures/{batch.pk}/", {"remove": batch.items.get().pk}),
        (f"/manage/disclosures/{batch.pk}/withdraw/", {"reason": "x"}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code in (403, 404), url
    batch.refresh_from_db()
    assert batch.state == BatchState.DRAFT and batch.items.count() == 1 and Batch.objects.count() == 1
    assert AuditEvent.objects.exclude(verb__startswith="login_").exclude(verb=Verb.ACCESS_DENIED).count() == events
    # Leaders may read the pages; the others do not even see that a draft exists.
    expected = 200 if role == "leader" else 403
    assert client.get("/manage/disclosures/").status_code == expected


def test_withdrawing_needs_a_reason_and_takes_the_batch_down(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    batch = published(cast, [make_problem(Status.CLOSED)])
    client.force_login(cast.coordinator)
    assert "确认撤回" in client.get(f"/manage/disclosures/{batch.pk}/withdraw/").content.decode()
    assert client.post(f"/manage/disclosures/{batch.pk}/withdraw/", {"reason": ""}).status_code == 200
    batch.refresh_from_db()
    assert batch.state == BatchState.PUBLISHED
    client.post(f"/manage/disclosures/{batch.pk}/withdraw/", {"reason": "公示内容有误"})
    batch.refresh_from_db()
    assert (batch.state, batch.withdraw_reason) == (BatchState.WITHDRAWN, "公示内容有误")
    assert AuditEvent.objects.filter(verb=DisclosureVerb.BATCH_WITHDRAWN).count() == 1
    client.logout()
    assert client.get(f"/disclosures/{batch.pk}/").status_code == 404
    assert batch.title not in client.get("/disclosures/").content.decode()
    assert client.get("/open311/v2/requests.json").json() == []


def test_the_menu_links_the_page_for_coordinators_and_leaders(client: Client, cast: SimpleNamespace) -> None:
    for user, shown in ((cast.coordinator, True), (cast.leader, True), (cast.officer, False), (cast.inspector, False)):
        client.force_login(user)
        assert ('href="/manage/disclosures/"' in client.get("/").content.decode()) is shown, user


def test_every_disclosure_verb_reads_in_words_in_the_audit_trail() -> None:
    from taizhang.audit.models import Verb
    from taizhang.disclosure.events import DisclosureVerb

    for verb in DisclosureVerb:
        assert Verb(verb.value).label == verb.label
