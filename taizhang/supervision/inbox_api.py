"""/api/v1/notifications: the caller's own in-app messages (站内消息), newest first, and marking them read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from taizhang.api_common import ERRORS, PageParams, api_user, page_of
from taizhang.clock import now
from taizhang.supervision.access import inbox_of
from taizhang.supervision.api import NotificationOut, NotificationPage
from taizhang.supervision.inbox import access_notification_by_id, do_mark_notification_read
from taizhang.supervision.models import Notification

router = Router(tags=["站内消息"])


class InboxQuery(Schema):
    unread: bool | None = Field(None, description="true 只列未读，false 只列已读；不填则全部")


class MarkedOut(Schema):
    marked: int = Field(description="本次标为已读的条数")


@router.get(
    "",
    response={200: NotificationPage, **ERRORS},
    summary="我的站内消息（最新的在前）",
    description="只含当前用户自己的消息。count 为符合筛选条件的条数，unread 为全部未读条数。",
)
def list_notifications(request: HttpRequest, filters: Query[InboxQuery], paging: Query[PageParams]) -> dict[str, Any]:
    inbox = inbox_of(api_user(request))
    qs = inbox if filters.unread is None else inbox.filter(read_at__isnull=filters.unread)
    count, items = page_of(qs.order_by("-created_at", "-id"), paging)
    unread = inbox.filter(read_at__isnull=True).count()
    return {"count": count, "unread": unread, "page": paging.page, "page_size": paging.page_size, "items": items}


@router.post("/read", response={200: MarkedOut, **ERRORS}, summary="全部标为已读")
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    return {"marked": inbox_of(api_user(request)).filter(read_at__isnull=True).update(read_at=now())}


@router.post(
    "/{notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    summary="把一条消息标为已读",
    description="只能标记自己的消息；他人的消息按不存在处理（404）。已读的消息保留第一次阅读的时间。",
)
def mark_read(request: HttpRequest, notification_id: int) -> Notification:
    user = api_user(request)
    return do_mark_notification_read(access_notification_by_id(user, notification_id), actor=user)
