"""Inbox rows for every rung, email through Django's mail backend, SMS through the adapter, leaders' subscriptions."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from taizhang.audit.models import AuditEvent, Verb
from taizhang.supervision.models import Notification, RedItemSubscription
from taizhang.supervision.scheduler import sweep
from taizhang.supervision.tests.helpers import assign, at, new_problem

D = dt.date


def test_it_notifies_the_unit_and_subscribed_leaders_of_red_items(
    client: Client, cast: SimpleNamespace, django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    cast.officer.email, cast.officer.phone = "officer@qx.example", "13800000001"
    cast.officer.save(update_fields=["email", "phone"])
    client.force_login(cast.leader)
    response = client.post(reverse("supervision_subscriptions"), {"unit": cast.basic.pk, "subscribed": "on"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb=Verb.SUBSCRIPTION_CHANGED).count() == 1
    with time_machine.travel(at(D(2026, 11, 2)), tick=False) as traveller:
        assign(cast, new_problem(cast), milestone_on=D(2026, 11, 3))
        sweep()  # the 问题预报单: not a red item
        traveller.move_to(at(D(2026, 11, 12)))
        with caplog.at_level(logging.INFO, logger="taizhang.notify"), django_capture_on_commit_callbacks(execute=True):
            sweep()  # the missed 签收 reminder and the 督办单 (red), in one message; "due in two days" is moot
    officer = list(Notification.objects.filter(recipient=cast.officer).order_by("id"))
    assert [n.title for n in officer] == [
        "QX26-00001 问题预报：青教预〔2026〕1号",
        "QX26-00001 督办：青教督〔2026〕1号",
    ]
    assert "签收超时提醒" in officer[1].body and "到期提醒" not in officer[1].body
    leader_titles = list(Notification.objects.filter(recipient=cast.leader).values_list("title", flat=True))
    assert len(leader_titles) == 1 and "青教督〔2026〕1号" in leader_titles[0]
    assert mail.outbox == []  # email comes as the day's digest, not one mail per message
    assert "SMS to 13800000001" in caplog.text and caplog.text.count("SMS to") == 1  # only the red item by SMS
    client.force_login(cast.officer)
    page = client.get(reverse("supervision_inbox")).content.decode()
    assert "青教督〔2026〕1号" in page and "未读" in page
    client.post(reverse("supervision_inbox"))
    assert not Notification.objects.filter(recipient=cast.officer, read_at__isnull=True).exists()


def test_it_lets_only_leading_roles_subscribe(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.officer)
    assert client.get(reverse("supervision_subscriptions")).status_code == 403


def test_it_lists_notifications_in_the_api(client: Client, cast: SimpleNamespace) -> None:
    with time_machine.travel(at(D(2026, 11, 2)), tick=False):
        assign(cast, new_problem(cast), milestone_on=D(2026, 11, 3))
        sweep()
    client.force_login(cast.officer)
    body = client.get("/api/v1/notifications").json()
    assert body["count"] == 1 and body["unread"] == 1 and "问题预报" in body["items"][0]["title"]
    assert client.post("/api/v1/notifications/read").json() == {"marked": 1}
    # one inbox in the API: the old copy under /supervision/ is gone
    assert client.get("/api/v1/supervision/notifications").status_code == 404
    actions = client.get("/api/v1/supervision/actions").json()
    assert actions["items"][0]["doc_number"] == "青教预〔2026〕1号"


def test_a_leader_follows_all_schools_at_once_including_a_school_added_later(
    client: Client, cast: SimpleNamespace
) -> None:
    from taizhang.accounts.models import Unit, UnitKind
    from taizhang.web.todo import todo_for

    client.force_login(cast.leader)
    response = client.post(reverse("supervision_subscriptions"), {"group": "school", "subscribed": "on"})
    assert response.status_code == 302
    assert client.post(reverse("supervision_subscriptions"), {"group": "bureau", "subscribed": "on"}).status_code == 302
    assert RedItemSubscription.objects.filter(user=cast.leader).count() == 1  # 局机关 is not a group one follows
    page = client.get(reverse("supervision_subscriptions")).content.decode()
    assert "已随类别订阅" in page and 'id="unsubscribe-school"' in page
    later = Unit.objects.create(name="青溪县新城学校", kind=UnitKind.SCHOOL, parent=cast.bureau)
    with time_machine.travel(at(D(2026, 11, 2)), tick=False) as traveller:
        at_school = assign(cast, new_problem(cast, "食堂卫生"), milestone_on=D(2026, 11, 3), unit=later)
        assign(cast, new_problem(cast, "乱收费"), milestone_on=D(2026, 11, 3))  # an office's: not followed
        traveller.move_to(at(D(2026, 11, 12)))
        sweep()
        titles = list(Notification.objects.filter(recipient=cast.leader).values_list("title", flat=True))
        assert len(titles) == 1 and titles[0].startswith(f"{at_school.number} 督办：青教督〔2026〕")
        assert [i.problem_id for i in todo_for(cast.leader).items if i.kind == "red_item"] == [at_school.pk]
    assert AuditEvent.objects.filter(verb=Verb.SUBSCRIPTION_CHANGED, data__unit_kind="school").count() == 1


def test_email_comes_as_one_digest_per_person_per_day(cast: SimpleNamespace) -> None:
    from taizhang.supervision.notify import send_digests

    cast.officer.email = "officer@qx.example"
    cast.officer.save(update_fields=["email"])
    with time_machine.travel(at(D(2026, 11, 2), 8, 30), tick=False) as traveller:
        first = assign(cast, new_problem(cast, "食堂卫生"), milestone_on=D(2026, 11, 3))
        second = assign(cast, new_problem(cast, "乱收费"), milestone_on=D(2026, 11, 3))
        sweep()  # two 预报单 for the officer's unit
        assert mail.outbox == [] and send_digests() == 0  # before 17:30 nothing goes
        traveller.move_to(at(D(2026, 11, 2), 17, 31))
        assert sweep().digests == 1
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["officer@qx.example"]
        assert mail.outbox[0].subject == "【台账】2026年11月2日消息汇总：2条"
        assert first.number in mail.outbox[0].body and second.number in mail.outbox[0].body
        traveller.move_to(at(D(2026, 11, 2), 18))
        assert sweep().digests == 0 and send_digests(force=True) == 0  # mailed once only
        traveller.move_to(at(D(2026, 11, 4), 17, 45))  # the 签收 reminders of the 4th, in that day's digest
        sweep()
    assert len(mail.outbox) == 2 and "2026年11月4日" in mail.outbox[1].subject
    assert "问题预报" not in mail.outbox[1].body
    assert not Notification.objects.filter(recipient=cast.officer, emailed_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=cast.unit_head, emailed_at__isnull=True).exists()  # no address
