"""Reads of sign-ups: the activities open to a volunteer (with places left), their own
sign-ups and waitlist positions, a shift's roster for its lead, and the activities whose
hours wait for the organiser."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from hongfan.core.access import Access, get_scoped
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Hospital, Person
from hongfan.service.choices import LIVE_SIGNUP, ActivityStatus, SignupStatus
from hongfan.service.models import Activity, Shift, Signup
from hongfan.service.selectors.rules import volunteer_rule_for

BAD_CODE = "签到码无效，请重新扫描活动现场的二维码"


def _hm(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%m月%d日 %H:%M}"


def require_volunteer_role(access: Access) -> None:
    """三员分立: the auditor, security admin and system admin use no volunteer page (a user
    with no role at all — staff who are not members — may)."""
    if access.roles and not access.is_business:
        raise PermissionDenied("此角色不能使用志愿服务")


def may_manage(access: Access, activity: Activity) -> bool:
    """The organiser: the organising branch's secretary, or the hospital's admin."""
    return access.manages_branch(activity.branch_id, activity.hospital_id)


def may_lead(access: Access, shift: Shift) -> bool:
    """The shift's lead, or the organiser."""
    return (access.person_id is not None and shift.lead_id == access.person_id) or may_manage(
        access, shift.activity
    )


def activity_authority_id(activity: Activity) -> int:
    return Hospital.objects.values_list("authority_id", flat=True).get(pk=activity.hospital_id)


def checkin_window(
    activity: Activity, shift: Shift, *, authority_id: int | None = None
) -> tuple[datetime, datetime]:
    """When a QR check-in (and check-out) is accepted for ``shift``: the VolunteerRule's
    minutes before its start and after its end."""
    rule = volunteer_rule_for(
        authority_id or activity_authority_id(activity),
        timezone.localtime(shift.starts_at).date(),
    )
    return (
        shift.starts_at - timedelta(minutes=rule.checkin_before_minutes),
        shift.ends_at + timedelta(minutes=rule.checkin_after_minutes),
    )


def code_matches(activity: Activity, token: str) -> bool:
    return bool(token) and secrets.compare_digest(
        activity.checkin_token.encode(), str(token)[:100].encode()
    )


def refusal_for(person: Person, activity: Activity, now: datetime) -> str:
    """Why ``person`` may not sign up for ``activity`` now ("" when they may)."""
    if activity.hospital_id != person.hospital_id:
        return "只能报名本院组织的志愿服务活动"
    if person.status != PersonStatus.ACTIVE:
        return "只有在职职工可以报名"
    if activity.status != ActivityStatus.PUBLISHED:
        return "活动尚未发布或已结束，不能报名"
    if person.political_status not in MEMBER_STATUSES and not activity.open_to_staff:
        return "本活动仅限党员报名"
    if now > activity.signup_deadline:
        return f"报名已于{_hm(activity.signup_deadline)}截止"
    return ""


def volunteer_person(*, access: Access) -> Person | None:
    """The acting user's Person (staff as well as members), None without one."""
    if access.person_id is None:
        return None
    return Person.objects.filter(pk=access.person_id).first()


def _shifts_with_counts() -> QuerySet[Shift]:
    return (
        Shift.objects.annotate(
            taken=Count("signups", filter=Q(signups__status=SignupStatus.SIGNED)),
            waiting=Count("signups", filter=Q(signups__status=SignupStatus.WAITLISTED)),
        )
        .annotate(left=Greatest(F("capacity") - F("taken"), Value(0)))
        .order_by("starts_at", "pk")
    )


def open_activities(*, access: Access, now: datetime | None = None) -> QuerySet[Activity]:
    """Published activities of the volunteer's hospital still open for sign-up (members
    only unless the activity is open to staff), soonest first, shifts with places taken."""
    now = now or timezone.now()
    person = volunteer_person(access=access)
    if person is None:
        return Activity.objects.none()
    qs = Activity.objects.filter(
        hospital_id=person.hospital_id,
        status=ActivityStatus.PUBLISHED,
        signup_deadline__gte=now,
        ends_at__gt=now,
    )
    if person.political_status not in MEMBER_STATUSES:
        qs = qs.filter(open_to_staff=True)
    return (
        qs.select_related("place", "branch")
        .prefetch_related(Prefetch("shifts", queryset=_shifts_with_counts()))
        .order_by("starts_at", "pk")
    )


