"""Personal data at rest: authenticated encryption (AES-GCM) plus a keyed hash for lookups.

身份证号 and 手机号 are stored as ciphertext beside an HMAC-SHA256 of the normalised
value, so uniqueness and search work without decrypting. On screen and in exports they
are masked (``mask_id_number`` / ``mask_mobile``); revealing one is an audited action.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_VERSION = b"v1"


@lru_cache(maxsize=4)
def _aead(key_b64: str) -> AESGCM:
    try:
        key = base64.b64decode(key_b64)
    except ValueError as exc:
        raise ImproperlyConfigured("HONGFAN_PII_KEY must be base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured("HONGFAN_PII_KEY must decode to 32 bytes")
    return AESGCM(key)


def encrypt(value: str) -> str:
    if value == "":
        return ""
    nonce = os.urandom(12)
    sealed = _aead(settings.PII_ENCRYPTION_KEY).encrypt(nonce, value.encode("utf-8"), _VERSION)
    return _VERSION.decode() + ":" + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    version, _, body = token.partition(":")
    raw = base64.b64decode(body)
    return (
        _aead(settings.PII_ENCRYPTION_KEY)
        .decrypt(raw[:12], raw[12:], version.encode())
        .decode("utf-8")
    )


def keyed_hash(value: str) -> str:
    if value == "":
        return ""
    return hmac.new(
        settings.PII_HASH_KEY.encode("utf-8"), value.encode("utf-8"), hashlib.sha256
    ).hexdigest()


def mask_id_number(value: str) -> str:
    """110105199001010123 -> 110105********0123"""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_mobile(value: str) -> str:
    """13812348000 -> 138****8000"""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
