"""The receipt code by e-mail: a named reporter may leave an address on the page or the API; it is kept like the
phone (never for an anonymous opinion, masked wherever the phone is masked) and the code is mailed after commit."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from taizhang.audit.models import AuditEvent
from taizhang.intake.access import reporter_label
from taizhang.intake.actions import do_receive_opinion
from taizhang.intake.models import Opinion
from taizhang.public.tests.helpers import form, nothing_written

OPINIONS = "/api/v1/public/opinions"
EMAIL = "chen.jiazhang@example.cn"


def submit(client: Client, data: dict[str, Any]) -> Any:
    return client.post(reverse("public_submit"), data, REMOTE_ADDR="198.51.100.1")


def test_it_mails_the_code_to_a_named_reporter_and_says_where(
    client: Client, cast: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, form(reporter_email=f" {EMAIL} "))
    assert response.status_code == 200
    opinion = Opinion.objects.get()
    assert opinion.reporter_email == EMAIL
    [sent] = mail.outbox
    assert sent.to == [EMAIL] and opinion.receipt_code in sent.subject and opinion.receipt_code in sent.body
    html = response.content.decode()
    assert "c***@example.cn" in html and EMAIL not in html  # the receipt page names it masked
    assert "139****1111" in html and "13900001111" not in html
    assert EMAIL not in repr(list(AuditEvent.objects.values()))


def test_the_mail_links_to_the_follow_page_on_the_public_host(
    client: Client, cast: SimpleNamespace, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TAIZHANG_PUBLIC_BASE_URL = "https://qunzhong.example.gov.cn/"
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, form(reporter_email=EMAIL))
    code = Opinion.objects.get().receipt_code
    assert f"https://qunzhong.example.gov.cn/track/?code={code}" in mail.outbox[0].body


def test_it_takes_the_address_on_the_api(
    client: Client, cast: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    data = {"text": "食堂饭菜分量不足。", "reporter_name": "陈家长", "reporter_phone": "13900001111"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(OPINIONS, {**data, "reporter_email": EMAIL}, content_type="application/json")
    assert response.status_code == 201
    opinion = Opinion.objects.get()
    assert opinion.reporter_email == EMAIL and opinion.receipt_code == response.json()["receipt_code"]
    assert mail.outbox[0].to == [EMAIL]


@pytest.mark.parametrize("door", ["page", "api"])
def test_it_refuses_a_malformed_address_in_chinese_and_writes_nothing(
    client: Client, cast: SimpleNamespace, door: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        if door == "page":
            response = submit(client, form(reporter_email="chen at example"))
            errors = response.context["form"].errors["reporter_email"]
        else:
            data = {"text": "x", "reporter_name": "陈家长", "reporter_phone": "13900001111", "reporter_email": "a@b"}
            response = client.post(OPINIONS, data, content_type="application/json")
            errors = response.json()["errors"]["reporter_email"]
    assert response.status_code == 400
    assert "电子邮箱格式不正确" in errors[0]
    assert nothing_written() and not mail.outbox


@pytest.mark.parametrize("door", ["page", "api"])
def test_an_anonymous_opinion_keeps_no_address_and_gets_no_mail(
    client: Client, cast: SimpleNamespace, door: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        if door == "page":
            response = submit(client, form(anonymous="1", reporter_email=EMAIL))
        else:
            data = {"text": "某校长收受回扣。", "anonymous": True, "reporter_email": EMAIL}
            response = client.post(OPINIONS, data, content_type="application/json")
    assert response.status_code in (200, 201)
    opinion = Opinion.objects.get()
    assert opinion.is_anonymous and opinion.reporter_email == "" and not mail.outbox
    assert "emailed-to" not in response.content.decode()


def test_the_setting_turns_the_mail_off(
    client: Client, cast: SimpleNamespace, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TAIZHANG_PUBLIC_EMAIL_RECEIPT = False
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, form(reporter_email=EMAIL))
    assert Opinion.objects.get().reporter_email == EMAIL  # kept for staff to reply, just not mailed
    assert not mail.outbox and "emailed-to" not in response.content.decode()


def test_a_mail_server_down_keeps_the_opinion(
    client: Client,
    cast: SimpleNamespace,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("taizhang.public.actions.send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, form(reporter_email=EMAIL))
    assert response.status_code == 200
    opinion = Opinion.objects.get()
    assert opinion.receipt_code in response.content.decode()
    assert any("receipt code mail" in r.getMessage() for r in caplog.records)


def test_staff_see_the_address_as_they_see_the_phone(cast: SimpleNamespace) -> None:
    from taizhang.intake.actions import OpinionInput

    opinion = do_receive_opinion(
        OpinionInput(
            channel="online_form",
            text="食堂饭菜分量不足。",
            reporter_name="陈家长",
            reporter_phone="13900001111",
            reporter_email=EMAIL,
        ),
        actor=cast.coordinator,
    )
    assert EMAIL in reporter_label(cast.coordinator, opinion)
    masked = reporter_label(cast.leader, opinion)  # bureau-wide, but not one who sees reporters
    assert "c***@example.cn" in masked and EMAIL not in masked and "13900001111" not in masked
    assert EMAIL not in reporter_label(cast.officer, opinion)
