from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hongfan.accounts.models import RoleAssignment, SecurityPolicy, User
from hongfan.core.access import Access
from hongfan.core.models import AuditAction, AuditEvent
from hongfan.core.roles import Role


def audit_event_list(*, access: Access, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The security audit trail, newest first, with the acting user (for their name).
    ``username``: part of the user name or the person's name."""
    if not access.has(Role.AUDITOR):
        raise PermissionDenied("只有审计管理员可以查看审计日志")
    qs = AuditEvent.objects.select_related("user")
    who = (filters.get("username") or "").strip()
    if who:
        qs = qs.filter(Q(username__icontains=who) | Q(user__first_name__icontains=who))
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("success") in ("0", "1"):
        qs = qs.filter(success=filters["success"] == "1")
    if filters.get("date_from"):
        qs = qs.filter(at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(at__date__lte=filters["date_to"])
    return qs.order_by("-at", "-id")


def data_change_models() -> list[tuple[str, str]]:
    """The kinds of record the data-change log holds (django-auditlog's registered models),
    as (app_label.model, Chinese name) choices."""
    from auditlog.registry import auditlog

    models = sorted(auditlog.get_models(), key=lambda m: str(m._meta.verbose_name))
    return [(m._meta.label_lower, str(m._meta.verbose_name)) for m in models]


def data_change_list(
    *, access: Access, filters: dict[str, Any] | None = None
) -> QuerySet[LogEntry]:
    """django-auditlog's entries, newest first, with the actor and the kind of record."""
    if not access.has(Role.AUDITOR):
        raise PermissionDenied("只有审计管理员可以查看审计日志")
    filters = filters or {}
    qs = LogEntry.objects.select_related("actor", "content_type")
    who = (filters.get("actor") or "").strip()
    if who:
        qs = qs.filter(Q(actor__username__icontains=who) | Q(actor__first_name__icontains=who))
    model = filters.get("model") or ""
    if "." in model:
        app_label, name = model.split(".", 1)
        qs = qs.filter(content_type__app_label=app_label, content_type__model=name)
    if filters.get("action") in ("0", "1", "2"):
        qs = qs.filter(action=int(filters["action"]))
    if filters.get("date_from"):
        qs = qs.filter(timestamp__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(timestamp__date__lte=filters["date_to"])
    return qs.order_by("-timestamp", "-id")


def role_assignment_list(*, access: Access) -> QuerySet[RoleAssignment]:
    if not access.has(Role.SECURITY_ADMIN):
        raise PermissionDenied("只有安全管理员可以管理角色")
    return RoleAssignment.objects.select_related("user", "hospital", "branch").order_by(
        "user__username", "role"
    )


def user_list(*, access: Access) -> QuerySet[User]:
    """Every account by user name (``accounts.filters.UserFilter`` narrows it)."""
    if not (access.has(Role.SYSTEM_ADMIN) or access.has(Role.SECURITY_ADMIN)):
        raise PermissionDenied("只有系统管理员或安全管理员可以查看账号")
    return User.objects.select_related("person", "person__hospital").order_by("username")


def role_assignment_get(*, access: Access, pk: int) -> RoleAssignment:
    """One role assignment, for the security admin (others 403; 404 when it is not there)."""
    role_assignment_list(access=access)
    return get_object_or_404(RoleAssignment, pk=pk)


def user_get(*, access: Access, pk: int) -> User:
    """One account by id (404 when it is not there); the view checks who may act on it."""
    return get_object_or_404(User, pk=pk)


def user_by_username(*, access: Access, username: str) -> User | None:
    return User.objects.filter(username=username).first()


def grant_scope_options(*, access: Access) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """The hospitals and branches a role may be granted in (the grant form's lists)."""
    from hongfan.org.models import Branch, Hospital

    return (
        Hospital.objects.order_by("pk"),
        Branch.objects.select_related("hospital").order_by("hospital_id", "pk"),
    )


def grant_scope(
    *, access: Access, hospital_id: int | None, branch_id: int | None
) -> tuple[Any, Any]:
    """The hospital and the branch named in a grant (None where not named or not there)."""
    from hongfan.org.models import Branch, Hospital

    hospital = Hospital.objects.filter(pk=hospital_id).first() if hospital_id else None
    branch = Branch.objects.filter(pk=branch_id).first() if branch_id else None
    return hospital, branch


def account_person(*, access: Access, pk: int | None) -> Any:
    """The staff member an account is made for, or None."""
    from hongfan.org.models import Person

    return Person.objects.filter(pk=pk).first() if pk else None


def login_attempts(*, access: Access) -> QuerySet[Any]:
    """The latest failed-login records (django-axes), newest first."""
    from axes.models import AccessAttempt

    return AccessAttempt.objects.order_by("-attempt_time")[:100]


# --- login throttling (docs/decisions/0006-login-throttling.md) -------------------------------

MAX_WAIT_SECONDS = 300


def throttle_wait(*, failures: int, threshold: int) -> int:
    """Seconds to wait after the last failure once ``failures`` reach ``threshold``: 2, 4, 8 …
    doubling with each further failure, at most five minutes."""
    if failures < threshold:
        return 0
    return int(min(2 ** min(failures - threshold + 1, 16), MAX_WAIT_SECONDS))


def login_throttle(*, ip: str | None, policy: SecurityPolicy) -> tuple[int, int]:
    """For logins from ``ip``: the failures counted in the policy's window (across all
    usernames) and the seconds still to wait before the next attempt (0: it may be tried)."""
    if not ip:
        return 0, 0
    from axes.models import AccessFailureLog

    now = timezone.now()
    since = now - timedelta(minutes=policy.ip_throttle_window_minutes)
    row = AccessFailureLog.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        n=Count("pk"), last=Max("attempt_time")
    )
    failures, last = row["n"], row["last"]
    wait = throttle_wait(failures=failures, threshold=policy.ip_throttle_failures)
    if not wait or last is None:
        return failures, 0
    remaining = (last + timedelta(seconds=wait) - now).total_seconds()
    return failures, max(0, math.ceil(remaining))


def password_change_wait_minutes(*, user: User, policy: SecurityPolicy) -> int:
    """Minutes before ``user`` may try the change form again after ``lockout_failures`` wrong
    old passwords within ``lockout_minutes``; 0 when it may be tried. Counted from the audit
    trail, per user, so it never affects logging in."""
    window = timedelta(minutes=policy.lockout_minutes)
    now = timezone.now()
    failures = list(
        AuditEvent.objects.filter(
            user=user,
            action=AuditAction.PASSWORD_CHANGED,
            success=False,
            detail__reason="wrong_old_password",
            at__gte=now - window,
        )
        .order_by("-at")
        .values_list("at", flat=True)[: policy.lockout_failures]
    )
    if len(failures) < policy.lockout_failures:
        return 0
    remaining = (failures[0] + window - now).total_seconds()
    return max(1, math.ceil(remaining / 60))


def totp_device_confirmed(*, user: Any) -> Any:
    """The user's confirmed 动态口令 device (django-otp TOTP), or None without two-factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first()
