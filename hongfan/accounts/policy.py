"""The security policy in force: one row, seeded from settings.SECURITY_DEFAULTS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from hongfan.accounts.models import SecurityPolicy


def get_policy(request: HttpRequest | None = None) -> SecurityPolicy:
    cached = getattr(request, "_hongfan_policy", None) if request is not None else None
    if cached is not None:
        return cached
    policy = SecurityPolicy.objects.order_by("pk").first()
    if policy is None:
        policy = SecurityPolicy.objects.create(**settings.SECURITY_DEFAULTS)
    if request is not None:
        request._hongfan_policy = policy  # type: ignore[attr-defined]
    return policy


def axes_failure_limit(request: HttpRequest | None, credentials: Any = None) -> int:
    return get_policy(request).lockout_failures


def axes_cooloff_time(request: HttpRequest | None = None) -> timedelta:
    return timedelta(minutes=get_policy(request).lockout_minutes)
