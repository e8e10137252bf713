"""The JSON feed, the public API and the Open311 facade read published batches only, in their documented shape."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from django.test import Client

from taizhang.disclosure import actions
from taizhang.disclosure.models import BatchKind
from taizhang.disclosure.tests.helpers import published
from taizhang.problems.models import Problem, Status

OPEN311_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "media_url",
}


def test_open311_services_are_the_categories(client: Client, cast: SimpleNamespace) -> None:
    services = client.get("/open311/v2/services.json").json()
    codes = {s["service_code"] for s in services}
    assert cast.category.code in codes
    assert set(services[0]) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}


def test_open311_requests_are_the_published_problems(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    closed, fixing, draft_only = (
        make_problem(Status.CLOSED),
        make_problem(Status.RECTIFYING),
        make_problem(Status.CLOSED),
    )
    published(cast, [closed])
    published(cast, [fixing], kind=BatchKind.TO_FIX)
    draft = actions.do_create_batch(actor=cast.coordinator, title="草稿", kind=BatchKind.FIXED)
    actions.do_add_problems(draft, [draft_only.pk], actor=cast.coordinator)

    rows = client.get("/open311/v2/requests.json").json()
    by_id = {r["service_request_id"]: r for r in rows}
    assert set(by_id) == {closed.number, fixing.number}
    assert all(set(r) == OPEN311_FIELDS for r in rows)
    done = by_id[closed.number]
    assert done["status"] == "closed" and done["status_notes"] == "已清退费用并通报。"
    assert done["agency_responsible"] == "基础教育股" and done["service_name"] == cast.category.name
    assert done["requested_datetime"].endswith("+08:00") and done["updated_datetime"].endswith("+08:00")
    assert done["expected_datetime"].endswith("T23:59:59+08:00")
    assert by_id[fixing.number]["status"] == "open" and by_id[fixing.number]["status_notes"] == "整改中"

    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json?status=open").json()] == [
        fixing.number
    ]
    assert client.get("/open311/v2/requests.json?status=done").status_code == 400
    assert client.get(f"/open311/v2/requests/{closed.number}.json").json()[0]["status"] == "closed"
    assert client.get(f"/open311/v2/requests/{draft_only.number}.json").status_code == 404


def test_a_problem_published_twice_reads_as_its_newest_publication(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    problem = make_problem(Status.CLOSED)
    published(cast, [problem])
    published(cast, [problem])
    assert len(client.get("/open311/v2/requests.json").json()) == 1
    assert len(client.get("/disclosures/feed.json").json()["items"]) == 1


def test_the_feed_and_the_public_api(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    problem = make_problem(Status.CLOSED)
    batch = published(cast, [problem])
    feed = client.get("/disclosures/feed.json").json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    entry = feed["items"][0]
    assert entry["_taizhang"]["number"] == problem.number and entry["date_published"].endswith("+08:00")
    assert entry["url"].endswith(f"/disclosures/{batch.pk}/items/{batch.items.get().pk}/")

    api = client.get("/api/v1/public/disclosures")  # no login
    assert api.status_code == 200
    body = api.json()
    assert body["count"] == 1
    first = body["items"][0]
    assert first["kind"] == "已整改问题" and first["objections_open"] is True
    assert first["problems"][0]["number"] == problem.number and first["problems"][0]["closed"] is True


def test_satisfaction_is_published_as_it_stood(
    client: Client, cast: SimpleNamespace, make_problem: Callable[..., Problem]
) -> None:
    problem = make_problem(Status.CLOSED)  # its reporter rated it 满意 on the follow page, which closed it
    fixing = make_problem(Status.RECTIFYING)
    batch = published(cast, [problem])
    published(cast, [fixing], kind=BatchKind.TO_FIX)
    item = batch.items.get()
    assert (item.rated_count, item.satisfaction_rate) == (1, 1.0)
    for url in (f"/disclosures/{batch.pk}/", f"/disclosures/{batch.pk}/items/{item.pk}/"):
        assert "满意率 100%（1 人评价）" in client.get(url).content.decode(), url
    api = {p["number"]: p for b in client.get("/api/v1/public/disclosures").json()["items"] for p in b["problems"]}
    assert (api[problem.number]["rated"], api[problem.number]["satisfaction_rate"]) == (1, 1.0)
    assert (api[fixing.number]["rated"], api[fixing.number]["satisfaction_rate"]) == (0, None)
    feed = client.get("/disclosures/feed.json").json()["items"]
    assert {e["_taizhang"]["number"]: e["_taizhang"]["rated"] for e in feed} == {problem.number: 1, fixing.number: 0}
