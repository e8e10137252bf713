from __future__ import annotations

from types import SimpleNamespace

from django.test import Client
from django.urls import reverse

from taizhang.intake.models import Opinion
from taizhang.public.models import OpinionPhoto
from taizhang.public.tests.helpers import camera_jpeg, form


def test_staff_who_may_open_the_opinion_see_its_photos(client: Client, cast: SimpleNamespace) -> None:
    client.post(reverse("public_submit"), form(photos=[camera_jpeg()]))
    opinion, photo = Opinion.objects.get(), OpinionPhoto.objects.get()
    client.force_login(cast.coordinator)
    page = client.get(reverse("opinion_detail", args=[opinion.pk])).content.decode()
    url = reverse("public_opinion_photo", args=[photo.pk])
    assert f'src="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")  # type: ignore[attr-defined]
    client.force_login(cast.officer)  # the reported unit's staff: not theirs to see
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
