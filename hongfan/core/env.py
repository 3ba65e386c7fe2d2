"""Small helpers that read configuration from the environment and fail fast."""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def load_dotenv(path: Path) -> None:
    """Load KEY=VALUE lines from a .env file without overriding the real environment."""
    if not path.exists():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be >= {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _check_base64_key(name: str, value: str, *, nbytes: int) -> str:
    """``value`` if it is base64 of exactly ``nbytes`` bytes, else a clear start-up error."""
    how = f'python -c "import os,base64;print(base64.b64encode(os.urandom({nbytes})).decode())"'
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(
            f"{name} must be base64 of {nbytes} random bytes (make one with: {how})"
        ) from exc
    if len(raw) != nbytes:
        raise ImproperlyConfigured(
            f"{name} must decode to {nbytes} bytes, got {len(raw)} (make one with: {how})"
        )
    return value


def env_base64_key(name: str, default: str | None, *, nbytes: int) -> str:
    """A key given as base64 of exactly ``nbytes`` random bytes; anything else stops the
    start-up here instead of failing at the first use of the key."""
    return _check_base64_key(name, env_str(name, default).strip(), nbytes=nbytes)


def env_secret(name: str, default: str | None, *, min_length: int) -> str:
    """A secret string of at least ``min_length`` characters."""
    value = env_str(name, default)
    if len(value.strip()) < min_length:
        raise ImproperlyConfigured(f"{name} must be at least {min_length} characters long")
    return value


# --- issue 11 (keys): personal-data key ring -------------------------------------------
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
LEGACY_PII_KEY_ID = "k1"


def env_pii_keys(
    ring_name: str, single_name: str, default: str | None, *, nbytes: int = 32
) -> list[tuple[str, str]]:
    """The personal-data key ring as ``[(key_id, base64_key), ...]``, current key first.

    ``HONGFAN_PII_KEYS="k2:<b64>,k1:<b64>"``: the first key encrypts, every key decrypts.
    ``HONGFAN_PII_KEY=<b64>`` alone is the legacy single key, id ``k1`` (tokens written
    before key ids existed, ``v1:…``, are under it). Both may be set only while the ring
    holds that same key as ``k1`` (the usual first step of a rotation).
    """
    ring = os.environ.get(ring_name, "").strip()
    single = os.environ.get(single_name, "").strip()
    if not ring:
        value = single or default
        if value is None:
            raise ImproperlyConfigured(
                f"Environment variable {ring_name} or {single_name} is required"
            )
        return [(LEGACY_PII_KEY_ID, _check_base64_key(single_name, value.strip(), nbytes=nbytes))]
    keys: list[tuple[str, str]] = []
    for item in ring.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, value = item.partition(":")
        key_id, value = key_id.strip(), value.strip()
        if not sep or not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                f"{ring_name} must read id:key,id:key (ids of letters, digits, _ or -, "
                f"at most 16), got an entry {key_id[:16]!r}…"
            )
        if any(key_id == known for known, _ in keys):
            raise ImproperlyConfigured(f"{ring_name} names the key id {key_id!r} twice")
        keys.append((key_id, _check_base64_key(f"{ring_name} ({key_id})", value, nbytes=nbytes)))
    if not keys:
        raise ImproperlyConfigured(f"{ring_name} holds no key")
    if single and dict(keys).get(LEGACY_PII_KEY_ID) != single:
        raise ImproperlyConfigured(
            f"{single_name} is set beside {ring_name} but the ring does not hold it as "
            f"{LEGACY_PII_KEY_ID}: add it as {LEGACY_PII_KEY_ID}:<key> or unset {single_name}"
        )
    return keys


# --- Redis (issue 11 §4, docs/decisions/0013-redis-at-city-scale.md) ---------------------------


def env_redis_url(name: str) -> str:
    """An optional Redis URL (``redis://[:password@]host[:port][/db]``, ``rediss://`` for
    TLS, ``unix:///path/to.sock[?db=n]``); "" when unset. A malformed one stops the start-up
    here instead of at the first cache read or queued task. The messages never repeat the
    value (it may hold a password)."""
    from urllib.parse import parse_qs, urlsplit

    value = os.environ.get(name, "").strip()
    if not value:
        return ""
    how = f"{name} must look like redis://127.0.0.1:6379/0"
    if any(c.isspace() for c in value):
        raise ImproperlyConfigured(f"{how}, got a value with spaces")
    parts = urlsplit(value)
    if parts.scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"{how} (scheme redis, rediss or unix)")
    try:
        port = parts.port  # ValueError on a port that is not a number or out of range
    except ValueError as exc:
        raise ImproperlyConfigured(f"{how}: the port is not a number from 1 to 65535") from exc
    if parts.scheme == "unix":
        if not parts.path:
            raise ImproperlyConfigured(f"{how}: a unix:// URL needs the socket's path")
        db = parse_qs(parts.query).get("db", ["0"])[0]
    else:
        if not parts.hostname:
            raise ImproperlyConfigured(f"{how}: the host is missing")
        if port == 0:
            raise ImproperlyConfigured(f"{how}: the port is not a number from 1 to 65535")
        db = parts.path.strip("/") or "0"
    if not db.isdigit():
        raise ImproperlyConfigured(f"{how}: the database number must be an integer, got {db!r}")
    return value
