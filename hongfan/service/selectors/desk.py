"""Reads of the 红帆驿站: the desks a user may see, who is on duty at a desk now, its duty
roster (the shifts of its ``desk_duty`` activities) with how full each shift is, the fill
rate by week or month, the help given, and the shift swaps waiting on a person."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from hongfan.core.access import Access, get_scoped
from hongfan.core.dates import year_bounds
from hongfan.org.choices import PersonStatus
from hongfan.org.models import Person
from hongfan.service.choices import (
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
from hongfan.service.periods import month_of

# A person counts as on duty at a desk from this long before their shift until this long
# after it (they open the desk, and they finish the last return).
ON_DUTY_MARGIN = timedelta(hours=1)
# Sign-ups that fill a place on the roster (a no-show still held it).
FILLING = (SignupStatus.SIGNED, SignupStatus.NO_SHOW)


def sees_hospital(access: Access, hospital_id: int) -> bool:
    """Who reads a hospital's desks and posts: the city, and anyone of that hospital."""
    return access.is_city or hospital_id in access.own_hospital_ids


def desk_list(*, access: Access, hospital_id: int, active_only: bool = False) -> QuerySet:
    access.require_business()
    qs = ServiceDesk.objects.filter(hospital_id=hospital_id)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("-active", "name", "pk")


class DeskUse(StrEnum):
    """What the acting user wants of a desk, and so who may."""

    SEE = "see"  # its page and roster: anyone of its hospital, and the city
    READ = "read"  # its books (ledger, help summary): the city, the admin, whoever is on duty
    STAFF = "staff"  # help given, lending and returns: the admin, whoever is on duty
    MANAGE = "manage"  # the desk itself, its roster and its items: the hospital's admin


SEE, READ, STAFF, MANAGE = DeskUse.SEE, DeskUse.READ, DeskUse.STAFF, DeskUse.MANAGE


def may_use_desk(
    *, access: Access, desk: ServiceDesk, use: DeskUse, now: datetime | None = None
) -> bool:
    if use == DeskUse.SEE:
        return sees_hospital(access, desk.hospital_id)
    if use == DeskUse.MANAGE:
        return access.administers_hospital(desk.hospital_id)
    if use == DeskUse.READ and access.is_city:
        return True
    return staffs_desk(access=access, desk=desk, now=now)


def desk_require(
    *, access: Access, desk: ServiceDesk, use: DeskUse, noun: str = "红帆驿站", verb: str = "查看"
) -> None:
    """Refuse (403 in its hospital, 404 elsewhere) unless the user may ``use`` the desk;
    for a page about one of the desk's items or loans, named by ``noun``."""
    if not may_use_desk(access=access, desk=desk, use=use):
        raise access.denied(desk.hospital_id, noun, verb)


def desk_get(
    *,
    access: Access,
    pk: int,
    use: DeskUse = DeskUse.SEE,
    noun: str = "红帆驿站",
    verb: str = "查看",
) -> ServiceDesk:
    """The desk ``pk`` when the user may ``use`` it (the one way every desk and loan page
    finds its desk): another hospital's desk is a 404, one of the user's own hospital
    they may not use this way a 403 saying ``没有权限{verb}此{noun}``."""
    desk = get_scoped(
        ServiceDesk.objects.all(),
        pk,
        access,
        noun="红帆驿站",
        may=lambda d: sees_hospital(access, d.hospital_id),
    )
    desk_require(access=access, desk=desk, use=use, noun=noun, verb=verb)
    return desk


def duty_shifts(desk_ids: list[int] | QuerySet) -> QuerySet[Shift]:
    """The duty shifts of desks: shifts of their ``desk_duty`` activities not cancelled."""
    return Shift.objects.filter(
        activity__desk_id__in=desk_ids, activity__kind=ActivityKind.DESK_DUTY
    ).exclude(activity__status=ActivityStatus.CANCELLED)


