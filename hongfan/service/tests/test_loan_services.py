"""The lending ledger's writes: stock arithmetic (in stock = stock − on loan − lost), and
each refusal (out of stock, never lent, already returned, lost) with nothing changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from hongfan.core.pii import decrypt
from hongfan.org.tests.factories import primary
from hongfan.service.choices import LoanStatus
from hongfan.service.models import Loan
from hongfan.service.selectors import loan as loan_selectors
from hongfan.service.services import loan as loan_services
from hongfan.service.tests.factories_desks import acc, make_desk, make_item, on_duty

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    d = make_desk(primary())
    on_duty("member", d)
    return d


def stock_of(item):
    return next(i for i in loan_selectors.items_of(desk=item.desk) if i.pk == item.pk)


def lend(item, mobile="13912345678", who="member"):
    return loan_services.loan_lend(access=acc(who), item=item, borrower="王秀英", mobile=mobile)


def test_stock_is_stock_minus_on_loan_minus_lost(desk):
    item = make_item(desk, stock=4)
    a, b, c = lend(item), lend(item, "13900000001"), lend(item, "13900000002")
    loan_services.loan_return(access=acc("member"), loan=a)
    loan_services.loan_mark_lost(access=acc("member"), loan=b, note="未归还")
    s = stock_of(item)
    assert (s.stock, s.on_loan, s.lost, s.available) == (4, 1, 1, 2)
    assert c.status == LoanStatus.LENT


def test_a_lend_keeps_the_borrower_encrypted_and_hashed_and_due_by_the_loan_hours(desk):
    item = make_item(desk, stock=1, deposit=Decimal(200), loan_hours=48)
    loan = lend(item, "139 1234 5678")
    row = Loan.objects.get(pk=loan.pk)
    assert "王秀英" not in row.borrower and "13912345678" not in row.mobile
    assert decrypt(row.borrower) == "王秀英" and decrypt(row.mobile) == "13912345678"
    assert loan_selectors.ledger(desk=desk, mobile="13912345678").get() == row
    assert row.deposit == Decimal(200)
    assert (row.due_at - row.lent_at).total_seconds() == 48 * 3600


def test_lending_an_item_out_of_stock_is_refused_and_nothing_changes(desk):
    item = make_item(desk, stock=1)
    lend(item)
    with pytest.raises(ValidationError) as exc:
        lend(item, "13900000009")
    assert "已全部借出" in str(exc.value)
    assert Loan.objects.filter(item=item).count() == 1


def test_a_lost_item_stays_out_of_stock(desk):
    item = make_item(desk, stock=1)
    loan_services.loan_mark_lost(access=acc("member"), loan=lend(item))
    with pytest.raises(ValidationError):
        lend(item, "13900000009")


def test_returning_twice_or_a_lost_item_is_refused(desk):
    item = make_item(desk, stock=2)
    loan = lend(item)
    loan_services.loan_return(access=acc("member"), loan=loan)
    with pytest.raises(ValidationError) as exc:
        loan_services.loan_return(access=acc("member"), loan=loan)
    assert "已归还" in str(exc.value)
    lost = lend(item, "13900000003")
    loan_services.loan_mark_lost(access=acc("member"), loan=lost)
    with pytest.raises(ValidationError) as exc:
        loan_services.loan_return(access=acc("member"), loan=lost)
    assert "遗失" in str(exc.value)
    assert Loan.objects.get(pk=lost.pk).status == LoanStatus.LOST


def test_returning_an_item_never_lent_to_that_mobile_is_refused(desk):
    item = make_item(desk, stock=2)
    with pytest.raises(ValidationError) as exc:
        loan_services.loan_return_by_mobile(access=acc("member"), item=item, mobile="13911112222")
    assert "没有未归还" in str(exc.value)
    lend(item, "13911112222")
    loan = loan_services.loan_return_by_mobile(
        access=acc("member"), item=item, mobile="13911112222"
    )
    assert loan.status == LoanStatus.RETURNED
    with pytest.raises(ValidationError):
        loan_services.loan_return_by_mobile(access=acc("member"), item=item, mobile="13911112222")


def test_a_return_refunds_the_deposit(desk):
    item = make_item(desk, stock=1, deposit=Decimal(100))
    loan = loan_services.loan_return(access=acc("member"), loan=lend(item))
    assert loan.deposit_refunded and loan.returned_at is not None


@pytest.mark.parametrize(
    "borrower,mobile,field",
    [("", "13912345678", "borrower"), ("张三", "12345", "mobile"), ("张三", "\x00", "mobile")],
)
def test_a_lend_with_bad_input_is_refused(desk, borrower, mobile, field):
    item = make_item(desk)
    with pytest.raises(ValidationError) as exc:
        loan_services.loan_lend(access=acc("member"), item=item, borrower=borrower, mobile=mobile)
    assert field in exc.value.error_dict
    assert not Loan.objects.filter(item=item).exists()


def test_only_the_person_on_duty_or_the_admin_lends(desk):
    item = make_item(desk)
    with pytest.raises(PermissionDenied):
        lend(item, who="sec")
    with pytest.raises(Http404):
        lend(item, who="hosp2")
    lend(item, who="hosp")
    assert Loan.objects.filter(item=item).count() == 1


def test_stock_cannot_fall_below_what_is_out(desk):
    item = make_item(desk, stock=3)
    lend(item)
    loan_services.loan_mark_lost(access=acc("member"), loan=lend(item, "13900000004"))
    with pytest.raises(ValidationError) as exc:
        loan_services.item_update(
            access=acc("hosp"),
            item=item,
            kind=item.kind,
            name=item.name,
            stock=1,
            deposit=Decimal(0),
            loan_hours=24,
        )
    assert "不能少于" in str(exc.value)
    item.refresh_from_db()
    assert item.stock == 3


def test_a_stopped_item_is_not_lent(desk):
    item = make_item(desk, stock=3, active=False)
    with pytest.raises(ValidationError) as exc:
        lend(item)
    assert "停止出借" in str(exc.value)


def test_overdue_loans_are_counted_per_desk(desk):
    from datetime import timedelta

    from django.utils import timezone

    item = make_item(desk, stock=3)
    old = timezone.now() - timedelta(days=3)
    loan_services.loan_lend(
        access=acc("member"), item=item, borrower="李", mobile="13900000005", now=old
    )
    lend(item)
    assert (desk.pk, desk.name, 1) in loan_selectors.overdue_by_desk({desk.hospital_id})
    assert loan_selectors.loan_counts(desk=desk)["overdue"] == 1
