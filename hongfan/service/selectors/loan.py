"""Reads of a desk's lending ledger: the items with their stock count (in stock = stock −
on loan − lost), the loans (borrowers masked), the overdue ones, and a borrower's open loans
found by the keyed hash of their mobile."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from hongfan.core.access import Access, get_scoped
from hongfan.core.dates import year_bounds
from hongfan.core.idcard import normalise_mobile
from hongfan.core.pii import keyed_hash, mask_mobile, masked
from hongfan.service.choices import LoanStatus
from hongfan.service.models import LendItem, Loan, ServiceDesk
from hongfan.service.periods import month_of
from hongfan.service.selectors.desk import sees_hospital


def mask_name(name: str) -> str:
    """张三丰 -> 张**"""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def with_stock(qs: QuerySet[LendItem]) -> QuerySet[LendItem]:
    return qs.annotate(
        on_loan=Count("loans", filter=Q(loans__status=LoanStatus.LENT)),
        lost=Count("loans", filter=Q(loans__status=LoanStatus.LOST)),
    )


def in_stock(item: LendItem) -> int:
    """How many the desk has to lend now (annotated items: ``with_stock``)."""
    return max(item.stock - item.on_loan - item.lost, 0)  # type: ignore[attr-defined]


def items_of(*, desk: ServiceDesk, active_only: bool = False) -> list[LendItem]:
    qs = with_stock(LendItem.objects.filter(desk=desk))
    if active_only:
        qs = qs.filter(active=True)
    items = list(qs.order_by("-active", "kind", "name", "pk"))
    for item in items:
        item.available = in_stock(item)  # type: ignore[attr-defined]
    return items


def item_get(*, access: Access, pk: int) -> LendItem:
    return get_scoped(
        LendItem.objects.select_related("desk"),
        pk,
        access,
        noun="借用物品",
        may=lambda i: sees_hospital(access, i.hospital_id),
    )


def loan_get(*, access: Access, pk: int) -> Loan:
    return get_scoped(
        Loan.objects.select_related("item__desk"),
        pk,
        access,
        noun="借用登记",
        may=lambda x: sees_hospital(access, x.hospital_id),
    )


def mobile_key(mobile: str) -> str:
    return keyed_hash(normalise_mobile((mobile or "").replace("\x00", "")))


def ledger(
    *,
    desk: ServiceDesk,
    status: str = "",
    overdue: bool = False,
    mobile: str = "",
    item_id: int | None = None,
) -> QuerySet[Loan]:
    """The desk's loans, newest first; ``overdue`` keeps the lent ones past due, ``mobile``
    one borrower's (by the keyed hash, never by decrypting)."""
    qs = Loan.objects.filter(item__desk=desk).select_related("item")
    if status in LoanStatus.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=LoanStatus.LENT, due_at__lt=timezone.now())
    if mobile.strip():
        qs = qs.filter(mobile_hash=mobile_key(mobile))
    if item_id is not None:
        qs = qs.filter(item_id=item_id)
    return qs.order_by("-lent_at", "-pk")


def loan_view(loan: Loan, now: datetime | None = None) -> Loan:
    """A loan dressed for a page or an export: masked borrower and mobile, overdue flag."""
    now = now or timezone.now()
    loan.borrower_masked = masked(loan.borrower, mask_name, where="service.loan.borrower")  # type: ignore[attr-defined]
    loan.mobile_masked = masked(loan.mobile, mask_mobile, where="service.loan.mobile")  # type: ignore[attr-defined]
    loan.overdue = loan.status == LoanStatus.LENT and loan.due_at < now  # type: ignore[attr-defined]
    return loan


def overdue_by_desk(hospital_ids: frozenset[int] | set[int]) -> list[tuple[int, str, int]]:
    """(desk id, desk name, loans overdue) for the hospitals' desks with any overdue."""
    return list(
        Loan.objects.filter(
            hospital_id__in=hospital_ids, status=LoanStatus.LENT, due_at__lt=timezone.now()
        )
        .values_list("item__desk_id", "item__desk__name")
        .annotate(n=Count("pk"))
        .order_by("item__desk__name")
    )


def loan_counts(*, desk: ServiceDesk) -> dict[str, int]:
    rows = dict(Loan.objects.filter(item__desk=desk).values_list("status").annotate(n=Count("pk")))
    overdue = Loan.objects.filter(
        item__desk=desk, status=LoanStatus.LENT, due_at__lt=timezone.now()
    ).count()
    return {**{s: rows.get(s, 0) for s in LoanStatus.values}, "overdue": overdue}


def loan_month_counts(
    *, hospital_ids: list[int], year: int, per_month: bool = True
) -> dict[tuple[int, int], int]:
    """Loans made at the hospitals' desks in ``year``, per (hospital, local month of the
    loan), or per (hospital, 0) for the whole year: one grouped query (for the dashboards)."""
    start, end = year_bounds(year)
    qs = Loan.objects.filter(
        hospital_id__in=hospital_ids, lent_at__gte=start, lent_at__lt=end
    ).order_by()
    if not per_month:
        return {(h, 0): n for h, n in qs.values_list("hospital_id").annotate(n=Count("id"))}
    rows = (
        qs.annotate(month=month_of("lent_at", year))
        .values_list("hospital_id", "month")
        .annotate(n=Count("id"))
    )
    return {(h, m): n for h, m, n in rows}