def on_duty(*, access: Access, desk: ServiceDesk, now: datetime | None = None) -> bool:
    """Whether the acting person holds a place on one of the desk's shifts now (within
    ``ON_DUTY_MARGIN`` of it)."""
    if access.person_id is None:
        return False
    now = now or timezone.now()
    return Signup.objects.filter(
        person_id=access.person_id,
        status=SignupStatus.SIGNED,
        shift__in=duty_shifts([desk.pk]).filter(
            starts_at__lte=now + ON_DUTY_MARGIN, ends_at__gte=now - ON_DUTY_MARGIN
        ),
    ).exists()


def staffs_desk(*, access: Access, desk: ServiceDesk, now: datetime | None = None) -> bool:
    """Who logs help and lends at a desk: the hospital's admin, and whoever is on duty."""
    return access.administers_hospital(desk.hospital_id) or on_duty(
        access=access, desk=desk, now=now
    )


def duty_measure(hospital_id: int) -> ServiceMeasure | None:
    """The measure a desk's roster is counted under: the brand's measure named for the
    驿站 if there is one, else its first measure in use."""
    qs = ServiceMeasure.objects.filter(hospital_id=hospital_id, active=True).order_by("order", "pk")
    return qs.filter(name__contains="驿站").first() or qs.first()


def measures_of(hospital_id: int) -> QuerySet[ServiceMeasure]:
    return ServiceMeasure.objects.filter(hospital_id=hospital_id, active=True).order_by(
        "order", "pk"
    )


# --- the roster and its fill rate ------------------------------------------------------------


@dataclass
class RosterShift:
    shift: Shift
    filled: int
    names: list[str]
    mine: bool
    my_signup_id: int | None

    @property
    def unfilled(self) -> bool:
        return self.filled < self.shift.capacity

    @property
    def missing(self) -> int:
        return max(self.shift.capacity - self.filled, 0)


@dataclass
class RosterDay:
    day: date
    shifts: list[RosterShift] = field(default_factory=list)


def local_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )


def roster(
    *, access: Access, desk: ServiceDesk, first: date, last: date
) -> tuple[list[RosterDay], int, int]:
    """The desk's duty shifts from ``first`` to ``last`` by day, each with who holds its
    places; and the places offered and filled."""
    start, end = local_bounds(first, last)
    shifts = list(
        duty_shifts([desk.pk])
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("activity")
        .order_by("starts_at", "pk")
    )
    holders: dict[int, list[tuple[int, int, str]]] = {}
    for su in (
        Signup.objects.filter(shift__in=[s.pk for s in shifts], status__in=FILLING)
        .select_related("person")
        .order_by("created_at", "pk")
    ):
        holders.setdefault(su.shift_id, []).append((su.pk, su.person_id, su.person.name))
    days: dict[date, RosterDay] = {}
    offered = filled = 0
    for s in shifts:
        rows = holders.get(s.pk, [])
        mine = next((pk for pk, pid, _ in rows if pid == access.person_id), None)
        rs = RosterShift(
            shift=s,
            filled=min(len(rows), s.capacity),
            names=[n for _, _, n in rows],
            mine=mine is not None,
            my_signup_id=mine,
        )
        offered += s.capacity
        filled += rs.filled
        day = timezone.localtime(s.starts_at).date()
        days.setdefault(day, RosterDay(day)).shifts.append(rs)
    return list(days.values()), offered, filled


@dataclass
class FillRow:
    desk: ServiceDesk
    label: str
    first: date
    offered: int
    filled: int
    shifts: int
    unfilled: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.filled / self.offered) if self.offered else None


def _periods(year: int, month: int | None) -> list[tuple[str, date, date]]:
    """Weeks (Monday to Sunday) touching ``month`` of ``year``, or the 12 months of the year."""
    if month is None:
        out = []
        for m in range(1, 13):
            first = date(year, m, 1)
            nxt = date(year + (m == 12), m % 12 + 1, 1)
            out.append((f"{m}月", first, nxt - timedelta(days=1)))
        return out
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    monday = first - timedelta(days=first.weekday())
    out = []
    while monday < nxt:
        sunday = monday + timedelta(days=6)
        out.append((f"{monday:%m.%d}–{sunday:%m.%d}", monday, sunday))
        monday += timedelta(days=7)
    return out


