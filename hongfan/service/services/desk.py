"""Writes of the 红帆驿站: keep the desks, generate a duty roster from a pattern, log the help
given, and hand a duty shift to a colleague (换班). Signing up for the duty shifts, checking
in and counting the hours are those of any activity (services.signup / hours)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.locks import lock_one
from hongfan.core.notify import SYSTEM, notify
from hongfan.org.choices import PersonStatus
from hongfan.org.models import Hospital, Person
from hongfan.service.choices import (
    LIVE_SIGNUP,
    ActivityKind,
    ActivityStatus,
    HelpKind,
    SignupStatus,
    SwapStatus,
)
from hongfan.service.models import (
    Activity,
    DeskHelp,
    ServiceDesk,
    ServiceMeasure,
    Shift,
    ShiftSwap,
    Signup,
)
from hongfan.service.selectors.desk import duty_measure, staffs_desk

ROSTER_MAX_DAYS = 62  # one roster covers at most two months
SHIFTS_MAX = 400
PLACES_MAX = 20
HELP_COUNT_MAX = 500


def _clean(text: str, limit: int) -> str:
    return (text or "").replace("\x00", "").strip()[:limit]


def _require_admin(access: Access, hospital_id: int, what: str = "管理红帆驿站") -> None:
    access.require_business()
    if not access.administers_hospital(hospital_id):
        raise access.denied(hospital_id, "红帆驿站", what)


def _desk_fields(name: str, location: str, opening_hours: str) -> dict[str, str]:
    errors = {}
    if not _clean(name, 60):
        errors["name"] = "请填写驿站名称"
    if not _clean(location, 100):
        errors["location"] = "请填写驿站位置"
    if not _clean(opening_hours, 100):
        errors["opening_hours"] = "请填写开放时间"
    return errors


@transaction.atomic
def desk_create(
    *,
    access: Access,
    hospital: Hospital,
    name: str,
    location: str,
    opening_hours: str,
    phone: str = "",
    request: HttpRequest | None = None,
) -> ServiceDesk:
    """A new desk of the hospital (its admin keeps them)."""
    _require_admin(access, hospital.pk)
    errors = _desk_fields(name, location, opening_hours)
    if ServiceDesk.objects.filter(hospital=hospital, name=_clean(name, 60)).exists():
        errors["name"] = "本院已有同名驿站"
    if errors:
        raise ValidationError(errors)
    desk = ServiceDesk.objects.create(
        hospital=hospital,
        name=_clean(name, 60),
        location=_clean(location, 100),
        opening_hours=_clean(opening_hours, 100),
        phone=_clean(phone, 30),
    )
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=desk,
        hospital_id=hospital.pk,
    )
    return desk


@transaction.atomic
def desk_update(
    *,
    access: Access,
    desk: ServiceDesk,
    name: str,
    location: str,
    opening_hours: str,
    phone: str = "",
    active: bool = True,
    request: HttpRequest | None = None,
) -> ServiceDesk:
    _require_admin(access, desk.hospital_id)
    errors = _desk_fields(name, location, opening_hours)
    if (
        ServiceDesk.objects.filter(hospital_id=desk.hospital_id, name=_clean(name, 60))
        .exclude(pk=desk.pk)
        .exists()
    ):
        errors["name"] = "本院已有同名驿站"
    if errors:
        raise ValidationError(errors)
    desk.name = _clean(name, 60)
    desk.location = _clean(location, 100)
    desk.opening_hours = _clean(opening_hours, 100)
    desk.phone = _clean(phone, 30)
    desk.active = active
    desk.save()
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=desk,
        hospital_id=desk.hospital_id,
    )
    return desk


# --- the roster ------------------------------------------------------------------------------


def parse_slots(text: str) -> list[tuple[time, time]]:
    """Time slots typed one a line (or separated by commas): "08:00-12:00"."""
    slots = []
    raw = (text or "").replace("\x00", "").replace("，", ",").replace("～", "-").replace("—", "-")
    parts = [p.strip() for line in raw.splitlines() for p in line.split(",") if p.strip()]
    if not parts:
        raise ValidationError({"slots": "请填写至少一个时段，如 08:00-12:00"})
    if len(parts) > 6:
        raise ValidationError({"slots": "一天最多6个时段"})
    for p in parts:
        try:
            a, b = (x.strip() for x in p.replace("–", "-").split("-"))
            start = datetime.strptime(a, "%H:%M").time()
            end = datetime.strptime(b, "%H:%M").time()
        except ValueError:
            raise ValidationError({"slots": f"时段“{p[:20]}”格式不对，应如 08:00-12:00"}) from None
        if end <= start:
            raise ValidationError({"slots": f"时段“{p[:20]}”的结束时间须晚于开始时间"})
        slots.append((start, end))
    ordered = sorted(slots)
    for (_, e1), (s2, _) in zip(ordered, ordered[1:], strict=False):
        if s2 < e1:
            raise ValidationError({"slots": "时段之间不能重叠"})
    return ordered


def _roster_errors(
    desk: ServiceDesk,
    first_day: date,
    last_day: date,
    days: set[int],
    places: int,
    measure: ServiceMeasure | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not desk.active:
        errors["desk"] = "该驿站已停用，不能排班"
    if last_day < first_day:
        errors["last_day"] = "结束日期不能早于开始日期"
    elif (last_day - first_day).days >= ROSTER_MAX_DAYS:
        errors["last_day"] = f"一次最多排{ROSTER_MAX_DAYS}天"
    elif last_day < timezone.localdate():
        errors["last_day"] = "不能为已经过去的日期排班"
    if not days:
        errors["weekdays"] = "请选择至少一个值班日"
    if not 1 <= places <= PLACES_MAX:
        errors["places"] = f"每班名额应为1至{PLACES_MAX}人"
    if measure is None:
        errors["measure"] = "本院尚未设置服务品牌的服务举措，请先设置后再排班"
    elif measure.hospital_id != desk.hospital_id or not measure.active:
        errors["measure"] = "请选择本院在用的服务举措"
    return errors


def _roster_plan(
    first_day: date, last_day: date, days: set[int], slots: Sequence[tuple[time, time]]
) -> list[tuple[datetime, datetime, str]]:
    tz = timezone.get_current_timezone()
    plan: list[tuple[datetime, datetime, str]] = []
    day = first_day
    while day <= last_day:
        if day.weekday() in days:
            for start, end in slots:
                plan.append(
                    (
                        datetime.combine(day, start, tzinfo=tz),
                        datetime.combine(day, end, tzinfo=tz),
                        f"{start:%H:%M}-{end:%H:%M}",
                    )
                )
        day += timedelta(days=1)
    return plan


@transaction.atomic
def roster_generate(
    *,
    access: Access,
    desk: ServiceDesk,
    first_day: date,
    last_day: date,
    weekdays: Sequence[int],
    slots: Sequence[tuple[time, time]],
    places: int,
    measure: ServiceMeasure | None = None,
    title: str = "",
    request: HttpRequest | None = None,
) -> Activity:
    """A duty roster of the desk in one action: an activity of kind ``desk_duty`` whose
    shifts are every chosen weekday between the two days × every time slot, each with
    ``places`` places. Staff then sign up for the shifts like any activity."""
    _require_admin(access, desk.hospital_id, "排班")
    days = {int(d) for d in weekdays if str(d).isdigit() and 0 <= int(d) <= 6}
    measure = measure if measure is not None else duty_measure(desk.hospital_id)
    errors = _roster_errors(desk, first_day, last_day, days, places, measure)
    if errors:
        raise ValidationError(errors)
    assert measure is not None
    plan = _roster_plan(first_day, last_day, days, slots)
    now = timezone.now()
    plan = [p for p in plan if p[0] > now]
    if not plan:
        raise ValidationError({"weekdays": "所选日期和时段中没有尚未开始的班次"})
    if len(plan) > SHIFTS_MAX:
        raise ValidationError({"slots": f"一次最多生成{SHIFTS_MAX}个班次"})
    title = _clean(title, 100) or f"{desk.name}值班（{first_day:%m月%d日}–{last_day:%m月%d日}）"
    activity = Activity(
        hospital_id=desk.hospital_id,
        branch=None,
        measure=measure,
        kind=ActivityKind.DESK_DUTY,
        status=ActivityStatus.PUBLISHED,
        title=title,
        description=f"{desk.name}（{desk.location}）志愿值班，开放时间：{desk.opening_hours}",
        place_detail=desk.location[:100],
        desk=desk,
        starts_at=plan[0][0],
        ends_at=plan[-1][1],
        signup_deadline=plan[-1][0],
        cancel_deadline=plan[-1][0],
        open_to_staff=True,
        checkin_token=secrets.token_urlsafe(32),
        created_by_id=access.user_id,
        published_at=now,
    )
    activity.full_clean()
    activity.save()
    Shift.objects.bulk_create(
        [
            Shift(activity=activity, label=label, starts_at=s, ends_at=e, capacity=places)
            for s, e, label in plan
        ]
    )
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=activity,
        hospital_id=desk.hospital_id,
        shifts=len(plan),
    )
    return activity


# --- help given ------------------------------------------------------------------------------


@transaction.atomic
def help_add(
    *,
    access: Access,
    desk: ServiceDesk,
    kind: str,
    count: int = 1,
    note: str = "",
    at: datetime | None = None,
) -> DeskHelp:
    """One line of help given at the desk (a tap adds one), by whoever is on duty there or
    the hospital's admin."""
    access.require_business()
    now = timezone.now()
    if not staffs_desk(access=access, desk=desk, now=now):
        raise access.denied(desk.hospital_id, "红帆驿站", "登记服务")
    errors = {}
    if kind not in HelpKind.values:
        errors["kind"] = "请选择服务类型"
    if not 1 <= count <= HELP_COUNT_MAX:
        errors["count"] = f"人次应为1至{HELP_COUNT_MAX}"
    at = at or now
    if at > now + timedelta(minutes=5):
        errors["at"] = "不能登记将来的服务"
    elif at < now - timedelta(days=31):
        errors["at"] = "只能补登一个月以内的服务"
    if errors:
        raise ValidationError(errors)
    return DeskHelp.objects.create(
        hospital_id=desk.hospital_id,
        desk=desk,
        kind=kind,
        count=count,
        note=_clean(note, 200),
        occurred_at=at,
        recorded_by_id=access.user_id,
    )


