"""The in-app inbox (站内消息): a user reads and marks only their own messages."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext

from taizhang.accounts.models import User
from taizhang.clock import now
from taizhang.supervision.access import inbox_of
from taizhang.supervision.models import Notification


def access_notification_by_id(user: User, notification_id: int) -> Notification:
    """One of the user's own messages; another person's message is answered as if it did not exist."""
    notification = inbox_of(user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404(gettext("消息不存在。"))
    return notification


def do_mark_notification_read(notification: Notification, *, actor: User) -> Notification:
    """Mark one message read; a message read before keeps its first read time. Reading one's own inbox changes no
    ledger record, so — like "mark all read" on the page — it writes no audit event."""
    with transaction.atomic():
        moment = now()
        marked = inbox_of(actor).filter(pk=notification.pk, read_at__isnull=True).update(read_at=moment)
    if marked:
        notification.read_at = moment
    else:
        notification.refresh_from_db(fields=["read_at"])
    return notification