def fill_rate(
    *, access: Access, desks: list[ServiceDesk], year: int, month: int | None
) -> list[FillRow]:
    """Places filled against places offered per desk, by week of ``month`` (or by month of
    ``year`` when no month is given): three queries whatever the number of shifts."""
    access.require_business()
    periods = _periods(year, month)
    start, end = local_bounds(periods[0][1], periods[-1][2])
    shifts = list(
        duty_shifts([d.pk for d in desks])
        .filter(starts_at__gte=start, starts_at__lt=end)
        .annotate(held=Count("signups", filter=Q(signups__status__in=FILLING)))
        .values_list("activity__desk_id", "starts_at", "capacity", "held")
    )
    rows: dict[tuple[int, int], FillRow] = {}
    for d in desks:
        for i, (label, first, _last) in enumerate(periods):
            rows[(d.pk, i)] = FillRow(d, label, first, 0, 0, 0, 0)
    for desk_id, starts_at, capacity, held in shifts:
        day = timezone.localtime(starts_at).date()
        at = next((n for n, (_, first, last) in enumerate(periods) if first <= day <= last), None)
        if at is None:
            continue
        row = rows[(desk_id, at)]
        row.offered += capacity
        row.filled += min(held, capacity)
        row.shifts += 1
        row.unfilled += held < capacity
    return list(rows.values())


# --- help given ------------------------------------------------------------------------------


def help_today(*, desk: ServiceDesk, day: date) -> dict[str, int]:
    start, end = local_bounds(day, day)
    counts = dict.fromkeys(HelpKind.values, 0)
    for kind, n in (
        DeskHelp.objects.filter(desk=desk, occurred_at__gte=start, occurred_at__lt=end)
        .values_list("kind")
        .annotate(n=Sum("count"))
    ):
        counts[kind] = n
    return counts


@dataclass
class HelpSummary:
    months: list[tuple[int, dict[str, int], int]]  # (month, counts per kind, total)
    totals: dict[str, int]
    total: int
    days: list[tuple[date, dict[str, int], int]]  # the chosen month, day by day


def help_summary(*, desk: ServiceDesk, year: int, month: int) -> HelpSummary:
    """Help given at a desk: per kind, per month of ``year``, and per day of ``month``."""
    start, end = local_bounds(date(year, 1, 1), date(year, 12, 31))
    by_month: dict[int, dict[str, int]] = {
        m: dict.fromkeys(HelpKind.values, 0) for m in range(1, 13)
    }
    for m, kind, n in (
        DeskHelp.objects.filter(desk=desk, occurred_at__gte=start, occurred_at__lt=end)
        .annotate(m=TruncMonth("occurred_at"))
        .values_list("m", "kind")
        .annotate(n=Sum("count"))
    ):
        by_month[timezone.localtime(m).month if timezone.is_aware(m) else m.month][kind] += n
    totals = dict.fromkeys(HelpKind.values, 0)
    for counts in by_month.values():
        for k, n in counts.items():
            totals[k] += n
    first = date(year, month, 1)
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    mstart, mend = local_bounds(first, last)
    by_day: dict[date, dict[str, int]] = {}
    for at, kind, n in DeskHelp.objects.filter(
        desk=desk, occurred_at__gte=mstart, occurred_at__lt=mend
    ).values_list("occurred_at", "kind", "count"):
        day = timezone.localtime(at).date()
        by_day.setdefault(day, dict.fromkeys(HelpKind.values, 0))[kind] += n
    return HelpSummary(
        months=[(m, c, sum(c.values())) for m, c in by_month.items()],
        totals=totals,
        total=sum(totals.values()),
        days=[(d, c, sum(c.values())) for d, c in sorted(by_day.items())],
    )


def help_recent(*, desk: ServiceDesk, limit: int = 10) -> list[DeskHelp]:
    return list(DeskHelp.objects.filter(desk=desk).order_by("-occurred_at", "-pk")[:limit])


