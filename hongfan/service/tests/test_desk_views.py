"""The 红帆驿站 pages as each role sees them: the hospital admin keeps desks and rosters; a
member sees the desks, the roster and their own shifts and takes a swap; whoever is on
duty logs help with one tap."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hongfan.org.tests.factories import make_person, primary
from hongfan.service.choices import SwapStatus
from hongfan.service.models import DeskHelp, ServiceDesk, ShiftSwap, Signup
from hongfan.service.tests.factories_desks import (
    make_desk,
    make_shift,
    measure_for,
    on_duty,
    person_of,
    sign,
)

pytestmark = pytest.mark.django_db


def test_admin_creates_a_desk_through_the_form(client_for):
    c = client_for("hosp")
    r = c.post(
        reverse("service:desk_new"),
        {"name": "急诊红帆驿站", "location": "急诊大厅", "opening_hours": "全天"},
    )
    desk = ServiceDesk.objects.get(name="急诊红帆驿站")
    assert r.status_code == 302 and desk.hospital == primary()
    r = c.post(
        reverse("service:desk_new"), {"name": "急诊红帆驿站", "location": "x", "opening_hours": "y"}
    )
    assert r.status_code == 200 and "本院已有同名驿站" in r.content.decode()


def test_a_member_sees_the_desks_and_their_own_coming_shifts(client_for):
    desk = make_desk(primary(), name="门诊测试驿站")
    shift = make_shift(desk, timezone.now() + timedelta(days=2))
    signup = sign(person_of("member"), shift)
    page = client_for("member").get(reverse("service:desks")).content.decode()
    assert "门诊测试驿站" in page and 'id="my-duty"' in page
    assert reverse("service:swap_new", args=[signup.pk]) in page


def test_another_hospitals_admin_gets_404_for_a_desk(client_for):
    desk = make_desk(primary())
    assert client_for("hosp2").get(reverse("service:desk", args=[desk.pk])).status_code == 404


def test_the_member_on_duty_taps_help_and_the_count_rises(client_for):
    desk = make_desk(primary())
    on_duty("member", desk)
    c = client_for("member")
    page = c.get(reverse("service:desk", args=[desk.pk])).content.decode()
    assert 'data-kind="charging"' in page
    r = c.post(reverse("service:help_add", args=[desk.pk]), {"kind": "charging"}, follow=True)
    assert "已记录：手机充电 +1" in r.content.decode()
    assert DeskHelp.objects.filter(desk=desk, kind="charging").get().count == 1


def test_a_member_not_on_duty_sees_no_help_buttons_and_cannot_post(client_for):
    desk = make_desk(primary())
    c = client_for("member")
    page = c.get(reverse("service:desk", args=[desk.pk])).content.decode()
    assert 'data-kind="charging"' not in page
    assert (
        c.post(reverse("service:help_add", args=[desk.pk]), {"kind": "charging"}).status_code == 403
    )
    assert not DeskHelp.objects.filter(desk=desk).exists()


def test_roster_shows_unfilled_shifts_in_red_and_the_fill_rate(client_for):
    desk = make_desk(primary())
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(
        days=1
    )
    full, short = (
        make_shift(desk, start, capacity=1),
        make_shift(desk, start + timedelta(hours=5), capacity=2),
    )
    sign(person_of("member"), full)
    sign(make_person(primary()), short)
    r = client_for("sec").get(
        reverse("service:desk_roster", args=[desk.pk]) + f"?month={start:%Y-%m}"
    )
    page = r.content.decode()
    assert r.context["offered"] == 3 and r.context["filled"] == 2
    row = page[
        page.index(f'data-shift="{short.pk}"') - 120 : page.index(f'data-shift="{short.pk}"')
    ]
    assert "text-danger" in row and "缺1人" in page


def test_admin_generates_a_roster_in_one_action(client_for):
    desk = make_desk(primary())
    measure_for(primary())
    day = timezone.localdate() + timedelta(days=1)
    r = client_for("hosp").post(
        reverse("service:roster_new", args=[desk.pk]),
        {
            "first_day": day.isoformat(),
            "last_day": (day + timedelta(days=6)).isoformat(),
            "weekdays": ["0", "1", "2", "3", "4", "5", "6"],
            "slots": "08:00-12:00\n14:00-17:30",
            "places": "2",
        },
    )
    assert r.status_code == 302
    assert desk.rosters.get().shifts.count() == 14


def test_a_bad_roster_pattern_is_a_form_error_and_nothing_is_made(client_for):
    desk = make_desk(primary())
    measure_for(primary())
    day = timezone.localdate() + timedelta(days=1)
    r = client_for("hosp").post(
        reverse("service:roster_new", args=[desk.pk]),
        {
            "first_day": day.isoformat(),
            "last_day": day.isoformat(),
            "weekdays": ["0"],
            "slots": "下午",
            "places": "2",
        },
    )
    assert r.status_code == 200 and "格式不对" in r.content.decode()
    assert not desk.rosters.exists()


def test_fill_rate_page_for_the_admin_by_week(client_for):
    desk = make_desk(primary(), name="统计驿站")
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(
        days=1
    )
    make_shift(desk, start, capacity=2)
    r = client_for("hosp").get(reverse("service:desk_fill") + f"?by=week&month={start:%Y-%m}")
    assert r.status_code == 200 and "统计驿站" in r.content.decode()
    assert client_for("member").get(reverse("service:desk_fill")).status_code == 403


def test_the_asked_colleague_takes_the_swap_on_their_phone(client_for, users):
    desk = make_desk(primary())
    holder = make_person(primary())
    signup = sign(holder, make_shift(desk, timezone.now() + timedelta(days=3)))
    swap = ShiftSwap.objects.create(
        hospital=primary(), signup=signup, to_person=person_of("member")
    )
    c = client_for("member")
    page = c.get(reverse("service:desks")).content.decode()
    assert f'data-swap="{swap.pk}"' in page
    r = c.post(reverse("service:swap_answer", args=[swap.pk]), {"decision": "accept"}, follow=True)
    assert "已接班" in r.content.decode()
    assert Signup.objects.get(pk=signup.pk).person == person_of("member")
    assert ShiftSwap.objects.get(pk=swap.pk).status == SwapStatus.ACCEPTED


def test_a_member_asks_a_swap_through_the_form(client_for):
    desk = make_desk(primary())
    signup = sign(person_of("member"), make_shift(desk, timezone.now() + timedelta(days=3)))
    mate = make_person(primary(), name="代班同事")
    c = client_for("member")
    found = c.get(reverse("service:staff_search") + "?q=代班").json()["results"]
    assert [x["value"] for x in found] == [mate.pk]
    r = c.post(reverse("service:swap_new", args=[signup.pk]), {"to_person": mate.pk})
    assert r.status_code == 302
    assert ShiftSwap.objects.get(signup=signup).to_person == mate
    # another member cannot hand over someone else's shift
    assert client_for("sec").get(reverse("service:swap_new", args=[signup.pk])).status_code == 403


def test_help_summary_counts_by_month(client_for):
    desk = make_desk(primary())
    on_duty("member", desk)
    DeskHelp.objects.create(
        hospital=primary(), desk=desk, kind="printing", count=7, occurred_at=timezone.now()
    )
    r = client_for("hosp").get(reverse("service:help_summary", args=[desk.pk]))
    assert r.context["s"].total == 7 and r.context["s"].totals["printing"] == 7
