"""Sign-ups: a place or the waitlist, every refusal (with no change), cancel and the
waitlist moving up (told through core.notify), QR and lead check-in inside the window."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hongfan.notices.models import Notification
from hongfan.org.choices import PoliticalStatus
from hongfan.org.tests.factories import make_person, primary, sec_branch, second
from hongfan.service.choices import ActivityStatus, CheckInMethod, SignupStatus
from hongfan.service.models import Signup
from hongfan.service.selectors.signup import open_activities, signup_panel, waitlist_position
from hongfan.service.services.signup import (
    signup_cancel,
    signup_create,
    signup_mark,
    signup_scan,
)
from hongfan.service.tests.factories_hours import access_of, demo_access, make_activity

pytestmark = pytest.mark.django_db


def volunteers(n: int, political_status: str = PoliticalStatus.MEMBER) -> list[Any]:
    branch = sec_branch()
    return [
        access_of(make_person(branch.hospital, branch=branch, political_status=political_status))
        for _ in range(n)
    ]


def test_signups_take_the_places_then_queue_on_the_waitlist_in_order() -> None:
    a = make_activity(primary(), capacity=2)
    shift = a.shifts.get()
    people = volunteers(4)
    rows = [signup_create(access=p, shift=shift) for p in people]
    assert [r.status for r in rows] == ["signed", "signed", "waitlisted", "waitlisted"]
    assert [waitlist_position(r) for r in rows[2:]] == [1, 2]
    panel = signup_panel(access=people[3], activity=a)
    assert panel.shifts[0].left == 0 and panel.shifts[0].position == 2


def _refused(access: Any, shift: Any, text: str, **kw: Any) -> None:
    before = Signup.objects.count()
    with pytest.raises(ValidationError) as exc:
        signup_create(access=access, shift=shift, **kw)
    assert text in " ".join(exc.value.messages)
    assert Signup.objects.count() == before


def test_a_signup_after_the_deadline_is_refused_and_changes_nothing() -> None:
    a = make_activity(primary())
    (p,) = volunteers(1)
    _refused(p, a.shifts.get(), "报名已于", now=a.signup_deadline + timedelta(minutes=1))


def test_two_overlapping_shifts_for_one_person_are_refused() -> None:
    a = make_activity(primary(), title="健康巡诊")
    b = make_activity(primary(), title="义诊", starts_at=a.starts_at + timedelta(hours=1))
    (p,) = volunteers(1)
    signup_create(access=p, shift=a.shifts.get())
    _refused(p, b.shifts.get(), "与已报名的“健康巡诊”")


def test_signing_up_twice_for_a_shift_is_refused() -> None:
    a = make_activity(primary())
    (p,) = volunteers(1)
    signup_create(access=p, shift=a.shifts.get())
    _refused(p, a.shifts.get(), "你已报名该班次")


def test_an_activity_not_published_is_refused() -> None:
    a = make_activity(primary(), status=ActivityStatus.DRAFT)
    (p,) = volunteers(1)
    _refused(p, a.shifts.get(), "尚未发布")
    assert a not in open_activities(access=p)


def test_another_hospitals_activity_is_refused() -> None:
    a = make_activity(second())
    (p,) = volunteers(1)
    _refused(p, a.shifts.get(), "只能报名本院")


def test_staff_who_are_not_members_join_only_activities_open_to_them() -> None:
    closed = make_activity(primary(), open_to_staff=False)
    open_ = make_activity(primary(), starts_at=closed.ends_at + timedelta(hours=1))
    (staff,) = volunteers(1, PoliticalStatus.MASSES)
    _refused(staff, closed.shifts.get(), "仅限党员")
    assert signup_create(access=staff, shift=open_.shifts.get()).status == "signed"
    listed = list(open_activities(access=staff))
    assert open_ in listed and closed not in listed


def test_a_user_without_a_person_cannot_sign_up() -> None:
    a = make_activity(primary())
    with pytest.raises(PermissionDenied):
        signup_create(access=demo_access("city"), shift=a.shifts.get())


def test_cancel_moves_the_first_on_the_waitlist_up_and_tells_them(
    django_capture_on_commit_callbacks: Any,
) -> None:
    a = make_activity(primary(), capacity=1)
    shift = a.shifts.get()
    first, second_, third = volunteers(3)
    mine = signup_create(access=first, shift=shift)
    queued = signup_create(access=second_, shift=shift)
    last = signup_create(access=third, shift=shift)
    with django_capture_on_commit_callbacks(execute=True):
        signup_cancel(access=first, signup=mine)
    queued.refresh_from_db()
    last.refresh_from_db()
    assert queued.status == SignupStatus.SIGNED and last.status == SignupStatus.WAITLISTED
    assert waitlist_position(last) == 1
    note = Notification.objects.get(recipient_id=second_.user_id)
    assert "候补成功" in note.title


def test_cancel_after_the_deadline_is_refused() -> None:
    a = make_activity(primary())
    (p,) = volunteers(1)
    row = signup_create(access=p, shift=a.shifts.get())
    with pytest.raises(ValidationError, match="已过取消截止时间"):
        signup_cancel(access=p, signup=row, now=a.cancel_deadline + timedelta(seconds=1))
    row.refresh_from_db()
    assert row.status == SignupStatus.SIGNED


def test_only_the_person_may_cancel_their_signup() -> None:
    a = make_activity(primary())
    p, q = volunteers(2)
    row = signup_create(access=p, shift=a.shifts.get())
    with pytest.raises(PermissionDenied):
        signup_cancel(access=q, signup=row)


def _signed_past(capacity: int = 3) -> tuple[Any, Any, Any]:
    """An activity that began 10 minutes ago, and a volunteer signed up in time."""
    start = timezone.now() - timedelta(minutes=10)
    a = make_activity(primary(), starts_at=start, capacity=capacity)
    (p,) = volunteers(1)
    row = signup_create(access=p, shift=a.shifts.get(), now=start - timedelta(days=1))
    return a, p, row


def test_a_qr_scan_checks_in_once_inside_the_window() -> None:
    a, p, row = _signed_past()
    done = signup_scan(access=p, activity_id=a.pk, token=a.checkin_token)
    assert done.checked_in_at is not None and done.checkin_method == CheckInMethod.QR
    with pytest.raises(ValidationError, match="无需重复签到"):
        signup_scan(access=p, activity_id=a.pk, token=a.checkin_token)
    out = signup_scan(
        access=p,
        activity_id=a.pk,
        token=a.checkin_token,
        out=True,
        now=timezone.now() + timedelta(hours=1),
    )
    assert out.checked_out_at is not None


def test_a_qr_scan_outside_the_window_or_with_a_wrong_code_is_refused() -> None:
    a, p, row = _signed_past()
    shift = a.shifts.get()
    with pytest.raises(ValidationError, match="签到尚未开始"):
        signup_scan(
            access=p,
            activity_id=a.pk,
            token=a.checkin_token,
            now=shift.starts_at - timedelta(minutes=31),
        )
    with pytest.raises(ValidationError, match="已超过签到时间"):
        signup_scan(
            access=p,
            activity_id=a.pk,
            token=a.checkin_token,
            now=shift.ends_at + timedelta(minutes=31),
        )
    with pytest.raises(ValidationError, match="签到码无效"):
        signup_scan(access=p, activity_id=a.pk, token="wrong")
    row.refresh_from_db()
    assert row.checked_in_at is None


def test_a_waitlisted_person_cannot_scan_in() -> None:
    a, p, row = _signed_past(capacity=1)
    (q,) = volunteers(1)
    signup_create(access=q, shift=a.shifts.get(), now=a.starts_at - timedelta(days=1))
    with pytest.raises(ValidationError, match="没有报名此活动"):
        signup_scan(access=q, activity_id=a.pk, token=a.checkin_token)


def test_the_lead_checks_in_and_out_and_marks_no_shows() -> None:
    start = timezone.now() - timedelta(minutes=10)
    lead_person = make_person(primary(), branch=sec_branch(), political_status="member")
    a = make_activity(primary(), starts_at=start, lead=lead_person)
    lead = access_of(lead_person)
    p, q = volunteers(2)
    before = start - timedelta(days=1)
    rp = signup_create(access=p, shift=a.shifts.get(), now=before)
    rq = signup_create(access=q, shift=a.shifts.get(), now=before)
    signup_mark(access=lead, signup=rp, action="in")
    rp = signup_mark(access=lead, signup=rp, action="out", now=timezone.now() + timedelta(hours=1))
    assert rp.checkin_method == CheckInMethod.LEAD and rp.checked_out_at
    assert signup_mark(access=lead, signup=rq, action="no_show").status == SignupStatus.NO_SHOW
    with pytest.raises(ValidationError, match="已于.*签到"):
        signup_mark(access=lead, signup=rp, action="in")


def test_a_volunteer_who_is_not_the_lead_cannot_mark_others() -> None:
    a, p, row = _signed_past()
    (q,) = volunteers(1)
    with pytest.raises(PermissionDenied):
        signup_mark(access=q, signup=row, action="in")
    row.refresh_from_db()
    assert row.checked_in_at is None
