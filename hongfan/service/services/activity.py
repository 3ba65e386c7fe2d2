"""Writes of activities (志愿服务活动): plan one as a draft with its shifts, change the draft,
publish it (its audience is told), cancel it with a reason (those signed up are told).

Who organises: a branch (its secretary, or the hospital admin for it) or the hospital itself
(``branch=None``, the hospital admin only). Closing an activity (confirming its hours) and
sign-ups belong to the hours part (``services.signup`` / ``services.hours``)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.locks import lock_one
from hongfan.core.notify import SYSTEM, notify
from hongfan.org.choices import MEMBER_STATUSES, BranchKind, PersonStatus
from hongfan.org.models import Branch, Department, Hospital, Person
from hongfan.service.choices import LIVE_SIGNUP, ActivityKind, ActivityStatus
from hongfan.service.models import Activity, Place, ServiceMeasure, Shift

MAX_LENGTH = timedelta(hours=24)
SHIFTS_MAX = 20
CAPACITY_MAX = 500
# Kinds planned on these pages (a 红帆驿站 roster is planned on the desk's own pages).
PLANNED_KINDS = [k for k in ActivityKind if k != ActivityKind.DESK_DUTY]
# Messages of this app go out in the system category until core.notify has one of its own.
CATEGORY = SYSTEM


@dataclass(frozen=True)
class ShiftSpec:
    """One shift as planned: its label, times, places and lead."""

    starts_at: datetime
    ends_at: datetime
    capacity: int
    label: str = ""
    lead: Person | None = None


def require_organiser(access: Access, hospital_id: int, branch_id: int | None) -> None:
    """A branch's activity is organised by its secretary or the hospital admin; the
    hospital's own only by the admin."""
    access.require_business()
    if branch_id is None:
        if not access.administers_hospital(hospital_id):
            raise PermissionDenied("只有医院党委可以组织全院活动")
    elif not access.manages_branch(branch_id, hospital_id):
        raise PermissionDenied("只能组织本支部的活动")


def _check(  # noqa: C901
    *,
    hospital: Hospital,
    branch: Branch | None,
    kind: str,
    title: str,
    measure: ServiceMeasure | None,
    place: Place | None,
    starts_at: datetime | None,
    ends_at: datetime | None,
    signup_deadline: datetime | None,
    cancel_deadline: datetime | None,
    departments: Sequence[Department],
    shifts: Sequence[ShiftSpec],
    measure_kept: int | None = None,
    place_kept: int | None = None,
) -> None:
    """Every rule of a plan, all errors at once (``measure_kept`` / ``place_kept``: the
    draft's own measure or place, which may have been stopped since)."""
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "请填写活动名称"
    if kind not in PLANNED_KINDS:
        errors["kind"] = "请选择活动类型"
    if branch is not None and (
        branch.hospital_id != hospital.pk or not branch.active or branch.kind != BranchKind.BRANCH
    ):
        errors["branch"] = "只能选择本院在用的党支部"
    if measure is None:
        errors["measure"] = "请选择服务举措"
    elif measure.hospital_id != hospital.pk:
        errors["measure"] = "服务举措不属于本院"
    elif not measure.active and measure.pk != measure_kept:
        errors["measure"] = f"服务举措“{measure.name}”已停用"
    if place is None:
        errors["place"] = "请选择服务地点"
    elif place.hospital_id != hospital.pk:
        errors["place"] = "服务地点不属于本院"
    elif not place.active and place.pk != place_kept:
        errors["place"] = f"服务地点“{place}”已停用"
    if any(d.hospital_id != hospital.pk for d in departments):
        errors["departments"] = "只能选择本院的科室"
    if starts_at is None or ends_at is None:
        errors["starts_at"] = "请填写开始和结束时间"
    elif ends_at <= starts_at:
        errors["ends_at"] = "结束时间必须晚于开始时间"
    elif ends_at - starts_at > MAX_LENGTH:
        errors["ends_at"] = "一次活动不能超过24小时"
    else:
        if signup_deadline is None:
            errors["signup_deadline"] = "请填写报名截止时间"
        elif signup_deadline > starts_at:
            errors["signup_deadline"] = "报名截止不能晚于活动开始"
        if cancel_deadline is None:
            errors["cancel_deadline"] = "请填写取消报名截止时间"
        elif cancel_deadline > starts_at:
            errors["cancel_deadline"] = "取消报名截止不能晚于活动开始"
        _check_shifts(hospital, starts_at, ends_at, shifts, errors)
    if errors:
        raise ValidationError(errors)


