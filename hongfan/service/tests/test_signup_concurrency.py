"""Concurrent sign-ups for the last places, from threads on real transactions (SQLite and
PostgreSQL, as hongfan/points/tests/test_concurrency.py): never overbooked, the rest
queue on the waitlist, one person never twice.

``transaction=True`` tests run on committed data and the database is flushed at their
teardown (the session's demo city too), so these build their own hospital and rebuild
the demo once after the module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from hongfan.core.testing.demo import restore_after_module
from hongfan.core.testing.threads import in_threads
from hongfan.org.choices import DepartmentKind, PoliticalStatus
from hongfan.org.models import Authority, Branch, Department, Hospital
from hongfan.org.tests.factories import make_person
from hongfan.service.choices import SignupStatus
from hongfan.service.models import Signup
from hongfan.service.services.signup import signup_create
from hongfan.service.tests.factories_hours import access_of, make_activity

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


@pytest.fixture(scope="module", autouse=True)
def _restore_demo_city(django_db_blocker: Any) -> Iterator[None]:
    yield from restore_after_module(django_db_blocker)


@pytest.fixture
def hospital() -> Hospital:
    authority = Authority.objects.create(name="报名并发测试卫健委", city="测试市")
    h = Hospital.objects.create(authority=authority, name="报名并发测试医院")
    dept = Department.objects.create(hospital=h, name="志愿测试科", kind=DepartmentKind.CLINICAL)
    b = Branch.objects.create(hospital=h, name="志愿测试党支部")
    b.departments.add(dept)
    return h


def _people(hospital: Hospital, n: int) -> list[Any]:
    branch = Branch.objects.get(hospital=hospital)
    return [
        access_of(
            make_person(hospital, branch=branch, political_status=PoliticalStatus.MEMBER),
            username=f"conc_vol_{i}",
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("capacity", [1, 3])
def test_concurrent_signups_for_the_last_places_never_overbook(
    hospital: Hospital, capacity: int
) -> None:
    shift = make_activity(hospital, capacity=capacity).shifts.get()
    people = _people(hospital, THREADS)

    def work(i: int) -> list[Any]:
        return [signup_create(access=people[i], shift=shift).status]

    statuses = in_threads(work, THREADS)
    assert statuses.count(SignupStatus.SIGNED) == capacity
    assert statuses.count(SignupStatus.WAITLISTED) == THREADS - capacity
    assert Signup.objects.filter(shift=shift, status=SignupStatus.SIGNED).count() == capacity


def test_one_person_signing_up_from_many_threads_holds_one_place(hospital: Hospital) -> None:
    shift = make_activity(hospital, capacity=5).shifts.get()
    (person,) = _people(hospital, 1)

    def work(i: int) -> list[Any]:
        try:
            return [signup_create(access=person, shift=shift).status]
        except ValidationError as exc:
            return [exc.messages[0]]

    results = in_threads(work, THREADS)
    assert results.count(SignupStatus.SIGNED) == 1
    assert results.count("你已报名该班次，无需重复报名") == THREADS - 1
    assert Signup.objects.filter(shift=shift).count() == 1
