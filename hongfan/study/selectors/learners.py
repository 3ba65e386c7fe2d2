"""Who studies: the acting user's own person when they are an active Party member."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Q, QuerySet

from hongfan.accounts.models import User
from hongfan.core.access import Access
from hongfan.core.prepared import PreparedQuery
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Person


def is_member(person: Person) -> bool:
    return person.political_status in MEMBER_STATUSES and person.status == PersonStatus.ACTIVE


def _learner_query(person_id: int) -> QuerySet[Person]:
    return Person.objects.select_related("hospital", "branch").filter(pk=person_id)


# the person with their hospital and branch, compiled once per process (every study page)
_LEARNER = PreparedQuery(_learner_query, objects=True)


def learner_for(access: Access) -> Person:
    """The logged-in user's own person, who must be an active Party member to study."""
    access.require_business()
    if access.person_id is None:
        raise PermissionDenied("此账号未关联党员，没有个人学习记录")
    found = _LEARNER.rows(access.person_id)
    if not found:
        raise Person.DoesNotExist("此账号关联的人员不存在")
    person = found[0]
    if not is_member(person):
        raise PermissionDenied("只有在册党员参加学习和答题")
    return person


def learner_or_none(access: Access) -> Person | None:
    """The user's own person when they are an active member (who studies), else None."""
    if access.person_id is None or not access.is_business:
        return None
    found = _LEARNER.rows(access.person_id)
    person = found[0] if found else None
    return person if person is not None and is_member(person) else None


def meant_for(person: Person) -> Q:
    """Items and exams meant for a member: their hospital's, for everyone or their branch."""
    return Q(hospital_id=person.hospital_id) & (
        Q(branch__isnull=True) | Q(branch_id=person.branch_id)
    )


def learner_users(*, hospital_id: int, branch_id: int | None) -> QuerySet[User]:
    """The accounts of the members an item or exam is meant for (the hospital's, or one
    branch's, active members): whom its message goes to."""
    users = User.objects.filter(
        is_active=True,
        person__hospital_id=hospital_id,
        person__status=PersonStatus.ACTIVE,
        person__political_status__in=MEMBER_STATUSES,
    )
    return users if branch_id is None else users.filter(person__branch_id=branch_id)


def learner_filter(access: Access) -> Q | None:
    """Items and exams meant for the acting user when they study (an active Party member),
    as a condition that asks no query of its own (None for a user without a person): their
    hospital's, for everyone or their branch, and only while they are an active member."""
    if access.person_id is None or access.person_hospital_id is None or not access.is_business:
        return None
    studies = Exists(
        Person.objects.filter(
            pk=access.person_id, status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
        )
    )
    branch = Q(branch__isnull=True)
    if access.person_branch_id is not None:
        branch |= Q(branch_id=access.person_branch_id)
    return Q(studies) & Q(hospital_id=access.person_hospital_id) & branch
