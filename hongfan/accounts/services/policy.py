"""The security admin edits the security policy (等保 2.0)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from hongfan.accounts.models import SecurityPolicy
from hongfan.accounts.policy import get_policy
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.roles import Role

POLICY_FIELDS = (
    "lockout_failures",
    "lockout_minutes",
    "ip_throttle_failures",
    "ip_throttle_window_minutes",
    "password_min_length",
    "password_min_classes",
    "password_max_age_days",
    "session_idle_minutes",
    "admin_session_hours",
    "member_idle_minutes",
    "member_session_hours",
    "remember_device_days",
    "sms_per_mobile_hour",
    "sms_per_ip_hour",
    "require_2fa_for_admins",
)


@transaction.atomic
def policy_update(
    *, access: Access, data: dict[str, Any], request: HttpRequest | None = None
) -> SecurityPolicy:
    if not access.has(Role.SECURITY_ADMIN):
        raise PermissionDenied("只有安全管理员可以修改安全策略")
    policy = get_policy()
    before = {f: getattr(policy, f) for f in POLICY_FIELDS}
    for f in POLICY_FIELDS:
        if f in data:
            setattr(policy, f, data[f])
    policy.full_clean()
    policy.save()
    changed = {
        f: [before[f], getattr(policy, f)] for f in POLICY_FIELDS if before[f] != getattr(policy, f)
    }
    audit_log(action=AuditAction.POLICY_CHANGED, request=request, changes=changed)
    return policy
