"""Reads on people: the scoped queryset, one person, the filtered list, transfers.
Reads. Every function takes the acting ``Access``; out-of-scope objects are a 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from hongfan.core.access import Access, get_scoped
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Branch, Development, Hospital, Person, Transfer

ACTIVE = Q(status=PersonStatus.ACTIVE)
IS_MEMBER = Q(political_status__in=MEMBER_STATUSES)


def person_qs(*, access: Access) -> QuerySet[Person]:
    if access.is_city:
        return Person.objects.all()
    q = Q(pk__in=[])
    if access.hospital_ids:
        q |= Q(hospital_id__in=access.hospital_ids)
    if access.branch_ids:
        # A secretary's people: the branch's members, anyone in the branch's development
        # pipeline, and staff with no branch who work in a department the branch covers
        # ("支部建在科室上") — the ones who may apply to it.
        q |= (
            Q(branch_id__in=access.branch_ids)
            | Q(
                pk__in=Development.objects.filter(branch_id__in=access.branch_ids).values(
                    "person_id"
                )
            )
            | Q(
                department_id__in=Branch.departments.through.objects.filter(
                    branch_id__in=access.branch_ids
                ).values("department_id"),
                branch__isnull=True,
                hospital_id__in=access.branch_hospital_ids,
            )
        )
    if access.person_id:
        q |= Q(pk=access.person_id)
    return Person.objects.filter(q)


def person_get(*, access: Access, pk: int) -> Person:
    return get_scoped(
        person_qs(access=access).select_related("hospital", "department", "branch", "party_group"),
        pk,
        access,
        noun="人员",
        outside=Person.objects.all(),
    )


def person_list(
    access: Access,
    *,
    hospital: Hospital | None = None,
    branch_id: int | None = None,
    department_id: int | None = None,
    political_status: str | None = None,
    status: str | None = PersonStatus.ACTIVE,
    q: str | None = None,
) -> QuerySet[Person]:
    if not (access.is_city or access.hospital_ids or access.branch_ids):
        raise PermissionDenied("没有权限查看人员名册")
    qs = person_qs(access=access).select_related("department", "branch", "hospital")
    if hospital is not None:
        qs = qs.filter(hospital=hospital)
    if branch_id:
        qs = qs.filter(branch_id=branch_id)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if political_status == "members":
        qs = qs.filter(IS_MEMBER)
    elif political_status:
        qs = qs.filter(political_status=political_status)
    if status:
        qs = qs.filter(status=status)
    return people_matching(qs, q or "").order_by("name_key", "pk")  # by pinyin


def people_matching(people: QuerySet[Person], text: str) -> QuerySet[Person]:
    """``people`` whose name contains ``text``, or whose full ID number or mobile it is."""
    if not text:
        return people
    text = text.strip()
    from hongfan.core.pii import keyed_hash

    return people.filter(
        Q(name__contains=text)
        | Q(id_number_hash=keyed_hash(text.upper()))
        | Q(mobile_hash=keyed_hash(text))
    )


def person_history(person: Person) -> list[Transfer]:
    return list(
        Transfer.objects.filter(person=person)
        .select_related("from_branch", "to_branch", "actor")
        .order_by("-transferred_on", "-pk")
    )


def person_own(*, access: Access) -> Person | None:
    """The acting user's own person (with hospital and branch), or None."""
    if access.person_id is None:
        return None
    return Person.objects.select_related("hospital", "branch").filter(pk=access.person_id).first()


def person_fresh(*, access: Access, pk: int) -> Person:
    """A person read afresh (a bound form has changed the instance in hand)."""
    return Person.objects.get(pk=pk)


def people_active(*, access: Access, hospital: Hospital) -> QuerySet[Person]:
    """The hospital's active people by name (a form's choices)."""
    return Person.objects.filter(hospital=hospital, status=PersonStatus.ACTIVE).order_by("name")


SEARCH_LIMIT = 20


def people_search(*, access: Access, people: QuerySet[Person], text: str) -> list[Person]:
    """The first rows of ``people`` whose name contains ``text`` (at most ``SEARCH_LIMIT``;
    none for an empty search)."""
    text = text.replace("\x00", "").strip()[:20]
    if not text:
        return []
    return list(people.filter(name__contains=text).order_by("name", "pk")[:SEARCH_LIMIT])