# --- shift swaps (换班) -----------------------------------------------------------------------


def _colleague_errors(signup: Signup, shift: Shift, to_person: Person) -> str | None:
    if to_person.pk == signup.person_id:
        return "不能把班次换给自己"
    if to_person.hospital_id != signup.hospital_id or to_person.status != PersonStatus.ACTIVE:
        return "只能换给本院在职的同事"
    clash = Signup.objects.filter(
        person=to_person,
        status__in=LIVE_SIGNUP,
        shift__starts_at__lt=shift.ends_at,
        shift__ends_at__gt=shift.starts_at,
    ).exists()
    if clash:
        return f"{to_person.name}在该时段已有其他班次"
    return None


def _swap_link(signup: Signup) -> str:
    return reverse("service:desks") + "#swaps"


@transaction.atomic
def swap_request(*, access: Access, signup: Signup, to_person: Person, note: str = "") -> ShiftSwap:
    """Ask a colleague to take one's duty shift; they accept or decline on their phone."""
    access.require_business()
    if signup.person_id != access.person_id:
        raise access.denied(signup.hospital_id, "值班报名", "换班")
    signup = lock_one(Signup.objects.select_related("shift", "activity"), signup.pk)
    shift = signup.shift
    if signup.activity.kind != ActivityKind.DESK_DUTY:
        raise ValidationError("只有驿站值班可以申请换班")
    if signup.status != SignupStatus.SIGNED:
        raise ValidationError("该报名已不在值班名单中，不能换班")
    if shift.starts_at <= timezone.now():
        raise ValidationError("班次已经开始，不能再换班")
    if ShiftSwap.objects.filter(signup=signup, status=SwapStatus.REQUESTED).exists():
        raise ValidationError("该班次已有待对方确认的换班申请")
    problem = _colleague_errors(signup, shift, to_person)
    if problem:
        raise ValidationError({"to_person": problem})
    swap = ShiftSwap.objects.create(
        hospital_id=signup.hospital_id,
        signup=signup,
        to_person=to_person,
        note=_clean(note, 200),
    )
    when = timezone.localtime(shift.starts_at)
    notify(
        recipients=get_user_model().objects.filter(person=to_person),
        title="换班申请",
        body=f"{signup.person.name}请你代班：{signup.activity.title} {when:%m月%d日 %H:%M}",
        link=_swap_link(signup),
        category=SYSTEM,
        key=f"service.swap:{swap.pk}:asked",
        important=True,
    )
    return swap


