"""Writes of sign-ups (报名): sign up for a shift (a place, or the waitlist when it is full),
cancel (the first on the waitlist moves up and is told), check in and out by the
activity's QR code or by the shift lead, and mark a no-show.

The last place is never given twice: a sign-up locks the person (their other shifts) and
then the shift row (``core.locks``) before it counts the places taken, so concurrent
sign-ups for one shift queue behind each other (PostgreSQL row locks; SQLite's IMMEDIATE
transactions)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core import notify
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.locks import lock_one
from hongfan.org.models import Person
from hongfan.service.choices import LIVE_SIGNUP, ActivityStatus, CheckInMethod, SignupStatus
from hongfan.service.models import Activity, Shift, Signup
from hongfan.service.selectors.signup import (
    BAD_CODE,
    checkin_window,
    code_matches,
    may_lead,
    refusal_for,
)

NO_PERSON = "当前账号未关联职工信息，不能报名志愿服务"


def _hm(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%m月%d日 %H:%M}"


def acting_volunteer(access: Access) -> Person:
    """The person acting (every user with a Person may volunteer; the 三员 may not)."""
    if access.person_id is None:
        raise PermissionDenied(NO_PERSON)
    if not access.is_business and access.roles:
        raise PermissionDenied("此角色不能报名志愿服务")
    person = Person.objects.filter(pk=access.person_id).first()
    if person is None:
        raise PermissionDenied(NO_PERSON)
    return person


def _users_of(person_ids: list[int]) -> list[User]:
    return list(User.objects.filter(person_id__in=person_ids, is_active=True))


@transaction.atomic
def signup_create(*, access: Access, shift: Shift, now: datetime | None = None) -> Signup:
    """Sign the acting person up for ``shift``: a place while any is left, else the waitlist."""
    now = now or timezone.now()
    person = acting_volunteer(access)
    # The person first (their other shifts), then the shift: the same order everywhere.
    lock_one(Person, person.pk)
    s = lock_one(Shift.objects.select_related("activity"), shift.pk)
    activity = s.activity
    refusal = refusal_for(person, activity, now)
    if refusal:
        raise ValidationError(refusal)
    if now >= s.ends_at:
        raise ValidationError("该班次已结束，不能报名")
    if Signup.objects.filter(
        shift=s, person=person, status__in=[*LIVE_SIGNUP, SignupStatus.NO_SHOW]
    ).exists():
        raise ValidationError("你已报名该班次，无需重复报名")
    clash = (
        Signup.objects.filter(
            person=person,
            status__in=LIVE_SIGNUP,
            shift__starts_at__lt=s.ends_at,
            shift__ends_at__gt=s.starts_at,
        )
        .select_related("activity", "shift")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            f"与已报名的“{clash.activity.title}”（{_hm(clash.shift.starts_at)}—"
            f"{timezone.localtime(clash.shift.ends_at):%H:%M}）时间冲突"
        )
    taken = Signup.objects.filter(shift=s, status=SignupStatus.SIGNED).count()
    status = SignupStatus.SIGNED if taken < s.capacity else SignupStatus.WAITLISTED
    try:
        with transaction.atomic():
            row = Signup.objects.create(
                hospital_id=activity.hospital_id,
                activity=activity,
                shift=s,
                person=person,
                status=status,
            )
    except IntegrityError as exc:  # the same person twice at once: the constraint said no
        raise ValidationError("你已报名该班次，无需重复报名") from exc
    audit_log(
        action=AuditAction.DATA_CREATED,
        actor_id=access.user_id,
        target=row,
        hospital_id=activity.hospital_id,
        status=status,
    )
    return row


@transaction.atomic
def signup_cancel(*, access: Access, signup: Signup, now: datetime | None = None) -> Signup:
    """The person cancels their own sign-up before the cancel deadline; a place freed goes
    to the first on the waitlist, who is told."""
    now = now or timezone.now()
    if access.person_id is None or signup.person_id != access.person_id:
        raise PermissionDenied("只能取消本人的报名")
    lock_one(Person, signup.person_id)
    s = lock_one(Shift.objects.select_related("activity"), signup.shift_id)
    row = lock_one(Signup, signup.pk)
    if row.status not in LIVE_SIGNUP:
        raise ValidationError("该报名已取消或已结束，不能再取消")
    if now > s.activity.cancel_deadline:
        raise ValidationError(
            f"已过取消截止时间（{_hm(s.activity.cancel_deadline)}），如有变故请联系活动组织者"
        )
    if row.checked_in_at is not None:
        raise ValidationError("已签到，不能取消报名")
    was_signed = row.status == SignupStatus.SIGNED
    row.status = SignupStatus.CANCELLED
    row.cancelled_at = now
    row.save(update_fields=["status", "cancelled_at"])
    if was_signed:
        _promote(s)
    audit_log(
        action=AuditAction.DATA_CHANGED,
        actor_id=access.user_id,
        target=row,
        hospital_id=row.hospital_id,
        status="cancelled",
    )
    return row


def waitlist_fill(shift: Shift) -> int:
    """Move the waitlist of ``shift`` (locked) up into its free places, in order of sign-up,
    each one told; returns how many moved up."""
    moved = 0
    while _promote(shift) is not None:
        moved += 1
    return moved


def _promote(shift: Shift) -> Signup | None:
    """Give the places left of ``shift`` (locked) to the waitlist, in order of sign-up."""
    taken = Signup.objects.filter(shift=shift, status=SignupStatus.SIGNED).count()
    if taken >= shift.capacity:
        return None
    # The shift is locked: the queue cannot change under us.
    nxt = (
        Signup.objects.filter(shift=shift, status=SignupStatus.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if nxt is None:
        return None
    nxt.status = SignupStatus.SIGNED
    nxt.save(update_fields=["status"])
    activity = shift.activity
    notify.notify(
        recipients=_users_of([nxt.person_id]),
        title=f"候补成功：{activity.title}",
        body=(
            f"你候补的“{activity.title}”（{_hm(shift.starts_at)}）有人取消，"
            "你已转为正式报名，请按时参加。"
        ),
        link=reverse("service:volunteer"),
        category=notify.SYSTEM,
        key=f"service.signup:{nxt.pk}:promoted",
        important=True,
    )
    return nxt


# --- check-in and check-out -------------------------------------------------------------


@transaction.atomic
def signup_scan(  # noqa: C901 (one checked sequence of rules)
    *,
    access: Access,
    activity_id: int,
    token: str,
    out: bool = False,
    now: datetime | None = None,
) -> Signup:
    """The volunteer scans the activity's QR code: check in (or, ``out``, check out) of the
    shift they signed up for, inside the rule's window; twice is refused."""
    now = now or timezone.now()
    person = acting_volunteer(access)
    activity = Activity.objects.filter(pk=activity_id).first()
    if activity is None or not code_matches(activity, token):
        raise ValidationError(BAD_CODE)
    rows = list(
        Signup.objects.filter(activity=activity, person=person, status=SignupStatus.SIGNED)
        .select_related("shift")
        .order_by("shift__starts_at", "pk")
    )
    if not rows:
        raise ValidationError("你没有报名此活动（或仍在候补），不能签到")
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError("活动已取消，无需签到")
    if activity.closed_at is not None:
        raise ValidationError("活动时长已确认，签到已关闭")
    # The shift whose window holds now (the first such, for back-to-back shifts).
    chosen, opens_first = None, None
    for r in rows:
        opens, closes = checkin_window(activity, r.shift)
        opens_first = opens if opens_first is None else min(opens_first, opens)
        if opens <= now <= closes and (chosen is None or (out and r.checked_in_at)):
            if out and r.checked_out_at is None and r.checked_in_at is not None:
                chosen = r
                break
            if chosen is None:
                chosen = r
    if chosen is None:
        if opens_first is not None and now < opens_first:
            raise ValidationError(f"签到尚未开始，请于{_hm(opens_first)}后再扫码")
        raise ValidationError("已超过签到时间，请联系带队人登记")
    row = lock_one(Signup, chosen.pk)
    if out:
        if row.checked_in_at is None:
            raise ValidationError("尚未签到，不能签退")
        if row.checked_out_at is not None:
            when = timezone.localtime(row.checked_out_at)
            raise ValidationError(f"你已于{when:%H:%M}签退，无需重复签退")
        if now <= row.checked_in_at:
            raise ValidationError("签退时间必须晚于签到时间")
        row.checked_out_at = now
        row.save(update_fields=["checked_out_at"])
        return row
    if row.checked_in_at is not None:
        when = timezone.localtime(row.checked_in_at)
        raise ValidationError(f"你已于{when:%H:%M}签到，无需重复签到")
    row.checked_in_at = now
    row.checkin_method = CheckInMethod.QR
    row.save(update_fields=["checked_in_at", "checkin_method"])
    return row


