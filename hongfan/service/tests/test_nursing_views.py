"""Pages of 互联网+护理服务: the public booking page (no login, CSRF, rate limit answered
with a Chinese 429, bad input, a service not offered), the status page, the office's steps
through the UI, masking and the audited reveal, role scoping."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hongfan.core.models import AuditEvent
from hongfan.org.tests.factories import primary, second
from hongfan.service.choices import NursingStatus
from hongfan.service.models import NursingBooking
from hongfan.service.tests.factories_nursing import a_booking, a_nurse, a_service, to_status

pytestmark = pytest.mark.django_db


def _payload(service_pk: int, **over: str) -> dict[str, str]:
    data = {
        "service": str(service_pk),
        "patient_kind": "elderly",
        "patient_name": "王桂兰",
        "mobile": "13912345678",
        "address": "任城区古槐路12号院3号楼",
        "note": "卧床",
    }
    data.update(over)
    return data


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_the_public_page_books_without_login_and_answers_a_reference():
    s = a_service(primary())
    url = reverse("service:nursing_book", args=[primary().pk])
    page = Client().get(url)
    assert page.status_code == 200 and s.name in page.content.decode()
    r = Client().post(url, _payload(s.pk))
    assert r.status_code == 200
    b = NursingBooking.objects.order_by("-pk").first()
    assert b.reference in r.content.decode()
    assert "13912345678" not in r.content.decode()


def test_the_public_page_needs_csrf():
    s = a_service(primary())
    c = Client(enforce_csrf_checks=True)
    before = NursingBooking.objects.count()
    r = c.post(reverse("service:nursing_book", args=[primary().pk]), _payload(s.pk))
    assert r.status_code == 403
    assert NursingBooking.objects.count() == before


def test_a_service_of_another_hospital_is_refused_in_chinese():
    other = a_service(second(), name="二院项目")
    before = NursingBooking.objects.count()
    r = Client().post(reverse("service:nursing_book", args=[primary().pk]), _payload(other.pk))
    assert r.status_code == 200 and "本院未开展该护理服务" in r.content.decode()
    assert NursingBooking.objects.count() == before


@pytest.mark.parametrize(
    "over,message",
    [
        ({"mobile": "12"}, "11位手机号码"),
        ({"service": "99999999999999999999999"}, "本院未开展该护理服务"),
        ({"patient_name": "王\x00"}, ""),
        ({"address": ""}, "请填写上门地址"),
    ],
)
def test_bad_input_on_the_public_page_is_a_chinese_message_and_no_booking(over, message):
    s = a_service(primary())
    before = NursingBooking.objects.count()
    r = Client().post(reverse("service:nursing_book", args=[primary().pk]), _payload(s.pk, **over))
    assert r.status_code == 200 and message in r.content.decode()
    assert NursingBooking.objects.count() == before


def test_an_unknown_hospital_is_a_404():
    assert Client().get(reverse("service:nursing_book", args=[2**62])).status_code == 404


def test_the_booking_page_is_rate_limited_per_address_with_a_chinese_429(settings):
    settings.NURSING_BOOKING_RATE = "2/h"
    s = a_service(primary())
    url = reverse("service:nursing_book", args=[primary().pk])
    c = Client()
    for _ in range(2):
        assert c.post(url, _payload(s.pk), REMOTE_ADDR="10.9.8.7").status_code == 200
    before = NursingBooking.objects.count()
    r = c.post(url, _payload(s.pk), REMOTE_ADDR="10.9.8.7")
    assert r.status_code == 429 and "操作太频繁" in r.content.decode()
    assert NursingBooking.objects.count() == before
    # Another address still books.
    assert c.post(url, _payload(s.pk), REMOTE_ADDR="10.9.8.8").status_code == 200
    assert NursingBooking.objects.count() == before + 1


def test_the_status_page_shows_masked_data_and_the_refusal_reason(settings):
    b = a_booking(primary(), mobile="13900004321")
    to_status(b, NursingStatus.REFUSED)
    r = Client().post(
        reverse("service:nursing_status"), {"reference": b.reference, "last4": "4321"}
    )
    text = r.content.decode()
    assert "未受理" in text and "病情不稳定" in text
    assert "139****4321" in text and "13900004321" not in text and "王桂兰" not in text
    wrong = Client().post(
        reverse("service:nursing_status"), {"reference": b.reference, "last4": "0000"}
    )
    assert "没有找到该预约" in wrong.content.decode()


def test_wrong_status_guesses_are_rate_limited(settings):
    settings.NURSING_BOOKING_RATE = "3/h"
    c = Client()
    for _ in range(3):
        c.post(reverse("service:nursing_status"), {"reference": "HL00000000", "last4": "0000"})
    r = c.post(reverse("service:nursing_status"), {"reference": "HL00000000", "last4": "0000"})
    assert r.status_code == 429


def test_the_office_sees_the_patient_in_full_and_it_is_audited(client_for):
    b = a_booking(primary())
    r = client_for("nursing").get(reverse("service:nursing_booking", args=[b.pk]))
    assert "13912345678" in r.content.decode()
    assert AuditEvent.objects.filter(action="reveal", target_id=str(b.pk), username="nursing")


def test_the_hospital_admin_sees_the_patient_masked(client_for):
    b = a_booking(primary())
    r = client_for("hosp").get(reverse("service:nursing_booking", args=[b.pk]))
    text = r.content.decode()
    assert r.status_code == 200 and "139****5678" in text and "13912345678" not in text
    q = client_for("hosp").get(reverse("service:nursing_queue")).content.decode()
    assert "13912345678" not in q and "王桂兰" not in q


def test_the_office_walks_a_case_through_the_pages(client_for):
    nurse = a_nurse(primary())
    b = a_booking(primary())
    c = client_for("nursing")
    c.post(
        reverse("service:nursing_triage", args=[b.pk]),
        {"risk_level": "low", "assessment": "适合上门"},
    )
    c.post(reverse("service:nursing_assign", args=[b.pk]), {"nurse": nurse.pk})
    b.refresh_from_db()
    assert (b.status, b.nurse_id) == (NursingStatus.ASSIGNED, nurse.pk)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    c.post(reverse("service:nursing_visit", args=[b.pk]), {"arrived_at": now, "what_done": "换药"})
    c.post(reverse("service:nursing_close", args=[b.pk]))
    b.refresh_from_db()
    assert b.status == NursingStatus.CLOSED


def test_a_step_out_of_order_through_the_page_shows_a_chinese_message(client_for):
    b = a_booking(primary())
    r = client_for("nursing").post(reverse("service:nursing_close", args=[b.pk]), follow=True)
    assert "上门服务记录后才能办结" in r.content.decode()
    b.refresh_from_db()
    assert b.status == NursingStatus.BOOKED


def test_assigning_a_nurse_below_the_rule_through_the_page_is_refused(client_for):
    junior = a_nurse(primary(), years=2)
    b = to_status(a_booking(primary()), NursingStatus.ACCEPTED)
    r = client_for("nursing").post(
        reverse("service:nursing_assign", args=[b.pk]), {"nurse": junior.pk}, follow=True
    )
    assert "不符合上门护理资质" in r.content.decode()
    b.refresh_from_db()
    assert b.status == NursingStatus.ACCEPTED and b.nurse_id is None


def test_visit_with_a_malformed_time_is_a_chinese_message(client_for):
    b = to_status(a_booking(primary()), NursingStatus.ASSIGNED)
    for bad in ("0001-01-01T00:00", "2026-13-45T99:99", "x\x00"):
        r = client_for("nursing").post(
            reverse("service:nursing_visit", args=[b.pk]), {"arrived_at": bad, "what_done": "x"}
        )
        assert r.status_code == 200 and "到达时间" in r.content.decode()
    b.refresh_from_db()
    assert b.status == NursingStatus.ASSIGNED


def test_the_assigned_nurse_sees_their_visit_and_records_it(users):
    from hongfan.accounts.models import RoleAssignment, User

    nurse = a_nurse(primary())
    account = User.objects.create(username="nurse-visit", person=nurse)
    RoleAssignment.objects.create(user=account, role="member")
    b = to_status(a_booking(primary()), NursingStatus.ASSIGNED, nurse=nurse)
    c = Client()
    c.force_login(account)
    mine = c.get(reverse("service:nursing_mine")).content.decode()
    assert b.service.name in mine and "13912345678" not in mine
    page = c.get(reverse("service:nursing_visit", args=[b.pk])).content.decode()
    assert "13912345678" in page
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    c.post(reverse("service:nursing_visit", args=[b.pk]), {"arrived_at": now, "what_done": "换药"})
    b.refresh_from_db()
    assert b.status == NursingStatus.VISITED


def test_the_nursing_office_sees_no_member_pages(client_for):
    c = client_for("nursing")
    assert c.get(reverse("org:people")).status_code == 403
    assert c.get(reverse("points:rankings")).status_code == 403


def test_the_promise_page_exports_a_spreadsheet(client_for):
    r = client_for("nursing").get(reverse("service:nursing_promise"), {"export": "xlsx"})
    assert r.status_code == 200 and "spreadsheet" in r["Content-Type"]
    r = client_for("city").get(reverse("service:nursing_city"), {"export": "xlsx"})
    assert r.status_code == 200


def test_the_city_reads_any_hospitals_figures_but_no_bookings(client_for):
    c = client_for("city")
    r = c.get(reverse("service:nursing_promise"), {"hospital": second().pk})
    assert r.status_code == 200 and second().name in r.content.decode()
    b = NursingBooking.objects.filter(hospital=primary()).first()
    assert c.get(reverse("service:nursing_booking", args=[b.pk])).status_code == 403


def test_another_hospitals_admin_cannot_name_this_hospitals_figures(client_for):
    r = client_for("hosp2").get(reverse("service:nursing_promise"), {"hospital": primary().pk})
    assert r.status_code == 404


def test_the_office_home_page_flags_bookings_past_the_promise(client_for):
    r = client_for("nursing").get(reverse("home"))
    assert r.status_code == 200
    assert "个上门护理预约已超过承诺时限" in r.content.decode()


def test_the_queue_and_the_figures_keep_a_query_budget(client_for, django_assert_max_num_queries):
    c = client_for("nursing")
    c.get(reverse("service:nursing_queue"))  # sessions and menus warmed
    with django_assert_max_num_queries(20):
        assert c.get(reverse("service:nursing_queue")).status_code == 200
    for _ in range(5):
        a_booking(primary())
    with django_assert_max_num_queries(20):
        assert c.get(reverse("service:nursing_queue")).status_code == 200
    with django_assert_max_num_queries(20):
        assert c.get(reverse("service:nursing_promise")).status_code == 200
