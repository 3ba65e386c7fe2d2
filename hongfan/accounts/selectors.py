from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from hongfan.accounts.choices import Role
from hongfan.accounts.models import RoleAssignment, User
from hongfan.core.access import Access
from hongfan.core.models import AuditEvent


def audit_event_list(access: Access, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    if not access.has(Role.AUDITOR):
        raise PermissionDenied("只有审计管理员可以查看审计日志")
    qs = AuditEvent.objects.all()
    if filters.get("username"):
        qs = qs.filter(username__icontains=filters["username"])
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("success") in ("0", "1"):
        qs = qs.filter(success=filters["success"] == "1")
    if filters.get("date_from"):
        qs = qs.filter(at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(at__date__lte=filters["date_to"])
    return qs.order_by("-at", "-id")


def data_change_list(access: Access) -> QuerySet[LogEntry]:
    if not access.has(Role.AUDITOR):
        raise PermissionDenied("只有审计管理员可以查看审计日志")
    return LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")


def role_assignment_list(access: Access) -> QuerySet[RoleAssignment]:
    if not access.has(Role.SECURITY_ADMIN):
        raise PermissionDenied("只有安全管理员可以管理角色")
    return RoleAssignment.objects.select_related("user", "hospital", "branch").order_by(
        "user__username", "role"
    )


def user_list(access: Access, q: str = "") -> QuerySet[User]:
    if not (access.has(Role.SYSTEM_ADMIN) or access.has(Role.SECURITY_ADMIN)):
        raise PermissionDenied("只有系统管理员或安全管理员可以查看账号")
    qs = User.objects.select_related("person", "person__hospital").order_by("username")
    if q:
        qs = qs.filter(username__icontains=q) | qs.filter(first_name__icontains=q)
    return qs
