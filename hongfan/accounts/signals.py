from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from hongfan.accounts.policy import LAST_SEEN_KEY, LOGIN_AT_KEY, clock
from hongfan.core.audit import AuditAction, audit_log


@receiver(user_logged_in)
def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    via = getattr(request, "_hongfan_login_via", "")
    detail: dict[str, Any] = {"via": via} if via else {}
    audit_log(action=AuditAction.LOGIN, request=request, user=user, **detail)
    session = getattr(request, "session", None)
    if session is not None:
        # the session's lifetime and its idle time count from here
        session[LOGIN_AT_KEY] = session[LAST_SEEN_KEY] = clock()


@receiver(user_logged_out)
def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_log(action=AuditAction.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    audit_log(
        action=AuditAction.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
        success=False,
    )


@receiver(user_locked_out)
def _on_lockout(
    sender: Any, request: Any, username: str | None = None, ip_address: Any = None, **kwargs: Any
) -> None:
    audit_log(
        action=AuditAction.LOCKOUT, request=request, username=(username or "")[:150], success=False
    )