def _position() -> Subquery:
    """A waitlisted sign-up's place in its shift's queue (1 = next)."""
    ahead = (
        Signup.objects.filter(
            shift=OuterRef("shift"),
            status=SignupStatus.WAITLISTED,
            created_at__lte=OuterRef("created_at"),
        )
        .order_by()
        .values("shift")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(ahead)


def my_signups(*, access: Access) -> QuerySet[Signup]:
    """The volunteer's sign-ups (not cancelled), newest shift first, with their waitlist
    position."""
    if access.person_id is None:
        return Signup.objects.none()
    return (
        Signup.objects.filter(person_id=access.person_id)
        .exclude(status=SignupStatus.CANCELLED)
        .select_related("activity", "shift", "activity__place")
        .annotate(position=_position())
        .order_by("-shift__starts_at", "-pk")
    )


def upcoming_signups(*, access: Access, now: datetime | None = None) -> QuerySet[Signup]:
    now = now or timezone.now()
    return (
        my_signups(access=access)
        .filter(status__in=LIVE_SIGNUP, shift__ends_at__gt=now)
        .order_by("shift__starts_at", "pk")
    )


def signups_on(*, access: Access, days: tuple) -> list[Signup]:
    """The volunteer's live sign-ups whose shift starts on one of ``days`` (local dates)."""
    if access.person_id is None:
        return []
    rows = (
        Signup.objects.filter(person_id=access.person_id, status__in=LIVE_SIGNUP)
        .filter(shift__starts_at__date__gte=min(days), shift__starts_at__date__lte=max(days))
        .select_related("activity", "shift")
        .order_by("shift__starts_at")
    )
    return list(rows)


def signup_get(*, access: Access, pk: object) -> Signup:
    """One sign-up: its person's own, or one the lead / organiser of its shift may see."""
    require_volunteer_role(access)
    return get_scoped(
        Signup.objects.select_related("activity", "shift", "shift__activity", "person"),
        pk,
        access,
        noun="报名",
        may=lambda s: s.person_id == access.person_id or may_lead(access, s.shift),
        business=False,
    )


def activity_for_volunteer(*, access: Access, pk: object) -> Activity:
    """An activity as a volunteer reads it: of their own hospital (another's is a 404)."""
    require_volunteer_role(access)
    return get_scoped(
        Activity.objects.select_related("place", "branch"),
        pk,
        access,
        noun="活动",
        may=lambda a: (
            a.hospital_id == access.person_hospital_id or access.reads_hospital(a.hospital_id)
        ),
        business=False,
    )


def activity_for_lead(*, access: Access, pk: object) -> Activity:
    """An activity whose roster the user may keep: the organiser, or a lead of a shift."""
    require_volunteer_role(access)

    def may(a: Activity) -> bool:
        if may_manage(access, a):
            return True
        return access.person_id is not None and a.shifts.filter(lead_id=access.person_id).exists()

    return get_scoped(
        Activity.objects.select_related("place", "branch"),
        pk,
        access,
        noun="活动",
        verb="登记签到",
        may=may,
        business=False,
    )


def activity_for_organiser(*, access: Access, pk: object) -> Activity:
    return get_scoped(
        Activity.objects.select_related("place", "branch"),
        pk,
        access,
        noun="活动",
        verb="确认时长",
        may=lambda a: may_manage(access, a),
    )


def roster(*, access: Access, activity: Activity) -> list[Shift]:
    """The activity's shifts (those the user leads, all for the organiser), each with its
    sign-ups (places, waitlist, no-shows) and the person of each."""
    shifts = _shifts_with_counts().filter(activity=activity)
    if not may_manage(access, activity):
        shifts = shifts.filter(lead_id=access.person_id)
    rows = (
        Signup.objects.exclude(status=SignupStatus.CANCELLED)
        .select_related("person", "person__branch", "person__department")
        .order_by("status", "created_at", "pk")
    )
    return list(shifts.select_related("lead").prefetch_related(Prefetch("signups", queryset=rows)))


def signed_for_confirmation(*, activity: Activity) -> list[Signup]:
    """The sign-ups holding a place, in shift and name order (the confirm page's rows)."""
    return list(
        Signup.objects.filter(activity=activity, status=SignupStatus.SIGNED)
        .select_related("person", "shift")
        .order_by("shift__starts_at", "person__name_key", "pk")
    )


def pending_confirmation(*, access: Access, now: datetime | None = None) -> QuerySet[Activity]:
    """Activities the user organises that have ended and whose hours wait to be confirmed."""
    now = now or timezone.now()
    if not (access.hospital_ids or access.branch_ids):
        return Activity.objects.none()
    scope = Q(hospital_id__in=access.hospital_ids) | Q(branch_id__in=access.branch_ids)
    return (
        Activity.objects.filter(scope, status=ActivityStatus.PUBLISHED, closed_at__isnull=True)
        .filter(ends_at__lte=now)
        .annotate(signed=Count("signups", filter=Q(signups__status=SignupStatus.SIGNED)))
        .filter(signed__gt=0)
        .select_related("branch")
        .order_by("ends_at", "pk")
    )


@dataclass
class ShiftChoice:
    shift: Shift
    left: int
    mine: Signup | None
    position: int | None = None


@dataclass
class SignupPanel:
    """What the activity page's sign-up panel shows the acting user."""

    activity: Activity
    shifts: list[ShiftChoice] = field(default_factory=list)
    refusal: str = ""  # why they may not sign up ("" when they may)
    can_cancel: bool = False
    leads: bool = False  # may keep the roster
    manages: bool = False  # may confirm hours
    signed: int = 0
    checked_in: int = 0
    hours_confirmed: bool = False


def signup_panel(*, access: Access, activity: Activity, now: datetime | None = None) -> SignupPanel:
    """The sign-up / check-in panel of ``activity`` for the acting user (a few queries)."""
    now = now or timezone.now()
    person = volunteer_person(access=access)
    shifts = list(_shifts_with_counts().filter(activity=activity))
    mine: dict[int, Signup] = {}
    if person is not None:
        for row in (
            Signup.objects.filter(activity=activity, person=person)
            .exclude(status=SignupStatus.CANCELLED)
            .annotate(position=_position())
        ):
            mine[row.shift_id] = row
    panel = SignupPanel(activity=activity)
    for sh in shifts:
        s: Signup | None = mine.get(sh.pk)
        panel.shifts.append(
            ShiftChoice(
                shift=sh,
                left=max(0, sh.capacity - sh.taken),  # type: ignore[attr-defined]
                mine=s,
                position=getattr(s, "position", None)
                if s is not None and s.status == SignupStatus.WAITLISTED
                else None,
            )
        )
        panel.signed += sh.taken  # type: ignore[attr-defined]
    panel.refusal = (
        "当前账号未关联职工信息，不能报名" if person is None else refusal_for(person, activity, now)
    )
    panel.can_cancel = now <= activity.cancel_deadline
    panel.manages = may_manage(access, activity)
    panel.leads = panel.manages or (
        person is not None and any(sh.lead_id == person.pk for sh in shifts)
    )
    panel.hours_confirmed = activity.closed_at is not None
    if panel.leads:
        panel.checked_in = Signup.objects.filter(
            activity=activity, status=SignupStatus.SIGNED, checked_in_at__isnull=False
        ).count()
    return panel


def shift_for_volunteer(*, access: Access, pk: object) -> Shift:
    """A shift one may ask to sign up for: of one's own hospital (another's is a 404)."""
    require_volunteer_role(access)
    if access.person_id is None:
        raise PermissionDenied("当前账号未关联职工信息，不能报名志愿服务")
    return get_scoped(
        Shift.objects.select_related("activity"),
        pk,
        access,
        noun="班次",
        verb="报名",
        may=lambda s: s.activity.hospital_id == access.person_hospital_id,
        hospital_of=lambda s: s.activity.hospital_id,
        business=False,
    )


def waitlist_position(signup: Signup) -> int:
    return Signup.objects.filter(
        shift_id=signup.shift_id,
        status=SignupStatus.WAITLISTED,
        created_at__lte=signup.created_at,
    ).count()


def activity_by_code(pk: object, token: str) -> Activity | None:
    """The activity of a QR link, None when the link is not right (no hint which part)."""
    from hongfan.core.forms import id_or_none

    key = id_or_none(pk)
    a = Activity.objects.select_related("place").filter(pk=key).first() if key else None
    return a if a is not None and code_matches(a, token) else None


def scan_state(*, activity: Activity, person: Person) -> Signup | None:
    """The volunteer's sign-up a scan is about: the first not yet checked out, else the
    last; None when they hold no place in the activity."""
    rows = list(
        Signup.objects.filter(activity=activity, person=person, status=SignupStatus.SIGNED)
        .select_related("shift")
        .order_by("shift__starts_at", "pk")
    )
    for r in rows:
        if r.checked_out_at is None:
            return r
    return rows[-1] if rows else None


def signup_for_correction(*, access: Access, pk: object) -> Signup:
    """A sign-up whose hours the organiser of its activity may correct."""
    return get_scoped(
        Signup.objects.select_related("activity", "shift", "person"),
        pk,
        access,
        noun="报名",
        verb="更正时长",
        may=lambda s: may_manage(access, s.activity),
    )
