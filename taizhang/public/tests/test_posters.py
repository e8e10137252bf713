from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

from django.test import Client
from django.urls import reverse
from PIL import Image


def test_a_coordinator_finds_the_posters_from_the_home_page(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.coordinator)
    assert reverse("public_posters") in client.get("/").content.decode()
    html = client.get(reverse("public_posters")).content.decode()
    assert "青溪县实验小学" in html and "第一督导组" not in html


def test_it_prints_a_poster_whose_code_opens_the_submit_page_for_the_unit(
    client: Client, cast: SimpleNamespace, settings: Any
) -> None:
    settings.TAIZHANG_PUBLIC_BASE_URL = "https://qunzhong.qx.gov.cn/"
    client.force_login(cast.admin)
    html = client.get(reverse("public_poster_print", args=[cast.school.pk])).content.decode()
    url = f"https://qunzhong.qx.gov.cn/submit/?unit={cast.school.pk}"
    assert url in html and "<svg" in html and "青溪县实验小学" in html
    assert html.count("<script") == 1 and '<script src="/static/taizhang.js" defer>' in html  # the print button only


def test_it_draws_the_poster_as_png_and_pdf(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.coordinator)
    png = client.get(reverse("public_poster_file", args=[cast.school.pk, "png"]))
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert "attachment" in png["Content-Disposition"]
    image = Image.open(io.BytesIO(b"".join(png.streaming_content)))  # type: ignore[attr-defined]
    assert image.size == (1240, 1754)
    pdf = client.get(reverse("public_poster_file", args=[cast.school.pk, "pdf"]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert client.get(reverse("public_poster_file", args=[cast.school.pk, "gif"])).status_code == 404


def test_only_coordinators_and_administrators_make_posters(client: Client, cast: SimpleNamespace) -> None:
    client.force_login(cast.officer)
    assert client.get(reverse("public_posters")).status_code == 403
    assert client.get(reverse("public_poster_print", args=[cast.school.pk])).status_code == 403
    assert reverse("public_posters") not in client.get("/").content.decode()
    client.logout()
    assert client.get(reverse("public_posters")).status_code == 302
