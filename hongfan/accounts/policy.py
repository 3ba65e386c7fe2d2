"""The security policy in force: one row, seeded from settings.SECURITY_DEFAULTS."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone

from hongfan.accounts.models import SecurityPolicy

# The policy is read on every logged-in request (the session middleware) and changes a few
# times a year, so it is kept in Django's cache. Saving or deleting the row (the policy page,
# the admin, a test's ``policy.save()``) drops the cached copy at once (``policy_changed``),
# and again when the transaction commits, so the next request in this process (and in every
# process when the cache is Redis) reads the new row. With the per-process LocMem cache of a
# single box, the other worker processes see it within POLICY_CACHE_SECONDS: a minute of
# the old lockout or timeout figures after a security admin's edit is harmless. Code that
# changes the row with ``.update()`` (no signal) calls ``policy_changed()`` itself.
POLICY_CACHE_KEY = "hongfan:security-policy"
POLICY_CACHE_SECONDS = 60


def get_policy(request: HttpRequest | None = None) -> SecurityPolicy:
    cached = getattr(request, "_hongfan_policy", None) if request is not None else None
    if cached is not None:
        return cached
    policy = cache.get(POLICY_CACHE_KEY)
    if not isinstance(policy, SecurityPolicy):
        policy = SecurityPolicy.objects.order_by("pk").first()
        if policy is None:
            policy = SecurityPolicy.objects.create(**settings.SECURITY_DEFAULTS)
        cache.set(POLICY_CACHE_KEY, policy, POLICY_CACHE_SECONDS)
    if request is not None:
        request._hongfan_policy = policy  # type: ignore[attr-defined]
    return policy


def _forget_policy() -> None:
    cache.delete(POLICY_CACHE_KEY)


def policy_changed(**_: Any) -> None:
    """Drop the cached policy now and once more when the transaction commits (a request
    reading the row before the commit must not keep the old one for a minute)."""
    _forget_policy()
    transaction.on_commit(_forget_policy)


post_save.connect(policy_changed, sender=SecurityPolicy, dispatch_uid="hongfan-policy-saved")
post_delete.connect(policy_changed, sender=SecurityPolicy, dispatch_uid="hongfan-policy-deleted")


def axes_failure_limit(request: HttpRequest | None, credentials: Any = None) -> int:
    return get_policy(request).lockout_failures


def axes_cooloff_time(request: HttpRequest | None = None) -> timedelta:
    return timedelta(minutes=get_policy(request).lockout_minutes)


KNOWN_ADDRESS_DAYS = 90


def axes_lockout_parameters(request: Any, credentials: Any = None) -> list[Any]:
    """What a failed login counts against (docs/decisions/0006-login-throttling.md).

    By username, so that a hospital's shared address does not lock its staff together; but
    from an address this username logged in from in the last 90 days, by username *and*
    address: failures from elsewhere (a stranger guessing) do not keep the account out of
    its usual address, while failures from that address still lock it there.
    """
    if not isinstance(request, HttpRequest):
        return ["username"]
    from axes.helpers import get_client_ip_address, get_client_username
    from axes.models import AccessLog

    username = get_client_username(request, credentials)
    ip = get_client_ip_address(request)
    if username and ip:
        since = timezone.now() - timedelta(days=KNOWN_ADDRESS_DAYS)
        known = AccessLog.objects.filter(
            username=username, ip_address=ip, attempt_time__gte=since
        ).exists()
        if known:
            return [["username", "ip_address"]]
    return ["username"]


# --- sessions: idle timeout and lifetime per role ---------------------------------------------

LOGIN_AT_KEY = "hongfan_login_at"
LAST_SEEN_KEY = "hongfan_last_seen"
REMEMBER_KEY = "hongfan_remember"


def clock() -> float:
    """Seconds since the epoch (a function so that tests can move time)."""
    return time.time()


def session_limits(policy: SecurityPolicy, *, admin: bool, remembered: bool) -> tuple[int, int]:
    """(idle seconds, lifetime seconds) of a session. Admins (city, hospital, 三员) get the
    等保 timeouts whatever they ticked; members and secretaries the longer member ones, or
    the remembered-device days when they ticked 记住此设备 and the policy allows it."""
    if admin:
        return policy.session_idle_minutes * 60, policy.admin_session_hours * 3600
    if remembered and policy.remember_device_days:
        days = policy.remember_device_days * 86400
        return days, days
    return policy.member_idle_minutes * 60, policy.member_session_hours * 3600


def session_begin(request: HttpRequest, *, remember: bool = False) -> None:
    """After a login: note when it began and whether the device is remembered, and let the
    cookie live as long as the session may (a browser-session cookie otherwise)."""
    from hongfan.core.access import access_for
    from hongfan.core.roles import ADMIN_ROLES

    policy = get_policy(request)
    admin = bool(access_for(request.user).roles & ADMIN_ROLES)
    remembered = remember and not admin and policy.remember_device_days > 0
    request.session[LOGIN_AT_KEY] = clock()
    request.session[REMEMBER_KEY] = remembered
    _, lifetime = session_limits(policy, admin=admin, remembered=remembered)
    request.session.set_expiry(lifetime if remembered else 0)
