"""Who may see what. Every selector takes an ``Access`` (from ``access_for(user)``).

Rules:
- the city admin reads every hospital;
- a hospital admin reads and writes their hospital;
- a branch secretary reads and writes the people of their branch;
- a member reads themself and the member-facing view of their own branch;
- the auditor, security admin and system admin see no business data (三员分立).
Another tenant's object is a 404 (``Http404``); a role without the right is a 403
(``PermissionDenied``), and that denial is audited by the middleware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from hongfan.core.roles import Role


@dataclass(frozen=True)
class Access:
    user_id: int | None
    roles: frozenset[str] = frozenset()
    hospital_ids: frozenset[int] = frozenset()  # as hospital admin
    branch_ids: frozenset[int] = frozenset()  # as branch secretary
    branch_hospital_ids: frozenset[int] = frozenset()  # hospitals of those branches
    person_id: int | None = None
    person_branch_id: int | None = None
    person_hospital_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_city(self) -> bool:
        return Role.CITY_ADMIN in self.roles

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_business(self) -> bool:
        return bool(
            self.roles & {Role.CITY_ADMIN, Role.HOSPITAL_ADMIN, Role.BRANCH_SECRETARY, Role.MEMBER}
        )

    def administers_hospital(self, hospital_id: int | None) -> bool:
        return hospital_id is not None and hospital_id in self.hospital_ids

    def reads_hospital(self, hospital_id: int | None) -> bool:
        return self.is_city or self.administers_hospital(hospital_id)

    def manages_branch(self, branch_id: int | None, hospital_id: int | None) -> bool:
        return self.administers_hospital(hospital_id) or (
            branch_id is not None and branch_id in self.branch_ids
        )

    def reads_branch(self, branch_id: int | None, hospital_id: int | None) -> bool:
        return (
            self.is_city
            or self.manages_branch(branch_id, hospital_id)
            or (branch_id is not None and branch_id == self.person_branch_id)
        )

    @property
    def own_hospital_ids(self) -> frozenset[int]:
        """Hospitals the user belongs to (admin, secretary or member there): inside them an
        out-of-scope object is a 403, elsewhere a 404 (docs/decisions/0001)."""
        own = set(self.hospital_ids) | set(self.branch_hospital_ids)
        if self.person_hospital_id is not None:
            own.add(self.person_hospital_id)
        return frozenset(own)

    def require_business(self) -> None:
        """三员分立: the auditor, security admin and system admin see no business data."""
        if not self.is_business:
            raise PermissionDenied("此角色不能查看业务数据")

    def require(self, allowed: bool) -> None:
        if not allowed:
            raise PermissionDenied("没有权限执行此操作")

    def denied(self, hospital_id: int | None, what: str, verb: str = "查看") -> Exception:
        """The one refusal for an object out of scope (docs/decisions/0001): a 403 inside
        one's own hospital (and for the city, which reads but does not write), a 404 for
        another hospital's object, so that its existence is not given away. Raise it:
        ``raise access.denied(item.hospital_id, "学习资料")``."""
        if self.is_city or hospital_id in self.own_hospital_ids:
            return PermissionDenied(f"没有权限{verb}此{what}")
        return Http404(f"{what}不存在")


ANONYMOUS = Access(user_id=None)


def access_for(user: Any) -> Access:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_hongfan_access", None)
    if cached is not None:
        return cached
    roles: set[str] = set()
    hospitals: set[int] = set()
    branches: set[int] = set()
    branch_hospitals: set[int] = set()
    for ra in user.role_assignments.select_related("branch").all():
        roles.add(ra.role)
        if ra.role == Role.HOSPITAL_ADMIN and ra.hospital_id:
            hospitals.add(ra.hospital_id)
        if ra.role == Role.BRANCH_SECRETARY and ra.branch_id:
            branches.add(ra.branch_id)
            branch_hospitals.add(ra.branch.hospital_id)
    person = user.person if user.person_id else None
    access = Access(
        user_id=user.pk,
        roles=frozenset(roles),
        hospital_ids=frozenset(hospitals),
        branch_ids=frozenset(branches),
        branch_hospital_ids=frozenset(branch_hospitals),
        person_id=person.pk if person else None,
        person_branch_id=person.branch_id if person and Role.MEMBER in roles else None,
        person_hospital_id=person.hospital_id if person else None,
    )
    user._hongfan_access = access
    return access


def request_access(request: HttpRequest) -> Access:
    return access_for(getattr(request, "user", None))