# --- my shifts and swaps ---------------------------------------------------------------------


def my_duty(*, access: Access, hospital_id: int, now: datetime | None = None) -> list[Signup]:
    """The acting person's coming duty shifts at the hospital's desks."""
    if access.person_id is None:
        return []
    now = now or timezone.now()
    return list(
        Signup.objects.filter(
            person_id=access.person_id,
            status=SignupStatus.SIGNED,
            activity__kind=ActivityKind.DESK_DUTY,
            activity__hospital_id=hospital_id,
            shift__ends_at__gte=now,
        )
        .select_related("shift", "activity__desk")
        .order_by("shift__starts_at", "pk")[:20]
    )


def swaps_for_me(*, access: Access) -> list[ShiftSwap]:
    """Swap requests waiting for the acting person's answer."""
    if access.person_id is None:
        return []
    return list(
        ShiftSwap.objects.filter(to_person_id=access.person_id, status=SwapStatus.REQUESTED)
        .select_related("signup__person", "signup__shift", "signup__activity__desk")
        .order_by("signup__shift__starts_at", "pk")
    )


def swaps_by_me(*, access: Access) -> list[ShiftSwap]:
    if access.person_id is None:
        return []
    return list(
        ShiftSwap.objects.filter(signup__person_id=access.person_id, status=SwapStatus.REQUESTED)
        .select_related("to_person", "signup__shift", "signup__activity__desk")
        .order_by("signup__shift__starts_at", "pk")
    )


def my_signup_get(*, access: Access, pk: int) -> Signup:
    """One of the acting person's own duty sign-ups (to hand it to a colleague)."""
    return get_scoped(
        Signup.objects.select_related("shift", "activity__desk", "person"),
        pk,
        access,
        noun="值班报名",
        may=lambda s: s.person_id == access.person_id and s.activity.kind == ActivityKind.DESK_DUTY,
        refusal="只能为本人的值班申请换班",
    )


def swap_get(*, access: Access, pk: int) -> ShiftSwap:
    return get_scoped(
        ShiftSwap.objects.select_related(
            "signup__person", "signup__shift", "signup__activity__desk", "to_person"
        ),
        pk,
        access,
        noun="换班申请",
        may=lambda s: access.person_id in (s.to_person_id, s.signup.person_id),
        refusal="只能处理发给本人的换班申请",
    )


def colleagues(hospital_id: int) -> QuerySet[Person]:
    """Who may take a shift: the hospital's staff at work."""
    return Person.objects.filter(
        hospital_id=hospital_id, status=PersonStatus.ACTIVE
    ).select_related("department")


def colleague_search(hospital_id: int, text: str, limit: int = 20) -> list[Person]:
    """The first of the hospital's staff whose name contains ``text`` (none for no text)."""
    text = (text or "").replace("\x00", "").strip()[:20]
    if not text:
        return []
    return list(colleagues(hospital_id).filter(name__contains=text).order_by("name", "pk")[:limit])


def roster_activities(*, desk: ServiceDesk) -> QuerySet[Activity]:
    return Activity.objects.filter(desk=desk, kind=ActivityKind.DESK_DUTY).order_by(
        "-starts_at", "-pk"
    )


def help_counts(
    *, hospital_ids: list[int], year: int, per_month: bool = True
) -> dict[tuple[int, int], int]:
    """People helped at the hospitals' desks in ``year``, per (hospital, local month of the
    help), or per (hospital, 0) for the whole year: one grouped query (for the dashboards)."""
    start, end = year_bounds(year)
    qs = DeskHelp.objects.filter(
        hospital_id__in=hospital_ids, occurred_at__gte=start, occurred_at__lt=end
    ).order_by()
    if not per_month:
        return {(h, 0): n or 0 for h, n in qs.values_list("hospital_id").annotate(n=Sum("count"))}
    rows = (
        qs.annotate(month=month_of("occurred_at", year))
        .values_list("hospital_id", "month")
        .annotate(n=Sum("count"))
    )
    return {(h, m): n or 0 for h, m, n in rows}
