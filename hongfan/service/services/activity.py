"""Writes of activities (志愿服务活动): plan one as a draft with its shifts (an ``ActivityPlan``),
change it — a draft freely, a published one until it begins (those signed up are told when
its time or place moves) —, publish it (its audience is told), cancel it with a reason
(those signed up are told).

Who organises: a branch (its secretary, or the hospital admin for it) or the hospital itself
(``branch=None``, the hospital admin only). Closing an activity (confirming its hours) and
sign-ups belong to the hours part (``services.signup`` / ``services.hours``)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.locks import lock_one, lock_rows
from hongfan.core.notify import SYSTEM, notify
from hongfan.org.choices import MEMBER_STATUSES, BranchKind, PersonStatus
from hongfan.org.models import Branch, Department, Hospital, Person
from hongfan.service.choices import LIVE_SIGNUP, ActivityKind, ActivityStatus, SignupStatus
from hongfan.service.models import Activity, Place, ServiceMeasure, Shift, Signup
from hongfan.service.services.signup import waitlist_fill

MAX_LENGTH = timedelta(hours=24)
SHIFTS_MAX = 20
CAPACITY_MAX = 500
# Kinds planned on these pages (a 红帆驿站 roster is planned on the desk's own pages).
PLANNED_KINDS = [k for k in ActivityKind if k != ActivityKind.DESK_DUTY]
# Messages of this app go out in the system category until core.notify has one of its own.
CATEGORY = SYSTEM


@dataclass(frozen=True)
class ShiftSpec:
    """One shift as planned: its label, times, places and lead; ``pk`` names a shift the
    activity already has (kept, with its sign-ups), ``None`` a new one."""

    starts_at: datetime
    ends_at: datetime
    capacity: int
    label: str = ""
    lead: Person | None = None
    pk: int | None = None


def _text(value: str | None, limit: int) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


@dataclass(frozen=True)
class ActivityPlan:
    """What the organiser plans for an activity, as the plan form reads it: the same for
    planning a draft (``activity_create``) and changing one (``activity_update``). The
    organiser (branch or hospital) is not part of it: it is chosen once, when planning."""

    kind: str
    title: str
    measure: ServiceMeasure | None
    place: Place | None
    starts_at: datetime | None
    ends_at: datetime | None
    signup_deadline: datetime | None
    cancel_deadline: datetime | None
    shifts: Sequence[ShiftSpec] = ()
    place_detail: str = ""
    description: str = ""
    departments: Sequence[Department] = ()
    skills: str = ""
    open_to_staff: bool = True

    def cleaned(self) -> ActivityPlan:
        """The texts without NUL bytes and surrounding blanks, cut to their columns."""
        return replace(
            self,
            title=_text(self.title, 100),
            place_detail=_text(self.place_detail, 100),
            description=_text(self.description, 5000),
            skills=_text(self.skills, 200),
        )


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
    plan: ActivityPlan,
    measure_kept: int | None = None,
    place_kept: int | None = None,
) -> None:
    """Every rule of a plan, all errors at once (``measure_kept`` / ``place_kept``: the
    activity's own measure or place, which may have been stopped since)."""
    errors: dict[str, str] = {}
    measure, place = plan.measure, plan.place
    starts_at, ends_at = plan.starts_at, plan.ends_at
    if not plan.title:
        errors["title"] = "请填写活动名称"
    if plan.kind not in PLANNED_KINDS:
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
    if any(d.hospital_id != hospital.pk for d in plan.departments):
        errors["departments"] = "只能选择本院的科室"
    if starts_at is None or ends_at is None:
        errors["starts_at"] = "请填写开始和结束时间"
    elif ends_at <= starts_at:
        errors["ends_at"] = "结束时间必须晚于开始时间"
    elif ends_at - starts_at > MAX_LENGTH:
        errors["ends_at"] = "一次活动不能超过24小时"
    else:
        if plan.signup_deadline is None:
            errors["signup_deadline"] = "请填写报名截止时间"
        elif plan.signup_deadline > starts_at:
            errors["signup_deadline"] = "报名截止不能晚于活动开始"
        if plan.cancel_deadline is None:
            errors["cancel_deadline"] = "请填写取消报名截止时间"
        elif plan.cancel_deadline > starts_at:
            errors["cancel_deadline"] = "取消报名截止不能晚于活动开始"
        _check_shifts(hospital, starts_at, ends_at, plan.shifts, errors)
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
    plan: ActivityPlan,
    request: HttpRequest | None = None,
) -> Activity:
    """Plan an activity as a draft (nobody is told until it is published)."""
    require_organiser(access, hospital.pk, branch.pk if branch else None)
    plan = plan.cleaned()
    _check(hospital=hospital, branch=branch, plan=plan)
    activity = Activity(
        hospital=hospital,
        branch=branch,
        checkin_token=secrets.token_urlsafe(32),
        created_by_id=access.user_id,
    )
    _apply(activity, plan)
    activity.save()
    activity.departments.set(plan.departments)
    _shifts_create(activity, plan.shifts)
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=activity,
        hospital_id=hospital.pk,
        kind=plan.kind,
        shifts=len(plan.shifts),
    )
    return activity


