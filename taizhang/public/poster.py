"""A QR-code poster per unit for the school gate or the office door: the unit's name and a code that opens
the submit page with that unit chosen. An A4 page for the browser's print dialog (the QR code inline as SVG,
so it prints sharp and needs no file), and the same poster as a PNG or a one-page PDF drawn with Pillow."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont

from taizhang.accounts.models import Unit

# A4 at 150 dpi: sharp enough to print, small enough to send in a chat.
A4_PX = (1240, 1754)
DPI = 150
# Debian's fonts-noto-cjk (installed for the browser tests and the print views), then common Windows fonts.
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "C:/Windows/Fonts/msyhbd.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)


def submit_url(request: HttpRequest, unit: Unit) -> str:
    """The public submit page with the unit chosen, on TAIZHANG_PUBLIC_BASE_URL (the public host name the
    poster's readers can reach), else on the address this page was opened at."""
    path = f"{reverse('public_submit')}?{urlencode({'unit': unit.pk})}"
    base = str(getattr(settings, "TAIZHANG_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def qr_svg(url: str) -> str:
    return str(segno.make(url, error="m").svg_inline(scale=8, border=2, omitsize=True))


def poster_font() -> Path | None:
    configured = getattr(settings, "TAIZHANG_POSTER_FONT", "")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def _centered(draw: ImageDraw.ImageDraw, y: int, text: str, font: ImageFont.FreeTypeFont, fill: str) -> int:
    """Draw one line centred (shrinking the font until it fits the page); return the y below it."""
    size = int(font.size)
    while size > 20 and draw.textlength(text, font=font) > A4_PX[0] - 160:
        size -= 4
        font = font.font_variant(size=size)
    width = draw.textlength(text, font=font)
    draw.text(((A4_PX[0] - width) / 2, y), text, font=font, fill=fill)
    return y + int(size * 1.5)


def poster_image(unit: Unit, url: str, *, title: str, lines: list[str]) -> Image.Image:
    """The poster: `title` in red, the unit's name, the QR code and `lines` of instructions. Without a CJK
    font on the server only the QR code and the address are drawn (the print page has the words)."""
    page = Image.new("RGB", A4_PX, "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, A4_PX[0], 36), fill="#b71c1c")
    qr_buffer = io.BytesIO()
    segno.make(url, error="m").save(qr_buffer, kind="png", scale=22, border=2)
    qr = Image.open(qr_buffer).convert("RGB")
    qr.thumbnail((820, 820), Image.Resampling.NEAREST)
    font_path = poster_font()
    y = 150
    if font_path is not None:
        big = ImageFont.truetype(str(font_path), 96)
        y = _centered(draw, y, title, big, "#b71c1c")
        y = _centered(draw, y + 10, unit.name, big.font_variant(size=72), "#1f2328")
    page.paste(qr, ((A4_PX[0] - qr.width) // 2, y + 30))
    y += qr.height + 70
    if font_path is not None:
        body = ImageFont.truetype(str(font_path), 40)
        for line in lines:
            y = _centered(draw, y, line, body, "#1f2328")
    small = ImageFont.load_default(size=28)
    width = draw.textlength(url, font=small)
    draw.text(((A4_PX[0] - width) / 2, A4_PX[1] - 120), url, font=small, fill="#5f6b76")
    return page


def encoded(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "pdf":
        image.save(out, format="PDF", resolution=DPI)
    else:
        image.save(out, format="PNG", optimize=True, dpi=(DPI, DPI))
    return out.getvalue()
