"""Writes of a desk's lending ledger: keep the items, lend one (the item's row locked, so
two lends of the last wheelchair cannot both succeed), take it back, or mark it lost."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.idcard import mobile_error, normalise_mobile
from hongfan.core.locks import lock_one
from hongfan.core.pii import encrypt, keyed_hash
from hongfan.service.choices import ItemKind, LoanStatus
from hongfan.service.models import LendItem, Loan, ServiceDesk
from hongfan.service.selectors.desk import staffs_desk

STOCK_MAX = 500
LOAN_HOURS_MAX = 24 * 30
DEPOSIT_MAX = Decimal(10000)


def _clean(text: str, limit: int) -> str:
    return (text or "").replace("\x00", "").strip()[:limit]


def _require_admin(access: Access, hospital_id: int) -> None:
    access.require_business()
    if not access.administers_hospital(hospital_id):
        raise access.denied(hospital_id, "借用物品", "管理")


def _require_staff(access: Access, desk: ServiceDesk) -> None:
    access.require_business()
    if not staffs_desk(access=access, desk=desk):
        raise access.denied(desk.hospital_id, "借用登记", "办理")


def _item_errors(kind: str, name: str, stock: int, deposit: Decimal, loan_hours: int) -> dict:
    errors = {}
    if kind not in ItemKind.values:
        errors["kind"] = "请选择物品类型"
    if not _clean(name, 40):
        errors["name"] = "请填写物品名称"
    if not 0 <= stock <= STOCK_MAX:
        errors["stock"] = f"库存总数应为0至{STOCK_MAX}"
    if not Decimal(0) <= deposit <= DEPOSIT_MAX:
        errors["deposit"] = "押金应为0至10000元"
    if not 1 <= loan_hours <= LOAN_HOURS_MAX:
        errors["loan_hours"] = f"借用时限应为1至{LOAN_HOURS_MAX}小时"
    return errors


@transaction.atomic
def item_create(
    *,
    access: Access,
    desk: ServiceDesk,
    kind: str,
    name: str,
    stock: int,
    deposit: Decimal = Decimal(0),
    loan_hours: int = 24,
    request: HttpRequest | None = None,
) -> LendItem:
    _require_admin(access, desk.hospital_id)
    errors = _item_errors(kind, name, stock, deposit, loan_hours)
    if LendItem.objects.filter(desk=desk, name=_clean(name, 40)).exists():
        errors["name"] = "该驿站已有同名物品"
    if errors:
        raise ValidationError(errors)
    item = LendItem.objects.create(
        hospital_id=desk.hospital_id,
        desk=desk,
        kind=kind,
        name=_clean(name, 40),
        stock=stock,
        deposit=deposit,
        loan_hours=loan_hours,
    )
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=item,
        hospital_id=desk.hospital_id,
    )
    return item


@transaction.atomic
def item_update(
    *,
    access: Access,
    item: LendItem,
    kind: str,
    name: str,
    stock: int,
    deposit: Decimal,
    loan_hours: int,
    active: bool = True,
    request: HttpRequest | None = None,
) -> LendItem:
    """Change an item; its stock may not fall below what is out on loan and lost."""
    _require_admin(access, item.hospital_id)
    item = lock_one(LendItem, item.pk)
    errors = _item_errors(kind, name, stock, deposit, loan_hours)
    if (
        LendItem.objects.filter(desk_id=item.desk_id, name=_clean(name, 40))
        .exclude(pk=item.pk)
        .exists()
    ):
        errors["name"] = "该驿站已有同名物品"
    out = Loan.objects.filter(item=item, status__in=[LoanStatus.LENT, LoanStatus.LOST]).count()
    if "stock" not in errors and stock < out:
        errors["stock"] = f"库存总数不能少于借出未还和遗失的{out}件"
    if errors:
        raise ValidationError(errors)
    item.kind, item.name, item.stock = kind, _clean(name, 40), stock
    item.deposit, item.loan_hours, item.active = deposit, loan_hours, active
    item.save()
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=item,
        hospital_id=item.hospital_id,
    )
    return item


def _out_count(item: LendItem) -> int:
    return Loan.objects.filter(item=item, status__in=[LoanStatus.LENT, LoanStatus.LOST]).count()


@transaction.atomic
def loan_lend(
    *,
    access: Access,
    item: LendItem,
    borrower: str,
    mobile: str,
    note: str = "",
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Loan:
    """Lend one of the item: refused when none is in stock. The item's row is locked first
    (``select_for_update`` on PostgreSQL, the IMMEDIATE transaction on SQLite), so two
    lends of the last one are taken one after the other and the second is refused."""
    _require_staff(access, item.desk)
    borrower = _clean(borrower, 30)
    mobile = normalise_mobile(_clean(mobile, 30))
    errors = {}
    if not borrower:
        errors["borrower"] = "请填写借用人姓名"
    problem = mobile_error(mobile)
    if problem:
        errors["mobile"] = problem
    if errors:
        raise ValidationError(errors)
    item = lock_one(LendItem.objects.select_related("desk"), item.pk)
    if not item.active or not item.desk.active:
        raise ValidationError(f"{item.name}已停止出借")
    if item.stock - _out_count(item) <= 0:
        raise ValidationError(f"{item.name}已全部借出，暂无库存，不能出借")
    now = now or timezone.now()
    loan = Loan.objects.create(
        hospital_id=item.hospital_id,
        item=item,
        borrower=encrypt(borrower),
        mobile=encrypt(mobile),
        mobile_hash=keyed_hash(mobile),
        deposit=item.deposit,
        lent_at=now,
        due_at=now + timedelta(hours=item.loan_hours),
        note=_clean(note, 200),
        lent_by_id=access.user_id,
    )
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=loan,
        hospital_id=item.hospital_id,
    )
    return loan


def _close(loan: Loan, access: Access, status: str, note: str, now: datetime) -> Loan:
    loan.status = status
    loan.closed_by_id = access.user_id
    if status == LoanStatus.RETURNED:
        loan.returned_at = now
        loan.deposit_refunded = loan.deposit > 0
    if note:
        loan.note = _clean(f"{loan.note} {note}".strip(), 200)
    loan.save(update_fields=["status", "closed_by", "returned_at", "deposit_refunded", "note"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        actor_id=access.user_id,
        target=loan,
        hospital_id=loan.hospital_id,
        status=status,
    )
    return loan


def _refuse_closed(loan: Loan) -> None:
    if loan.status == LoanStatus.RETURNED:
        raise ValidationError("该物品已归还，不能重复登记")
    if loan.status == LoanStatus.LOST:
        raise ValidationError("该物品已登记遗失，不能再登记归还")


@transaction.atomic
def loan_return(*, access: Access, loan: Loan, now: datetime | None = None) -> Loan:
    """Take a lent item back (the deposit, if any, is refunded)."""
    _require_staff(access, loan.item.desk)
    loan = lock_one(Loan.objects.select_related("item"), loan.pk)
    _refuse_closed(loan)
    return _close(loan, access, LoanStatus.RETURNED, "", now or timezone.now())


@transaction.atomic
def loan_return_by_mobile(
    *, access: Access, item: LendItem, mobile: str, now: datetime | None = None
) -> Loan:
    """Take back an item from the borrower named by their mobile: their oldest open loan of
    it. Refused when they have none (an item never lent to them, or already returned)."""
    _require_staff(access, item.desk)
    mobile = normalise_mobile(_clean(mobile, 30))
    problem = mobile_error(mobile)
    if problem:
        raise ValidationError({"mobile": problem})
    found = (
        Loan.objects.filter(item=item, mobile_hash=keyed_hash(mobile))
        .filter(Q(status=LoanStatus.LENT))
        .order_by("lent_at", "pk")
        .first()
    )
    if found is None:
        raise ValidationError(f"该手机号没有未归还的{item.name}，无需登记归还")
    loan = lock_one(Loan.objects.select_related("item"), found.pk)
    _refuse_closed(loan)
    return _close(loan, access, LoanStatus.RETURNED, "", now or timezone.now())


@transaction.atomic
def loan_mark_lost(*, access: Access, loan: Loan, note: str = "") -> Loan:
    """Mark a lent item lost: it leaves the stock count (the deposit is kept)."""
    _require_staff(access, loan.item.desk)
    loan = lock_one(Loan.objects.select_related("item"), loan.pk)
    _refuse_closed(loan)
    return _close(loan, access, LoanStatus.LOST, _clean(note, 100), timezone.now())
