"""Photos and form data the public tests send."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from taizhang.intake.models import Opinion
from taizhang.public.models import OpinionPhoto

GPS_IFD = 0x8825
ANON_IP = "203.0.113.77"


def camera_jpeg(name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    """A phone photo: EXIF with the place it was taken (GPS) and the camera."""
    exif = Image.Exif()
    exif[0x0110] = "Phone X"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (30.0, 15.0, 12.5), 3: "E", 4: (120.0, 9.0, 1.0)})
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 120, 40)).save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def not_an_image(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 this is not a photo", content_type="image/jpeg")


def form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "text": "城关一小门口上下学时段车辆乱停，孩子过马路很危险。",
        "unit": "",
        "place": "",
        "category_hint": "campus_safety",
        "anonymous": "0",
        "reporter_name": "陈家长",
        "reporter_phone": "13900001111",
    }
    data.update(overrides)
    return data


def nothing_written() -> bool:
    return not Opinion.objects.exists() and not OpinionPhoto.objects.exists()
