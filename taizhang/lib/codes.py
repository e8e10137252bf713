"""Receipt codes (查询码): short, unambiguous to read aloud on the phone, and not guessable."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L: a code is read out over the hotline and typed by hand.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_receipt_code(typed: str) -> str:
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(cleaned) != CODE_LENGTH:
        return ""
    return f"{cleaned[:5]}-{cleaned[5:]}"
