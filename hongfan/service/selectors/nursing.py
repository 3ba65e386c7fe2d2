"""Reads of 互联网+护理服务: the catalogue, the qualified nurses, the nursing office's queue,
one booking, a nurse's visits, the public status check and the promise clock ("served
within one day": the share of bookings whose nurse arrived within the rule's
``promise_hours`` of ``requested_at`` — the stored ``due_at`` — per month of booking)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from hongfan.core import pii
from hongfan.core.access import Access, get_scoped
from hongfan.core.dates import year_bounds
from hongfan.core.roles import Role
from hongfan.org.models import Hospital, Person
from hongfan.service.choices import OPEN_NURSING, NurseTitle, NursingStatus
from hongfan.service.models import NurseProfile, NursingBooking, NursingRule, NursingService
from hongfan.service.periods import month_of
from hongfan.service.selectors.rules import nursing_rule_for

# Bookings neither refused nor cancelled: the ones the promise is measured on.
MEASURED = (
    NursingStatus.BOOKED,
    NursingStatus.ACCEPTED,
    NursingStatus.ASSIGNED,
    NursingStatus.VISITED,
    NursingStatus.CLOSED,
)


def manages_nursing(access: Access, hospital_id: int | None) -> bool:
    return access.holds(Role.NURSING_OFFICE, hospital_id) or access.administers_hospital(
        hospital_id
    )


def _require_not_separated(access: Access) -> None:
    """三员分立: the auditor, security and system admins see no nursing data; the nursing
    office (not a business role) does."""
    if not access.offices:
        access.require_business()


def nursing_hospital(*, access: Access) -> Hospital:
    """The hospital whose nursing pages the user keeps: as its nursing office, else as its
    admin. Anyone else is refused (403)."""
    _require_not_separated(access)
    ids = sorted(access.office_hospital_ids(Role.NURSING_OFFICE)) or sorted(access.hospital_ids)
    if not ids:
        raise PermissionDenied("只有护理部和医院党委可以管理上门护理")
    return Hospital.objects.select_related("authority").get(pk=ids[0])


def figures_hospital(*, access: Access, hospital_id: int | None) -> Hospital:
    """The hospital of the monthly figures: the city picks any (``?hospital=``), the nursing
    office and the admin get their own; another hospital named is a 404."""
    _require_not_separated(access)
    if access.is_city:
        qs = Hospital.objects.select_related("authority").order_by("pk")
        found = qs.filter(pk=hospital_id).first() if hospital_id is not None else qs.first()
        if found is None:
            raise Http404("医院不存在")
        return found
    own = nursing_hospital(access=access)
    if hospital_id is not None and hospital_id != own.pk:
        raise Http404("医院不存在")
    return own


def public_hospital(*, hospital_id: int) -> Hospital:
    """The hospital of a public booking page (from its QR code): 404 when not there."""
    found = Hospital.objects.select_related("authority").filter(pk=hospital_id).first()
    if found is None:
        raise Http404("医院不存在")
    return found


# --- catalogue -----------------------------------------------------------------------------


def nursing_service_list(*, access: Access, hospital_id: int) -> QuerySet[NursingService]:
    if not manages_nursing(access, hospital_id):
        raise access.denied(hospital_id, "护理服务项目")
    return NursingService.objects.filter(hospital_id=hospital_id).order_by(
        "-active", "order", "category", "pk"
    )


def nursing_service_get(*, access: Access, pk: Any) -> NursingService:
    _require_not_separated(access)
    return get_scoped(
        NursingService.objects.all(),
        pk,
        access,
        noun="护理服务项目",
        may=lambda s: manages_nursing(access, s.hospital_id),
        business=False,
    )


def public_services(*, hospital_id: int) -> QuerySet[NursingService]:
    """What a family may book: the hospital's active services."""
    return NursingService.objects.filter(hospital_id=hospital_id, active=True).order_by(
        "order", "category", "pk"
    )


def public_service_choices(*, hospital_id: int) -> list[tuple[int, str]]:
    """The public page's choices: (id, "类别 · 项目") of the hospital's active services."""
    return [
        (s.pk, f"{s.get_category_display()} · {s.name}")
        for s in public_services(hospital_id=hospital_id)
    ]


# --- nurses --------------------------------------------------------------------------------


def clinical_years(since: date, day: date) -> int:
    """Whole years of clinical nursing from ``since`` to ``day``."""
    years = day.year - since.year
    if (day.month, day.day) < (since.month, since.day):
        years -= 1
    return max(years, 0)


