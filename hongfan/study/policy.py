"""Who may read and who may write study material and exams (docs/decisions/0001):
predicates on ``Access``, no queries."""

from __future__ import annotations

from hongfan.core.access import Access
from hongfan.org.models import Hospital, Person
from hongfan.study.models import Exam, StudyItem


def reads_scoped(access: Access, *, hospital_id: int, branch_id: int | None) -> bool:
    """Who reads an item or an exam of a hospital (branch None: the whole hospital): the
    city, its managers, the hospital's secretaries (hospital-wide ones), and the members it
    is meant for."""
    if access.is_city or access.manages_branch(branch_id, hospital_id):
        return True
    if branch_id is None and hospital_id in access.branch_hospital_ids:
        return True
    if access.person_branch_id is None or access.person_hospital_id != hospital_id:
        return False
    return branch_id is None or branch_id == access.person_branch_id


def writes_scoped(access: Access, *, hospital_id: int, branch_id: int | None) -> bool:
    """Who publishes or changes an item or exam: the hospital admin (any branch or the
    whole hospital), a secretary (their branch only)."""
    if branch_id is None:
        return access.administers_hospital(hospital_id)
    return access.manages_branch(branch_id, hospital_id)


def can_publish(access: Access, hospital: Hospital) -> bool:
    return access.administers_hospital(hospital.pk) or hospital.pk in access.branch_hospital_ids


def is_meant_for(obj: StudyItem | Exam, person: Person | None) -> bool:
    """Is an item or exam meant for this member: their hospital's, for everyone or their
    branch."""
    return bool(
        person is not None
        and obj.hospital_id == person.hospital_id
        and (obj.branch_id is None or obj.branch_id == person.branch_id)
    )
