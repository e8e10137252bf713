"""GET /api/v1/notifications and POST /api/v1/notifications/{id}/read: one's own inbox, and only one's own."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.test import Client

from taizhang.accounts.actions import do_create_api_token
from taizhang.accounts.models import User
from taizhang.clock import now
from taizhang.supervision.models import Notification


def message(user: User, title: str, minutes_ago: int, *, read: bool = False) -> Notification:
    at = now() - dt.timedelta(minutes=minutes_ago)
    return Notification.objects.create(
        recipient=user, title=title, body="正文", url="/p/1", created_at=at, read_at=at if read else None
    )


def test_it_lists_only_my_messages_newest_first(client: Client, cast: SimpleNamespace) -> None:
    old = message(cast.officer, "旧消息", 30, read=True)
    new = message(cast.officer, "新消息", 5)
    message(cast.other_officer, "别人的消息", 1)
    client.force_login(cast.officer)
    body = client.get("/api/v1/notifications").json()
    assert (body["count"], body["unread"], body["page"], body["page_size"]) == (2, 1, 1, 50)
    assert [m["id"] for m in body["items"]] == [new.pk, old.pk]
    assert body["items"][0] == {
        "id": new.pk,
        "title": "新消息",
        "body": "正文",
        "url": "/p/1",
        "problem_id": None,
        "created_at": body["items"][0]["created_at"],
        "read_at": None,
    }
    assert body["items"][1]["read_at"] is not None


def test_it_filters_unread_and_read_and_pages(client: Client, cast: SimpleNamespace) -> None:
    read = message(cast.officer, "已读", 30, read=True)
    unread = [message(cast.officer, f"未读{i}", 20 - i) for i in range(3)]
    client.force_login(cast.officer)
    only_unread = client.get("/api/v1/notifications?unread=true&page_size=2").json()
    assert (only_unread["count"], only_unread["unread"]) == (3, 3)
    assert [m["id"] for m in only_unread["items"]] == [unread[2].pk, unread[1].pk]
    second_page = client.get("/api/v1/notifications?unread=true&page_size=2&page=2").json()
    assert [m["id"] for m in second_page["items"]] == [unread[0].pk]
    only_read = client.get("/api/v1/notifications?unread=false").json()
    assert [m["id"] for m in only_read["items"]] == [read.pk]
    response = client.get("/api/v1/notifications?unread=maybe")
    assert response.status_code == 422
    assert response.json()["errors"] == {"unread": ["须为 true 或 false。"]}


def test_it_marks_one_of_my_messages_read(client: Client, cast: SimpleNamespace) -> None:
    mine, other = message(cast.officer, "我的", 5), message(cast.officer, "另一条", 4)
    response = client.post(f"/api/v1/notifications/{mine.pk}/read", headers=_token(cast.officer))
    assert response.status_code == 200
    assert response.json()["id"] == mine.pk and response.json()["read_at"] is not None
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None


def test_marking_again_keeps_the_first_read_time(client: Client, cast: SimpleNamespace) -> None:
    earlier = message(cast.officer, "早已读", 60, read=True)
    first_read = earlier.read_at
    client.force_login(cast.officer)
    response = client.post(f"/api/v1/notifications/{earlier.pk}/read")
    assert response.status_code == 200
    earlier.refresh_from_db()
    assert earlier.read_at == first_read


def test_another_users_message_is_not_found_and_stays_unread(client: Client, cast: SimpleNamespace) -> None:
    theirs = message(cast.other_officer, "别人的", 5)
    client.force_login(cast.officer)
    for notification_id in (theirs.pk, theirs.pk + 1000):
        response = client.post(f"/api/v1/notifications/{notification_id}/read")
        assert response.status_code == 404
        assert response.json() == {"detail": "消息不存在。", "errors": {}}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_marks_all_my_messages_read_and_no_one_elses(client: Client, cast: SimpleNamespace) -> None:
    message(cast.officer, "一", 5)
    message(cast.officer, "二", 4)
    theirs = message(cast.other_officer, "别人的", 3)
    client.force_login(cast.officer)
    assert client.post("/api/v1/notifications/read").json() == {"marked": 2}
    assert client.get("/api/v1/notifications").json()["unread"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_needs_a_login_and_a_token_works(client: Client, cast: SimpleNamespace) -> None:
    message(cast.officer, "一", 5)
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.get("/api/v1/notifications", headers=_token(cast.officer)).json()["count"] == 1


def test_a_session_write_without_csrf_is_refused(cast: SimpleNamespace) -> None:
    mine = message(cast.officer, "我的", 5)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.officer)
    assert strict.post(f"/api/v1/notifications/{mine.pk}/read").status_code == 403
    mine.refresh_from_db()
    assert mine.read_at is None


def _token(user: User) -> dict[str, str]:
    _token_row, key = do_create_api_token(user, "测试对接", actor=None, scope="full")
    return {"Authorization": f"Bearer {key}"}
