"""The roles of the platform: who a user acts as (docs/decisions/0001). The access rules
in ``hongfan.core.access`` are written in these terms, so they live on the ground floor."""

from django.db import models


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", "市卫健委管理员"
    HOSPITAL_ADMIN = "hospital_admin", "医院党委管理员"
    BRANCH_SECRETARY = "branch_secretary", "支部书记"
    MEMBER = "member", "党员/职工"
    AUDITOR = "auditor", "审计管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    # Hospital-scoped office roles: they see one line of work of their hospital only.
    NURSING_OFFICE = "nursing_office", "护理部（上门护理）"


BUSINESS_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.HOSPITAL_ADMIN, Role.BRANCH_SECRETARY, Role.MEMBER}
)
ADMIN_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.HOSPITAL_ADMIN, Role.AUDITOR, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN}
)
# Roles granted for one hospital that open one office's pages there (Access.holds).
OFFICE_ROLES = frozenset({Role.NURSING_OFFICE})
