from __future__ import annotations

import io

import pytest
from PIL import Image

from taizhang.lib.images import ImageRejected, reencode_image

GPS_IFD = 0x8825


def jpeg_with_gps(size: tuple[int, int] = (640, 480), orientation: int = 1) -> bytes:
    """A camera-like JPEG: EXIF with a GPS position, a camera model and an orientation."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # Model
    exif[0x0112] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (30.0, 15.0, 12.5), 3: "E", 4: (120.0, 9.0, 1.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken at home")
    return out.getvalue()


def test_it_strips_exif_and_gps_from_a_photo() -> None:
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    clean = reencode_image(io.BytesIO(original), max_pixels=10**8, max_side=2560)
    again = Image.open(io.BytesIO(clean.data))
    assert again.format == "JPEG" and (clean.width, clean.height) == (640, 480)
    assert len(again.getexif()) == 0 and not again.getexif().get_ifd(GPS_IFD)
    assert b"Exif" not in clean.data and b"Phone X" not in clean.data and b"taken at home" not in clean.data


def test_it_turns_the_photo_upright_before_forgetting_its_orientation() -> None:
    rotated = jpeg_with_gps(size=(400, 200), orientation=6)  # "rotate 90° clockwise to view"
    clean = reencode_image(io.BytesIO(rotated), max_pixels=10**8, max_side=2560)
    assert (clean.width, clean.height) == (200, 400)


def test_it_shrinks_a_large_photo_and_reencodes_a_png() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (3000, 1500), (0, 0, 255, 128)).save(out, format="PNG")
    clean = reencode_image(io.BytesIO(out.getvalue()), max_pixels=10**8, max_side=1000)
    assert (clean.width, clean.height) == (1000, 500)
    assert Image.open(io.BytesIO(clean.data)).format == "JPEG"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4 not a photo", b"\xff\xd8\xff\xe0" + b"\x00" * 40, b"", b"<svg xmlns='http://www.w3.org/2000/svg'/>"],
)
def test_it_refuses_what_is_not_an_image(data: bytes) -> None:
    with pytest.raises(ImageRejected) as caught:
        reencode_image(io.BytesIO(data), max_pixels=10**8, max_side=2560)
    assert caught.value.reason == "not_image"


def test_it_refuses_a_decompression_bomb_before_decoding_it() -> None:
    out = io.BytesIO()
    Image.new("L", (4000, 4000)).save(out, format="PNG")
    with pytest.raises(ImageRejected) as caught:
        reencode_image(io.BytesIO(out.getvalue()), max_pixels=1_000_000, max_side=2560)
    assert caught.value.reason == "too_many_pixels"
