"""Pages of a desk's lending ledger: the ledger (exportable, borrowers masked), the items,
and lend / return / lost. Thin: writes in ``services.loan``, reads in ``selectors.loan``."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hongfan.core import tables
from hongfan.core.access import request_access
from hongfan.core.forms import apply_errors, error_text, id_or_none, run_form
from hongfan.service.choices import LoanStatus
from hongfan.service.forms.loan import ItemForm, LendForm, LostForm, ReturnForm
from hongfan.service.selectors import desk as desk_selectors
from hongfan.service.selectors import loan as loan_selectors
from hongfan.service.selectors.desk import MANAGE, READ, STAFF
from hongfan.service.services import loan as loan_services

COLUMNS = (
    tables.Column("item", "物品", order=("item__name",), value=lambda x: x.item.name),
    tables.Column("borrower", "借用人", value=lambda x: x.borrower_masked, sortable=False),
    tables.Column("mobile", "手机号", value=lambda x: x.mobile_masked, sortable=False),
    tables.Column("deposit", "押金（元）", order=("deposit",), value=lambda x: x.deposit),
    tables.Column("lent_at", "借出时间", order=("lent_at",), value=lambda x: x.lent_at),
    tables.Column("due_at", "应还时间", order=("due_at",), value=lambda x: x.due_at),
    tables.Column(
        "status",
        "状态",
        order=("status",),
        value=lambda x: "逾期未还" if x.overdue else x.get_status_display(),
    ),
    tables.Column("returned_at", "归还时间", order=("returned_at",), value=lambda x: x.returned_at),
    tables.Column("note", "备注", value=lambda x: x.note, sortable=False),
)


def yuan(amount: Decimal) -> str:
    """200.00 -> "200", 12.50 -> "12.5"."""
    return f"{amount:.2f}".rstrip("0").rstrip(".")


@login_required
def ledger(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The desk's lending ledger: every loan, overdue ones in red; the items' stock count;
    filtered by status, overdue or a borrower's mobile; ``?export=xlsx`` (masked)."""
    access = request_access(request)
    desk = desk_selectors.desk_get(access=access, pk=pk, use=READ, noun="借用台账")
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    mobile = (request.GET.get("mobile") or "").replace("\x00", "")[:20]
    table = tables.Table(request, COLUMNS, default="-lent_at", label="借用台账")
    rows = table.order_queryset(
        loan_selectors.ledger(
            desk=desk,
            status=status,
            overdue=overdue,
            mobile=mobile,
            item_id=id_or_none(request.GET.get("item")),
        )
    )
    if table.wants_export:
        return table.export(
            [loan_selectors.loan_view(x) for x in rows[: tables.EXPORT_MAX]],
            f"{desk.name}借用台账.xlsx",
            fallback="loans.xlsx",
            audit={"desk": desk.pk},
            title="借用台账",
        )
    page = table.paginate(rows)
    for x in page.object_list:
        loan_selectors.loan_view(x)
    return render(
        request,
        "service/loan/ledger.html",
        {
            "desk": desk,
            "page": page,
            "table": table,
            "items": loan_selectors.items_of(desk=desk),
            "counts": loan_selectors.loan_counts(desk=desk),
            "statuses": LoanStatus.choices,
            "f": {"status": status, "overdue": overdue, "mobile": mobile},
            "staffs": desk_selectors.staffs_desk(access=access, desk=desk),
            "manages": access.administers_hospital(desk.hospital_id),
        },
    )


