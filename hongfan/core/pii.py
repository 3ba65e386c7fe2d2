"""Personal data at rest: authenticated encryption (AES-GCM) plus a keyed hash for lookups.

身份证号 and 手机号 are stored as ciphertext beside an HMAC-SHA256 of the normalised
value, so uniqueness and search work without decrypting. On screen and in exports they
are masked (``mask_id_number`` / ``mask_mobile``); revealing one is an audited action.

Keys carry an id (``settings.PII_KEYS``, current first). A token names its key:
``v2:<key id>:<base64(nonce + ciphertext)>``, with ``v2:<key id>`` as the associated data,
so a token cannot be moved under another id. Tokens written before key ids existed read
``v1:<base64>`` and are under the legacy key ``k1``. Columns holding tokens are
``EncryptedTextField``; ``manage.py rotatepiikey`` finds them all and re-encrypts under the
current key (docs/decisions/0012-key-rotation-and-audit-chain.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

logger = logging.getLogger(__name__)

_LEGACY = "v1"
_VERSION = "v2"
LEGACY_KEY_ID = "k1"
# What a page shows where a value cannot be decrypted (its key is not configured).
UNREADABLE = "******（无法解密）"


class UnreadableToken(ValueError):
    """A stored token that no configured key can open: malformed, or under a key id this
    process does not hold (a key removed from HONGFAN_PII_KEYS too early)."""

    def __init__(self, message: str, *, key_id: str = "") -> None:
        super().__init__(message)
        self.key_id = key_id


@lru_cache(maxsize=16)
def _aead(key_b64: str) -> AESGCM:
    try:
        key = base64.b64decode(key_b64)
    except ValueError as exc:
        raise ImproperlyConfigured("HONGFAN_PII_KEY must be base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured("HONGFAN_PII_KEY must decode to 32 bytes")
    return AESGCM(key)


def current_key_id() -> str:
    return str(getattr(settings, "PII_CURRENT_KEY_ID", LEGACY_KEY_ID))


def key_ring() -> dict[str, str]:
    """Key id -> base64 key; ``settings.PII_ENCRYPTION_KEY`` is the current key's material
    (so a test overriding it alone changes the current key)."""
    ring = dict(getattr(settings, "PII_KEYS", ()))
    ring[current_key_id()] = settings.PII_ENCRYPTION_KEY
    return ring


def token_key_id(token: str) -> str:
    """The id of the key a token is under (``k1`` for a legacy ``v1:`` token); raises
    ``UnreadableToken`` for a malformed one."""
    version, _, rest = token.partition(":")
    if version == _LEGACY and rest:
        return LEGACY_KEY_ID
    if version == _VERSION:
        key_id, sep, body = rest.partition(":")
        if sep and key_id and body:
            return key_id
    raise UnreadableToken("malformed personal-data token")


def current_prefix() -> str:
    """Every token under the current key starts with this."""
    return f"{_VERSION}:{current_key_id()}:"


def encrypt(value: str) -> str:
    if value == "":
        return ""
    key_id = current_key_id()
    header = f"{_VERSION}:{key_id}"
    nonce = os.urandom(12)
    sealed = _aead(settings.PII_ENCRYPTION_KEY).encrypt(
        nonce, value.encode("utf-8"), header.encode("ascii")
    )
    return header + ":" + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str) -> str:
    """The plain value. A tampered token raises ``InvalidTag``; a malformed one or one under
    a key id that is not configured raises ``UnreadableToken`` (its message names the key
    id, never the value)."""
    if not token:
        return ""
    key_id = token_key_id(token)
    if token.startswith(_LEGACY + ":"):
        header, body = _LEGACY, token[len(_LEGACY) + 1 :]
    else:
        header = f"{_VERSION}:{key_id}"
        body = token[len(header) + 1 :]
    key = key_ring().get(key_id)
    if key is None:
        raise UnreadableToken(
            f"personal data under key id {key_id!r}, which is not in HONGFAN_PII_KEYS",
            key_id=key_id,
        )
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UnreadableToken("malformed personal-data token", key_id=key_id) from exc
    return _aead(key).decrypt(raw[:12], raw[12:], header.encode("ascii")).decode("utf-8")


def masked(token: str, mask: Callable[[str], str], *, where: str = "") -> str:
    """The masked value for a page or an export; a token that cannot be decrypted shows
    ``UNREADABLE`` and logs an error naming the key id and the column, never the value."""
    try:
        return mask(decrypt(token))
    except (UnreadableToken, InvalidTag) as exc:
        logger.error(
            "Personal data cannot be decrypted (%s, key id %r): %s",
            where or "?",
            getattr(exc, "key_id", ""),
            type(exc).__name__,
        )
        return UNREADABLE


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A column holding ``encrypt()`` tokens. The column is a plain text column (it
    deconstructs as ``TextField``, so no migration follows from using it); the class marks
    it for ``encrypted_fields()`` and so for key rotation."""

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[str]]]:
    """Every concrete model with encrypted columns, with their names: discovered from the
    installed models, so a new encrypted column is rotated without a list to update."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if names:
            yield model, names


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


# --- key rotation (manage.py rotatepiikey) ------------------------------------------------


def _stale(names: list[str]) -> Any:
    """Rows with at least one non-empty value not under the current key."""
    prefix = current_prefix()
    q = models.Q()
    for name in names:
        q |= ~models.Q(**{name: ""}) & ~models.Q(**{f"{name}__startswith": prefix})
    return q


def rotate_model(
    model: type[models.Model],
    names: list[str],
    *,
    batch_size: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Re-encrypt under the current key every value of ``names`` in ``model`` that is under
    another key, one transaction per batch of rows (locked while re-encrypted, so a
    concurrent edit is neither lost nor overwritten). Rows already under the current key
    are not touched, so an interrupted run simply runs again. Values that cannot be
    decrypted (key not configured) are left as they are and counted.

    Returns (values re-encrypted, values unreadable); ``progress(done, unreadable)`` is
    called after each committed batch."""
    from django.db import transaction

    prefix = current_prefix()
    manager = model._base_manager
    done = unreadable = 0
    last_pk: Any = None
    while True:
        with transaction.atomic():
            qs = manager.filter(_stale(names))
            if last_pk is not None:
                qs = qs.filter(pk__gt=last_pk)
            rows = list(
                qs.select_for_update().order_by("pk").values_list("pk", *names)[:batch_size]
            )
            if not rows:
                return done, unreadable
            for pk, *tokens in rows:
                changes: dict[str, str] = {}
                for name, token in zip(names, tokens, strict=True):
                    if not token or token.startswith(prefix):
                        continue
                    try:
                        changes[name] = encrypt(decrypt(token))
                    except (UnreadableToken, InvalidTag) as exc:
                        unreadable += 1
                        logger.error(
                            "Cannot re-encrypt %s.%s of row %s (key id %r): %s",
                            model._meta.label,
                            name,
                            pk,
                            getattr(exc, "key_id", ""),
                            type(exc).__name__,
                        )
                if changes:
                    manager.filter(pk=pk).update(**changes)
                    done += len(changes)
            last_pk = rows[-1][0]
        if progress is not None:
            progress(done, unreadable)


def key_census() -> list[dict[str, Any]]:
    """Per encrypted column: how many values, how many under the current key, and how many
    under each other key id (``k1/v1`` for tokens written before key ids, which rotation
    rewrites even while k1 is current; ``?`` for key ids not configured)."""
    out: list[dict[str, Any]] = []
    current = current_key_id()
    for model, names in encrypted_fields():
        manager = model._base_manager
        for name in names:
            filled = manager.exclude(**{name: ""})
            by_key: dict[str, int] = {}
            legacy = filled.filter(**{f"{name}__startswith": f"{_LEGACY}:"}).count()
            if legacy:
                by_key[f"{LEGACY_KEY_ID}/{_LEGACY}"] = legacy
            for key_id in key_ring():
                n = filled.filter(**{f"{name}__startswith": f"{_VERSION}:{key_id}:"}).count()
                if n:
                    by_key[key_id] = n
            total = filled.count()
            other = total - sum(by_key.values())
            if other:
                by_key["?"] = other
            under_current = by_key.pop(current, 0)
            out.append(
                {
                    "model": model._meta.label,
                    "field": name,
                    "total": total,
                    "current": under_current,
                    "by_key": by_key,
                    "stale": total - under_current,
                }
            )
    return out