def nurse_shortfall(profile: NurseProfile, rule: NursingRule, day: date) -> list[str]:
    """Why a nurse falls below the rule on ``day`` (empty when qualified)."""
    why = []
    if not profile.active:
        why.append("已停止派单")
    years = clinical_years(profile.clinical_since, day)
    if years < rule.min_clinical_years:
        why.append(f"临床护理{years}年，不足{rule.min_clinical_years}年")
    if profile.title < rule.min_title:
        why.append(
            f"职称为{NurseTitle(profile.title).label}，低于{NurseTitle(rule.min_title).label}"
        )
    return why


@dataclass(frozen=True)
class NurseRow:
    profile: NurseProfile
    years: int
    shortfall: list[str]

    @property
    def qualified(self) -> bool:
        return not self.shortfall


def nurse_list(*, access: Access, hospital: Hospital, day: date) -> list[NurseRow]:
    if not manages_nursing(access, hospital.pk):
        raise access.denied(hospital.pk, "上门护士")
    rule = nursing_rule_for(hospital.authority_id, day)
    rows = NurseProfile.objects.filter(hospital=hospital).select_related("person")
    out = [
        NurseRow(p, clinical_years(p.clinical_since, day), nurse_shortfall(p, rule, day))
        for p in rows
    ]
    out.sort(key=lambda r: (not r.qualified, r.profile.person.name_key))
    return out


def nurse_profile_get(*, access: Access, pk: Any) -> NurseProfile:
    _require_not_separated(access)
    return get_scoped(
        NurseProfile.objects.select_related("person"),
        pk,
        access,
        noun="上门护士",
        may=lambda p: manages_nursing(access, p.hospital_id),
        business=False,
    )


def nurse_candidates(*, access: Access, hospital_id: int) -> QuerySet[Person]:
    """The hospital's nursing staff not yet registered as home-care nurses."""
    if not manages_nursing(access, hospital_id):
        raise access.denied(hospital_id, "上门护士")
    return (
        Person.objects.filter(hospital_id=hospital_id, status="active", title__contains="护")
        .exclude(nurse_profile__isnull=False)
        .order_by("name_key", "pk")
    )


def qualified_nurses(*, access: Access, hospital: Hospital, day: date) -> QuerySet[Person]:
    """The nurses a booking may be assigned to under the rule in force."""
    if not manages_nursing(access, hospital.pk):
        raise access.denied(hospital.pk, "上门护士")
    rule = nursing_rule_for(hospital.authority_id, day)
    latest_since = _years_before(day, rule.min_clinical_years)
    return Person.objects.filter(
        hospital=hospital,
        nurse_profile__hospital=hospital,
        nurse_profile__active=True,
        nurse_profile__title__gte=rule.min_title,
        nurse_profile__clinical_since__lte=latest_since,
    ).order_by("name_key", "pk")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- bookings ------------------------------------------------------------------------------


_RANK = Case(
    When(status=NursingStatus.BOOKED, then=Value(0)),
    When(status=NursingStatus.ACCEPTED, then=Value(1)),
    When(status=NursingStatus.ASSIGNED, then=Value(2)),
    When(status=NursingStatus.VISITED, then=Value(3)),
    default=Value(9),
    output_field=IntegerField(),
)


def booking_queue(*, access: Access, hospital_id: int) -> list[NursingBooking]:
    """Open bookings (new ones first, then waiting for a nurse, then out, then visited and
    waiting to close), oldest first within each; then the 30 latest finished."""
    if not manages_nursing(access, hospital_id):
        raise access.denied(hospital_id, "上门护理预约")
    qs = NursingBooking.objects.filter(hospital_id=hospital_id).select_related("service", "nurse")
    open_ = list(
        qs.filter(status__in=(*OPEN_NURSING, NursingStatus.VISITED))
        .annotate(rank=_RANK)
        .order_by("rank", "requested_at", "pk")[:300]
    )
    done = list(
        qs.exclude(status__in=(*OPEN_NURSING, NursingStatus.VISITED)).order_by(
            "-requested_at", "-pk"
        )[:30]
    )
    return open_ + done


def booking_get(*, access: Access, pk: Any) -> NursingBooking:
    """One booking: the nursing office and the admin of its hospital, and its nurse."""
    _require_not_separated(access)
    return get_scoped(
        NursingBooking.objects.select_related("service", "nurse", "hospital"),
        pk,
        access,
        noun="上门护理预约",
        may=lambda b: (
            manages_nursing(access, b.hospital_id)
            or (b.nurse_id is not None and b.nurse_id == access.person_id)
        ),
        business=False,
    )


