"""A failed CSRF check (a form left open too long, cookies off) answers in Chinese, in the face's own layout,
with a way back to the form — not Django's bare page with its English title and <html lang="en">."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from taizhang.intake.models import Opinion
from taizhang.public.tests.helpers import form


@pytest.fixture
def strict() -> Client:
    return Client(enforce_csrf_checks=True)


def test_the_public_submit_page_explains_in_chinese_and_links_back(strict: Client, cast: SimpleNamespace) -> None:
    response = strict.post("/submit/", form(), HTTP_REFERER="http://testserver/submit/?unit=3")
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html and "页面已过期，请重新提交" in html
    assert 'href="http://testserver/submit/?unit=3" id="csrf-back"' in html
    assert "Forbidden" not in html and "CSRF" not in html and "内部系统" not in html
    assert "Cookie" in html  # no cookie was sent: the likely cause is named
    assert not Opinion.objects.exists()


def test_a_foreign_referer_is_not_a_way_back(strict: Client, cast: SimpleNamespace) -> None:
    response = strict.post("/submit/", form(), HTTP_REFERER="https://evil.example.com/submit/")
    html = response.content.decode()
    assert "evil.example.com" not in html and 'href="/submit/" id="csrf-back"' in html


def test_it_is_chinese_on_the_public_only_face(strict: Client, cast: SimpleNamespace, settings: Any) -> None:
    settings.ROOT_URLCONF = "taizhang.public.face_urls"
    settings.TAIZHANG_FACE = "public"
    strict.cookies["csrftoken"] = "x" * 32  # a stale token: the cookie is there, the form's token does not match
    response = strict.post("/submit/", {**form(), "csrfmiddlewaretoken": "y" * 32})
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期，请重新提交" in html and 'href="/submit/" id="csrf-back"' in html
    assert "禁用 Cookie" not in html  # the cookie was there: not the cause


def test_staff_get_it_in_their_own_layout(strict: Client, cast: SimpleNamespace) -> None:
    strict.force_login(cast.coordinator)
    response = strict.post("/manage/disclosures/", {"title": "第三批", "kind": "fixed"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期，请重新提交" in html and "主导航" in html
