"""Small builders for tests that need rows beyond the demo city.

The session's demo city (conftest.py) is the shared background; these add people, branches
and development records inside a test's transaction, with valid ID numbers and mobiles.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta
from typing import Any

from hongfan.accounts.models import RoleAssignment, User
from hongfan.core.dates import add_months, today
from hongfan.core.idcard import make_id_number
from hongfan.core.pii import keyed_hash
from hongfan.core.roles import Role
from hongfan.org.choices import (
    BranchKind,
    DepartmentKind,
    DevelopmentStatus,
    PersonStatus,
    PoliticalStatus,
)
from hongfan.org.models import (
    Branch,
    BranchCommittee,
    Department,
    Development,
    Hospital,
    PartyGroup,
    Person,
)
from hongfan.org.rules import DevDates, development_stage

PRIMARY = "济宁市第三人民医院"
SECOND = "济宁市第二人民医院"

_rng = random.Random(20260101)
_counter = itertools.count(1)


def primary() -> Hospital:
    return Hospital.objects.get(name=PRIMARY)


def second() -> Hospital:
    return Hospital.objects.get(name=SECOND)


def sec_branch() -> Branch:
    """The branch whose secretary is the demo user ``sec``."""
    return RoleAssignment.objects.get(user__username="sec", role=Role.BRANCH_SECRETARY).branch


def other_branch(hospital: Hospital | None = None) -> Branch:
    """A leaf branch of the primary hospital that is not ``sec``'s."""
    hospital = hospital or primary()
    return (
        Branch.objects.filter(hospital=hospital, kind=BranchKind.BRANCH, active=True)
        .exclude(pk=sec_branch().pk)
        .order_by("pk")
        .first()
    )


def unused_id_number(birth: date, gender: str = "M", region: str = "370812") -> str:
    """A valid ID number that no Person in the database has yet."""
    while True:
        value = make_id_number(region, birth, gender, _rng)
        if not Person.objects.filter(id_number_hash=keyed_hash(value)).exists():
            return value


def unused_mobile() -> str:
    while True:
        value = "139" + f"{_rng.randint(0, 99_999_999):08d}"
        if not Person.objects.filter(mobile_hash=keyed_hash(value)).exists():
            return value


def make_person(
    hospital: Hospital | None = None,
    *,
    branch: Branch | None = None,
    political_status: str = PoliticalStatus.MASSES,
    birth_date: date | None = None,
    department: Department | None = None,
    **extra: Any,
) -> Person:
    """A person saved straight to the database (no service), with valid personal data."""
    hospital = hospital or (branch.hospital if branch else primary())
    birth = birth_date or date(1990, 5, 17)
    gender = extra.pop("gender", "F")
    n = next(_counter)
    if political_status in (PoliticalStatus.MEMBER, PoliticalStatus.PROBATIONARY):
        extra.setdefault("joined_on", add_months(birth, 12 * 25))
        if political_status == PoliticalStatus.MEMBER:
            extra.setdefault("full_member_on", add_months(extra["joined_on"], 12))
    p = Person(
        hospital=hospital,
        name=extra.pop("name", f"测试{n}号"),
        gender=gender,
        birth_date=birth,
        department=department
        or (branch.departments.order_by("pk").first() if branch else None)
        or Department.objects.filter(hospital=hospital).order_by("pk").first(),
        political_status=political_status,
        branch=branch,
        **extra,
    )
    p.id_number = unused_id_number(birth, gender)
    p.mobile = unused_mobile()
    p.save()
    return p


def make_branch(
    hospital: Hospital | None = None,
    *,
    full: int = 0,
    probationary: int = 0,
    committee_term_end: date | None = None,
    departments: int = 1,
    groups: int = 0,
    kind: str = BranchKind.BRANCH,
) -> Branch:
    """A new branch with its own departments, members, optional committee and groups."""
    hospital = hospital or primary()
    n = next(_counter)
    branch = Branch.objects.create(hospital=hospital, name=f"测试第{n}党支部", kind=kind)
    for i in range(departments):
        dept = Department.objects.create(
            hospital=hospital, name=f"测试科室{n}-{i}", kind=DepartmentKind.CLINICAL
        )
        branch.departments.add(dept)
    people = [
        make_person(hospital, branch=branch, political_status=PoliticalStatus.MEMBER)
        for _ in range(full)
    ] + [
        make_person(hospital, branch=branch, political_status=PoliticalStatus.PROBATIONARY)
        for _ in range(probationary)
    ]
    if people:
        branch.secretary = people[0]
        branch.save(update_fields=["secretary"])
    if committee_term_end is not None:
        start = add_months(committee_term_end, -36)
        BranchCommittee.objects.create(
            branch=branch, elected_on=start, term_start=start, term_end=committee_term_end
        )
    for g in range(groups):
        group = PartyGroup.objects.create(branch=branch, name=f"第{g + 1}党小组")
        Person.objects.filter(pk__in=[p.pk for p in people[g::groups]]).update(party_group=group)
    return branch


def make_development(person: Person, branch: Branch, dates: DevDates, **extra: Any) -> Development:
    dev = Development.objects.create(
        person=person,
        hospital=person.hospital,
        branch=branch,
        stage=development_stage(dates),
        status=extra.pop("status", DevelopmentStatus.ACTIVE),
        **vars(dates),
        **extra,
    )
    if dates.probation_on:
        person.political_status = PoliticalStatus.PROBATIONARY
        person.joined_on = dates.probation_on
        person.branch = person.branch or branch
    else:
        person.political_status = PoliticalStatus.APPLICANT
    person.save()
    return dev


def candidate_dates(day: date | None = None) -> DevDates:
    """A candidate (发展对象) whose record is complete up to the probation decision."""
    day = day or today()
    candidate = day - timedelta(days=20)
    activist = add_months(candidate, -13)
    talked = activist - timedelta(days=20)
    applied = talked - timedelta(days=10)
    return DevDates(
        applied_on=applied,
        talked_on=talked,
        activist_on=activist,
        candidate_on=candidate,
        reviewed_on=candidate + timedelta(days=5),
        training_hours=24,
    )


def make_user(username: str, *, person: Person | None = None, roles: list[tuple] = ()) -> User:
    user = User.objects.create_user(username=username, password="Hongfan@2026", person=person)
    for role, hospital, branch in roles:
        RoleAssignment.objects.create(user=user, role=role, hospital=hospital, branch=branch)
    return user


ACTIVE = PersonStatus.ACTIVE
