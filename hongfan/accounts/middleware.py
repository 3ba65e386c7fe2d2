"""Session idle timeout and lifetime per role (``policy.session_limits``), password expiry,
mandatory 2FA for admins, audited denials."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts import policy as session_policy
from hongfan.accounts.policy import (
    LAST_SEEN_KEY,
    LOGIN_AT_KEY,
    REMEMBER_KEY,
    get_policy,
    session_limits,
)
from hongfan.core.access import access_for
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.roles import ADMIN_ROLES

__all__ = ["LAST_SEEN_KEY", "SecurityPolicyMiddleware"]

_OPEN_PREFIXES = ("/static/", "/accounts/login", "/accounts/logout")
_SETUP_PATHS = ("/accounts/password", "/accounts/2fa", "/accounts/logout")
LAST_SEEN_EVERY = 60  # seconds


class SecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(_OPEN_PREFIXES):
            policy = get_policy(request)
            now = session_policy.clock()
            last = request.session.get(LAST_SEEN_KEY)
            started = request.session.get(LOGIN_AT_KEY)
            if started is None:
                started = request.session[LOGIN_AT_KEY] = now
            idle, lifetime = session_limits(
                policy,
                admin=bool(access_for(user).roles & ADMIN_ROLES),
                remembered=bool(request.session.get(REMEMBER_KEY)),
            )
            expired = ""
            if last is not None and now - last > idle:
                expired = "idle"
            elif now - started > lifetime:
                expired = "lifetime"
            if expired:
                audit_log(
                    action=AuditAction.SESSION_TIMEOUT, request=request, user=user, reason=expired
                )
                logout(request)
                if request.path.startswith("/api/"):
                    return HttpResponse(
                        '{"detail":"会话已超时，请重新登录"}',
                        status=401,
                        content_type="application/json",
                    )
                return redirect(f"{reverse('accounts:login')}?timeout=1&next={request.path}")
            if last is None or now - last >= LAST_SEEN_EVERY:
                # Written at most once a minute, so a page view is not a session write.
                request.session[LAST_SEEN_KEY] = now
            if not request.path.startswith(_SETUP_PATHS):
                if policy.password_max_age_days and (
                    timezone.now() - user.password_changed_at
                    > timedelta(days=policy.password_max_age_days)
                ):
                    return redirect(f"{reverse('accounts:password')}?expired=1")
                if (
                    policy.require_2fa_for_admins
                    and access_for(user).roles & ADMIN_ROLES
                    and not getattr(user, "is_verified", lambda: False)()
                ):
                    return redirect(f"{reverse('accounts:2fa')}?required=1")
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PermissionDenied):
            audit_log(
                action=AuditAction.DENIED,
                request=request,
                success=False,
                path=request.path[:200],
                method=request.method,
            )
            message = str(exception) or "没有权限访问此页面"
            if request.path.startswith("/api/"):
                return None  # DRF renders its own 403
            return render(request, "403.html", {"message": message}, status=403)
        return None