LEAD_ACTIONS = ("in", "out", "no_show", "undo_no_show")


@transaction.atomic
def signup_mark(  # noqa: C901 (one checked sequence of rules)
    *, access: Access, signup: Signup, action: str, now: datetime | None = None
) -> Signup:
    """The shift lead (or the organiser) checks a volunteer in or out, marks a no-show, or
    takes a no-show back."""
    now = now or timezone.now()
    s = lock_one(Shift.objects.select_related("activity"), signup.shift_id)
    if not may_lead(access, s):
        raise access.denied(s.activity.hospital_id, "班次", "登记")
    row = lock_one(Signup, signup.pk)
    if action not in LEAD_ACTIONS:
        raise ValidationError("操作无效")
    if s.activity.closed_at is not None:
        raise ValidationError("活动时长已确认，不能再修改签到")
    name = row.person.name
    if action == "undo_no_show":
        if row.status != SignupStatus.NO_SHOW:
            raise ValidationError(f"{name}未被记为缺席")
        row.status = SignupStatus.SIGNED
        row.save(update_fields=["status"])
        return row
    if row.status != SignupStatus.SIGNED:
        raise ValidationError(f"{name}不是正式报名（{row.get_status_display()}），不能登记")
    if now < s.starts_at - timedelta(hours=2):
        raise ValidationError("班次尚未开始，不能登记签到")
    if action == "in":
        if row.checked_in_at is not None:
            raise ValidationError(f"{name}已于{timezone.localtime(row.checked_in_at):%H:%M}签到")
        row.checked_in_at = now
        row.checkin_method = CheckInMethod.LEAD
        row.checked_by_id = access.user_id
        row.save(update_fields=["checked_in_at", "checkin_method", "checked_by"])
    elif action == "out":
        if row.checked_in_at is None:
            raise ValidationError(f"{name}尚未签到，不能签退")
        if row.checked_out_at is not None:
            raise ValidationError(f"{name}已签退")
        if now <= row.checked_in_at:
            raise ValidationError("签退时间必须晚于签到时间")
        row.checked_out_at = now
        row.checked_by_id = access.user_id
        row.save(update_fields=["checked_out_at", "checked_by"])
    else:  # no_show
        if row.checked_in_at is not None:
            raise ValidationError(f"{name}已签到，不能记为缺席")
        if now < s.starts_at:
            raise ValidationError("班次开始后才能记缺席")
        row.status = SignupStatus.NO_SHOW
        row.save(update_fields=["status"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        actor_id=access.user_id,
        target=row,
        hospital_id=row.hospital_id,
        mark=action,
    )
    return row
