"""The organiser's and the volunteer's pages of hours: confirm (travel minutes, training),
correct, the record, the certificate (page and Word), the table (Excel) and the national
export (full ID numbers, audited)."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hongfan.accounts.models import User
from hongfan.core.models import AuditEvent
from hongfan.org.tests.factories import primary, sec_branch
from hongfan.service.models import HourEntry
from hongfan.service.services.hours import hours_confirm
from hongfan.service.services.signup import signup_create, signup_mark
from hongfan.service.tests.factories_hours import demo_access, make_activity, top_bar_classes

pytestmark = pytest.mark.django_db


def _ended() -> tuple[Any, Any]:
    start = timezone.now() - timedelta(hours=5)
    a = make_activity(
        primary(), branch=sec_branch(), starts_at=start, kind="home_visit", title="送医上门"
    )
    sec = demo_access("sec")
    row = signup_create(
        access=demo_access("member"), shift=a.shifts.get(), now=start - timedelta(days=1)
    )
    signup_mark(access=sec, signup=row, action="in", now=start)
    signup_mark(access=sec, signup=row, action="out", now=start + timedelta(hours=3))
    return a, row


def test_the_organiser_confirms_hours_with_travel_minutes_excluded(client_for: Any) -> None:
    a, row = _ended()
    c = client_for("sec")
    url = reverse("service:confirm", args=[a.pk])
    assert "3.0小时" in c.get(url).content.decode()
    r = c.post(url, {"kind": "service", f"excluded_{row.pk}": "30"}, follow=True)
    assert "已确认1人的时长" in r.content.decode()
    assert HourEntry.objects.get(signup=row).hours == Decimal("2.5")


def test_travel_minutes_beyond_the_shift_go_back_onto_the_form(client_for: Any) -> None:
    a, row = _ended()
    r = client_for("sec").post(
        reverse("service:confirm", args=[a.pk]), {"kind": "service", f"excluded_{row.pk}": "999"}
    )
    assert r.status_code == 200 and "扣除时间不能超过班次时长" in r.content.decode()
    assert not HourEntry.objects.filter(signup=row).exists()


def test_a_correction_from_the_page_reverses_and_rewrites(client_for: Any) -> None:
    a, row = _ended()
    hours_confirm(access=demo_access("hosp"), activity=a)
    r = client_for("hosp").post(
        reverse("service:hours_correct", args=[row.pk]),
        {"hours": "2", "reason": "提前离开"},
        follow=True,
    )
    assert "已更正" in r.content.decode()
    assert sorted(e.hours for e in HourEntry.objects.filter(signup=row)) == [
        Decimal("-3.0"),
        Decimal("2.0"),
        Decimal("3.0"),
    ]


def test_the_pending_list_shows_an_ended_activity_until_confirmed(client_for: Any) -> None:
    a, _ = _ended()
    c = client_for("sec")
    assert "送医上门" in c.get(reverse("service:hours_pending")).content.decode()
    hours_confirm(access=demo_access("sec"), activity=a)
    assert "送医上门" not in c.get(reverse("service:hours_pending")).content.decode()


def test_my_record_shows_the_confirmed_hours(client_for: Any) -> None:
    a, _ = _ended()
    hours_confirm(access=demo_access("sec"), activity=a)
    html = client_for("member").get(reverse("service:my_record")).content.decode()
    assert "送医上门" in html and "我的志愿服务" in html


def test_the_certificate_page_and_word_file(client_for: Any) -> None:
    a, row = _ended()
    hours_confirm(access=demo_access("sec"), activity=a)
    person = User.objects.get(username="member").person
    c = client_for("member")
    html = c.get(reverse("service:certificate", args=[person.pk])).content.decode()
    assert "志愿服务证明" in html and person.id_number not in html
    assert person.id_number[:6] + "********" in html
    assert "d-print-none" in top_bar_classes(html)  # prints the certificate alone
    r = c.get(reverse("service:certificate", args=[person.pk]) + "?format=docx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
    assert "志愿服务证明" in text and "特此证明" in text and person.id_number not in text


def test_the_table_exports_to_excel(client_for: Any) -> None:
    a, _ = _ended()
    hours_confirm(access=demo_access("sec"), activity=a)
    r = client_for("hosp").get(reverse("service:hours_table") + "?export=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    head = [c.value for c in ws[1]]
    assert "本年服务时长（小时）" in head
    assert AuditEvent.objects.filter(action="export").exists()


def test_the_national_export_has_full_id_numbers_and_is_audited_as_a_reveal(
    client_for: Any,
) -> None:
    a, _ = _ended()
    hours_confirm(access=demo_access("sec"), activity=a)
    person = User.objects.get(username="member").person
    year = timezone.localtime(a.starts_at).year
    r = client_for("hosp").post(
        reverse("service:hours_national"), {"year": str(year), "reason": "志愿汇录入"}
    )
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][:6] == [
        "姓名",
        "证件类型",
        "证件号码",
        "服务时长（小时）",
        "服务日期",
        "活动名称",
    ]
    assert [person.name, "居民身份证", person.id_number] in [x[:3] for x in rows]
    assert AuditEvent.objects.filter(action="reveal", success=True).exists()


def test_the_national_export_needs_a_purpose(client_for: Any) -> None:
    r = client_for("hosp").post(reverse("service:hours_national"), {"year": "2026", "reason": ""})
    assert r.status_code == 200 and "请填写导出用途" in r.content.decode()


def test_the_person_file_has_a_volunteer_tab(client_for: Any) -> None:
    a, _ = _ended()
    hours_confirm(access=demo_access("sec"), activity=a)
    person = User.objects.get(username="member").person
    html = (
        client_for("sec")
        .get(reverse("org:person", args=[person.pk]) + "?tab=volunteer")
        .content.decode()
    )
    assert "志愿服务" in html and "送医上门" in html
