"""Reporters' personal data at rest (PIPL; issue 12): encrypted columns, keyed blind indexes and receipt codes.

- **Encrypted columns.** A reporter's name, phone, e-mail and ID number are stored as `enc1:<key id>:<base64 of
  nonce + AES-256-GCM ciphertext and tag>`, the column's name bound in as associated data (a value copied into
  another column does not decrypt). The keys are settings.TAIZHANG_DATA_KEYS, newest first: the newest encrypts,
  every one decrypts the values under its id, so keys rotate (`manage.py rotate_data_key`, docs/operations.md).
  A value under a key that is not configured, or that does not authenticate, raises DataKeyError — never garbage.
  The empty string stays empty, so "has a phone" is still a plain comparison.
- **Blind indexes.** Where a phone must be found or compared, the database keeps an HMAC-SHA256 of the normalised
  number under settings.TAIZHANG_INDEX_KEY (`phone_index`), never the number.
- **Receipt codes (查询码).** Only `receipt_hash(code)`, a keyed HMAC, is stored and looked up (one indexed
  equality). A new code is not random but derived from a random seed kept on the row (`code_from_seed`): whoever
  holds the index key can show it again (the 12345 platform's retry, a coordinator's page), whoever holds only the
  database cannot. Codes issued before this (seed empty) cannot be shown again; they still find their opinion.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact

from taizhang.lib.codes import ALPHABET, CODE_LENGTH

PREFIX = "enc1:"
_NONCE = 12


class DataKeyError(RuntimeError):
    """A stored value that the configured data keys cannot decrypt: a missing key or a wrong one."""


def _aead(secret: str) -> Any:
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError as exc:  # pragma: no cover - requirements.lock pins it
        raise DataKeyError("个人信息加密需要 cryptography 包（见 requirements.lock）") from exc
    return AESGCM(hashlib.sha256(b"taizhang-data-key\x00" + secret.encode()).digest())


def key_id(secret: str) -> str:
    """A key's public name, written into each ciphertext: 8 hex digits of a hash, not the key."""
    return hashlib.sha256(b"taizhang-data-key-id\x00" + secret.encode()).hexdigest()[:8]


def _keys() -> list[str]:
    keys = list(getattr(settings, "TAIZHANG_DATA_KEYS", []))
    if not keys:
        raise DataKeyError("未配置个人信息加密密钥（TAIZHANG_DATA_KEY 或 var/data_key）")
    return keys


def current_key_id() -> str:
    return key_id(_keys()[0])


def encrypt(plain: str, *, context: str) -> str:
    if plain == "":
        return ""
    secret = _keys()[0]
    nonce = os.urandom(_NONCE)
    sealed = _aead(secret).encrypt(nonce, plain.encode(), context.encode())
    return f"{PREFIX}{key_id(secret)}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def stored_key_id(value: str) -> str:
    return value[len(PREFIX) :].split(":", 1)[0] if is_encrypted(value) else ""


def decrypt(value: str, *, context: str) -> str:
    """The plain text of a stored value. A value without the prefix is plain text from before encryption (the
    migration encrypts those; `rotate_data_key` finishes any left)."""
    if not is_encrypted(value):
        return value
    kid, _, body = value[len(PREFIX) :].partition(":")
    by_id = {key_id(k): k for k in _keys()}
    if kid not in by_id:
        raise DataKeyError(
            f"个人信息由密钥 {kid} 加密，当前配置的密钥（{', '.join(by_id)}）中没有它："
            "请把旧密钥放回 TAIZHANG_DATA_KEY 或 var/data_key（见 docs/operations.md）"
        )
    try:
        raw = base64.urlsafe_b64decode(body.encode())
        plain: bytes = _aead(by_id[kid]).decrypt(raw[:_NONCE], raw[_NONCE:], context.encode())
    except Exception as exc:  # InvalidTag, a truncated value, bad base64
        raise DataKeyError(f"个人信息（{context}）无法用密钥 {kid} 解密：密钥不对或数据已被改动") from exc
    return plain.decode()


