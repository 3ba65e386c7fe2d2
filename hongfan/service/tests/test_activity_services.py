"""Planning, publishing and cancelling activities: the rules, who may, and who is told."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hongfan.notices.models import Notification
from hongfan.org.models import Person
from hongfan.org.tests.factories import other_branch, primary, sec_branch, second
from hongfan.service.choices import ActivityStatus, SignupStatus
from hongfan.service.models import Shift, Signup
from hongfan.service.services.activity import (
    ShiftSpec,
    activity_cancel,
    activity_publish,
    activity_update,
)
from hongfan.service.services.brand import measure_update
from hongfan.service.tests.factories_activities import (
    acc,
    lead_of,
    measure_of,
    place_of,
    plan,
    plan_of,
    state,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ready(db: Any) -> None:
    """The rows the plans name exist before a refused write is compared."""
    measure_of(), measure_of(second()), place_of(), place_of(second(), "外院村")


def refused(call: Any, says: str, exc: type = ValidationError) -> None:
    before = state()
    with pytest.raises(exc) as info:
        call()
    text = (
        " ".join(info.value.messages)
        if isinstance(info.value, ValidationError)
        else str(info.value)
    )
    assert says in text, text
    assert state() == before


def test_secretary_plans_a_draft_with_its_shifts() -> None:
    a = plan()
    assert a.status == ActivityStatus.DRAFT
    assert a.branch == sec_branch()
    assert [(s.capacity, s.lead_id) for s in a.shifts.all()] == [(10, lead_of().pk)]


def test_an_activity_that_ends_before_it_starts_is_refused() -> None:
    starts = timezone.now() + timedelta(days=3)
    refused(
        lambda: plan(starts_at=starts, ends_at=starts - timedelta(hours=1)),
        "结束时间必须晚于开始时间",
    )


def test_a_place_of_another_hospital_is_refused() -> None:
    refused(lambda: plan(place=place_of(second(), "外院村")), "服务地点不属于本院")


def test_a_stopped_measure_is_refused() -> None:
    m = measure_of()
    measure_update(access=acc("hosp"), measure=m, name=m.name, order=m.order, active=False)
    try:
        refused(lambda: plan(measure=m), "已停用")
    finally:
        measure_update(access=acc("hosp"), measure=m, name=m.name, order=m.order, active=True)


def test_a_measure_of_another_hospital_is_refused() -> None:
    refused(lambda: plan(measure=measure_of(second())), "服务举措不属于本院")


def test_a_shift_outside_the_activity_and_a_deadline_after_the_start_are_refused() -> None:
    a = plan()
    late = ShiftSpec(a.ends_at, a.ends_at + timedelta(hours=1), 5)
    refused(lambda: plan(shifts=[late]), "须在活动时间之内")
    refused(lambda: plan(shifts=[]), "至少安排一个班次")
    refused(
        lambda: plan(signup_deadline=a.starts_at + timedelta(hours=1)), "报名截止不能晚于活动开始"
    )


def test_a_lead_of_another_hospital_is_refused() -> None:
    a = plan()
    stranger = Person.objects.filter(hospital=second()).first()
    refused(
        lambda: plan(shifts=[ShiftSpec(a.starts_at, a.ends_at, 5, "", stranger)]),
        "带队人须为本院在职人员",
    )


def test_a_secretary_cannot_plan_for_another_branch_or_the_hospital() -> None:
    refused(lambda: plan(branch=other_branch()), "只能组织本支部的活动", PermissionDenied)
    refused(lambda: plan(branch=None), "只有医院党委可以组织全院活动", PermissionDenied)


def test_another_hospitals_admin_cannot_plan_here() -> None:
    refused(lambda: plan(acc("hosp2")), "只能组织本支部的活动", PermissionDenied)


def test_publishing_tells_the_branchs_people_once() -> None:
    a = plan()
    before = Notification.objects.count()
    with _on_commit():
        a, told = activity_publish(access=acc("sec"), activity=a)
    assert a.status == ActivityStatus.PUBLISHED
    branch_users = Person.objects.filter(branch=sec_branch(), user__isnull=False, status="active")
    assert told == branch_users.count() > 0
    assert Notification.objects.count() == before + told
    assert Notification.objects.filter(title__contains="测试义诊").exists()
    refused(lambda: activity_publish(access=acc("sec"), activity=a), "只能发布草稿")


def test_members_only_activity_tells_members_only() -> None:
    a = plan(open_to_staff=False)
    with _on_commit():
        _, told = activity_publish(access=acc("sec"), activity=a)
    members = Person.objects.filter(
        branch=sec_branch(),
        user__isnull=False,
        status="active",
        political_status__in=["member", "probationary"],
    )
    assert told == members.count()


def test_an_activity_past_its_signup_deadline_cannot_be_published() -> None:
    a = plan(days=1)
    type(a).objects.filter(pk=a.pk).update(signup_deadline=timezone.now() - timedelta(minutes=1))
    a.refresh_from_db()
    refused(lambda: activity_publish(access=acc("sec"), activity=a), "报名截止时间已过")


def _signed(a: Any, n: int, status: str = SignupStatus.SIGNED, skip: int = 0) -> list[Person]:
    """``n`` people of the hospital on ``a``'s shift (those with an account first)."""
    staff = Person.objects.filter(hospital=primary(), status="active").order_by("pk")
    ordered = [*staff.filter(user__isnull=False), *staff.filter(user__isnull=True)]
    people = ordered[skip : skip + n]
    for person in people:
        Signup.objects.create(
            hospital=primary(), activity=a, shift=a.shifts.get(), person=person, status=status
        )
    return people