@transaction.atomic
def swap_accept(*, access: Access, swap: ShiftSwap) -> ShiftSwap:
    """The colleague takes the shift: the sign-up moves to them, within one transaction,
    after checking again that they have no overlapping shift and are of the hospital."""
    access.require_business()
    if swap.to_person_id != access.person_id:
        raise access.denied(swap.hospital_id, "换班申请", "确认")
    signup = lock_one(Signup.objects.select_related("shift", "activity", "person"), swap.signup_id)
    swap = lock_one(ShiftSwap.objects.select_related("to_person"), swap.pk)
    if swap.status != SwapStatus.REQUESTED:
        raise ValidationError(f"该换班申请{swap.get_status_display()}，不能再确认")
    if signup.status != SignupStatus.SIGNED:
        raise ValidationError("对方已不在该班次的值班名单中，不能换班")
    if signup.shift.starts_at <= timezone.now():
        raise ValidationError("班次已经开始，不能再换班")
    problem = _colleague_errors(signup, signup.shift, swap.to_person)
    if problem:
        raise ValidationError(problem)
    giver = signup.person
    signup.person = swap.to_person
    try:
        with transaction.atomic():
            signup.save(update_fields=["person"])
    except IntegrityError:
        raise ValidationError("你已报名该班次") from None
    swap.status = SwapStatus.ACCEPTED
    swap.decided_at = timezone.now()
    swap.save(update_fields=["status", "decided_at"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        actor_id=access.user_id,
        target=signup,
        hospital_id=signup.hospital_id,
        swap=swap.pk,
        from_person=giver.pk,
    )
    when = timezone.localtime(signup.shift.starts_at)
    notify(
        recipients=get_user_model().objects.filter(person=giver),
        title="换班成功",
        body=f"{swap.to_person.name}已接替你的值班：{signup.activity.title} {when:%m月%d日 %H:%M}",
        link=_swap_link(signup),
        category=SYSTEM,
        key=f"service.swap:{swap.pk}:accepted",
    )
    return swap


@transaction.atomic
def swap_decline(*, access: Access, swap: ShiftSwap) -> ShiftSwap:
    """The colleague declines, or the asker withdraws: nothing moves."""
    access.require_business()
    swap = lock_one(ShiftSwap.objects.select_related("signup__person", "to_person"), swap.pk)
    if access.person_id == swap.to_person_id:
        status = SwapStatus.DECLINED
    elif access.person_id == swap.signup.person_id:
        status = SwapStatus.WITHDRAWN
    else:
        raise PermissionDenied("只能处理本人的换班申请")
    if swap.status != SwapStatus.REQUESTED:
        raise ValidationError(f"该换班申请{swap.get_status_display()}")
    swap.status = status
    swap.decided_at = timezone.now()
    swap.save(update_fields=["status", "decided_at"])
    if status == SwapStatus.DECLINED:
        notify(
            recipients=get_user_model().objects.filter(person_id=swap.signup.person_id),
            title="换班未成",
            body=f"{swap.to_person.name}未能接替你的值班，请另找同事",
            link=_swap_link(swap.signup),
            category=SYSTEM,
            key=f"service.swap:{swap.pk}:declined",
        )
    return swap
