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

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from hongfan.core.forms import id_or_none
from hongfan.core.prepared import PreparedQuery
from hongfan.core.roles import OFFICE_ROLES, Role


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
    # (role, hospital id) of every office role held (core.roles.OFFICE_ROLES).
    offices: frozenset[tuple[str, int]] = frozenset()
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

    def holds(self, role: str, hospital_id: int | None) -> bool:
        """Whether the user holds the office ``role`` for that hospital (e.g. 护理部)."""
        return hospital_id is not None and (role, hospital_id) in self.offices

    def office_hospital_ids(self, role: str) -> frozenset[int]:
        return frozenset(h for r, h in self.offices if r == role)

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
        own |= {h for _, h in self.offices}
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


def _access_query(user_id: int) -> QuerySet[Any]:
    return (
        get_user_model()
        ._default_manager.filter(pk=user_id)
        .values_list(
            "person__branch_id",
            "person__hospital_id",
            "role_assignments__role",
            "role_assignments__hospital_id",
            "role_assignments__branch_id",
            "role_assignments__branch__hospital_id",
        )
        .order_by()
    )


_ACCESS_ROWS = PreparedQuery(_access_query)


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
    offices: set[tuple[str, int]] = set()
    # The roles and the person in one query (every logged-in request pays it): one row per
    # role assignment (or one row of NULLs), each carrying the person's branch and hospital.
    rows = _ACCESS_ROWS.rows(user.pk)
    person_branch = person_hospital = None
    for row in rows:
        person_branch, person_hospital, role, hospital_id, branch_id, branch_hospital = row
        if role is None:
            continue
        roles.add(role)
        if role == Role.HOSPITAL_ADMIN and hospital_id:
            hospitals.add(hospital_id)
        if role == Role.BRANCH_SECRETARY and branch_id:
            branches.add(branch_id)
            branch_hospitals.add(branch_hospital)
        if role in OFFICE_ROLES and hospital_id:
            offices.add((role, hospital_id))
    person_id = user.person_id
    access = Access(
        user_id=user.pk,
        roles=frozenset(roles),
        hospital_ids=frozenset(hospitals),
        branch_ids=frozenset(branches),
        branch_hospital_ids=frozenset(branch_hospitals),
        person_id=person_id,
        person_branch_id=person_branch if person_id and Role.MEMBER in roles else None,
        person_hospital_id=person_hospital if person_id else None,
        offices=frozenset(offices),
    )
    user._hongfan_access = access
    return access


def request_access(request: HttpRequest) -> Access:
    return access_for(getattr(request, "user", None))


M = TypeVar("M", bound=Model)


# The largest primary key a database column holds: a bigger one is simply not there (and
# SQLite would overflow on it).
def _pk(raw: Any) -> int | None:
    """An id from a URL or a query string (``core.forms.id_or_none``)."""
    return id_or_none(raw)


def _picks_hospital(access: Access, hospital_id: int) -> bool:
    """Who may name a hospital in ``?hospital=``: the city any, an admin or a secretary their
    own."""
    return (
        access.is_city
        or hospital_id in access.hospital_ids
        or hospital_id in access.branch_hospital_ids
    )


def hospital_for(
    request: HttpRequest,
    access: Access,
    *,
    hospitals: QuerySet[M],
    business: bool = False,
    picks: Callable[[Access, int], bool] = _picks_hospital,
    members: bool = False,
    works: Callable[[Access, int], bool] | None = None,
    refusal: str = "没有可管理的医院",
    works_refusal: str = "没有权限访问此页面",
) -> M:
    """Which hospital a page is about. The city admin picks one with ``?hospital=<id>`` (GET,
    or POST for a form), an admin or a secretary may name their own; without one a hospital
    admin gets their hospital, then a secretary theirs, then (``members=True``) a member
    theirs, then the city the first hospital. A named hospital one may not pick, or one that
    is not there, is a 404; nobody to fall back to is a 403 (``refusal``).

    ``hospitals`` is the app's queryset of hospitals (core names no app's model);
    ``business`` refuses the 三员 first; ``picks`` decides who may name which hospital;
    ``works`` is a further check on the hospital found (a 403 with ``works_refusal``)."""
    if business:
        access.require_business()
    hospital = _hospital_found(request, access, hospitals, picks=picks, members=members)
    if hospital is None:
        raise PermissionDenied(refusal)
    if works is not None and not works(access, hospital.pk):
        raise PermissionDenied(works_refusal)
    return hospital


def _hospital_found(
    request: HttpRequest,
    access: Access,
    hospitals: QuerySet[M],
    *,
    picks: Callable[[Access, int], bool],
    members: bool,
) -> M | None:
    raw = request.GET.get("hospital") or request.POST.get("hospital") or ""
    if raw.isdigit():
        hid = _pk(raw)
        hospital = hospitals.filter(pk=hid).first() if hid is not None else None
        if hospital is None or not picks(access, hospital.pk):
            raise Http404("医院不存在")
        return hospital
    own = [access.hospital_ids, access.branch_hospital_ids]
    if members and access.person_hospital_id is not None:
        own.append(frozenset({access.person_hospital_id}))
    for ids in own:
        if ids:
            found = hospitals.filter(pk=min(ids)).first()
            if found is None:
                raise Http404("医院不存在")
            return found
    if access.is_city:
        return hospitals.order_by("pk").first()
    return None


def get_scoped(
    queryset: QuerySet[M],
    pk: Any,
    access: Access,
    *,
    noun: str,
    verb: str = "查看",
    may: Callable[[M], bool] | None = None,
    hospital_of: Callable[[M], int | None] = lambda obj: obj.hospital_id,  # type: ignore[attr-defined]
    outside: QuerySet[M] | None = None,
    refusal: str | None = None,
    business: bool = True,
) -> M:
    """The one scoped lookup behind every ``*_get``: the row ``pk`` of ``queryset``; a 404
    ("<noun>不存在") when it is not there, and ``access.denied`` when it is out of scope —
    a 403 inside one's own hospital (``refusal``, else "没有权限<verb>此<noun>"), a 404
    elsewhere (docs/decisions/0001).

    Scope is either ``may(obj)`` on the row found, or ``queryset`` itself already narrowed
    to what ``access`` may see: then ``outside`` (the unscoped rows) tells a row out of scope
    from one that is not there. ``business`` refuses the 三员 first."""
    if business:
        access.require_business()
    key = _pk(pk)
    obj = queryset.filter(pk=key).first() if key is not None else None
    if obj is None:
        if outside is not None and key is not None:
            other = outside.filter(pk=key).first()
            if other is not None:
                raise _refused(access, hospital_of(other), noun, verb, refusal)
        raise Http404(f"{noun}不存在")
    if may is not None and not may(obj):
        raise _refused(access, hospital_of(obj), noun, verb, refusal)
    return obj


def _refused(
    access: Access, hospital_id: int | None, noun: str, verb: str, refusal: str | None
) -> Exception:
    exc = access.denied(hospital_id, noun, verb)
    if refusal is not None and isinstance(exc, PermissionDenied):
        return PermissionDenied(refusal)
    return exc