def _check_shifts(
    hospital: Hospital,
    starts_at: datetime,
    ends_at: datetime,
    shifts: Sequence[ShiftSpec],
    errors: dict[str, str],
) -> None:
    if not shifts:
        errors["shifts"] = "至少安排一个班次"
        return
    if len(shifts) > SHIFTS_MAX:
        errors["shifts"] = f"一次活动最多{SHIFTS_MAX}个班次"
        return
    for n, s in enumerate(shifts, start=1):
        if s.ends_at <= s.starts_at:
            errors["shifts"] = f"第{n}个班次：结束时间必须晚于开始时间"
        elif s.starts_at < starts_at or s.ends_at > ends_at:
            errors["shifts"] = f"第{n}个班次：须在活动时间之内"
        elif not 1 <= s.capacity <= CAPACITY_MAX:
            errors["shifts"] = f"第{n}个班次：名额应在1至{CAPACITY_MAX}之间"
        elif s.lead is not None and (
            s.lead.hospital_id != hospital.pk or s.lead.status != PersonStatus.ACTIVE
        ):
            errors["shifts"] = f"第{n}个班次：带队人须为本院在职人员"
        if "shifts" in errors:
            return


@transaction.atomic
def activity_create(
    *,
    access: Access,
    hospital: Hospital,
    branch: Branch | None,
    kind: str,
    title: str,
    measure: ServiceMeasure | None,
    place: Place | None,
    starts_at: datetime | None,
    ends_at: datetime | None,
    signup_deadline: datetime | None,
    cancel_deadline: datetime | None,
    shifts: Sequence[ShiftSpec],
    place_detail: str = "",
    description: str = "",
    departments: Sequence[Department] = (),
    skills: str = "",
    open_to_staff: bool = True,
    request: HttpRequest | None = None,
) -> Activity:
    """Plan an activity as a draft (nobody is told until it is published)."""
    require_organiser(access, hospital.pk, branch.pk if branch else None)
    title = (title or "").replace("\x00", "").strip()[:100]
    _check(
        hospital=hospital,
        branch=branch,
        kind=kind,
        title=title,
        measure=measure,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        signup_deadline=signup_deadline,
        cancel_deadline=cancel_deadline,
        departments=departments,
        shifts=shifts,
    )
    activity = Activity.objects.create(  # type: ignore[misc]  # None refused by _check above
        hospital=hospital,
        branch=branch,
        measure=measure,
        kind=kind,
        title=title,
        description=(description or "").replace("\x00", "").strip()[:5000],
        place=place,
        place_detail=(place_detail or "").replace("\x00", "").strip()[:100],
        starts_at=starts_at,
        ends_at=ends_at,
        signup_deadline=signup_deadline,
        cancel_deadline=cancel_deadline,
        skills=(skills or "").replace("\x00", "").strip()[:200],
        open_to_staff=open_to_staff,
        checkin_token=secrets.token_urlsafe(32),
        created_by_id=access.user_id,
    )
    activity.departments.set(departments)
    _shifts_create(activity, shifts)
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=activity,
        hospital_id=hospital.pk,
        kind=kind,
        shifts=len(shifts),
    )
    return activity


def _shifts_create(activity: Activity, shifts: Sequence[ShiftSpec]) -> None:
    Shift.objects.bulk_create(
        [
            Shift(
                activity=activity,
                label=(s.label or "").replace("\x00", "").strip()[:40],
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                capacity=s.capacity,
                lead=s.lead,
            )
            for s in shifts
        ]
    )


def activity_lock(activity: Activity) -> Activity:
    return lock_one(Activity.objects.select_related("hospital", "branch"), activity.pk)


@transaction.atomic
def activity_update(
    *,
    access: Access,
    activity: Activity,
    kind: str,
    title: str,
    measure: ServiceMeasure | None,
    place: Place | None,
    starts_at: datetime | None,
    ends_at: datetime | None,
    signup_deadline: datetime | None,
    cancel_deadline: datetime | None,
    shifts: Sequence[ShiftSpec],
    place_detail: str = "",
    description: str = "",
    departments: Sequence[Department] = (),
    skills: str = "",
    open_to_staff: bool = True,
    request: HttpRequest | None = None,
) -> Activity:
    """Change a draft (its shifts are replaced); a published activity is cancelled and
    planned again instead, so that nobody signed up is left with a changed plan."""
    require_organiser(access, activity.hospital_id, activity.branch_id)
    a = activity_lock(activity)
    if a.status != ActivityStatus.DRAFT:
        raise ValidationError({"status": "只能修改草稿；已发布的活动如有变化请取消后重新发布"})
    title = (title or "").replace("\x00", "").strip()[:100]
    _check(
        hospital=a.hospital,
        branch=a.branch,
        kind=kind,
        title=title,
        measure=measure,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        signup_deadline=signup_deadline,
        cancel_deadline=cancel_deadline,
        departments=departments,
        shifts=shifts,
        measure_kept=a.measure_id,
        place_kept=a.place_id,
    )
    a.kind, a.title, a.measure, a.place = kind, title, measure, place  # type: ignore[assignment]
    a.starts_at, a.ends_at = starts_at, ends_at  # type: ignore[assignment]
    a.signup_deadline, a.cancel_deadline = signup_deadline, cancel_deadline  # type: ignore[assignment]
    a.place_detail = (place_detail or "").replace("\x00", "").strip()[:100]
    a.description = (description or "").replace("\x00", "").strip()[:5000]
    a.skills = (skills or "").replace("\x00", "").strip()[:200]
    a.open_to_staff = open_to_staff
    a.save()
    a.departments.set(departments)
    Shift.objects.filter(activity=a).delete()
    _shifts_create(a, shifts)
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=a,
        hospital_id=a.hospital_id,
    )
    return a


