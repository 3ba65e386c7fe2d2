"""Writes of 互联网+护理服务: the booking, each step, and every refusal (with no change)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from hongfan.core import pii
from hongfan.core.models import AuditEvent
from hongfan.notices.models import Notification
from hongfan.org.tests.factories import primary, second
from hongfan.service.choices import NurseTitle, NursingStatus
from hongfan.service.models import NursingBooking, NursingRule
from hongfan.service.services import nursing as svc
from hongfan.service.tests.factories_nursing import (
    a_booking,
    a_nurse,
    a_service,
    office,
    to_status,
)

pytestmark = pytest.mark.django_db


def _state(b):
    return NursingBooking.objects.filter(pk=b.pk).values().get()


def test_a_booking_keeps_personal_data_encrypted_with_a_reference():
    b = a_booking(primary())
    row = NursingBooking.objects.get(pk=b.pk)
    assert row.status == NursingStatus.BOOKED
    assert row.reference.startswith("HL") and len(row.reference) == 10
    assert "13912345678" not in row.mobile and "王桂兰" not in row.patient_name
    assert pii.decrypt(row.mobile) == "13912345678"
    assert row.mobile_hash == pii.keyed_hash("13912345678")


def test_a_booking_for_a_service_the_hospital_does_not_offer_is_refused():
    other = a_service(second(), name="二院专有项目")
    stopped = a_service(primary(), name="已停用项目", active=False)
    before = NursingBooking.objects.count()
    for service in (other, stopped):
        with pytest.raises(ValidationError) as exc:
            a_booking(primary(), service=service)
        assert "本院未开展该护理服务" in str(exc.value)
    assert NursingBooking.objects.count() == before


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("mobile", "1234", "11位手机号码"),
        ("patient_name", "   ", "患者姓名"),
        ("address", "近", "详细上门地址"),
        ("patient_kind", "alien", "服务对象"),
    ],
)
def test_a_booking_with_bad_input_is_refused_in_chinese(field, value, message):
    service = a_service(primary())
    data = {
        "hospital": primary(),
        "service_id": service.pk,
        "patient_kind": "elderly",
        "patient_name": "王桂兰",
        "mobile": "13912345678",
        "address": "任城区古槐路12号院",
    }
    data[field] = value
    before = NursingBooking.objects.count()
    with pytest.raises(ValidationError) as exc:
        svc.booking_create(**data)
    assert message in str(exc.value)
    assert NursingBooking.objects.count() == before


def test_the_whole_case_runs_triage_assign_visit_close_and_tells_the_nurse(
    users, django_capture_on_commit_callbacks
):
    nurse = a_nurse(primary())
    from hongfan.accounts.models import RoleAssignment, User

    account = User.objects.create(username="nurse-test", person=nurse)
    RoleAssignment.objects.create(user=account, role="member")
    b = a_booking(primary())
    with django_capture_on_commit_callbacks(execute=True):
        b = to_status(b, NursingStatus.ASSIGNED, nurse=nurse)
    assert b.nurse_id == nurse.pk and b.assigned_at is not None
    assert Notification.objects.filter(recipient=account, title__contains="上门护理派单").exists()
    acc = office()
    b = svc.booking_visit(
        access=acc, booking=b, arrived_at=timezone.now(), what_done="换药", consumables="敷料"
    )
    b = svc.booking_close(access=acc, booking=b)
    assert b.status == NursingStatus.CLOSED and b.closed_at is not None


@pytest.mark.parametrize(
    "status,step",
    [
        (NursingStatus.BOOKED, "assign"),
        (NursingStatus.BOOKED, "visit"),
        (NursingStatus.BOOKED, "close"),
        (NursingStatus.ACCEPTED, "triage"),
        (NursingStatus.ACCEPTED, "visit"),
        (NursingStatus.ASSIGNED, "refuse"),
        (NursingStatus.ASSIGNED, "close"),
        (NursingStatus.CLOSED, "visit"),
        (NursingStatus.REFUSED, "triage"),
        (NursingStatus.REFUSED, "assign"),
    ],
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(status, step):
    nurse = a_nurse(primary())
    b = to_status(a_booking(primary()), status, nurse=nurse)
    b = NursingBooking.objects.get(pk=b.pk)
    before = _state(b)
    acc = office()
    calls = {
        "triage": lambda: svc.booking_triage(
            access=acc, booking=b, risk_level="low", assessment="x"
        ),
        "refuse": lambda: svc.booking_refuse(access=acc, booking=b, reason="x"),
        "assign": lambda: svc.booking_assign(access=acc, booking=b, nurse=nurse),
        "visit": lambda: svc.booking_visit(
            access=acc, booking=b, arrived_at=timezone.now(), what_done="x"
        ),
        "close": lambda: svc.booking_close(access=acc, booking=b),
    }
    with pytest.raises(ValidationError) as exc:
        calls[step]()
    assert "当前状态" in str(exc.value)
    assert _state(b) == before


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"years": 3}, "不足5年"),
        ({"title": NurseTitle.NURSE}, "低于护师"),
        ({"active": False}, "已停止派单"),
    ],
)
def test_a_nurse_below_the_rule_is_refused(kwargs, message):
    nurse = a_nurse(primary(), **kwargs)
    b = to_status(a_booking(primary()), NursingStatus.ACCEPTED)
    before = _state(b)
    with pytest.raises(ValidationError) as exc:
        svc.booking_assign(access=office(), booking=b, nurse=nurse)
    assert message in str(exc.value)
    assert _state(b) == before


def test_a_new_rule_version_changes_who_qualifies():
    nurse = a_nurse(primary(), years=6)
    b = to_status(a_booking(primary()), NursingStatus.ACCEPTED)
    NursingRule.objects.create(
        authority_id=primary().authority_id,
        effective_from=timezone.localdate() - timedelta(days=1),
        min_clinical_years=8,
        min_title=NurseTitle.NURSE,
        promise_hours=24,
    )
    with pytest.raises(ValidationError, match="不足8年"):
        svc.booking_assign(access=office(), booking=b, nurse=nurse)


def test_a_nurse_of_another_hospital_or_unregistered_is_refused():
    b = to_status(a_booking(primary()), NursingStatus.ACCEPTED)
    with pytest.raises(ValidationError, match="只能派本院护士"):
        svc.booking_assign(access=office(), booking=b, nurse=a_nurse(second()))


def test_refusal_needs_a_reason_and_is_what_the_family_sees():
    b = a_booking(primary())
    with pytest.raises(ValidationError, match="原因"):
        svc.booking_refuse(access=office(), booking=b, reason="  ")
    b = svc.booking_refuse(access=office(), booking=b, reason="超出服务范围")
    assert (b.status, b.refused_reason) == (NursingStatus.REFUSED, "超出服务范围")


def test_visit_before_the_booking_or_in_the_future_is_refused():
    b = to_status(a_booking(primary()), NursingStatus.ASSIGNED)
    for when in (b.requested_at - timedelta(hours=1), timezone.now() + timedelta(hours=2)):
        with pytest.raises(ValidationError, match="到达时间"):
            svc.booking_visit(access=office(), booking=b, arrived_at=when, what_done="x")


@pytest.mark.parametrize(
    "username,refusal",
    [
        ("member", PermissionDenied),
        ("sec", PermissionDenied),
        ("city", PermissionDenied),
        ("audit", Http404),
    ],
)
def test_others_in_or_outside_the_hospital_cannot_take_a_step(username, refusal, users):
    from hongfan.core.access import access_for

    b = a_booking(primary())
    before = _state(b)
    with pytest.raises(refusal):
        svc.booking_triage(
            access=access_for(users[username]), booking=b, risk_level="low", assessment="x"
        )
    assert _state(b) == before


def test_another_hospitals_admin_gets_a_404_and_no_change(users):
    from hongfan.core.access import access_for

    b = a_booking(primary())
    before = _state(b)
    with pytest.raises(Http404):
        svc.booking_refuse(access=access_for(users["hosp2"]), booking=b, reason="x")
    assert _state(b) == before


def test_reveal_is_for_the_office_and_the_nurse_and_is_audited(users):
    from hongfan.core.access import access_for

    b = a_booking(primary())
    full = svc.booking_reveal(access=office(), booking=b)
    assert full["mobile"] == "13912345678"
    assert AuditEvent.objects.filter(action="reveal", target_id=str(b.pk), success=True).exists()
    with pytest.raises(PermissionDenied):
        svc.booking_reveal(access=access_for(users["hosp"]), booking=b)
    assert AuditEvent.objects.filter(action="reveal", target_id=str(b.pk), success=False).exists()


def test_the_catalogue_and_nurses_are_kept_by_the_office_only(users):
    from hongfan.core.access import access_for

    s = svc.nursing_service_save(
        access=office(), hospital=primary(), data={"category": "tcm", "name": "耳穴压豆"}
    )
    assert s.hospital_id == primary().pk
    with pytest.raises(PermissionDenied):
        svc.nursing_service_save(
            access=access_for(users["member"]), hospital=primary(), data={"name": "x"}
        )
    with pytest.raises(ValidationError, match="晚于今天"):
        svc.nurse_profile_save(
            access=office(),
            hospital=primary(),
            person=a_nurse(primary())
            .__class__.objects.filter(hospital=primary(), nurse_profile__isnull=True)
            .first(),
            data={"clinical_since": timezone.localdate() + timedelta(days=3), "title": 2},
        )


def test_only_the_city_adds_a_rule_version(users):
    from hongfan.core.access import access_for

    with pytest.raises(PermissionDenied):
        svc.nursing_rule_add(
            access=office(),
            authority_id=primary().authority_id,
            effective_from=timezone.localdate(),
            min_clinical_years=5,
            min_title=2,
            promise_hours=24,
        )
    rule = svc.nursing_rule_add(
        access=access_for(users["city"]),
        authority_id=primary().authority_id,
        effective_from=timezone.localdate(),
        min_clinical_years=6,
        min_title=2,
        promise_hours=12,
    )
    assert rule.pk is not None


def test_the_security_admin_grants_the_nursing_office_for_one_hospital(users):
    from hongfan.accounts.models import RoleAssignment, User
    from hongfan.accounts.services.roles import role_grant
    from hongfan.core.access import access_for
    from hongfan.core.roles import Role

    target = User.objects.create(username="hl-office")
    security = access_for(users["security"])
    with pytest.raises(ValidationError, match="必须指定医院"):
        role_grant(access=security, user=target, role=Role.NURSING_OFFICE)
    role_grant(access=security, user=target, role=Role.NURSING_OFFICE, hospital=primary())
    ra = RoleAssignment.objects.get(user=target)
    assert (ra.role, ra.hospital_id) == (Role.NURSING_OFFICE, primary().pk)
    assert access_for(User.objects.get(pk=target.pk)).holds(Role.NURSING_OFFICE, primary().pk)
