"""The public-only face (TAIZHANG_FACE=public): every internal URL answers 404; the public ones work."""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from taizhang.intake.models import Opinion

PUBLIC_FACE = "taizhang.public.face_urls"
# Paths the public face serves on purpose; everything else of the internal URLconf must be absent.
PUBLIC_PREFIXES = ("/submit/", "/track/", "/i18n/", "/api/v1/public/", "/disclosures/", "/open311/")
SAMPLES = {"int": "1", "str": "x", "slug": "x", "path": "x/y", "uuid": "00000000-0000-0000-0000-000000000001"}


def _group_sample(match: re.Match[str]) -> str:
    body = match.group(1)
    if re.fullmatch(r"[\w|]+", body):  # (auth|accounts|…): the first alternative
        return body.split("|")[0]
    return "1" if "d" in body and "." not in body else "x"


def _concrete(route: str) -> str:
    """A path matching one route: (?P<app>a|b) → a, <int:pk> → 1, <slug> → x; anchors dropped."""
    route = re.sub(r"\(\?P<\w+>([^)]*)\)", _group_sample, route)
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), route)
    return route.lstrip("^").rstrip("$").replace("\\", "")


def internal_paths(patterns: list[Any] | None = None, prefix: str = "/") -> Iterator[str]:
    for pattern in patterns if patterns is not None else get_resolver("taizhang.urls").url_patterns:
        here = prefix + _concrete(str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            yield from internal_paths(pattern.url_patterns, here)
        elif isinstance(pattern, URLPattern):
            yield here


@pytest.fixture
def public_face(settings: Any) -> None:
    settings.ROOT_URLCONF = PUBLIC_FACE


def test_it_walks_enough_of_the_internal_site(db: Any) -> None:
    paths = set(internal_paths())
    assert {"/admin/", "/login/", "/problems/1/", "/api/v1/problems", "/supervision/"} <= paths
    assert len(paths) > 100


def test_every_internal_url_answers_404_on_the_public_face(
    client: Client, cast: SimpleNamespace, public_face: None
) -> None:
    client.force_login(cast.admin)  # even with a staff session cookie carried over
    checked = []
    for path in sorted(set(internal_paths())):
        if path == "/" or path.startswith(PUBLIC_PREFIXES):
            continue
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 404, f"{method.__name__.upper()} {path}: {response.status_code}"
        checked.append(path)
    assert len(checked) > 100


def test_the_public_pages_and_api_work_on_the_public_face(
    client: Client, cast: SimpleNamespace, public_face: None
) -> None:
    front = client.get("/")
    assert front.status_code == 200 and 'id="door-submit"' in front.content.decode()
    assert client.get("/submit/").status_code == 200
    response = client.post(
        "/api/v1/public/opinions", {"text": "校门口车辆乱停。", "anonymous": True}, content_type="application/json"
    )
    assert response.status_code == 201
    code = Opinion.objects.get().receipt_code
    assert client.get("/track/", {"code": code}).status_code == 200
    assert client.get(f"/api/v1/public/track/{code}").json()["receipt_code"] == code
    assert client.get("/api/v1/docs").status_code == 404 and client.get("/api/v1/openapi.json").status_code == 404
    assert client.get("/static/css/public.css").status_code == 200  # served by WhiteNoise, not by a URL
    missing = client.get("/problems/")
    assert "返回首页" in missing.content.decode() and "工作人员登录" not in missing.content.decode()


def test_the_staff_login_link_points_at_the_intranet_when_configured(
    client: Client, db: Any, public_face: None, settings: Any
) -> None:
    settings.TAIZHANG_STAFF_URL = "http://taizhang.jyj.intranet/login/"
    assert 'href="http://taizhang.jyj.intranet/login/"' in client.get("/").content.decode()
