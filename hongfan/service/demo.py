"""The service app's part of the demo city (steps of ``builddemo``, registered in apps.py),
one function per part of the app, run in this order: activities before the sign-ups and
hours on them, then desks and posts, then home nursing. Figures from the reports (305
activities, 20,000+ hours and 200 villages a year for a large hospital)."""

from __future__ import annotations

from typing import Any


# --- activities: brand, measures, places, planning, records -------------------------------
def build_city_activities(authority: Any) -> None:
    """Every hospital's brand and measures, its villages, and a year of activities."""


# --- sign-up, check-in, hours, volunteer record ------------------------------------------
def build_city_hours(authority: Any) -> None:
    """Sign-ups, check-ins and confirmed hours (with their points) on those activities."""
    from hongfan.org.models import Hospital

    for hospital in Hospital.objects.filter(authority=authority).order_by("pk"):
        build_hospital_hours(hospital)


# Who volunteers: young staff most (their yearly target), then the others. A share of the
# places of every shift is filled; a few signed up and did not come.
HOURS_FILL = (0.8, 1.0)
HOURS_NO_SHOW = 0.04
HOURS_UPCOMING_FILL = (0.3, 0.7)
HOURS_UNCONFIRMED_DAYS = 3  # activities ended in these last days wait for the organiser
TRAVEL_KINDS = ("home_visit", "health_patrol")


def build_hospital_hours(hospital: Any) -> int:
    """One hospital's sign-ups and hours on its activities (idempotent: activities that
    already have sign-ups are left alone); returns the number of sign-ups written."""
    from django.db import transaction

    from hongfan.service.choices import ActivityStatus
    from hongfan.service.models import Activity

    activities = list(
        Activity.objects.filter(
            hospital=hospital,
            status__in=[ActivityStatus.PUBLISHED, ActivityStatus.CLOSED],
            signups__isnull=True,
        )
        .exclude(kind="desk_duty")
        .prefetch_related("shifts")
        .order_by("starts_at", "pk")
        .distinct()
    )
    if not activities:
        return 0
    plan = _HoursPlan(hospital, activities)
    if not plan.people:
        return 0
    signups, closing = plan.signups()
    with transaction.atomic():
        _write_hours(plan, signups, closing)
    return len(signups)


class _HoursPlan:
    """Who serves which shift: young staff most (their yearly target), the demo accounts
    often, one shift a day each."""

    def __init__(self, hospital: Any, activities: list[Any]) -> None:
        import random

        from django.utils import timezone

        from hongfan.accounts.models import User
        from hongfan.core.dates import age_on
        from hongfan.org.choices import PersonStatus
        from hongfan.org.models import Person
        from hongfan.service.selectors.rules import volunteer_rule_for

        self.hospital = hospital
        self.activities = activities
        self.rng = random.Random(f"hours-{hospital.pk}")
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.rule = volunteer_rule_for(hospital.authority_id, self.today)
        self.people = list(
            Person.objects.filter(hospital=hospital, status=PersonStatus.ACTIVE).only(
                "pk", "birth_date", "branch_id", "political_status", "hospital_id", "name"
            )
        )
        self.by_pk = {p.pk: p for p in self.people}
        limit = self.rule.young_age_max
        self.young = [p for p in self.people if age_on(p.birth_date, self.today) <= limit]
        self.older = [p for p in self.people if age_on(p.birth_date, self.today) > limit]
        # Zeal: most give steadily, some much more, some little (so the young average sits
        # near the target with people on both sides of it).
        self.zeal = {
            p.pk: self.rng.choice((0.3, 0.6, 1.0, 1.0, 1.3, 1.8, 2.5)) for p in self.people
        }
        self.demo_people = sorted(
            u.person_id
            for u in User.objects.filter(username__in=["member", "sec"], person__hospital=hospital)
            if u.person_id is not None
        )
        place_hours = sum(
            (sh.ends_at - sh.starts_at).total_seconds() / 3600 * sh.capacity
            for a in activities
            if a.ends_at <= self.now
            for sh in a.shifts.all()
        ) * (sum(HOURS_FILL) / 2)
        goal = float(self.rule.yearly_target_hours) * len(self.young)
        self.p_young = min(0.9, max(0.2, goal / place_hours)) if place_hours else 0.6
        if not self.young:
            self.p_young = 0.0
        self.busy: set[tuple[int, object]] = set()  # (person, day)
        self.demo_upcoming = False
        self.cum: dict[int, list[float]] = {}
        self.waiting: list[Any] = []  # ended in the last days: hours wait for the organiser

    def _cum(self, pool: list[Any]) -> list[float]:
        from itertools import accumulate

        key = id(pool)
        if key not in self.cum:
            self.cum[key] = list(accumulate(self.zeal[x.pk] for x in pool))
        return self.cum[key]

    def _pick(self, day: object, taken: set[int]) -> Any:
        pool = self.young if self.young and self.rng.random() < self.p_young else self.older
        pool = pool or self.young
        cum = self._cum(pool)
        for _ in range(12):
            p = self.rng.choices(pool, cum_weights=cum)[0]
            if p.pk not in taken and (p.pk, day) not in self.busy:
                return p
        return None

    def _chosen(self, shift: Any, past: bool) -> list[Any]:
        from django.utils import timezone

        day = timezone.localtime(shift.starts_at).date()
        low, high = HOURS_FILL if past else HOURS_UPCOMING_FILL
        want = max(1, round(shift.capacity * self.rng.uniform(low, high)))
        taken: set[int] = set()
        chosen: list[Any] = []
        # The demo accounts serve often, and both hold a place on the first upcoming shift.
        first_upcoming = not past and not self.demo_upcoming
        self.demo_upcoming = self.demo_upcoming or not past
        for pid in self.demo_people:
            odds = 1.0 if first_upcoming else 0.25 if past else 0.3
            if len(chosen) < want and (pid, day) not in self.busy and self.rng.random() < odds:
                chosen.append(self.by_pk[pid])
        while len(chosen) < want:
            p = self._pick(day, taken | {c.pk for c in chosen})
            if p is None:
                break
            chosen.append(p)
        for p in chosen:
            self.busy.add((p.pk, day))
        return chosen

    def signups(self) -> tuple[list[Any], list[Any]]:
        from datetime import timedelta

        from hongfan.service.choices import CheckInMethod, SignupStatus
        from hongfan.service.models import Signup

        rng = self.rng
        rows: list[Any] = []
        closing: list[Any] = []
        for a in self.activities:
            past = a.ends_at <= self.now
            waiting = past and a.ends_at > self.now - timedelta(days=HOURS_UNCONFIRMED_DAYS)
            for sh in a.shifts.all():
                for p in self._chosen(sh, past):
                    row = Signup(hospital_id=self.hospital.pk, activity=a, shift=sh, person=p)
                    absent = rng.random() < HOURS_NO_SHOW and p.pk not in self.demo_people
                    if past and absent and not waiting:
                        row.status = SignupStatus.NO_SHOW
                    elif past and not absent:
                        row.checked_in_at = sh.starts_at + timedelta(minutes=rng.randint(-15, 10))
                        row.checked_out_at = sh.ends_at + timedelta(minutes=rng.randint(-20, 10))
                        row.checkin_method = (
                            CheckInMethod.QR if rng.random() < 0.8 else CheckInMethod.LEAD
                        )
                        if a.kind in TRAVEL_KINDS:
                            row.excluded_minutes = rng.choice((15, 20, 30, 40))
                    rows.append(row)
            if past and not waiting:
                closing.append(a)
            elif waiting:
                self.waiting.append(a)
        return rows, closing


