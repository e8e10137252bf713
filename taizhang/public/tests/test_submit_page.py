from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image

from taizhang.audit.models import AuditEvent, Verb
from taizhang.intake.models import Channel, Opinion
from taizhang.public.actions import MAX_PHOTOS, MAX_TEXT_CHARS
from taizhang.public.models import OpinionPhoto
from taizhang.public.tests.helpers import ANON_IP, GPS_IFD, camera_jpeg, form, not_an_image, nothing_written


def submit(client: Client, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(reverse("public_submit"), data, REMOTE_ADDR=extra.pop("ip", "198.51.100.1"), **extra)


def test_it_shows_the_front_page_to_a_visitor_and_the_workbench_to_staff(client: Client, cast: SimpleNamespace) -> None:
    html = client.get("/").content.decode()
    assert 'id="door-submit"' in html and 'href="/disclosures/"' in html and "工作人员登录" in html
    assert "内部系统" not in html and "主导航" not in html
    client.force_login(cast.coordinator)
    staff = client.get("/").content.decode()
    assert "door-submit" not in staff and "主导航" in staff


def test_it_preselects_the_unit_a_poster_names(client: Client, cast: SimpleNamespace) -> None:
    html = client.get(reverse("public_submit"), {"unit": cast.school.pk}).content.decode()
    assert f'<option value="{cast.school.pk}" selected>青溪县实验小学</option>' in html
    assert "第一督导组" not in html  # inspection groups are not something the public reports


def test_it_receives_a_named_opinion_and_shows_its_code_once(client: Client, cast: SimpleNamespace) -> None:
    response = submit(client, form(unit=cast.school.pk, place="东门"))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    opinion = Opinion.objects.get()
    html = response.content.decode()
    assert opinion.receipt_code in html and "请抄下或截图保存" in html
    assert opinion.channel == Channel.ONLINE_FORM and opinion.concerned_unit == cast.school
    assert (opinion.reporter_name, opinion.reporter_phone, opinion.is_anonymous) == ("陈家长", "13900001111", False)
    assert opinion.entered_by is None
    assert opinion.source_record["fields"] == [
        ["提交方式", "群众端网页"],
        ["涉及地点（反映人填写）", "东门"],
        ["问题类别（反映人所选）", "校园安全"],
    ]
    event = AuditEvent.objects.get(opinion=opinion)
    assert event.verb == Verb.OPINION_RECEIVED and event.actor is None and event.actor_name == "群众（群众端）"


def test_it_texts_the_code_to_a_named_reporter(
    client: Client, cast: SimpleNamespace, caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Any
) -> None:
    caplog.set_level("INFO", logger="taizhang.notify")
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, form())
    code = Opinion.objects.get().receipt_code
    assert any("13900001111" in r.getMessage() and code in r.getMessage() for r in caplog.records)


def test_it_receives_an_anonymous_report_and_keeps_nothing_of_the_sender(client: Client, cast: SimpleNamespace) -> None:
    data = form(anonymous="1", whistleblowing="on", text="某校长收受教辅商回扣。")
    response = submit(client, data, ip=ANON_IP, HTTP_USER_AGENT="Mozilla/5.0 (iPhone; WeChat 8.0.50)")
    assert response.status_code == 200
    opinion = Opinion.objects.get()
    assert opinion.channel == Channel.REPORT and opinion.is_anonymous
    assert opinion.reporter_name == "" and opinion.reporter_phone == ""
    # Not the address, not the browser: in no column of any table.
    for model in apps.get_models():
        for row in model._default_manager.all().values():
            text = repr(row)
            assert ANON_IP not in text and "WeChat" not in text, model.__name__
    assert "13900001111" not in repr(list(AuditEvent.objects.values()))


def test_it_strips_the_gps_position_from_a_photo(client: Client, cast: SimpleNamespace) -> None:
    response = submit(client, form(photos=[camera_jpeg(), camera_jpeg("IMG_0002.jpg")]))
    assert response.status_code == 200
    photos = list(OpinionPhoto.objects.all())
    assert len(photos) == 2 and photos[0].opinion == Opinion.objects.get()
    data = Path(settings.MEDIA_ROOT, str(photos[0].file.name)).read_bytes()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and (image.width, image.height) == (800, 600)
    assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
    assert b"Exif" not in data and b"Phone X" not in data
    assert ["照片", "2 张"] in Opinion.objects.get().source_record["fields"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (form(text="   "), "text", "请填写您要反映的问题"),
        (form(text="长" * (MAX_TEXT_CHARS + 1)), "text", "内容过长"),
        (form(reporter_name=""), "reporter_name", "实名反映请填写姓名"),
        (form(reporter_phone="call me"), "reporter_phone", "联系电话格式不正确"),
        (form(photos=[not_an_image()]), "photos", "不是可识别的图片"),
        (form(photos=[camera_jpeg(f"{i}.jpg") for i in range(MAX_PHOTOS + 1)]), "photos", "最多上传"),
    ],
)
def test_it_refuses_bad_input_in_chinese_and_writes_nothing(
    client: Client, cast: SimpleNamespace, data: dict[str, Any], field: str, message: str
) -> None:
    response = submit(client, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert nothing_written() and not AuditEvent.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.jpg"))


def test_it_answers_429_in_chinese_when_one_address_submits_too_often(
    client: Client, cast: SimpleNamespace, settings: Any
) -> None:
    settings.TAIZHANG_PUBLIC_RATES = {"submit_ip": "2/h"}
    for _ in range(2):
        assert submit(client, form(), ip="198.51.100.9").status_code == 200
    refused = submit(client, form(), ip="198.51.100.9")
    assert refused.status_code == 429 and "操作过于频繁" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert Opinion.objects.count() == 2
    assert submit(client, form(), ip="198.51.100.10").status_code == 200
