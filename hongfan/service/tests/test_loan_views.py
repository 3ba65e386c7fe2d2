"""The lending ledger's pages: lend and return on a phone, refusals shown in Chinese with
nothing changed, overdue rows red, the Excel export masked."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hongfan.org.tests.factories import primary
from hongfan.service.choices import LoanStatus
from hongfan.service.models import Loan
from hongfan.service.services import loan as loan_services
from hongfan.service.tests.factories_desks import acc, make_desk, make_item, on_duty

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    d = make_desk(primary())
    on_duty("member", d)
    return d


def test_member_on_duty_lends_and_returns_a_wheelchair(client_for, desk):
    item = make_item(desk, stock=1, name="手动轮椅")
    c = client_for("member")
    r = c.post(
        reverse("service:lend", args=[item.pk]), {"borrower": "王秀英", "mobile": "13912345678"}
    )
    assert r.status_code == 302
    loan = Loan.objects.get(item=item)
    page = c.get(reverse("service:desk", args=[desk.pk])).content.decode()
    assert "王**" in page and "139****5678" in page and "13912345678" not in page
    r = c.post(reverse("service:lend", args=[item.pk]), {"borrower": "李", "mobile": "13900000000"})
    assert r.status_code == 200 and "已全部借出" in r.content.decode()
    assert Loan.objects.filter(item=item).count() == 1
    r = c.post(reverse("service:loan_return", args=[loan.pk]), follow=True)
    assert "已登记归还：手动轮椅" in r.content.decode()
    r = c.post(reverse("service:loan_return", args=[loan.pk]), follow=True)
    assert "该物品已归还，不能重复登记" in r.content.decode()
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.RETURNED


def test_return_by_mobile_of_an_item_never_lent_says_so(client_for, desk):
    item = make_item(desk, stock=1)
    r = client_for("member").post(
        reverse("service:return_by_mobile", args=[item.pk]), {"mobile": "13911112222"}, follow=True
    )
    assert "没有未归还" in r.content.decode()


def test_overdue_loans_are_red_in_the_ledger_and_a_task_of_the_admin(client_for, desk):
    from hongfan.core.todos import todos_for

    item = make_item(desk, stock=2)
    late = loan_services.loan_lend(
        access=acc("member"),
        item=item,
        borrower="赵",
        mobile="13900000001",
        now=timezone.now() - timedelta(days=2),
    )
    r = client_for("hosp").get(reverse("service:ledger", args=[desk.pk]) + "?overdue=1")
    page = r.content.decode()
    assert f'class="table-danger" data-loan="{late.pk}"' in page
    tasks = [
        t
        for t in todos_for(acc("hosp"), timezone.localdate())
        if t.source == "service.desk_overdue"
    ]
    assert any(desk.name in t.title and t.count == 1 for t in tasks)


def test_the_ledger_exports_to_excel_masked(client_for, desk):
    item = make_item(desk, stock=2)
    loan_services.loan_lend(
        access=acc("member"), item=item, borrower="钱多多", mobile="13987654321"
    )
    r = client_for("hosp").get(reverse("service:ledger", args=[desk.pk]) + "?export=xlsx")
    assert r.status_code == 200
    ws = load_workbook(
        io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)
    ).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row]
    assert "钱**" in cells and "139****4321" in cells
    assert not any("13987654321" in c or "钱多多" in c for c in cells)


def test_the_ledger_query_count_does_not_grow_with_loans(
    client_for, desk, django_assert_max_num_queries
):
    item = make_item(desk, stock=100)
    c = client_for("hosp")
    loan_services.loan_lend(access=acc("member"), item=item, borrower="孙", mobile="13900000100")
    with django_assert_max_num_queries(60) as few:
        assert c.get(reverse("service:ledger", args=[desk.pk])).status_code == 200
    for n in range(30):
        loan_services.loan_lend(
            access=acc("member"), item=item, borrower="孙", mobile=f"139000002{n:02d}"
        )
    make_item(desk, stock=5, name="雨伞")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(reverse("service:ledger", args=[desk.pk])).status_code == 200


def test_secretary_not_on_duty_cannot_see_the_ledger_or_lend(client_for, desk):
    item = make_item(desk)
    c = client_for("sec")
    assert c.get(reverse("service:ledger", args=[desk.pk])).status_code == 403
    r = c.post(reverse("service:lend", args=[item.pk]), {"borrower": "周", "mobile": "13900000002"})
    assert r.status_code == 403 and not Loan.objects.filter(item=item).exists()


def test_admin_edits_an_item_and_cannot_cut_stock_below_what_is_out(client_for, desk):
    item = make_item(desk, stock=2)
    loan_services.loan_lend(access=acc("member"), item=item, borrower="吴", mobile="13900000003")
    loan_services.loan_lend(access=acc("member"), item=item, borrower="郑", mobile="13900000004")
    r = client_for("hosp").post(
        reverse("service:item_edit", args=[item.pk]),
        {
            "kind": "wheelchair",
            "name": item.name,
            "stock": "1",
            "deposit": "0",
            "loan_hours": "24",
            "active": "on",
        },
    )
    assert r.status_code == 200 and "不能少于" in r.content.decode()
    item.refresh_from_db()
    assert item.stock == 2