def nurse_visits(*, access: Access) -> list[NursingBooking]:
    """A nurse's assigned visits (to do first), and the latest done."""
    if access.person_id is None:
        raise PermissionDenied("只有登记的上门护士可以查看派单")
    qs = NursingBooking.objects.filter(nurse_id=access.person_id).select_related("service")
    todo = list(qs.filter(status=NursingStatus.ASSIGNED).order_by("requested_at", "pk"))
    done = list(qs.exclude(status=NursingStatus.ASSIGNED).order_by("-arrived_at", "-pk")[:20])
    return todo + done


def masked_patient(booking: NursingBooking) -> dict[str, str]:
    """What every staff screen shows of the patient: masked."""
    where = "service.nursingbooking"
    return {
        "patient_name": pii.masked(booking.patient_name, _mask_name, where=where),
        "mobile": pii.masked(booking.mobile, pii.mask_mobile, where=where),
        "address": pii.masked(booking.address, _mask_address, where=where),
    }


def _mask_name(value: str) -> str:
    return value[:1] + "*" * max(len(value) - 1, 1)


def _mask_address(value: str) -> str:
    return value[:6] + "****" if len(value) > 6 else "****"


def booking_status(*, reference: str, last4: str) -> NursingBooking | None:
    """The public status check: the booking with that reference whose mobile ends in
    ``last4``; None otherwise (the same answer for a wrong reference and wrong digits)."""
    reference = reference.strip().upper()
    if not reference or len(reference) > 20 or len(last4) != 4 or not last4.isdigit():
        return None
    b = (
        NursingBooking.objects.select_related("service", "hospital")
        .filter(reference=reference)
        .first()
    )
    if b is None:
        return None
    mobile = pii.masked(b.mobile, lambda v: v, where="service.nursingbooking")
    return b if mobile.endswith(last4) else None


def promise_due(*, authority_id: int, requested_at: datetime) -> datetime:
    """The promise's deadline of a booking made at ``requested_at``: the promise hours of
    the rule in force on the local day of booking (stored as ``NursingBooking.due_at``)."""
    rule = nursing_rule_for(authority_id, timezone.localdate(requested_at))
    return requested_at + timedelta(hours=rule.promise_hours)


def promise_deadline(booking: NursingBooking, rule: NursingRule | None = None) -> datetime:
    """The booking's deadline, fixed at booking (the rule then in force)."""
    return booking.due_at


# --- the promise clock ---------------------------------------------------------------------
#
# One clock for the nursing office's monthly page, its overdue flag and the dashboards:
# served within the promise is ``arrived_at <= due_at``, overdue is open with ``due_at``
# past — two columns compared, no date arithmetic per row.


def within_promise() -> Q:
    return Q(arrived_at__isnull=False, arrived_at__lte=F("due_at"))


def overdue(now: datetime) -> Q:
    """Open bookings past the promise (no nurse arrived in time)."""
    return Q(status__in=OPEN_NURSING, due_at__lt=now)


def overdue_open(*, access: Access, hospital: Hospital, now: datetime) -> list[NursingBooking]:
    """Open bookings past the promise (no nurse arrived in time)."""
    if not manages_nursing(access, hospital.pk):
        raise access.denied(hospital.pk, "上门护理预约")
    return list(NursingBooking.objects.filter(overdue(now), hospital=hospital).order_by("due_at"))


def overdue_count(*, hospital_id: int, now: datetime) -> int:
    """How many open bookings are past the promise (for the home page's task)."""
    return NursingBooking.objects.filter(overdue(now), hospital_id=hospital_id).count()


