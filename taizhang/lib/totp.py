"""Time-based one-time passwords, RFC 6238 over RFC 4226's HOTP: 30-second steps, 6 digits, HMAC-SHA1 — what
every authenticator app (Google/Microsoft Authenticator, 阿里云 app, FreeOTP) reads from an otpauth:// QR code.

Pure Python, no Django: the accounts app keeps the secret and the last step used (no replay)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
SECRET_BYTES = 20  # 160 bits, RFC 4226's recommended length for SHA-1
DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def to_base32(secret: bytes) -> str:
    """The secret as the apps take it typed in: base32 without padding."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def from_base32(text: str) -> bytes:
    cleaned = "".join(text.split()).upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def grouped(text: str, size: int = 4) -> str:
    """ABCD EFGH …: easier to read out and type."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def hotp(secret: bytes, counter: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226 §5.3: dynamic truncation of HMAC(secret, counter)."""
    mac = hmac.new(secret, struct.pack(">Q", counter), DIGESTS[digest]).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def step_at(unix_time: float) -> int:
    return int(unix_time // STEP_SECONDS)


def totp(secret: bytes, unix_time: float, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    return hotp(secret, step_at(unix_time), digits=digits, digest=digest)


def normalise_code(code: str) -> str:
    """What a person types: spaces and full-width digits (１２３ ４５６) are forgiven."""
    return "".join(ch for ch in code.translate(_FULL_WIDTH) if not ch.isspace())


_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def looks_like_totp(code: str) -> bool:
    code = normalise_code(code)
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def matching_step(secret: bytes, code: str, unix_time: float, *, after_step: int = -1, window: int = 1) -> int | None:
    """The time step (now ± `window` steps, for clock drift) whose code this is, or None. Steps at or before
    `after_step` (the last one used) never match: a code cannot be used twice, nor an older one after it."""
    code = normalise_code(code)
    if not looks_like_totp(code):
        return None
    now_step = step_at(unix_time)
    found = None
    for step in range(now_step - window, now_step + window + 1):
        # Compare every candidate in constant time; no early exit that would time which step matched.
        if step > after_step and hmac.compare_digest(hotp(secret, step), code):
            found = step
    return found


def provisioning_uri(secret: bytes, account: str, issuer: str) -> str:
    """The otpauth:// URI (Key Uri Format) that the QR code carries."""
    label = quote(f"{issuer}:{account}", safe="")
    query = urlencode(
        {"secret": to_base32(secret), "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP_SECONDS},
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"