def _apply(a: Activity, plan: ActivityPlan) -> None:
    """Copy a checked (and cleaned) plan onto the activity's columns."""
    a.kind, a.title, a.measure, a.place = plan.kind, plan.title, plan.measure, plan.place  # type: ignore[assignment]
    a.starts_at, a.ends_at = plan.starts_at, plan.ends_at  # type: ignore[assignment]
    a.signup_deadline, a.cancel_deadline = plan.signup_deadline, plan.cancel_deadline  # type: ignore[assignment]
    a.place_detail, a.description = plan.place_detail, plan.description
    a.skills, a.open_to_staff = plan.skills, plan.open_to_staff


def _new_shift(activity: Activity, s: ShiftSpec) -> Shift:
    return Shift(
        activity=activity,
        label=_text(s.label, 40),
        starts_at=s.starts_at,
        ends_at=s.ends_at,
        capacity=s.capacity,
        lead=s.lead,
    )


def _shifts_create(activity: Activity, shifts: Sequence[ShiftSpec]) -> None:
    Shift.objects.bulk_create([_new_shift(activity, s) for s in shifts])


def activity_lock(activity: Activity) -> Activity:
    return lock_one(Activity.objects.select_related("hospital", "branch"), activity.pk)


@dataclass(frozen=True)
class _ShiftChanges:
    kept: list[tuple[Shift, ShiftSpec]]
    added: list[ShiftSpec]
    dropped: list[Shift]


def _shift_changes(a: Activity, shifts: Sequence[ShiftSpec]) -> _ShiftChanges:
    """Match the planned shifts with the activity's (locked, in pk order); refuse a shift
    cut below the people already signed up for it, or dropped while people are on it."""
    current = {s.pk: s for s in lock_rows(Shift.objects.filter(activity=a).order_by("pk"))}
    held = dict(
        Signup.objects.filter(shift__in=list(current), status__in=LIVE_SIGNUP)
        .values_list("shift")
        .annotate(n=Count("pk"))
    )
    signed = dict(
        Signup.objects.filter(shift__in=list(current), status=SignupStatus.SIGNED)
        .values_list("shift")
        .annotate(n=Count("pk"))
    )
    kept: list[tuple[Shift, ShiftSpec]] = []
    added: list[ShiftSpec] = []
    for n, spec in enumerate(shifts, start=1):
        if spec.pk is None:
            added.append(spec)
            continue
        shift = current.get(spec.pk)
        if shift is None or any(spec.pk == k.pk for k, _ in kept):
            raise ValidationError({"shifts": f"第{n}个班次不属于本活动，请刷新页面后重试"})
        taken = signed.get(shift.pk, 0)
        if spec.capacity < taken:
            raise ValidationError({"shifts": f"第{n}个班次已有{taken}人报名，名额不能少于{taken}"})
        kept.append((shift, spec))
    kept_pks = {shift.pk for shift, _ in kept}
    dropped = [s for pk, s in current.items() if pk not in kept_pks]
    for s in dropped:
        if held.get(s.pk):
            raise ValidationError(
                {
                    "shifts": f"班次“{s}”已有{held[s.pk]}人报名或候补，不能删除；可以增加名额或新增班次"
                }
            )
    return _ShiftChanges(kept=kept, added=added, dropped=dropped)


