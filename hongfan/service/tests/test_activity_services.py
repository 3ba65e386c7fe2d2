"""Planning, publishing and cancelling activities: the rules, who may, and who is told."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hongfan.notices.models import Notification
from hongfan.org.models import Person
from hongfan.org.tests.factories import other_branch, primary, sec_branch, second
from hongfan.service.choices import ActivityStatus, SignupStatus
from hongfan.service.models import Signup
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


def test_only_a_draft_is_edited() -> None:
    a = plan()
    activity_publish(access=acc("sec"), activity=a)
    values: dict[str, Any] = {
        "kind": a.kind,
        "title": "改过",
        "measure": a.measure,
        "place": a.place,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "signup_deadline": a.signup_deadline,
        "cancel_deadline": a.cancel_deadline,
        "shifts": [ShiftSpec(a.starts_at, a.ends_at, 3)],
    }
    refused(lambda: activity_update(access=acc("sec"), activity=a, **values), "只能修改草稿")


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
