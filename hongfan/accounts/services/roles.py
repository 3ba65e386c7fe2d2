"""Roles under 三员分立: only the security admin grants and revokes them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from hongfan.accounts.models import RoleAssignment, User
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.roles import OFFICE_ROLES, Role

SEPARATED_ROLES = {Role.AUDITOR, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN}


@transaction.atomic
def role_grant(  # noqa: C901
    *,
    access: Access,
    user: User,
    role: str,
    hospital: Any = None,
    branch: Any = None,
    request: HttpRequest | None = None,
) -> RoleAssignment:
    if not access.has(Role.SECURITY_ADMIN):
        raise PermissionDenied("只有安全管理员可以授予角色")
    errors: dict[str, str] = {}
    if role not in Role.values:
        errors["role"] = "无效角色"
    if user.pk == access.user_id:
        errors["user"] = "不能给自己授予角色"
    if role == Role.HOSPITAL_ADMIN and hospital is None:
        errors["hospital"] = "医院管理员必须指定医院"
    if role == Role.BRANCH_SECRETARY and branch is None:
        errors["branch"] = "支部书记必须指定支部"
    if role in OFFICE_ROLES and hospital is None:
        errors["hospital"] = "护理部等科室岗位角色必须指定医院"
    if role == Role.MEMBER and user.person_id is None:
        errors["user"] = "该账号未关联职工，不能授予党员/职工角色"
    held = set(user.role_assignments.values_list("role", flat=True))
    if role in SEPARATED_ROLES and held - {role}:
        errors["role"] = "三员分立：系统管理员、安全管理员、审计管理员不能兼任其他角色"
    if held & SEPARATED_ROLES and role not in held:
        errors["role"] = "三员分立：该账号已是三员之一，不能再授予其他角色"
    if errors:
        raise ValidationError(errors)
    if role != Role.HOSPITAL_ADMIN and role not in OFFICE_ROLES:
        hospital = None
    if role != Role.BRANCH_SECRETARY:
        branch = None
    # The unique constraint treats empty scopes as distinct (NULL), so a second grant of a
    # role without a hospital or a branch is caught here.
    if RoleAssignment.objects.filter(
        user=user, role=role, hospital=hospital, branch=branch
    ).exists():
        raise ValidationError({"role": "该用户已有此角色"})
    try:
        with transaction.atomic():
            ra = RoleAssignment.objects.create(
                user=user, role=role, hospital=hospital, branch=branch, granted_by_id=access.user_id
            )
    except IntegrityError as exc:
        raise ValidationError({"role": "该用户已有此角色"}) from exc
    audit_log(
        action=AuditAction.ROLE_GRANTED,
        request=request,
        target=user,
        role=role,
        hospital=getattr(hospital, "pk", None),
        branch=getattr(branch, "pk", None),
    )
    return ra


@transaction.atomic
def role_revoke(
    *, access: Access, assignment: RoleAssignment, request: HttpRequest | None = None
) -> None:
    if not access.has(Role.SECURITY_ADMIN):
        raise PermissionDenied("只有安全管理员可以撤销角色")
    if assignment.user_id == access.user_id:
        raise ValidationError({"role": "不能撤销自己的角色"})
    audit_log(
        action=AuditAction.ROLE_REVOKED,
        request=request,
        target=assignment.user,
        role=assignment.role,
    )
    assignment.delete()


@transaction.atomic
def roles_grant_bulk(
    *,
    access: Access,
    users: list[User],
    role: str,
    hospital: Any = None,
    branch: Any = None,
    request: HttpRequest | None = None,
) -> tuple[int, int]:
    """One role granted to many accounts at once (each by ``role_grant``, each audited).
    Accounts that already hold it are passed over; any other refusal refuses the whole
    batch, naming the account. Returns (granted, already held)."""
    if not access.has(Role.SECURITY_ADMIN):
        raise PermissionDenied("只有安全管理员可以授予角色")
    if not users:
        raise ValidationError({"users": "请至少选择一个账号"})
    granted = held = 0
    problems: list[str] = []
    for user in users:
        try:
            with transaction.atomic():
                role_grant(
                    access=access,
                    user=user,
                    role=role,
                    hospital=hospital,
                    branch=branch,
                    request=request,
                )
        except ValidationError as exc:
            messages = exc.messages
            if messages == ["该用户已有此角色"]:
                held += 1
            else:
                problems.append(f"{user.display_name}（{user.username}）：{'；'.join(messages)}")
        else:
            granted += 1
    if problems:
        raise ValidationError({"users": problems})
    return granted, held