class EncryptedTextField(models.TextField[str, str]):
    """A text column kept encrypted in the database and plain in Python (see the module's docstring). Only
    equality with the empty string can be asked of it in a query."""

    def _context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return decrypt(value, context=self._context()) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if isinstance(value, str) and not is_encrypted(value):
            return encrypt(value, context=self._context())
        return value

    def get_lookup(self, lookup_name: str) -> Any:
        """Only `= ""` and `IS NULL`: any other comparison of a ciphertext would silently match nothing."""
        if lookup_name == "exact":
            return _EmptyOnly
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None


class _EmptyOnly(Exact):
    def get_prep_lookup(self) -> Any:
        if self.rhs != "":
            raise FieldError(f"加密字段 {self.lhs.target.name} 只能与空字符串比较（按电话查找用 Opinion.with_phone）")
        return super().get_prep_lookup()


# ---- keyed hashes -----------------------------------------------------------------------------------------------


def _mac(purpose: str, text: str) -> str:
    key = str(settings.TAIZHANG_INDEX_KEY).encode()
    return hmac.new(key, f"{purpose}\x00{text}".encode(), hashlib.sha256).hexdigest()


def normalise_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def phone_index(phone: str) -> str:
    """The blind index of a phone number ("" for none): equal for 138-0000-0000 and +86 13800000000."""
    digits = normalise_phone(phone)
    return _mac("phone", digits)[:40] if digits else ""


def receipt_hash(code: str) -> str:
    """What the database keeps of a receipt code (normalised, 12345-ABCDE): a keyed HMAC, looked up by equality."""
    return _mac("receipt", code)


def new_seed() -> str:
    return secrets.token_hex(12)


def code_from_seed(seed: str) -> str:
    """The receipt code a seed stands for: ten characters of the code alphabet from an HMAC of the seed (the
    modulo bias of 256 over 31 is under 1 %, far from making a code guessable)."""
    digest = hmac.new(str(settings.TAIZHANG_INDEX_KEY).encode(), f"code\x00{seed}".encode(), hashlib.sha256).digest()
    raw = "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:CODE_LENGTH])
    return f"{raw[:5]}-{raw[5:]}"


# ---- rotation -----------------------------------------------------------------------------------------------------


def encrypted_columns() -> list[tuple[type[models.Model], EncryptedTextField]]:
    from django.apps import apps

    return [
        (model, f)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedTextField)
    ]


def stale_count() -> int:
    """How many stored values are not under the newest key (older keys, or plain text from before encryption)."""
    return sum(len(_stale_ids(model, f)) for model, f in encrypted_columns())


def _stale_ids(model: type[models.Model], f: EncryptedTextField) -> list[int]:
    from django.db import connection

    quote = connection.ops.quote_name
    table, column, pk = quote(model._meta.db_table), quote(str(f.column)), quote(str(model._meta.pk.column))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk} FROM {table} WHERE {column} <> '' AND {column} NOT LIKE %s ORDER BY {pk}",
            [f"{PREFIX}{current_key_id()}:%"],
        )
        return [row[0] for row in cursor.fetchall()]


def reencrypt(*, chunk: int = 500) -> dict[str, int]:
    """Re-encrypt every value not under the newest key with it, a chunk of rows a transaction; what is already
    current is not touched, so an interrupted run is finished by running it again. Returns the count per column."""
    from django.db import transaction

    done: dict[str, int] = {}
    for model, f in encrypted_columns():
        ids = _stale_ids(model, f)
        for start in range(0, len(ids), chunk):
            with transaction.atomic():
                rows = model._default_manager.filter(pk__in=ids[start : start + chunk]).values_list("pk", f.attname)
                for pk, plain in rows:  # decrypted by the field on the way out, encrypted on the way in
                    model._default_manager.filter(pk=pk).update(**{f.attname: plain})
        done[f"{model._meta.label_lower}.{f.name}"] = len(ids)
    return done