def _write_hours(plan: _HoursPlan, signups: list[Any], closing: list[Any]) -> None:
    """The sign-ups, the confirmed hours of the activities closed (ledger, rollup, the
    activities closed) and their points through the points door's batch, in bulk."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from hongfan.org.choices import MEMBER_STATUSES
    from hongfan.points import rules as codes
    from hongfan.points.services.awarding import CodedAward, award_many_by_code
    from hongfan.service.choices import ActivityStatus, HourKind, SignupStatus
    from hongfan.service.models import Activity, HourEntry, Signup
    from hongfan.service.selectors.hours import signup_hours
    from hongfan.service.services.hours import SOURCE_TYPE, add_to_totals

    closed = {a.pk for a in closing}
    entries: list[HourEntry] = []
    used: dict[tuple[int, object], Decimal] = {}
    for s in signups:
        if s.activity_id not in closed or s.status != SignupStatus.SIGNED:
            continue
        day = timezone.localtime(s.shift.starts_at).date()
        key = (s.person_id, day)
        s.confirmed_hours = signup_hours(
            checked_in_at=s.checked_in_at,
            checked_out_at=s.checked_out_at,
            shift_starts_at=s.shift.starts_at,
            shift_ends_at=s.shift.ends_at,
            excluded_minutes=s.excluded_minutes,
            day_cap=plan.rule.max_hours_per_day - used.get(key, Decimal(0)),
        )
        if s.confirmed_hours <= 0:
            continue
        used[key] = used.get(key, Decimal(0)) + s.confirmed_hours
        entries.append(
            HourEntry(
                hospital_id=plan.hospital.pk,
                person_id=s.person_id,
                branch_id=plan.by_pk[s.person_id].branch_id,
                kind=HourKind.TRAINING if "培训" in s.activity.title else HourKind.SERVICE,
                hours=s.confirmed_hours,
                occurred_on=day,
                activity_id=s.activity_id,
                signup=s,
            )
        )
    # The hours are worked out before the sign-ups are written: one insert, no update.
    Signup.objects.bulk_create(signups, batch_size=1000)
    for e in entries:
        e.signup_id = e.signup.pk if e.signup is not None else None
    HourEntry.objects.bulk_create(entries, batch_size=1000)
    add_to_totals(
        [(e.hospital_id, e.person_id, e.occurred_on.year, e.kind, e.hours, 1) for e in entries]
    )
    for a in closing:
        a.status = ActivityStatus.CLOSED
        a.closed_at = a.closed_at or a.ends_at + timedelta(days=1)
    for a in plan.waiting:  # their hours are not confirmed yet, whatever was planned
        a.status = ActivityStatus.PUBLISHED
        a.closed_at = None
    Activity.objects.bulk_update(
        [*closing, *plan.waiting], ["status", "closed_at"], batch_size=1000
    )
    award_many_by_code(
        access=None,
        awards=[
            CodedAward(
                person=plan.by_pk[e.person_id],
                code=codes.VOL_HOUR,
                occurred_on=e.occurred_on,
                source_type=SOURCE_TYPE,
                source_id=str(e.signup_id),
                quantity=e.hours,
                reason=f"志愿服务：{e.signup.activity.title}"[:200] if e.signup else "志愿服务",
            )
            for e in entries
            if e.kind == HourKind.SERVICE
            and plan.by_pk[e.person_id].political_status in MEMBER_STATUSES
            and e.occurred_on <= plan.today
        ],
    )


# --- 红帆驿站 and model posts --------------------------------------------------------------
def build_city_desks(authority: Any) -> None:
    """Desks with rosters, help given and loans; model posts with members and reviews."""


# --- 互联网+护理服务 -------------------------------------------------------------------------
def build_city_nursing(authority: Any) -> None:
    """Catalogues, qualified nurses and a year of bookings."""
