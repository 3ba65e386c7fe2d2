"""Reads of volunteer hours: a person's record (this year's and cumulative hours against
the target, star level, what they served), the hospital's or a branch's table of
volunteers, the rows of the national volunteer system's record format, and the
certificate of service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum

from hongfan.core.access import Access, get_scoped
from hongfan.core.dates import age_on, today
from hongfan.org.models import Hospital, Person
from hongfan.service.choices import HourKind
from hongfan.service.models import Activity, HourEntry, HourTally, HourTotal, Signup
from hongfan.service.selectors.rules import star_level, volunteer_rule_for

ZERO = Decimal(0)
TENTH = Decimal("0.1")


def signup_hours(
    *,
    checked_in_at: datetime | None,
    checked_out_at: datetime | None,
    shift_starts_at: datetime,
    shift_ends_at: datetime,
    excluded_minutes: int,
    day_cap: Decimal,
) -> Decimal:
    """The hours of one sign-up (0 without a check-in)."""
    if checked_in_at is None:
        return Decimal(0)
    out = checked_out_at or max(shift_ends_at, checked_in_at)
    minutes = Decimal((out - checked_in_at).total_seconds()) / 60
    length = Decimal((shift_ends_at - shift_starts_at).total_seconds()) / 60
    minutes = min(minutes, length) - Decimal(excluded_minutes)
    minutes = max(Decimal(0), min(minutes, max(Decimal(0), day_cap) * 60))
    return (minutes / 60).quantize(TENTH, rounding=ROUND_HALF_UP)


def preview_hours(signup: Signup) -> Decimal:
    """The hours a sign-up would be confirmed at (before the day's cap), for the page."""
    return signup_hours(
        checked_in_at=signup.checked_in_at,
        checked_out_at=signup.checked_out_at,
        shift_starts_at=signup.shift.starts_at,
        shift_ends_at=signup.shift.ends_at,
        excluded_minutes=signup.excluded_minutes,
        day_cap=Decimal(24),
    )


def activity_entries(*, activity: Activity) -> list[HourEntry]:
    """Every entry of an activity (the ledger: reversals and corrections too)."""
    return list(
        HourEntry.objects.filter(activity=activity)
        .select_related("person", "signup")
        .order_by("person__name_key", "pk")
    )


def may_read_person(access: Access, person: Person) -> bool:
    """Oneself; a secretary their branch's people; the hospital's admin anyone of it; the
    city reads every hospital."""
    return (
        access.person_id == person.pk
        or access.manages_branch(person.branch_id, person.hospital_id)
        or access.is_city
    )


def person_for_record(*, access: Access, pk: object) -> Person:
    return get_scoped(
        Person.objects.select_related("hospital", "branch", "department"),
        pk,
        access,
        noun="志愿服务记录",
        may=lambda p: may_read_person(access, p),
        business=access.person_id is None,
    )


def live_entries(person_id: int) -> QuerySet[HourEntry]:
    """The entries that stand (neither a reversal nor reversed), newest first."""
    return (
        HourEntry.objects.filter(person_id=person_id, reverses__isnull=True)
        .filter(reversed_by__isnull=True)
        .select_related("activity", "activity__place")
        .order_by("-occurred_on", "-pk")
    )


@dataclass
class VolunteerRecord:
    person: Person
    year: int
    year_hours: Decimal
    total_hours: Decimal
    year_training: Decimal
    total_training: Decimal
    year_activities: int
    total_activities: int
    target: int | None  # the yearly target when the person is young staff
    star: int
    thresholds: list[int]
    next_star_at: int | None
    entries: list[HourEntry] = field(default_factory=list)

    @property
    def target_share(self) -> int | None:
        if not self.target:
            return None
        return min(100, round(100 * self.year_hours / self.target))

    @property
    def stars(self) -> range:
        return range(self.star)

    @property
    def target_met(self) -> bool:
        return self.target is not None and self.year_hours >= self.target


def volunteer_record(*, access: Access, person: Person, year: int | None = None) -> VolunteerRecord:
    """``person``'s record (the caller has checked ``may_read_person``), from the rollup."""
    if not may_read_person(access, person):
        raise access.denied(person.hospital_id, "志愿服务记录")
    day = today()
    year = year or day.year
    rule = volunteer_rule_for(person.hospital.authority_id, day)
    rows = list(
        HourTotal.objects.filter(person=person).values("year", "kind", "hours", "activities")
    )

    def total(kind: str, only_year: bool) -> tuple[Decimal, int]:
        picked = [r for r in rows if r["kind"] == kind and (not only_year or r["year"] == year)]
        return sum((r["hours"] for r in picked), ZERO), sum(r["activities"] for r in picked)

    year_hours, year_acts = total(HourKind.SERVICE, True)
    total_hours, total_acts = total(HourKind.SERVICE, False)
    year_training, _ = total(HourKind.TRAINING, True)
    total_training, _ = total(HourKind.TRAINING, False)
    young = age_on(person.birth_date, date(year, 1, 1)) <= rule.young_age_max
    thresholds = sorted(int(t) for t in (rule.star_thresholds or []))
    star = star_level(total_hours, thresholds)
    return VolunteerRecord(
        person=person,
        year=year,
        year_hours=year_hours,
        total_hours=total_hours,
        year_training=year_training,
        total_training=total_training,
        year_activities=year_acts,
        total_activities=total_acts,
        target=rule.yearly_target_hours if young else None,
        star=star,
        thresholds=thresholds,
        next_star_at=thresholds[star] if star < len(thresholds) else None,
        entries=list(live_entries(person.pk)[:200]),
    )


@dataclass
class VolunteerRow:
    person_id: int
    name: str
    name_key: str
    branch: str
    department: str
    young: bool
    year_hours: Decimal
    total_hours: Decimal
    year_training: Decimal
    activities: int
    star: int
    target: int | None

    @property
    def target_met(self) -> str:
        if self.target is None:
            return "—"
        return "已达标" if self.year_hours >= self.target else "未达标"


def volunteer_rows(
    *, access: Access, hospital: Hospital, year: int, branch_id: int | None = None
) -> list[VolunteerRow]:
    """Everyone of the hospital (a secretary: their branches) with hours this year or
    before, with this year's and cumulative figures (two queries)."""
    if not (access.reads_hospital(hospital.pk) or access.branch_ids):
        raise PermissionDenied("只有支部书记、医院党委和市卫健委可以查看志愿服务时长")
    totals = HourTotal.objects.filter(hospital=hospital, year__lte=year)
    if not access.reads_hospital(hospital.pk):
        totals = totals.filter(person__branch_id__in=access.branch_ids)
    if branch_id is not None:
        totals = totals.filter(person__branch_id=branch_id)
    agg = totals.values("person_id").annotate(
        y=Sum("hours", filter=Q(year=year, kind=HourKind.SERVICE)),
        c=Sum("hours", filter=Q(kind=HourKind.SERVICE)),
        t=Sum("hours", filter=Q(year=year, kind=HourKind.TRAINING)),
        n=Sum("activities", filter=Q(year=year)),
    )
    figures = {r["person_id"]: r for r in agg}
    rule = volunteer_rule_for(hospital.authority_id, today())
    thresholds = sorted(int(t) for t in (rule.star_thresholds or []))
    jan1 = date(year, 1, 1)
    people = Person.objects.filter(pk__in=figures).select_related("branch", "department")
    out = []
    for p in people:
        f = figures[p.pk]
        young = age_on(p.birth_date, jan1) <= rule.young_age_max
        total = f["c"] or ZERO
        out.append(
            VolunteerRow(
                person_id=p.pk,
                name=p.name,
                name_key=p.name_key,
                branch=p.branch.name if p.branch else "",
                department=p.department.name if p.department else "",
                young=young,
                year_hours=f["y"] or ZERO,
                total_hours=total,
                year_training=f["t"] or ZERO,
                activities=f["n"] or 0,
                star=star_level(total, thresholds),
                target=rule.yearly_target_hours if young else None,
            )
        )
    out.sort(key=lambda r: (-r.year_hours, r.name_key))
    return out


def national_rows(*, access: Access, hospital: Hospital, year: int) -> list[HourEntry]:
    """The hospital's standing service-hour entries of ``year`` for the national volunteer
    system's record format (the caller decrypts the ID numbers: hospital admins only)."""
    if not access.administers_hospital(hospital.pk):
        raise PermissionDenied("只有本院党委管理员可以导出全国志愿服务信息系统格式的记录")
    return list(
        HourEntry.objects.filter(
            hospital=hospital,
            kind=HourKind.SERVICE,
            occurred_on__year=year,
            reverses__isnull=True,
            reversed_by__isnull=True,
        )
        .select_related("person", "activity", "activity__place", "activity__branch")
        .order_by("occurred_on", "activity_id", "person__name_key", "pk")
    )


def activity_names(entries: list[HourEntry], limit: int = 8) -> list[str]:
    """What the person did, for the certificate: the activities' titles, most recent first."""
    seen: list[str] = []
    for e in entries:
        if e.activity is not None and e.activity.title not in seen:
            seen.append(e.activity.title)
        if len(seen) >= limit:
            break
    return seen


@dataclass
class Certificate:
    """证明: who served how many hours doing what, issued by the hospital's Party committee."""

    name: str
    gender: str
    id_masked: str
    department: str
    hours: Decimal
    training: Decimal
    activities: int
    first_day: date | None
    last_day: date | None
    what: list[str]
    issuer: str
    number: str
    issued_on: date


def certificate(*, access: Access, person: Person) -> Certificate:
    """The certificate of service of ``person`` (cumulative, standing entries only)."""
    from hongfan.core import pii

    record = volunteer_record(access=access, person=person)
    entries = [e for e in record.entries if e.kind == HourKind.SERVICE]
    day = today()
    return Certificate(
        name=person.name,
        gender=person.get_gender_display(),
        id_masked=pii.masked(person.id_number_enc, pii.mask_id_number, where="service.certificate")
        if person.id_number_enc
        else "",
        department=person.department.name if person.department else "",
        hours=record.total_hours,
        training=record.total_training,
        activities=record.total_activities,
        first_day=min((e.occurred_on for e in entries), default=None),
        last_day=max((e.occurred_on for e in entries), default=None),
        what=activity_names(entries),
        issuer=f"中共{person.hospital.name}委员会",
        number=f"ZYFW-{day:%Y%m%d}-{person.hospital_id:03d}{person.pk:06d}",
        issued_on=day,
    )


def volunteer_rule_versions(*, access: Access, authority_id: int) -> list[Any]:
    """Every version of the city's volunteer rule, newest first (the city's page)."""
    from hongfan.service.models import VolunteerRule

    if not access.is_city:
        raise PermissionDenied("志愿服务规则由市卫健委设定")
    return list(VolunteerRule.objects.filter(authority_id=authority_id).order_by("-effective_from"))


def person_panel(access: Access, person: Person) -> dict[str, Any]:
    """The 志愿服务 tab of org's 党员档案 (core.panels): the record, None when the acting
    user may not read it."""
    if not may_read_person(access, person):
        return {"record": None, "person": person}
    record = volunteer_record(access=access, person=person)
    record.entries = record.entries[:8]
    return {"record": record, "person": person}


# --- the monthly tally (hospital, branch, year, month, kind) -------------------------------


def tally_sums(
    *, hospital_ids: list[int], year: int, by: tuple[str, ...], kind: str = HourKind.SERVICE
) -> dict[tuple[Any, ...], Decimal]:
    """Hours of ``kind`` served in ``year``, summed per ``by`` (fields of the tally:
    ``hospital_id``, ``branch_id``, ``month``) from the monthly tally: at most twelve rows
    per branch, whatever the size of the ledger."""
    rows = (
        HourTally.objects.filter(hospital_id__in=hospital_ids, year=year, kind=kind)
        .order_by()
        .values_list(*by)
        .annotate(h=Sum("hours"))
    )
    return {tuple(r[:-1]): r[-1] for r in rows}


def tally_check(*, hospital_id: int | None = None) -> list[str]:
    """Where the monthly tally differs from the sums of the ledger (empty when equal)."""
    entries = HourEntry.objects.all()
    tallies = HourTally.objects.all()
    if hospital_id is not None:
        entries = entries.filter(hospital_id=hospital_id)
        tallies = tallies.filter(hospital_id=hospital_id)
    ledger = {
        (r[0], r[1], r[2], r[3], r[4]): r[5]
        for r in entries.order_by()
        .values_list("hospital_id", "branch_id", "occurred_on__year", "occurred_on__month", "kind")
        .annotate(h=Sum("hours"))
    }
    kept = {
        (t[0], t[1], t[2], t[3], t[4]): t[5]
        for t in tallies.values_list("hospital_id", "branch_id", "year", "month", "kind", "hours")
    }
    out = []
    for key in sorted(set(ledger) | set(kept), key=str):
        a, b = ledger.get(key, Decimal(0)), kept.get(key, Decimal(0))
        if a != b:
            out.append(f"hospital {key[0]} branch {key[1]} {key[2]}-{key[3]} {key[4]}: {a} != {b}")
    return out