def audience(activity: Activity) -> QuerySet[User]:
    """Who is told of a published activity: the branch's people for a branch's activity,
    the hospital's people for the hospital's own — members only unless staff may join too.
    One query, whatever their number; the users are read once, on commit."""
    users = User.objects.filter(is_active=True, person__status=PersonStatus.ACTIVE)
    if activity.branch_id is not None:
        users = users.filter(person__branch_id=activity.branch_id)
    else:
        users = users.filter(person__hospital_id=activity.hospital_id)
    if not activity.open_to_staff:
        users = users.filter(person__political_status__in=MEMBER_STATUSES)
    return users.only("pk", "is_active")


def _when(a: Activity) -> str:
    where = f"{a.place}{a.place_detail}" if a.place_id else a.place_detail
    return f"{timezone.localtime(a.starts_at):%m月%d日 %H:%M}，{where}"


@transaction.atomic
def activity_publish(
    *, access: Access, activity: Activity, request: HttpRequest | None = None
) -> tuple[Activity, int]:
    """Open a draft for sign-up and tell its audience (see ``audience``). Returns the
    activity and how many were told."""
    require_organiser(access, activity.hospital_id, activity.branch_id)
    a = activity_lock(activity)
    if a.status != ActivityStatus.DRAFT:
        raise ValidationError({"status": "只能发布草稿状态的活动"})
    now = timezone.now()
    if a.signup_deadline <= now:
        raise ValidationError({"signup_deadline": "报名截止时间已过，请修改后再发布"})
    if not Shift.objects.filter(activity=a).exists():
        raise ValidationError({"shifts": "至少安排一个班次才能发布"})
    if not a.measure.active:
        raise ValidationError({"measure": f"服务举措“{a.measure.name}”已停用，请改选后再发布"})
    a.status = ActivityStatus.PUBLISHED
    a.published_at = now
    a.save(update_fields=["status", "published_at"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=a,
        hospital_id=a.hospital_id,
        published=True,
    )
    told = notify(
        recipients=audience(a).iterator(chunk_size=2000),
        title=f"志愿服务招募：{a.title}",
        body=f"{_when(a)}，{a.get_kind_display()}。报名截止"
        f"{timezone.localtime(a.signup_deadline):%m月%d日 %H:%M}",
        link=reverse("service:activity", args=[a.pk]),
        category=CATEGORY,
        key=f"service.activity:{a.pk}:published",
    )
    return a, told


@transaction.atomic
def activity_cancel(
    *, access: Access, activity: Activity, reason: str, request: HttpRequest | None = None
) -> Activity:
    """Cancel a draft or a published activity that has not ended; those signed up (or
    waiting) are told, as an important message."""
    require_organiser(access, activity.hospital_id, activity.branch_id)
    a = activity_lock(activity)
    if a.status not in (ActivityStatus.DRAFT, ActivityStatus.PUBLISHED):
        raise ValidationError({"status": "活动已结束或已取消，不能取消"})
    if a.ends_at <= timezone.now():
        raise ValidationError({"status": "活动已经结束，不能取消"})
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写取消原因"})
    was_published = a.status == ActivityStatus.PUBLISHED
    a.status = ActivityStatus.CANCELLED
    a.cancel_reason = reason[:200]
    a.save(update_fields=["status", "cancel_reason"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=a,
        hospital_id=a.hospital_id,
        cancelled=True,
    )
    if was_published:
        notify(
            recipients=User.objects.filter(
                is_active=True,
                person__service_signups__activity=a,
                person__service_signups__status__in=LIVE_SIGNUP,
            ).distinct(),
            title=f"活动取消：{a.title}",
            body=f"原定{_when(a)}的活动已取消：{a.cancel_reason}",
            link=reverse("service:activity", args=[a.pk]),
            category=CATEGORY,
            key=f"service.activity:{a.pk}:cancelled",
            important=True,
        )
    return a
