"""异议: open during the 公示期 only, rate-limited per address, and every coordinator is told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import time_machine
from django.test import Client

from taizhang.clock import today
from taizhang.disclosure.models import Objection
from taizhang.disclosure.tests.helpers import published
from taizhang.problems.models import Problem, Status
from taizhang.supervision.models import Notification


def _item_url(batch_pk: int, item_pk: int) -> str:
    return f"/disclosures/{batch_pk}/items/{item_pk}/"


def test_it_takes_an_objection_during_the_period_and_tells_every_coordinator(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    batch = published(cast, [make_problem(Status.CLOSED)])
    item = batch.items.get()
    response = client.post(_item_url(batch.pk, item.pk), {"text": "补课并未停止，仍在周末进行。", "contact": ""})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.item == item and objection.text.startswith("补课并未停止")
    told = Notification.objects.filter(title=f"公示异议：{item.public_number}")
    assert {n.recipient_id for n in told} == {cast.coordinator.pk, cast.coordinator2.pk}
    client.force_login(cast.coordinator)
    assert "补课并未停止" in client.get(f"/manage/disclosures/{batch.pk}/").content.decode()


def test_the_form_is_closed_after_the_period(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    batch = published(cast, [make_problem(Status.CLOSED)], days=3)
    item = batch.items.get()
    later = dt.datetime.combine(today() + dt.timedelta(days=4), dt.time(10), tzinfo=dt.UTC)
    with time_machine.travel(later, tick=False):
        page = client.get(_item_url(batch.pk, item.pk)).content.decode()
        assert "异议通道已关闭" in page and 'name="text"' not in page
        assert client.post(_item_url(batch.pk, item.pk), {"text": "有异议"}).status_code == 400
    assert not Objection.objects.exists() and not Notification.objects.filter(title__contains="公示异议").exists()


def test_it_limits_objections_per_address(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    batch = published(cast, [make_problem(Status.CLOSED)])
    url = _item_url(batch.pk, batch.items.get().pk)
    statuses = [client.post(url, {"text": f"异议{i}"}).status_code for i in range(7)]
    assert statuses == [302] * 5 + [429] * 2
    assert Objection.objects.count() == 5


def test_the_public_only_face_serves_the_pages_and_takes_objections(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem], settings: Any
) -> None:
    batch = published(cast, [make_problem(Status.CLOSED)])
    item = batch.items.get()
    settings.ROOT_URLCONF = "taizhang.public.face_urls"
    for url in ("/disclosures/", f"/disclosures/{batch.pk}/", "/disclosures/feed.json", "/open311/v2/requests.json"):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/v1/public/disclosures").status_code == 200
    assert client.get(f"/manage/disclosures/{batch.pk}/").status_code == 404
    assert client.post(_item_url(batch.pk, item.pk), {"text": "有异议"}).status_code == 302
    told = Notification.objects.get(recipient=cast.coordinator, title__startswith="公示异议")
    assert told.url == f"/manage/disclosures/{batch.pk}/#objections"