@login_required
def item_new(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    desk = desk_selectors.desk_get(access=access, pk=pk, use=MANAGE, noun="借用物品", verb="新增")
    return run_form(
        request,
        ItemForm(request.POST or None, initial={"active": True}),
        lambda d: loan_services.item_create(
            access=access,
            desk=desk,
            kind=d["kind"],
            name=d["name"],
            stock=d["stock"],
            deposit=d["deposit"],
            loan_hours=d["loan_hours"],
            request=request,
        ),
        success="已新增物品",
        next_url=reverse("service:ledger", args=[desk.pk]),
        title=f"{desk.name}：新增借用物品",
        back=reverse("service:ledger", args=[desk.pk]),
    )


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    item = loan_selectors.item_get(access=access, pk=pk)
    desk_selectors.desk_require(
        access=access, desk=item.desk, use=MANAGE, noun="借用物品", verb="修改"
    )
    initial = {
        "kind": item.kind,
        "name": item.name,
        "stock": item.stock,
        "deposit": item.deposit,
        "loan_hours": item.loan_hours,
        "active": item.active,
    }
    return run_form(
        request,
        ItemForm(request.POST or None, initial=initial),
        lambda d: loan_services.item_update(access=access, item=item, request=request, **d),
        success="已保存",
        next_url=reverse("service:ledger", args=[item.desk_id]),
        title=f"修改物品：{item.name}",
        back=reverse("service:ledger", args=[item.desk_id]),
    )


@login_required
def lend(request: HttpRequest, pk: int) -> HttpResponse:
    """Lend one of the item (a page for a phone; the desk's page carries the same form)."""
    access = request_access(request)
    item = loan_selectors.item_get(access=access, pk=pk)
    desk_selectors.desk_require(
        access=access, desk=item.desk, use=STAFF, noun="借用登记", verb="办理"
    )
    form = LendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            loan = loan_services.loan_lend(
                access=access,
                item=item,
                borrower=d["borrower"],
                mobile=d["mobile"],
                note=d["note"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"已借出{item.name}，请于{timezone.localtime(loan.due_at):%m月%d日 %H:%M}前归还"
                + (f"，收取押金{yuan(loan.deposit)}元" if loan.deposit else ""),
            )
            return redirect(reverse("service:desk", args=[item.desk_id]) + "#loans")
    stock = loan_selectors.items_of(desk=item.desk)
    return render(
        request,
        "service/loan/lend.html",
        {
            "item": item,
            "form": form,
            "available": next((i.available for i in stock if i.pk == item.pk), 0),  # type: ignore[attr-defined]
        },
    )


@login_required
@require_POST
def return_by_mobile(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    item = loan_selectors.item_get(access=access, pk=pk)
    desk_selectors.desk_require(
        access=access, desk=item.desk, use=STAFF, noun="借用登记", verb="办理"
    )
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写借用人手机号")
    else:
        try:
            loan_services.loan_return_by_mobile(
                access=access, item=item, mobile=form.cleaned_data["mobile"]
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, f"已登记归还：{item.name}")
    return redirect(reverse("service:desk", args=[item.desk_id]) + "#loans")


def _back(request: HttpRequest, desk_id: int) -> HttpResponse:
    to = request.POST.get("next", "")
    if to == "ledger":
        return redirect("service:ledger", desk_id)
    return redirect(reverse("service:desk", args=[desk_id]) + "#loans")


@login_required
@require_POST
def loan_return(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    loan = loan_selectors.loan_get(access=access, pk=pk)
    desk_selectors.desk_require(
        access=access, desk=loan.item.desk, use=STAFF, noun="借用登记", verb="办理"
    )
    try:
        loan_services.loan_return(access=access, loan=loan)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        refund = f"，退还押金{yuan(loan.deposit)}元" if loan.deposit else ""
        messages.success(request, f"已登记归还：{loan.item.name}{refund}")
    return _back(request, loan.item.desk_id)


@login_required
@require_POST
def loan_lost(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    loan = loan_selectors.loan_get(access=access, pk=pk)
    desk_selectors.desk_require(
        access=access, desk=loan.item.desk, use=STAFF, noun="借用登记", verb="办理"
    )
    form = LostForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        loan_services.loan_mark_lost(access=access, loan=loan, note=note)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已登记遗失：{loan.item.name}")
    return _back(request, loan.item.desk_id)
