"""The 红帆驿站's writes: the desk, the roster from a pattern, help given, and swaps — each
refusal with a Chinese message and nothing changed."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from hongfan.org.choices import PersonStatus
from hongfan.org.tests.factories import make_person, primary, second
from hongfan.service.choices import ActivityKind, SignupStatus, SwapStatus
from hongfan.service.models import Activity, DeskHelp, ServiceDesk, Shift, ShiftSwap, Signup
from hongfan.service.services import desk as desk_services
from hongfan.service.tests.factories_desks import (
    acc,
    make_desk,
    make_shift,
    measure_for,
    on_duty,
    person_of,
    sign,
)

pytestmark = pytest.mark.django_db


def next_monday() -> date:
    d = timezone.localdate() + timedelta(days=1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def test_admin_creates_a_desk_and_a_duplicate_name_is_refused():
    desk = desk_services.desk_create(
        access=acc("hosp"),
        hospital=primary(),
        name="急诊测试红帆驿站",
        location="门诊楼一楼",
        opening_hours="07:30-17:30",
    )
    assert desk.hospital == primary()
    with pytest.raises(ValidationError) as exc:
        desk_services.desk_create(
            access=acc("hosp"),
            hospital=primary(),
            name="急诊测试红帆驿站",
            location="x",
            opening_hours="y",
        )
    assert "同名" in str(exc.value)
    assert ServiceDesk.objects.filter(name="急诊测试红帆驿站").count() == 1


def test_secretary_and_other_hospital_admin_cannot_create_a_desk():
    before = ServiceDesk.objects.count()
    with pytest.raises(PermissionDenied):
        desk_services.desk_create(
            access=acc("sec"), hospital=primary(), name="a", location="b", opening_hours="c"
        )
    with pytest.raises(Http404):
        desk_services.desk_create(
            access=acc("hosp2"), hospital=primary(), name="a", location="b", opening_hours="c"
        )
    assert ServiceDesk.objects.count() == before


def test_roster_generates_weekdays_times_slots_with_places():
    desk = make_desk(primary())
    measure_for(primary())
    monday = next_monday()
    activity = desk_services.roster_generate(
        access=acc("hosp"),
        desk=desk,
        first_day=monday,
        last_day=monday + timedelta(days=13),
        weekdays=[0, 2, 4],
        slots=desk_services.parse_slots("08:00-12:00\n14:00-17:30"),
        places=3,
    )
    assert activity.kind == ActivityKind.DESK_DUTY and activity.desk == desk
    shifts = list(activity.shifts.order_by("starts_at"))
    assert len(shifts) == 2 * 3 * 2  # two weeks × three weekdays × two slots
    assert {s.capacity for s in shifts} == {3}
    first = timezone.localtime(shifts[0].starts_at)
    assert first.date() == monday and first.time() == time(8, 0)
    assert {timezone.localtime(s.starts_at).weekday() for s in shifts} == {0, 2, 4}


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "至少一个时段"),
        ("8点到12点", "格式不对"),
        ("12:00-08:00", "结束时间须晚于开始时间"),
        ("08:00-12:00\n11:00-13:00", "不能重叠"),
    ],
)
def test_bad_time_slots_are_refused_in_chinese(text, message):
    with pytest.raises(ValidationError) as exc:
        desk_services.parse_slots(text)
    assert message in str(exc.value)


def test_roster_refuses_past_days_no_weekday_and_too_long_and_changes_nothing():
    desk = make_desk(primary())
    measure_for(primary())
    slots = [(time(8), time(12))]
    before = (Activity.objects.count(), Shift.objects.count())
    today = timezone.localdate()
    cases = [
        (today - timedelta(days=10), today - timedelta(days=3), [0, 1, 2, 3, 4, 5, 6], "过去"),
        (today + timedelta(days=1), today + timedelta(days=5), [], "值班日"),
        (today + timedelta(days=1), today + timedelta(days=100), [0], "最多排"),
        (today + timedelta(days=5), today + timedelta(days=1), [0], "不能早于"),
    ]
    for first, last, weekdays, message in cases:
        with pytest.raises(ValidationError) as exc:
            desk_services.roster_generate(
                access=acc("hosp"),
                desk=desk,
                first_day=first,
                last_day=last,
                weekdays=weekdays,
                slots=slots,
                places=2,
            )
        assert message in str(exc.value)
    assert (Activity.objects.count(), Shift.objects.count()) == before


def test_member_cannot_generate_a_roster():
    desk = make_desk(primary())
    with pytest.raises(PermissionDenied):
        desk_services.roster_generate(
            access=acc("member"),
            desk=desk,
            first_day=next_monday(),
            last_day=next_monday(),
            weekdays=[0],
            slots=[(time(8), time(12))],
            places=1,
        )


def test_the_person_on_duty_logs_help_and_others_are_refused():
    desk = make_desk(primary())
    with pytest.raises(PermissionDenied):
        desk_services.help_add(access=acc("member"), desk=desk, kind="guidance")
    assert not DeskHelp.objects.filter(desk=desk).exists()
    on_duty("member", desk)
    line = desk_services.help_add(access=acc("member"), desk=desk, kind="guidance")
    assert line.count == 1 and line.hospital_id == desk.hospital_id
    with pytest.raises(ValidationError) as exc:
        desk_services.help_add(access=acc("member"), desk=desk, kind="dance")
    assert "服务类型" in str(exc.value)
    with pytest.raises(ValidationError):
        desk_services.help_add(access=acc("member"), desk=desk, kind="guidance", count=10**9)
    assert DeskHelp.objects.filter(desk=desk).count() == 1


def test_a_shift_over_long_ago_no_longer_makes_one_on_duty():
    desk = make_desk(primary())
    sign(person_of("member"), make_shift(desk, timezone.now() - timedelta(hours=8), hours=2))
    with pytest.raises(PermissionDenied):
        desk_services.help_add(access=acc("member"), desk=desk, kind="charging")


# --- swaps -----------------------------------------------------------------------------------


def colleague(**extra):
    return make_person(primary(), **extra)


def login_of(person):
    """A member account for a person (a colleague answering on their phone)."""
    from hongfan.accounts.models import RoleAssignment, User
    from hongfan.core.access import access_for
    from hongfan.core.roles import Role

    user = User.objects.create(username=f"mate{person.pk}", person=person)
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, hospital=person.hospital)
    return access_for(user)


def future_signup(username: str = "member"):
    desk = make_desk(primary())
    shift = make_shift(desk, timezone.now() + timedelta(days=2))
    return sign(person_of(username), shift)


def test_swap_moves_the_signup_to_the_colleague_who_accepts():
    signup = future_signup()
    mate = colleague()
    user = login_of(mate)
    swap = desk_services.swap_request(access=acc("member"), signup=signup, to_person=mate)
    assert swap.status == SwapStatus.REQUESTED
    desk_services.swap_accept(access=user, swap=swap)
    signup.refresh_from_db()
    swap.refresh_from_db()
    assert signup.person == mate and signup.status == SignupStatus.SIGNED
    assert swap.status == SwapStatus.ACCEPTED and swap.decided_at is not None


def test_swap_to_a_colleague_with_an_overlapping_shift_is_refused():
    signup = future_signup()
    mate = colleague()
    other_desk = make_desk(primary())
    clash = make_shift(other_desk, signup.shift.starts_at + timedelta(hours=1))
    sign(mate, clash)
    with pytest.raises(ValidationError) as exc:
        desk_services.swap_request(access=acc("member"), signup=signup, to_person=mate)
    assert "已有其他班次" in str(exc.value)
    assert not ShiftSwap.objects.filter(signup=signup).exists()


def test_swap_accept_checks_the_overlap_again_and_changes_nothing():
    signup = future_signup()
    mate = colleague()
    user = login_of(mate)
    swap = desk_services.swap_request(access=acc("member"), signup=signup, to_person=mate)
    # meanwhile the colleague took another shift at the same time
    sign(mate, make_shift(make_desk(primary()), signup.shift.starts_at))
    with pytest.raises(ValidationError) as exc:
        desk_services.swap_accept(access=user, swap=swap)
    assert "已有其他班次" in str(exc.value)
    signup.refresh_from_db()
    swap.refresh_from_db()
    assert signup.person == person_of("member") and swap.status == SwapStatus.REQUESTED


def test_swap_to_another_hospital_or_a_leaver_or_oneself_is_refused():
    signup = future_signup()
    stranger = make_person(second())
    leaver = colleague(status=PersonStatus.LEFT)
    for who, message in [
        (stranger, "本院在职"),
        (leaver, "本院在职"),
        (person_of("member"), "自己"),
    ]:
        with pytest.raises(ValidationError) as exc:
            desk_services.swap_request(access=acc("member"), signup=signup, to_person=who)
        assert message in str(exc.value)
    assert not ShiftSwap.objects.filter(signup=signup).exists()


def test_only_the_asked_colleague_may_accept_and_only_the_holder_may_ask():
    signup = future_signup()
    mate = colleague()
    with pytest.raises(PermissionDenied):
        desk_services.swap_request(access=acc("sec"), signup=signup, to_person=mate)
    swap = desk_services.swap_request(access=acc("member"), signup=signup, to_person=mate)
    with pytest.raises(PermissionDenied):
        desk_services.swap_accept(access=acc("sec"), swap=swap)
    signup.refresh_from_db()
    assert signup.person == person_of("member")


def test_a_second_open_swap_and_a_started_shift_are_refused():
    signup = future_signup()
    desk_services.swap_request(access=acc("member"), signup=signup, to_person=colleague())
    with pytest.raises(ValidationError) as exc:
        desk_services.swap_request(access=acc("member"), signup=signup, to_person=colleague())
    assert "待对方确认" in str(exc.value)
    started = sign(person_of("member"), make_shift(make_desk(primary())))
    with pytest.raises(ValidationError) as exc:
        desk_services.swap_request(access=acc("member"), signup=started, to_person=colleague())
    assert "已经开始" in str(exc.value)


def test_declined_swap_leaves_the_shift_with_the_asker():
    signup = future_signup()
    mate = colleague()
    user = login_of(mate)
    swap = desk_services.swap_request(access=acc("member"), signup=signup, to_person=mate)
    desk_services.swap_decline(access=user, swap=swap)
    swap.refresh_from_db()
    assert swap.status == SwapStatus.DECLINED
    with pytest.raises(ValidationError):
        desk_services.swap_accept(access=user, swap=swap)
    assert Signup.objects.get(pk=signup.pk).person == person_of("member")