def _changed(
    a: Any, capacity: int | None = None, more: tuple[ShiftSpec, ...] = (), **kw: Any
) -> Any:
    """``a``'s plan (its one shift kept) with ``kw`` changed."""
    s = a.shifts.get()
    keep = ShiftSpec(
        kw.pop("shift_start", s.starts_at), kw.pop("shift_end", s.ends_at),
        capacity or s.capacity, s.label, s.lead, pk=s.pk,
    )  # fmt: skip
    return replace(plan_of(shifts=[keep, *more]), **kw)


def test_a_published_activity_moved_in_time_and_place_tells_those_signed_up() -> None:
    a = plan()
    activity_publish(access=acc("sec"), activity=a)
    signed = _signed(a, 1)
    waiting = _signed(a, 1, SignupStatus.WAITLISTED, skip=1)
    later = a.starts_at + timedelta(hours=1)
    with _on_commit():
        a2, told = activity_update(
            access=acc("sec"),
            activity=a,
            plan=_changed(
                a, starts_at=later, ends_at=a.ends_at + timedelta(hours=1),
                shift_start=later, shift_end=a.ends_at + timedelta(hours=1),
                place=place_of(name="新村"), description="改到新村卫生室",
            ),
        )  # fmt: skip
    assert told == 2
    assert a2.status == ActivityStatus.PUBLISHED and a2.place.name == "新村"
    notes = Notification.objects.filter(key__startswith=f"service.activity:{a.pk}:changed")
    assert {n.recipient.person_id for n in notes} == {signed[0].pk, waiting[0].pk}
    assert all("新村" in n.body and "时间或地点有变化" in n.body for n in notes)
    # the sign-ups stay on their (moved) shift
    assert Signup.objects.filter(activity=a, shift__starts_at=later).count() == 2


def test_a_change_of_description_or_places_tells_nobody() -> None:
    a = plan()
    activity_publish(access=acc("sec"), activity=a)
    _signed(a, 1)
    with _on_commit():
        _, told = activity_update(
            access=acc("sec"), activity=a, plan=_changed(a, capacity=20, description="带血压计")
        )
    assert told == 0
    assert not Notification.objects.filter(key__startswith=f"service.activity:{a.pk}:changed")
    assert a.shifts.get().capacity == 20


def test_a_shift_cannot_be_cut_below_the_people_signed_up() -> None:
    a = plan()
    activity_publish(access=acc("sec"), activity=a)
    _signed(a, 3)
    refused(
        lambda: activity_update(access=acc("sec"), activity=a, plan=_changed(a, capacity=2)),
        "已有3人报名，名额不能少于3",
    )
    assert a.shifts.get().capacity == 10
    _, _ = activity_update(access=acc("sec"), activity=a, plan=_changed(a, capacity=3))
    assert a.shifts.get().capacity == 3


def test_a_shift_with_people_on_it_cannot_be_dropped() -> None:
    a = plan()
    activity_publish(access=acc("sec"), activity=a)
    _signed(a, 1)
    other = ShiftSpec(a.starts_at, a.ends_at, 5, "新班次")
    refused(
        lambda: activity_update(
            access=acc("sec"), activity=a, plan=replace(plan_of(), shifts=[other])
        ),
        "不能删除",
    )