@dataclass
class PromiseMonth:
    month: int
    bookings: int = 0  # measured: neither refused nor cancelled
    refused: int = 0
    served: int = 0  # a nurse arrived
    within: int = 0  # ... within the promise
    late_open: int = 0  # still open past the promise
    made: int = 0  # every booking of the month (refused and cancelled too)

    @property
    def due(self) -> int:
        """Bookings whose promise is decided: served, or open past the promise."""
        return self.served + self.late_open

    @property
    def share(self) -> float | None:
        return round(100 * self.within / self.due, 1) if self.due else None

    def add(self, other: PromiseMonth) -> None:
        for name in ("bookings", "refused", "served", "within", "late_open", "made"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def promise_months(
    *, hospital_ids: list[int], year: int, now: datetime, per_month: bool = True
) -> dict[int, list[PromiseMonth]]:
    """Per hospital, the twelve months of ``year`` (months by the local date of booking):
    bookings, refused, served, served within the promise in force on the day of booking
    (``due_at``), open past the promise. One grouped query whatever the number of rows.
    ``per_month=False``: one line per hospital, the whole year (month 0)."""
    start, end = year_bounds(year)
    out = {h: [PromiseMonth(m) for m in range(1, 13)] for h in hospital_ids}
    if not per_month:
        out = {h: [PromiseMonth(0)] for h in hospital_ids}
    measured = Q(status__in=MEASURED)
    rows = (
        NursingBooking.objects.filter(
            hospital_id__in=hospital_ids, requested_at__gte=start, requested_at__lt=end
        )
        .annotate(month=month_of("requested_at", year) if per_month else Value(1))
        .order_by()
        .values_list("hospital_id", "month")
        .annotate(
            made=Count("id"),
            bookings=Count("id", filter=measured),
            refused=Count("id", filter=Q(status=NursingStatus.REFUSED)),
            served=Count("id", filter=measured & Q(arrived_at__isnull=False)),
            within=Count("id", filter=measured & within_promise()),
            late_open=Count("id", filter=measured & Q(arrived_at__isnull=True, due_at__lt=now)),
        )
    )
    for hospital_id, month, made, bookings, refused, served, within, late_open in rows:
        m = out[hospital_id][month - 1]
        m.made, m.bookings, m.refused = made, bookings, refused
        m.served, m.within, m.late_open = served, within, late_open
    return out


def promise_figures(*, access: Access, hospital: Hospital, year: int) -> list[PromiseMonth]:
    """One hospital's months (the nursing office, its admin, the city)."""
    if not (access.is_city or manages_nursing(access, hospital.pk)):
        raise access.denied(hospital.pk, "上门护理统计")
    return promise_months(hospital_ids=[hospital.pk], year=year, now=timezone.now())[hospital.pk]


@dataclass
class HospitalYear:
    hospital: Hospital
    months: list[PromiseMonth]

    @property
    def total(self) -> PromiseMonth:
        t = PromiseMonth(0)
        for m in self.months:
            t.add(m)
        return t


def city_promise(*, access: Access, year: int) -> list[HospitalYear]:
    """The city's view: each hospital's figures side by side (no personal data)."""
    _require_not_separated(access)
    if not access.is_city:
        raise PermissionDenied("只有市卫健委可以查看各医院上门护理统计")
    hospitals = list(Hospital.objects.order_by("pk"))
    if not hospitals:
        return []
    months = promise_months(hospital_ids=[h.pk for h in hospitals], year=year, now=timezone.now())
    return [HospitalYear(h, months[h.pk]) for h in hospitals]


def promise_years(*, now: datetime) -> list[int]:
    this = timezone.localtime(now).year
    return [this, this - 1, this - 2]


def nursing_rules(*, access: Access, authority_id: int) -> list[NursingRule]:
    if not access.is_city:
        raise PermissionDenied("只有市卫健委可以管理上门护理规则")
    return list(NursingRule.objects.filter(authority_id=authority_id).order_by("-effective_from"))


def registered_nurses(*, access: Access, hospital_id: int) -> QuerySet[Person]:
    """Every nurse registered for home nursing at the hospital (qualified or not: the
    assignment says why one is refused)."""
    if not manages_nursing(access, hospital_id):
        raise access.denied(hospital_id, "上门护士")
    return Person.objects.filter(
        hospital_id=hospital_id, nurse_profile__hospital_id=hospital_id
    ).order_by("name_key", "pk")


def city_authority_id(*, access: Access) -> int:
    """The city's authority (the one whose rules the city admin keeps)."""
    if not access.is_city:
        raise PermissionDenied("只有市卫健委可以管理上门护理规则")
    first = Hospital.objects.order_by("pk").values_list("authority_id", flat=True).first()
    if first is None:
        raise PermissionDenied("尚无医院")
    return first


def is_home_nurse(*, person_id: int) -> bool:
    return NurseProfile.objects.filter(person_id=person_id).exists()


def assigned_count(*, access: Access) -> int:
    if access.person_id is None:
        return 0
    return NursingBooking.objects.filter(
        nurse_id=access.person_id, status=NursingStatus.ASSIGNED
    ).count()


@dataclass(frozen=True)
class OfficeWaiting:
    hospital_id: int
    late: int
    new: int
    promise_hours: int


def office_waiting(*, access: Access, now: datetime) -> list[OfficeWaiting]:
    """Per hospital whose nursing office the user is: open bookings past the promise and
    new bookings waiting for a first assessment."""
    out = []
    hospitals = Hospital.objects.filter(
        pk__in=access.office_hospital_ids(Role.NURSING_OFFICE)
    ).order_by("pk")
    for h in hospitals:
        rule = nursing_rule_for(h.authority_id, timezone.localdate(now))
        late = NursingBooking.objects.filter(overdue(now), hospital=h).count()
        new = NursingBooking.objects.filter(hospital=h, status=NursingStatus.BOOKED).count()
        out.append(OfficeWaiting(h.pk, late, new, rule.promise_hours))
    return out
