"""Photos from the public: proven to be images by decoding them, then re-encoded as a fresh JPEG so that
nothing of the sender's file survives — no EXIF (GPS position, camera serial, time), no comments, no
trailing bytes after the image, no second image hidden in a polyglot file."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"})


class ImageRejected(ValueError):
    """`reason`: not_image, too_many_pixels or unsupported; the caller words the message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    width: int
    height: int


def reencode_image(stream: IO[bytes], *, max_pixels: int, max_side: int, quality: int = 85) -> CleanImage:
    """Decode, turn upright by its EXIF orientation, shrink to `max_side`, and write a new JPEG without
    metadata. A file that is not a complete image, or larger than `max_pixels` (a decompression bomb), is
    refused before it is decoded in full."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            stream.seek(0)
            with Image.open(stream) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise ImageRejected("unsupported")
                if probe.width * probe.height > max_pixels:
                    raise ImageRejected("too_many_pixels")
                probe.verify()
            stream.seek(0)
            with Image.open(stream) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
    except ImageRejected:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected("not_image") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageRejected("not_image") from None
    rgb = upright.convert("RGB")
    rgb.thumbnail((max_side, max_side))
    out = io.BytesIO()
    # A new image object carries no info dict, so save() writes no EXIF, ICC, XMP or comment.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    clean.save(out, format="JPEG", quality=quality, optimize=True)
    return CleanImage(out.getvalue(), clean.width, clean.height)