def test_more_places_move_the_waitlist_up_and_a_new_shift_is_added() -> None:
    a = plan()
    activity_publish(access=acc("sec"), activity=a)
    Shift.objects.filter(activity=a).update(capacity=1)
    _signed(a, 1)
    waiting = _signed(a, 2, SignupStatus.WAITLISTED, skip=1)
    extra = ShiftSpec(a.starts_at, a.starts_at + timedelta(hours=1), 4, "加开班次")
    with _on_commit():
        activity_update(access=acc("sec"), activity=a, plan=_changed(a, capacity=2, more=(extra,)))
    first, second_ = (Signup.objects.get(activity=a, person=p).status for p in waiting)
    assert (first, second_) == (SignupStatus.SIGNED, SignupStatus.WAITLISTED)
    assert Notification.objects.filter(title__startswith="候补成功", recipient__person=waiting[0])
    assert sorted(a.shifts.values_list("label", "capacity")) == [("全程", 2), ("加开班次", 4)]


def test_a_shift_of_another_activity_cannot_be_named() -> None:
    a, b = plan(), plan(title="另一个")
    theirs = b.shifts.get()
    spec = ShiftSpec(a.starts_at, a.ends_at, 5, "冒名", pk=theirs.pk)
    refused(
        lambda: activity_update(
            access=acc("sec"), activity=a, plan=replace(plan_of(), shifts=[spec])
        ),
        "不属于本活动",
    )


def test_an_activity_that_has_begun_or_was_cancelled_cannot_be_changed() -> None:
    a = plan()
    activity_publish(access=acc("sec"), activity=a)
    after = a.starts_at + timedelta(minutes=1)
    refused(
        lambda: activity_update(access=acc("sec"), activity=a, plan=_changed(a), now=after),
        "活动已经开始",
    )
    activity_cancel(access=acc("sec"), activity=a, reason="下雨")
    refused(lambda: activity_update(access=acc("sec"), activity=a, plan=_changed(a)), "不能修改")


def test_a_member_cannot_change_an_activity() -> None:
    a = plan()
    refused(
        lambda: activity_update(access=acc("member"), activity=a, plan=_changed(a, title="改")),
        "只能组织本支部",
        PermissionDenied,
    )


def test_cancelling_needs_a_reason_and_tells_those_signed_up() -> None:
    a = plan()
    activity_publish(access=acc("sec"), activity=a)
    person = Person.objects.filter(branch=sec_branch(), user__isnull=False).first()
    Signup.objects.create(
        hospital=primary(), activity=a, shift=a.shifts.first(), person=person,
        status=SignupStatus.SIGNED,
    )  # fmt: skip
    refused(lambda: activity_cancel(access=acc("sec"), activity=a, reason="  "), "请填写取消原因")
    with _on_commit():
        activity_cancel(access=acc("sec"), activity=a, reason="暴雨预警")
    a.refresh_from_db()
    assert a.status == ActivityStatus.CANCELLED and a.cancel_reason == "暴雨预警"
    note = Notification.objects.get(key=f"service.activity:{a.pk}:cancelled")
    assert note.recipient.person_id == person.pk and "暴雨预警" in note.body
    refused(lambda: activity_cancel(access=acc("sec"), activity=a, reason="再取消"), "不能取消")


def test_a_member_cannot_publish_or_cancel() -> None:
    a = plan()
    refused(
        lambda: activity_publish(access=acc("member"), activity=a),
        "只能组织本支部",
        PermissionDenied,
    )
    refused(
        lambda: activity_cancel(access=acc("member"), activity=a, reason="x"),
        "只能组织本支部",
        PermissionDenied,
    )


class _on_commit:
    """Run the on-commit callbacks of the block (the test's transaction never commits)."""

    def __enter__(self) -> None:
        from django.test import TestCase

        self.ctx = TestCase.captureOnCommitCallbacks(execute=True)
        self.ctx.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self.ctx.__exit__(*exc)


def test_the_hospital_plans_its_own_activity_and_tells_its_staff() -> None:
    a = plan(acc("hosp"), branch=None, title="全院义诊")
    assert a.branch_id is None
    with _on_commit():
        _, told = activity_publish(access=acc("hosp"), activity=a)
    staff = Person.objects.filter(hospital=primary(), user__isnull=False, status="active")
    assert told == staff.filter(user__is_active=True).count()
