"""Fixtures every accounts test uses: quick password hashing and a clean lockout state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import axes.utils
import pytest
from axes.models import AccessFailureLog
from django.utils import timezone

from hongfan.accounts.models import User

PASSWORD = "Hongfan@2026"


@pytest.fixture(autouse=True)
def fast_passwords(db, settings):
    """The demo accounts are hashed with PBKDF2; re-hash them with MD5 for this test so that
    the dozens of logins below take milliseconds, not seconds."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    for user in User.objects.filter(username__in=["member", "sec", "hosp"]):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


@pytest.fixture(autouse=True)
def fresh_axes(db) -> Iterator[None]:
    axes.utils.reset()
    AccessFailureLog.objects.all().delete()
    yield
    axes.utils.reset()
    AccessFailureLog.objects.all().delete()


class Clock:
    """Moves ``django.utils.timezone.now`` forward, for rows that cannot be back-dated (the
    audit trail is append-only)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def advance(self, **delta: Any) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    moved = Clock()
    real_now = timezone.now

    def now() -> datetime:
        return real_now() + moved.offset

    monkeypatch.setattr(timezone, "now", now)
    return moved


from hongfan.accounts.tests.sms import outbox  # noqa: E402,F401  (the SMS outbox fixture)
