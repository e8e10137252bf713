"""Notifications: the in-app inbox row is written in the action's transaction; a red item's SMS (a pluggable sender)
goes out after commit, so a rolled-back action never tells anyone anything. Email is a daily digest per person
(`send_digests`, run by the supervise sweep from DIGEST_TIME on): every message of the day in one mail."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.mail import send_mail, send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from taizhang.accounts.models import UNIT_ROLES, Unit, User
from taizhang.clock import now
from taizhang.lib.chinese_dates import chinese_date, chinese_datetime
from taizhang.supervision.models import Notification, RedItemSubscription

if TYPE_CHECKING:
    from taizhang.problems.models import Problem

log = logging.getLogger("taizhang.notify")


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingSmsSender:
    """The default: writes the SMS to the log. A real gateway implements the same `send`."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone, text)


def sms_sender() -> SmsSender:
    path = getattr(settings, "TAIZHANG_SMS_SENDER", "taizhang.supervision.notify.LoggingSmsSender")
    sender: SmsSender = import_string(path)()
    return sender


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str = ""
    problem: Problem | None = None
    sms: bool = False


class Recipients:
    """Who hears about a unit's items, looked up once per unit for a whole sweep."""

    def __init__(self) -> None:
        self._members: dict[int, list[User]] = {}
        self._subscribers: dict[int, list[User]] = {}
        self._group_subscribers: dict[str, list[User]] | None = None  # unit kind → followers of the whole group
        self._kinds: dict[int, str] = {}

    def preload(self, unit_ids: set[int]) -> None:
        """Two queries for every unit of a batch, instead of two per unit."""
        missing = unit_ids - set(self._members)
        if not missing:
            return
        for unit_id in missing:
            self._members[unit_id] = []
            self._subscribers[unit_id] = []
        for user in User.objects.filter(unit_id__in=missing, role__in=UNIT_ROLES, is_active=True):
            assert user.unit_id is not None
            self._members[user.unit_id].append(user)
        subs = RedItemSubscription.objects.filter(unit_id__in=missing, user__is_active=True).select_related("user")
        for sub in subs:
            assert sub.unit_id is not None
            self._subscribers[sub.unit_id].append(sub.user)
        self._kinds.update(Unit.objects.filter(pk__in=missing).values_list("pk", "kind"))

    def unit_members(self, unit_id: int) -> list[User]:
        if unit_id not in self._members:
            self._members[unit_id] = list(User.objects.filter(unit_id=unit_id, role__in=UNIT_ROLES, is_active=True))
        return self._members[unit_id]

    def red_item_subscribers(self, unit_id: int) -> list[User]:
        """Who follows this unit's red items: by the unit, or by its whole group ("all schools")."""
        if unit_id not in self._subscribers:
            subs = RedItemSubscription.objects.filter(unit_id=unit_id, user__is_active=True).select_related("user")
            self._subscribers[unit_id] = [s.user for s in subs]
        if unit_id not in self._kinds:
            self._kinds[unit_id] = Unit.objects.filter(pk=unit_id).values_list("kind", flat=True).first() or ""
        if self._group_subscribers is None:
            self._group_subscribers = {}
            groups = RedItemSubscription.objects.exclude(unit_kind="").filter(user__is_active=True)
            for sub in groups.select_related("user"):
                self._group_subscribers.setdefault(sub.unit_kind, []).append(sub.user)
        followers = self._subscribers[unit_id] + self._group_subscribers.get(self._kinds[unit_id], [])
        return list({u.pk: u for u in followers}.values())


def people_with_roles(*roles: str) -> list[User]:
    """The active users of these roles, in a fixed order: who hears of a step that waits on the bureau."""
    return list(User.objects.filter(role__in=roles, is_active=True).order_by("id"))


def notify(users: Iterable[User], message: Message) -> list[Notification]:
    """Inbox rows now; email and SMS copies after commit."""
    return notify_many([(users, message)])


def notify_many(batch: Sequence[tuple[Iterable[User], Message]]) -> list[Notification]:
    """Several messages with one INSERT of inbox rows."""
    at = now()
    rows: list[Notification] = []
    copies: list[tuple[Message, list[str], list[str]]] = []
    for users, message in batch:
        unique = list({u.pk: u for u in users}.values())
        rows += [
            Notification(
                recipient=u,
                title=message.title,
                body=message.body,
                url=message.url,
                problem=message.problem,
                created_at=at,
            )
            for u in unique
        ]
        phones = [u.phone for u in unique if u.phone] if message.sms else []
        if phones:
            copies.append((message, [], phones))
    Notification.objects.bulk_create(rows, batch_size=1000)
    if copies:

        def send_all() -> None:
            for copy in copies:
                _send_copies(*copy)

        transaction.on_commit(send_all)
    return rows


def _send_copies(message: Message, emails: Sequence[str], phones: Sequence[str]) -> None:
    try:
        if emails:
            body = message.body + (f"\n\n{message.url}" if message.url else "")
            subject = f"【台账】{message.title}"
            send_mass_mail([(subject, body, None, [e]) for e in emails], fail_silently=False)
        sender = sms_sender() if phones else None
        for phone in phones:
            assert sender is not None
            sender.send(phone, f"【台账】{message.title}")
    except Exception:  # a mail server down must not undo what was already committed
        log.exception("notification copies for %r not sent", message.title)


DIGEST_TIME = dt.time(17, 30)  # the end of the working day, local time
DIGEST_JOB = "email_digest"


def send_digests(*, force: bool = False) -> int:
    """Once a day from DIGEST_TIME (or now, with force): one email per person with every message not yet mailed,
    oldest first. Idempotent: a message is mailed once; a failed mail is tried again at the next run."""
    from taizhang.supervision.models import SchedulerJob

    moment = now()
    day = timezone.localdate(moment)
    if not force and (timezone.localtime(moment).time() < DIGEST_TIME or not SchedulerJob.claim(DIGEST_JOB, day)):
        return 0
    pending = Notification.objects.filter(emailed_at__isnull=True, created_at__lte=moment).exclude(recipient__email="")
    sent = 0
    for user_id in pending.values_list("recipient_id", flat=True).distinct().order_by("recipient_id"):
        rows = list(pending.filter(recipient_id=user_id).select_related("recipient").order_by("created_at", "id"))
        user = rows[0].recipient
        if not user.is_active:
            continue
        lines = [f"{chinese_datetime(n.created_at)}  {n.title}" + (f"\n    {n.url}" if n.url else "") for n in rows]
        subject = f"【台账】{chinese_date(day)}消息汇总：{len(rows)}条"
        body = f"{user.display_name}：\n\n今天有{len(rows)}条与您有关的消息：\n\n" + "\n".join(lines)
        body += "\n\n请登录台账查看并办理。此邮件由系统每日汇总发送，请勿回复。"
        try:
            send_mail(subject, body, None, [user.email], fail_silently=False)
        except Exception:  # the mail server down: these stay unmailed and go with the next digest
            log.exception("digest for user %s not sent", user_id)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=moment)
        sent += 1
    return sent
