"""Concurrent lends of the last items, from threads on real transactions (SQLite and
PostgreSQL): the item's row is locked, so never more are lent than are in stock, and every
refused lend says so in Chinese.

As in hongfan/points/tests/test_concurrency.py: ``transaction=True`` tests run on committed
data and the database is flushed at their teardown (the session's demo city with it), so
they build what they need from scratch, and ``_restore_demo_city`` rebuilds the demo once
after this module for the tests that run later."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from hongfan.accounts.models import RoleAssignment, User
from hongfan.core.access import Access, access_for
from hongfan.core.roles import Role
from hongfan.core.testing.demo import restore_after_module
from hongfan.core.testing.threads import in_threads
from hongfan.org.models import Authority, Hospital
from hongfan.service.choices import LoanStatus
from hongfan.service.models import LendItem, Loan, ServiceDesk
from hongfan.service.services.loan import loan_lend

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


@pytest.fixture(scope="module", autouse=True)
def _restore_demo_city(django_db_blocker: Any) -> Iterator[None]:
    yield from restore_after_module(django_db_blocker)


@pytest.fixture
def admin_and_desk() -> tuple[Access, ServiceDesk]:
    authority = Authority.objects.create(name="并发测试卫健委", city="测试市")
    hospital = Hospital.objects.create(authority=authority, name="并发测试医院")
    user = User.objects.create(username="desk_conc_admin")
    RoleAssignment.objects.create(user=user, role=Role.HOSPITAL_ADMIN, hospital=hospital)
    desk = ServiceDesk.objects.create(
        hospital=hospital, name="并发驿站", location="大厅", opening_hours="全天"
    )
    return access_for(user), desk


def lend_race(admin: Access, item: LendItem) -> list[str]:
    def work(i: int) -> str:
        try:
            loan_lend(access=admin, item=item, borrower=f"借用人{i}", mobile=f"1390000{i:04d}")
        except ValidationError as exc:
            return "refused:" + "；".join(exc.messages)
        return "lent"

    return in_threads(lambda i: [work(i)], THREADS)


@pytest.mark.parametrize("stock", [1, 3])
def test_concurrent_lends_never_lend_more_than_the_stock(admin_and_desk, stock):
    admin, desk = admin_and_desk
    item = LendItem.objects.create(
        hospital_id=desk.hospital_id, desk=desk, kind="wheelchair", name="轮椅", stock=stock
    )
    results = lend_race(admin, item)
    assert results.count("lent") == stock
    refused = [r for r in results if r != "lent"]
    assert len(refused) == THREADS - stock
    assert all("已全部借出" in r for r in refused)
    assert Loan.objects.filter(item=item, status=LoanStatus.LENT).count() == stock
