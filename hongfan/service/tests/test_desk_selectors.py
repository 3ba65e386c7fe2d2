"""Reads of the desks, ledger and posts: the fill rate's arithmetic, who counts as on duty,
the help summary, and which posts each role sees."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from hongfan.core.dates import today
from hongfan.org.choices import PoliticalStatus
from hongfan.org.tests.factories import make_person, other_branch, primary, sec_branch
from hongfan.service.choices import SignupStatus
from hongfan.service.models import DeskHelp
from hongfan.service.selectors import desk as desk_selectors
from hongfan.service.selectors import post as post_selectors
from hongfan.service.services.post import post_designate
from hongfan.service.tests.factories_desks import acc, make_desk, make_shift, person_of, sign

pytestmark = pytest.mark.django_db


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def test_fill_rate_counts_filled_places_capped_and_unfilled_shifts_by_week():
    desk = make_desk(primary())
    monday = date(2026, 3, 2)
    a = make_shift(desk, at(monday, 8), capacity=2)
    b = make_shift(desk, at(monday + timedelta(days=1), 8), capacity=2)
    c = make_shift(desk, at(monday + timedelta(days=7), 8), capacity=1)
    for _ in range(2):
        sign(make_person(primary()), a)
    sign(make_person(primary()), b)
    sign(make_person(primary()), b, status=SignupStatus.CANCELLED)  # not a place held
    sign(make_person(primary()), c, status=SignupStatus.NO_SHOW)  # held, not served
    rows = desk_selectors.fill_rate(access=acc("hosp"), desks=[desk], year=2026, month=3)
    # March 2026 begins on a Sunday: its first week is 23 February – 1 March.
    assert rows[0].label == "02.23–03.01" and rows[0].offered == 0
    first, second = rows[1], rows[2]
    assert (first.offered, first.filled, first.shifts, first.unfilled) == (4, 3, 2, 1)
    assert first.percent == 75
    assert (second.offered, second.filled, second.unfilled) == (1, 1, 0)
    by_month = desk_selectors.fill_rate(access=acc("hosp"), desks=[desk], year=2026, month=None)
    assert len(by_month) == 12 and by_month[2].offered == 5 and by_month[2].filled == 4


def test_on_duty_only_around_a_signed_shift_of_that_desk():
    desk, other = make_desk(primary()), make_desk(primary())
    now = timezone.now()
    sign(person_of("member"), make_shift(other, now - timedelta(hours=1)))
    assert not desk_selectors.on_duty(access=acc("member"), desk=desk)
    shift = make_shift(desk, now + timedelta(minutes=30), hours=2)
    signup = sign(person_of("member"), shift)
    assert desk_selectors.on_duty(access=acc("member"), desk=desk)
    signup.status = SignupStatus.CANCELLED
    signup.save()
    assert not desk_selectors.on_duty(access=acc("member"), desk=desk)
    assert desk_selectors.staffs_desk(access=acc("hosp"), desk=desk)


def test_one_desk_lookup_decides_who_may_see_read_staff_and_manage_a_desk():
    desk = make_desk(primary())
    use = desk_selectors.DeskUse

    def get(username: str, how: desk_selectors.DeskUse) -> str:
        try:
            desk_selectors.desk_get(access=acc(username), pk=desk.pk, use=how, noun="借用台账")
        except PermissionDenied as exc:
            return f"403 {exc}"
        except Http404:
            return "404"
        return "ok"

    assert [get("member", u) for u in use] == ["ok"] + ["403 没有权限查看此借用台账"] * 3
    assert [get("hosp", u) for u in use] == ["ok"] * 4
    assert [get("city", u) for u in use] == ["ok", "ok", "403 没有权限查看此借用台账"] + [
        "403 没有权限查看此借用台账"
    ]
    assert [get("hosp2", u) for u in use] == ["404"] * 4
    sign(person_of("member"), make_shift(desk, timezone.now(), hours=2))
    assert [get("member", u) for u in use] == ["ok", "ok", "ok", "403 没有权限查看此借用台账"]


def test_help_summary_adds_counts_per_kind_month_and_day():
    desk = make_desk(primary())
    for kind, n, day in [
        ("guidance", 5, date(2026, 2, 3)),
        ("guidance", 2, date(2026, 2, 3)),
        ("charging", 4, date(2026, 5, 9)),
    ]:
        DeskHelp.objects.create(
            hospital=primary(), desk=desk, kind=kind, count=n, occurred_at=at(day, 10)
        )
    s = desk_selectors.help_summary(desk=desk, year=2026, month=2)
    assert s.total == 11 and s.totals["guidance"] == 7
    assert s.months[1][2] == 7 and s.months[4][2] == 4
    assert s.days == [(date(2026, 2, 3), {**dict.fromkeys(s.totals, 0), "guidance": 7}, 7)]


def test_post_list_is_scoped_by_role():
    def post(branch, name, people=()):
        head = make_person(primary(), branch=branch, political_status=PoliticalStatus.MEMBER)
        return post_designate(
            access=acc("hosp"),
            hospital=primary(),
            kind="model",
            name=name,
            branch=branch,
            head=head,
            commitment="承诺",
            designated_on=today(),
            people=people,
        )

    mine = post(sec_branch(), "甲岗", [person_of("member")])
    other = post(other_branch(), "乙岗")
    names = lambda who: set(  # noqa: E731
        post_selectors.post_list(access=acc(who), hospital_id=primary().pk).values_list(
            "name", flat=True
        )
    )
    assert {"甲岗", "乙岗"} <= names("hosp") and {"甲岗", "乙岗"} <= names("city")
    assert "甲岗" in names("sec") and "乙岗" not in names("sec")
    assert "甲岗" in names("member") and "乙岗" not in names("member")
    assert not names("hosp2") & {"甲岗", "乙岗"}
    assert mine.pk != other.pk