@transaction.atomic
def activity_update(
    *,
    access: Access,
    activity: Activity,
    plan: ActivityPlan,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> tuple[Activity, int]:
    """Change a draft, or a published activity that has not begun: its time, place,
    description, places per shift, new shifts. A shift keeps its sign-ups; it cannot be cut
    below the people signed up for it, nor dropped while anyone is on it, and a place
    added goes to the waitlist. When the time or the place of a published activity
    changes, those signed up (or waiting) are told. Returns the activity and how many were
    told."""
    require_organiser(access, activity.hospital_id, activity.branch_id)
    now = now or timezone.now()
    a = activity_lock(activity)
    published = a.status == ActivityStatus.PUBLISHED
    if a.status not in (ActivityStatus.DRAFT, ActivityStatus.PUBLISHED):
        raise ValidationError({"status": "活动已结束或已取消，不能修改"})
    if published and a.starts_at <= now:
        raise ValidationError({"status": "活动已经开始，不能修改；如有变化请联系已报名的人员"})
    plan = plan.cleaned()
    _check(
        hospital=a.hospital,
        branch=a.branch,
        plan=plan,
        measure_kept=a.measure_id,
        place_kept=a.place_id,
    )
    if published and plan.starts_at is not None and plan.starts_at <= now:
        raise ValidationError({"starts_at": "已发布的活动只能改到以后的时间"})
    changes = _shift_changes(a, plan.shifts)
    before = _where_when(a, [shift for shift, _ in changes.kept])
    _apply(a, plan)
    a.save()
    a.departments.set(plan.departments)
    Shift.objects.filter(pk__in=[s.pk for s in changes.dropped]).delete()
    grown: list[Shift] = []
    for shift, spec in changes.kept:
        if spec.capacity > shift.capacity:
            grown.append(shift)
        shift.label, shift.lead = _text(spec.label, 40), spec.lead
        shift.starts_at, shift.ends_at, shift.capacity = spec.starts_at, spec.ends_at, spec.capacity
        shift.save(update_fields=["label", "lead", "starts_at", "ends_at", "capacity"])
    _shifts_create(a, changes.added)
    for shift in grown:
        shift.activity = a
        waitlist_fill(shift)
    moved = before != _where_when(a, [shift for shift, _ in changes.kept])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=a,
        hospital_id=a.hospital_id,
        shifts=len(plan.shifts),
        moved=moved,
    )
    told = _tell_moved(a, now) if published and moved else 0
    return a, told


def _where_when(a: Activity, shifts: Sequence[Shift]) -> tuple[object, ...]:
    """What those signed up must be told of when it changes: the time (of the activity and
    of each kept shift) and the place."""
    return (
        a.starts_at,
        a.ends_at,
        a.place_id,
        a.place_detail,
        tuple((s.pk, s.starts_at, s.ends_at) for s in shifts),
    )


def _tell_moved(a: Activity, now: datetime) -> int:
    return notify(
        recipients=User.objects.filter(
            is_active=True,
            person__service_signups__activity=a,
            person__service_signups__status__in=LIVE_SIGNUP,
        ).distinct(),
        title=f"活动变更：{a.title}",
        body=f"你报名的活动时间或地点有变化，现为{_when(a)}。请查看你的班次时间，"
        "如不能参加请在取消截止前取消报名。",
        link=reverse("service:activity", args=[a.pk]),
        category=CATEGORY,
        key=f"service.activity:{a.pk}:changed:{now:%Y%m%d%H%M%S%f}",
        important=True,
    )


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
