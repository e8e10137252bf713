"""Seal a small secret (a TOTP key) under a master key so that a database dump does not give it away:
encrypt-then-MAC with HMAC-SHA256 as the keystream (counter mode) and as the tag, keys derived per purpose.
The standard library only; no padding oracle, no nonce reuse in practice (128-bit random nonces).

Several keys may open a box (key rotation): the first one seals."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

VERSION = b"\x01"
NONCE_BYTES = 16
TAG_BYTES = 32


def _derive(key: bytes, purpose: str, use: bytes) -> bytes:
    return hmac.new(key, purpose.encode() + b"\x00" + use, hashlib.sha256).digest()


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (hmac.new(key, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest() for i in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def seal(plaintext: bytes, key: bytes, purpose: str) -> str:
    nonce = secrets.token_bytes(NONCE_BYTES)
    stream = _keystream(_derive(key, purpose, b"enc"), nonce, len(plaintext))
    body = VERSION + nonce + bytes(a ^ b for a, b in zip(plaintext, stream, strict=True))
    tag = hmac.new(_derive(key, purpose, b"mac"), body, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(body + tag).decode("ascii")


def unseal(box: str, keys: Sequence[bytes], purpose: str) -> bytes:
    """The plaintext, if one of `keys` sealed this box for this purpose; ValueError otherwise."""
    raw = base64.urlsafe_b64decode(box.encode("ascii"))
    body, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
    if len(body) < 1 + NONCE_BYTES or body[:1] != VERSION:
        raise ValueError("not a sealed box")
    for key in keys:
        expected = hmac.new(_derive(key, purpose, b"mac"), body, hashlib.sha256).digest()
        if hmac.compare_digest(expected, tag):
            nonce, cipher = body[1 : 1 + NONCE_BYTES], body[1 + NONCE_BYTES :]
            stream = _keystream(_derive(key, purpose, b"enc"), nonce, len(cipher))
            return bytes(a ^ b for a, b in zip(cipher, stream, strict=True))
    raise ValueError("no key opens this box")
