"""The service app's part of the demo city (steps of ``builddemo``, registered in apps.py),
one function per part of the app, run in this order: activities before the sign-ups and
hours on them, then desks and posts, then home nursing. Figures from the reports (305
activities, 20,000+ hours and 200 villages a year for a large hospital)."""

from __future__ import annotations

from typing import Any

# --- activities: brand, measures, places, planning, records -------------------------------
# The brands the reports name, with a slogan; a hospital without one in the org demo gets
# one of these in turn.
BRANDS = [
    ("心连馨", "用心服务 呵护健康"),
    ("党建引领 暖医惠民", "服务患者 服务基层 服务发展"),
    ("医心向党", "医心向党 姓党为民"),
    ("红帆暖心", "红帆领航 暖心为民"),
]
MEASURES = [
    ("送医上门爱心服务", "为行动不便的老人、慢病患者上门诊疗、送药"),
    ("健康巡诊进乡村", "组织专家到村卫生室巡诊，培训乡村医生"),
    ("节日互动暖心服务", "重阳、春节等节日走进敬老院、社区"),
    ("慢病管理全程服务", "高血压、糖尿病患者建档随访"),
    ("健康知识进校园", "走进中小学开展健康讲座、急救培训"),
    ("红帆驿站便民服务", "门诊大厅导诊、陪诊、借用轮椅雨伞"),
]
# Real townships (乡镇/街道) of 济宁's districts, by administrative code.
TOWNSHIPS = {
    "370811": ("任城区", ["李营街道", "唐口街道", "长沟镇", "喻屯镇", "二十里铺街道", "安居街道"]),
    "370812": ("兖州区", ["鼓楼街道", "龙桥街道", "酒仙桥街道", "新驿镇", "小孟镇", "漕河镇", "颜店镇", "大安镇"]),
    "370828": ("金乡县", ["金乡街道", "鸡黍镇", "羊山镇", "胡集镇", "卜集镇", "化雨镇"]),
    "370881": ("曲阜市", ["鲁城街道", "书院街道", "时庄街道", "尼山镇", "王庄镇", "息陬镇"]),
    "370826": ("微山县", ["夏镇街道", "韩庄镇", "欢城镇", "留庄镇", "两城镇", "马坡镇"]),
}  # fmt: skip
VILLAGE_STEMS = [
    "东王", "西李", "北张", "前刘", "后赵", "南陈", "大庄", "小营", "孙家", "郭庄", "杨楼",
    "高庙", "马集", "周村", "吴桥", "徐营", "何庄", "林屯", "罗家", "宋庄", "韩楼", "唐村",
]  # fmt: skip
TITLES = {
    "free_clinic": ["{place}义诊活动", "“{brand}”专家义诊进{place}"],
    "home_visit": ["送医上门到{place}", "慢病患者入户随访（{place}）"],
    "health_patrol": ["健康巡诊进{place}", "乡村医生带教巡诊（{place}）"],
    "health_talk": ["健康讲座：高血压防治（{place}）", "急救知识培训进{place}"],
    "festival": ["重阳敬老暖心行（{place}）", "新春送健康到{place}"],
    "other": ["{place}健康咨询活动"],
}
KIND_MEASURE = {
    "free_clinic": 1,
    "home_visit": 0,
    "health_patrol": 1,
    "health_talk": 3,
    "festival": 2,
    "other": 3,
}
KIND_WEIGHTS = [
    ("free_clinic", 30),
    ("home_visit", 25),
    ("health_patrol", 20),
    ("health_talk", 12),
    ("festival", 8),
    ("other", 5),
]
LARGEST_STAFF = 2600  # the city's largest hospital gives ~300 activities a year
# The hospital the reports describe (its reported staff is known: 济宁市第三人民医院 in the
# full demo city) shows their figures for a year: 305 activities held and 200 villages
# reached; with its desks' duty, 20,000+ hours. The tiny test city keeps the scaled ones.
REPORTED_ACTIVITIES = 305
REPORTED_PLACES_REACHED = 200
DAYS_BACK, DAYS_AHEAD = 360, 35  # activities from a year back to five weeks ahead
CANCELLED_SHARE = 0.03


def activity_count(hospital: Any, staff: int) -> int:
    """How many activities to plan over ``DAYS_BACK`` + ``DAYS_AHEAD`` days."""
    if hospital.reported_staff:
        # so that those held in the last year (not cancelled) come to the report's number
        span = (DAYS_BACK + DAYS_AHEAD + 1) / (DAYS_BACK + 1)
        return round(REPORTED_ACTIVITIES * span / (1 - CANCELLED_SHARE))
    return max(10, round(300 * staff / LARGEST_STAFF))


def place_count(hospital: Any, staff: int) -> int:
    """How many places to register (nine in ten are reached in a year)."""
    if hospital.reported_staff:
        # a few places' first visit falls outside the year (ahead, or cancelled)
        return round(REPORTED_PLACES_REACHED * REACH_MARGIN / REACHED_SHARE)
    return max(12, round(240 * staff / LARGEST_STAFF))


REACHED_SHARE = 0.9
REACH_MARGIN = 1.06


def build_city_activities(authority: Any) -> None:
    """Every hospital's brand and measures, its villages, and a year of activities: past
    ones closed with their shifts (leads, places) and records, the coming weeks' published.
    Idempotent: a hospital that has its brand already is left as it is."""
    from hongfan.org.models import Hospital

    for i, hospital in enumerate(Hospital.objects.filter(authority=authority).order_by("pk")):
        build_hospital_activities(hospital, seed=4200 + hospital.pk, index=i)


def build_hospital_activities(hospital: Any, *, seed: int, index: int = 0) -> int:  # noqa: C901, PLR0915
    """One hospital's part (returns the number of activities made)."""
    import random
    import secrets
    from datetime import datetime, time, timedelta

    from django.db import transaction
    from django.utils import timezone

    from hongfan.core.pii import encrypt, keyed_hash
    from hongfan.org.choices import BranchKind, PersonStatus
    from hongfan.org.models import Branch, Person
    from hongfan.service.choices import ActivityStatus, PlaceKind, ServedKind
    from hongfan.service.models import (
        Activity,
        Household,
        Place,
        ServedCount,
        ServiceBrand,
        ServiceMeasure,
        ServiceRecord,
        Shift,
    )

    if ServiceBrand.objects.filter(hospital=hospital).exists():
        return 0
    rng = random.Random(seed)
    people = list(
        Person.objects.filter(hospital=hospital, status=PersonStatus.ACTIVE).values_list(
            "pk", "branch_id"
        )
    )
    if not people:
        return 0
    staff = len(people)
    by_branch: dict[int | None, list[int]] = {}
    for pk, branch_id in people:
        by_branch.setdefault(branch_id, []).append(pk)
    branches = list(
        Branch.objects.filter(hospital=hospital, kind=BranchKind.BRANCH, active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        name, slogan = next(
            (b for b in BRANDS if b[0] == hospital.brand_name), BRANDS[index % len(BRANDS)]
        )
        brand = ServiceBrand.objects.create(
            hospital=hospital,
            name=hospital.brand_name or name,
            slogan=slogan,
            description=hospital.brand_description
            or "以党建引领志愿服务，把医疗服务送到群众身边。",
        )
        count = 4 + (index % 3)
        measures = ServiceMeasure.objects.bulk_create(
            [
                ServiceMeasure(hospital=hospital, brand=brand, name=n, description=d, order=o + 1)
                for o, (n, d) in enumerate(MEASURES[:count])
            ]
        )
        county, towns = TOWNSHIPS.get(hospital.region_code, TOWNSHIPS["370811"])
        n_places = place_count(hospital, staff)
        places = []
        for k in range(n_places):
            town = towns[k % len(towns)]
            stem = VILLAGE_STEMS[(k // len(towns)) % len(VILLAGE_STEMS)]
            round_ = k // (len(towns) * len(VILLAGE_STEMS))
            if k % 9 == 4:
                pname, pkind = f"{stem}社区", PlaceKind.COMMUNITY
            elif k % 13 == 6:
                pname, pkind = f"{town[:2]}第{k % 5 + 1}小学", PlaceKind.SCHOOL
            else:
                pname, pkind = f"{stem}村", PlaceKind.VILLAGE
            if round_:
                pname = f"{pname[:-1]}{round_ + 1}{pname[-1]}"
            places.append(
                Place(hospital=hospital, name=pname, kind=pkind, township=town, county=county)
            )
        unique: dict[tuple[str, str], Any] = {}
        for p in places:
            unique.setdefault((p.township, p.name), p)
        places = list(unique.values())
        places = Place.objects.bulk_create(places)
        # Nine in ten places are reached in a year (the reports: 200 villages).
        reachable = places[: max(1, int(len(places) * REACHED_SHARE))]

        n = activity_count(hospital, staff)
        tz = timezone.get_current_timezone()
        now = timezone.now()
        today = timezone.localdate()
        kinds = [k for k, _ in KIND_WEIGHTS]
        weights = [w for _, w in KIND_WEIGHTS]
        plan = []
        for k in range(n):
            kind = rng.choices(kinds, weights)[0]
            # a year back to five weeks ahead; most in the past
            day = today - timedelta(days=rng.randint(-DAYS_AHEAD, DAYS_BACK))
            morning = rng.random() < 0.7
            start = datetime.combine(day, time(8, 30) if morning else time(14, 30), tzinfo=tz)
            end = start + timedelta(hours=3)
            branch = rng.choice(branches) if branches and rng.random() < 0.8 else None
            place = reachable[k % len(reachable)] if k < len(reachable) else rng.choice(reachable)
            measure = measures[min(KIND_MEASURE[kind], len(measures) - 1)]
            if end < now:
                status = (
                    ActivityStatus.CANCELLED
                    if rng.random() < CANCELLED_SHARE
                    else ActivityStatus.CLOSED
                )
            else:
                status = ActivityStatus.DRAFT if rng.random() < 0.1 else ActivityStatus.PUBLISHED
            title = rng.choice(TITLES[kind]).format(place=place.name, brand=brand.name)
            plan.append(
                Activity(
                    hospital=hospital,
                    branch_id=branch,
                    measure=measure,
                    kind=kind,
                    status=status,
                    title=title[:100],
                    description="",
                    place=place,
                    place_detail="村卫生室" if kind in ("free_clinic", "health_patrol") else "",
                    starts_at=start,
                    ends_at=end,
                    signup_deadline=start - timedelta(hours=14),
                    cancel_deadline=start - timedelta(hours=20),
                    skills="全科、护理" if kind == "home_visit" else "",
                    open_to_staff=rng.random() < 0.85,
                    checkin_token=secrets.token_urlsafe(32),
                    cancel_reason="天气原因" if status == ActivityStatus.CANCELLED else "",
                    published_at=start - timedelta(days=5)
                    if status != ActivityStatus.DRAFT
                    else None,
                    closed_at=end + timedelta(days=1) if status == ActivityStatus.CLOSED else None,
                )
            )
        Activity.objects.bulk_create(plan, batch_size=500)
        shifts = []
        for a in plan:
            pool = by_branch.get(a.branch_id) or [pk for pk, _ in people]
            halves = 2 if a.kind in ("free_clinic", "health_patrol") and rng.random() < 0.4 else 1
            length = (a.ends_at - a.starts_at) / halves
            for h in range(halves):
                shifts.append(
                    Shift(
                        activity=a,
                        label=("第一班", "第二班")[h] if halves == 2 else "全程",
                        starts_at=a.starts_at + length * h,
                        ends_at=a.starts_at + length * (h + 1),
                        # Free clinics, patrols and festival events take many hands (the
                        # reports: 20,000+ hours a year for a large hospital); visits and
                        # talks few.
                        capacity=rng.randint(20, 40)
                        if a.kind in ("free_clinic", "health_patrol", "festival")
                        else rng.randint(6, 15),
                        lead_id=rng.choice(pool),
                    )
                )
        Shift.objects.bulk_create(shifts, batch_size=1000)
        records, counts, households = [], [], []
        served_kinds = [k.value for k in ServedKind if k != ServedKind.OTHER]
        for a in plan:
            if a.status != ActivityStatus.CLOSED:
                continue
            if a.kind == "home_visit":
                for _ in range(rng.randint(3, 6)):
                    follow = rng.random() < 0.25
                    mobile = f"13{rng.randint(0, 999_999_999):09d}"
                    households.append(
                        Household(
                            hospital=hospital,
                            activity=a,
                            name=encrypt(
                                rng.choice("王李张刘陈杨赵黄周吴")
                                + rng.choice(["秀英", "桂兰", "建国", "玉珍", "长青", "凤英"])
                            ),
                            mobile=encrypt(mobile),
                            mobile_hash=keyed_hash(mobile),
                            address=encrypt(f"{a.place}{rng.randint(1, 120)}号"),
                            what_done=rng.choice(
                                ["测血压、调整用药", "测血糖、饮食指导", "伤口换药", "康复训练指导"]
                            ),
                            follow_up_needed=follow,
                            follow_up_note="复测血压" if follow else "",
                            follow_up_due=timezone.localtime(a.starts_at).date()
                            + timedelta(days=30)
                            if follow
                            else None,
                        )
                    )
                continue
            people_served = rng.randint(30, 200) if a.kind != "festival" else rng.randint(20, 60)
            records.append(
                ServiceRecord(
                    activity=a,
                    people_served=people_served,
                    referrals=rng.randint(0, max(1, people_served // 20)),
                    materials=rng.randint(people_served, people_served * 2),
                    medicine_value=rng.randint(0, 30) * 100,
                    summary="活动顺利开展，群众反响良好。",
                )
            )
        ServiceRecord.objects.bulk_create(records, batch_size=500)
        for r in records:
            for skind in rng.sample(served_kinds, 3):
                counts.append(
                    ServedCount(record=r, kind=skind, count=rng.randint(10, r.people_served))
                )
        ServedCount.objects.bulk_create(counts, batch_size=1000)
        Household.objects.bulk_create(households, batch_size=500)
    return len(plan)


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
    from hongfan.service.services.hours import SOURCE_TYPE, add_to_tally, add_to_totals

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
    add_to_tally(entries)
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
# From the reports: a 红帆驿站 in the outpatient lobby, staffed in turns all day, offering
# guidance, hot water, phone charging, printing, umbrellas and wheelchairs to borrow; the
# hospital's 党员先锋岗 / 示范岗 in wards and windows.
DESK_NAMES = [("门诊大厅红帆驿站", "门诊楼一楼大厅东侧"), ("住院部红帆驿站", "住院楼一楼服务台旁")]
DESK_ITEMS = [
    ("wheelchair", "轮椅", 6, 200, 4),
    ("umbrella", "爱心雨伞", 30, 0, 48),
    ("charger", "共享充电宝", 10, 0, 4),
    ("glasses", "老花镜", 12, 0, 2),
]
# (kind, weight, largest count on one line) — charging and guidance dominate a lobby's day.
DESK_HELP = [
    ("guidance", 10, 60),
    ("accompany", 3, 8),
    ("printing", 4, 25),
    ("charging", 6, 30),
    ("complaint", 1, 2),
    ("consultation", 3, 12),
]
POST_COMMITMENTS = [
    "亮身份、亮承诺、亮服务；急患者之所急，做到首问负责、一次讲清、全程引导。",
    "迎一步、问一句、扶一把，让每一位患者感受到党员的温度。",
    "技术上精益求精，服务上耐心细致，做到零推诿、零差错、零投诉。",
    "党员带头值守急难险重岗位，二十四小时守护群众生命健康。",
]
BORROWERS = ["王秀英", "李桂兰", "张建国", "刘玉梅", "陈志强", "杨淑珍", "赵德明", "孙丽娟"]


def build_city_desks(authority: Any) -> None:
    """Desks with rosters, help given and loans; model posts with members and reviews."""
    import random

    from hongfan.org.models import Hospital
    from hongfan.service.models import ServiceDesk

    for i, hospital in enumerate(Hospital.objects.filter(authority=authority).order_by("pk")):
        if ServiceDesk.objects.filter(hospital=hospital).exists():
            continue
        rng = random.Random(5200 + i)
        _demo_desks(hospital, rng, two=i % 2 == 0)
        _demo_posts(hospital, rng)


def _demo_measure(hospital: Any) -> Any:
    from hongfan.service.models import ServiceBrand, ServiceMeasure
    from hongfan.service.selectors.desk import duty_measure

    found = duty_measure(hospital.pk)
    if found is not None:
        return found
    brand = ServiceBrand.objects.filter(hospital=hospital).first()
    if brand is None:
        brand = ServiceBrand.objects.create(hospital=hospital, name="党建引领 暖医惠民")
    return ServiceMeasure.objects.create(
        hospital=hospital, brand=brand, name="红帆驿站便民服务", order=90
    )


def _demo_desks(hospital: Any, rng: Any, *, two: bool) -> None:  # noqa: C901
    import secrets
    from datetime import datetime, time, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from hongfan.accounts.models import User
    from hongfan.core.dates import today
    from hongfan.org.models import Person
    from hongfan.service.models import (
        Activity,
        DeskHelp,
        LendItem,
        Loan,
        ServiceDesk,
        Shift,
        Signup,
    )

    tz = timezone.get_current_timezone()
    now = timezone.now()
    day0 = today()
    measure = _demo_measure(hospital)
    staff = list(
        Person.objects.filter(hospital=hospital, status="active").values_list("pk", flat=True)
    )
    demo_member = (
        User.objects.filter(username="member", person__hospital=hospital)
        .values_list("person_id", flat=True)
        .first()
    )
    desks = [
        ServiceDesk.objects.create(
            hospital=hospital,
            name=name,
            location=where,
            opening_hours="工作日 07:30-17:30，周末 08:00-12:00",
            phone=f"0537-{rng.randint(2000000, 3999999)}",
        )
        for name, where in DESK_NAMES[: 2 if two else 1]
    ]
    first = day0.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    helps: list[DeskHelp] = []
    loans: list[Loan] = []
    for desk in desks:
        # A month's roster: weekdays × two slots × two places.
        plan = []
        d = first
        while d <= last:
            if d.weekday() < 5:
                for a, b in ((time(8), time(12)), (time(14), time(17, 30))):
                    plan.append(
                        (datetime.combine(d, a, tzinfo=tz), datetime.combine(d, b, tzinfo=tz))
                    )
            d += timedelta(days=1)
        activity = Activity.objects.create(
            hospital=hospital,
            measure=measure,
            kind="desk_duty",
            status="published",
            title=f"{desk.name}{first.month}月值班",
            description=f"{desk.name}（{desk.location}）志愿值班",
            place_detail=desk.location,
            desk=desk,
            starts_at=plan[0][0],
            ends_at=plan[-1][1],
            signup_deadline=plan[-1][0],
            cancel_deadline=plan[-1][0],
            checkin_token=secrets.token_urlsafe(32),
            published_at=plan[0][0] - timedelta(days=7),
        )
        shifts = Shift.objects.bulk_create(
            [
                Shift(
                    activity=activity,
                    label=f"{s:%H:%M}-{e:%H:%M}",
                    starts_at=s,
                    ends_at=e,
                    capacity=2,
                )
                for s, e in plan
            ]
        )
        signups = []
        for sh in shifts:
            # Most shifts full, some a place short (the fill-rate view shows them red).
            taken = 2 if rng.random() < 0.8 else rng.choice((0, 1))
            people = rng.sample(staff, min(taken, len(staff)))
            if demo_member and desk is desks[0] and sh.starts_at > now and rng.random() < 0.12:
                people = [demo_member, *[p for p in people if p != demo_member]][:2]
            for pid in dict.fromkeys(people):
                past = sh.ends_at < now
                signups.append(
                    Signup(
                        hospital=hospital,
                        activity=activity,
                        shift=sh,
                        person_id=pid,
                        checked_in_at=sh.starts_at if past else None,
                        checked_out_at=sh.ends_at if past else None,
                        checkin_method="lead" if past else "",
                    )
                )
        Signup.objects.bulk_create(signups)
        if len(staff) >= DUTY_HISTORY_MIN_STAFF:
            _duty_history(hospital, desk, measure, staff, rng)
        # Help given over the year, a few lines a day.
        d = day0.replace(month=1, day=1)
        while d <= day0:
            for _ in range(rng.randint(1, 2)):
                kind, _w, most = rng.choices(DESK_HELP, weights=[w for _, w, _ in DESK_HELP])[0]
                at = datetime.combine(d, time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=tz)
                if at > now:
                    continue
                helps.append(
                    DeskHelp(
                        hospital=hospital,
                        desk=desk,
                        kind=kind,
                        count=rng.randint(1, most),
                        occurred_at=at,
                    )
                )
            d += timedelta(days=1)
        items = LendItem.objects.bulk_create(
            [
                LendItem(
                    hospital=hospital,
                    desk=desk,
                    kind=kind,
                    name=name,
                    stock=stock,
                    deposit=Decimal(deposit),
                    loan_hours=hours,
                )
                for kind, name, stock, deposit, hours in DESK_ITEMS
            ]
        )
        loans += _demo_loans(hospital, items, rng)
    DeskHelp.objects.bulk_create(helps, batch_size=2000)
    Loan.objects.bulk_create(loans)


# Hospitals of this size (the full demo city, not the tiny test one) keep the year's past
# duty rosters too, each month closed with its hours confirmed (duty counts as service).
DUTY_HISTORY_MIN_STAFF = 500
DUTY_SLOTS = ((8, 0, 12, 0), (14, 0, 17, 30))
DUTY_PLACES = 2


def _duty_history(hospital: Any, desk: Any, measure: Any, staff: list[int], rng: Any) -> None:
    """The desk's rosters of the months of this year before this one: every shift filled
    by colleagues free that day (most places taken), checked in and out, the roster
    closed the day after the month, its hours confirmed into the ledger, the rollup and
    the members' points, as ``hours_confirm`` does."""
    import secrets
    from datetime import date, datetime, time, timedelta
    from decimal import Decimal

    from django.db.models import Sum
    from django.utils import timezone

    from hongfan.core.dates import today
    from hongfan.org.models import Person
    from hongfan.service.choices import ActivityStatus, HourKind, SignupStatus
    from hongfan.service.models import Activity, HourEntry, Shift, Signup
    from hongfan.service.selectors.hours import signup_hours
    from hongfan.service.selectors.rules import volunteer_rule_for

    tz = timezone.get_current_timezone()
    day0 = today()
    rule = volunteer_rule_for(hospital.authority_id, day0)
    year_start = date(day0.year, 1, 1)
    # Who already serves on a day (an activity, another desk): not on duty that day too.
    busy = set(
        Signup.objects.filter(
            hospital=hospital,
            shift__starts_at__gte=datetime.combine(year_start, time(0), tzinfo=tz),
            status=SignupStatus.SIGNED,
        ).values_list("person_id", "shift__starts_at__date")
    )
    used: dict[tuple[int, date], Decimal] = {
        (r["person_id"], r["occurred_on"]): r["h"]
        for r in HourEntry.objects.filter(hospital=hospital, occurred_on__gte=year_start)
        .values("person_id", "occurred_on")
        .annotate(h=Sum("hours"))
    }
    rosters: list[tuple[Any, list[tuple[datetime, datetime]]]] = []
    month = year_start
    while month < day0.replace(day=1):
        nxt = (month + timedelta(days=32)).replace(day=1)
        slots = [
            (datetime.combine(d, time(a, b), tzinfo=tz), datetime.combine(d, time(c, e), tzinfo=tz))
            for d in (month + timedelta(days=k) for k in range((nxt - month).days))
            if d.weekday() < 5
            for a, b, c, e in DUTY_SLOTS
        ]
        activity = Activity(
            hospital=hospital,
            measure=measure,
            kind="desk_duty",
            status=ActivityStatus.CLOSED,
            title=f"{desk.name}{month.month}月值班",
            description=f"{desk.name}（{desk.location}）志愿值班",
            place_detail=desk.location,
            desk=desk,
            starts_at=slots[0][0],
            ends_at=slots[-1][1],
            signup_deadline=slots[-1][0],
            cancel_deadline=slots[-1][0],
            checkin_token=secrets.token_urlsafe(32),
            published_at=slots[0][0] - timedelta(days=7),
            closed_at=slots[-1][1] + timedelta(days=1),
        )
        rosters.append((activity, slots))
        month = nxt
    if not rosters:
        return
    Activity.objects.bulk_create([a for a, _ in rosters])
    shifts = Shift.objects.bulk_create(
        [
            Shift(activity=a, label=f"{s:%H:%M}-{e:%H:%M}", starts_at=s, ends_at=e,
                  capacity=DUTY_PLACES)
            for a, slots in rosters
            for s, e in slots
        ],
        batch_size=1000,
    )  # fmt: skip
    branch_of = dict(Person.objects.filter(pk__in=staff).values_list("pk", "branch_id").iterator())
    signups: list[Any] = []
    entries: list[Any] = []
    for sh in shifts:
        day = timezone.localtime(sh.starts_at).date()
        want = DUTY_PLACES if rng.random() < 0.85 else 1
        people: list[int] = []
        for _ in range(12):
            if len(people) == want:
                break
            pid = rng.choice(staff)
            if pid not in people and (pid, day) not in busy:
                people.append(pid)
        for pid in people:
            busy.add((pid, day))
            row = Signup(
                hospital=hospital,
                activity=sh.activity,
                shift=sh,
                person_id=pid,
                checked_in_at=sh.starts_at + timedelta(minutes=rng.randint(-10, 5)),
                checked_out_at=sh.ends_at + timedelta(minutes=rng.randint(-10, 10)),
                checkin_method="lead",
            )
            row.confirmed_hours = signup_hours(
                checked_in_at=row.checked_in_at,
                checked_out_at=row.checked_out_at,
                shift_starts_at=sh.starts_at,
                shift_ends_at=sh.ends_at,
                excluded_minutes=0,
                day_cap=rule.max_hours_per_day - used.get((pid, day), Decimal(0)),
            )
            signups.append(row)
            if row.confirmed_hours > 0:
                used[(pid, day)] = used.get((pid, day), Decimal(0)) + row.confirmed_hours
                entries.append(
                    HourEntry(
                        hospital_id=hospital.pk,
                        person_id=pid,
                        branch_id=branch_of.get(pid),
                        kind=HourKind.SERVICE,
                        hours=row.confirmed_hours,
                        occurred_on=day,
                        activity=sh.activity,
                        signup=row,
                    )
                )
    Signup.objects.bulk_create(signups, batch_size=1000)
    _confirm_in_bulk(hospital, entries)


def _confirm_in_bulk(hospital: Any, entries: list[Any]) -> None:
    """Write confirmed hour entries (their sign-ups saved), add them to the yearly rollup
    and pay the members' points through the points door's batch."""
    from hongfan.org.choices import MEMBER_STATUSES
    from hongfan.org.models import Person
    from hongfan.points import rules as codes
    from hongfan.points.services.awarding import CodedAward, award_many_by_code
    from hongfan.service.choices import HourKind
    from hongfan.service.models import HourEntry
    from hongfan.service.services.hours import SOURCE_TYPE, add_to_totals

    for e in entries:
        e.signup_id = e.signup.pk if e.signup is not None else None
    HourEntry.objects.bulk_create(entries, batch_size=1000)
    add_to_totals(
        [(e.hospital_id, e.person_id, e.occurred_on.year, e.kind, e.hours, 1) for e in entries]
    )
    members = {
        p.pk: p
        for p in Person.objects.filter(
            pk__in={e.person_id for e in entries}, political_status__in=MEMBER_STATUSES
        )
    }
    award_many_by_code(
        access=None,
        awards=[
            CodedAward(
                person=members[e.person_id],
                code=codes.VOL_HOUR,
                occurred_on=e.occurred_on,
                source_type=SOURCE_TYPE,
                source_id=str(e.signup_id),
                quantity=e.hours,
                reason=f"志愿服务：{e.activity.title}"[:200],
            )
            for e in entries
            if e.kind == HourKind.SERVICE and e.person_id in members
        ],
    )


def _demo_loans(hospital: Any, items: list[Any], rng: Any) -> list[Any]:
    """Loans of the last weeks: most returned; a few still out (two overdue), one lost."""
    from datetime import timedelta

    from django.utils import timezone

    from hongfan.core.pii import encrypt, keyed_hash
    from hongfan.service.models import Loan

    now = timezone.now()
    loans = []
    for n in range(24):
        item = items[n % len(items)]
        lent = now - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 8))
        status = "returned"
        if n in (0, 1):
            lent = now - timedelta(days=3 + n)
            status = "lent"  # overdue
        elif n in (2, 3, 5):
            lent = now - timedelta(minutes=30 + 20 * n)
            status = "lent"
        elif n == 4:
            status = "lost"
        mobile = f"139{rng.randint(10000000, 99999999)}"
        due = lent + timedelta(hours=item.loan_hours)
        loans.append(
            Loan(
                hospital=hospital,
                item=item,
                borrower=encrypt(rng.choice(BORROWERS)),
                mobile=encrypt(mobile),
                mobile_hash=keyed_hash(mobile),
                deposit=item.deposit,
                status=status,
                lent_at=lent,
                due_at=due,
                returned_at=min(due, lent + timedelta(hours=1), now)
                if status == "returned"
                else None,
                deposit_refunded=status == "returned" and item.deposit > 0,
                note="患者家属称已遗失，押金未退" if status == "lost" else "",
            )
        )
    return loans


def _demo_posts(hospital: Any, rng: Any) -> None:
    from datetime import timedelta

    from hongfan.accounts.models import User
    from hongfan.core.dates import today
    from hongfan.org.models import Person
    from hongfan.points.rules import POST_DUTY
    from hongfan.points.services.awarding import CodedAward, award_many_by_code
    from hongfan.service.models import (
        ModelPost,
        ModelPostDuty,
        ModelPostMember,
        ModelPostReview,
    )

    day0 = today()
    people = list(
        Person.objects.filter(hospital=hospital, status="active").exclude(department=None)
    )
    by_dept: dict[int | None, list[Any]] = {}
    for p in people:
        by_dept.setdefault(p.department_id, []).append(p)
    heads = [p for p in people if p.political_status == "member" and p.branch_id is not None]
    rng.shuffle(heads)
    demo = {
        u: User.objects.filter(username=u, person__hospital=hospital)
        .values_list("person_id", flat=True)
        .first()
        for u in ("member", "sec")
    }
    # The demo secretary's branch gets a post headed by the secretary, with the member on it.
    sec_person = Person.objects.filter(pk=demo["sec"]).first() if demo["sec"] else None
    if sec_person is not None and sec_person.political_status == "member":
        heads = [sec_person, *[h for h in heads if h.pk != sec_person.pk]]
    from hongfan.org.models import Department

    names = dict(Department.objects.filter(hospital=hospital).values_list("pk", "name"))
    used_depts: set[int] = set()
    posts: list[tuple[ModelPost, list[Any]]] = []
    target = rng.randint(5, 15)
    for head in heads:
        if len(posts) >= target:
            break
        if head.department_id in used_depts or head.department_id is None:
            continue
        used_depts.add(head.department_id)
        assert head.branch_id is not None
        kind = "pioneer" if rng.random() < 0.6 else "model"
        label = "党员先锋岗" if kind == "pioneer" else "党员示范岗"
        post = ModelPost.objects.create(
            hospital=hospital,
            branch_id=head.branch_id,
            kind=kind,
            name=f"{names.get(head.department_id, '')}{label}",
            department_id=head.department_id,
            head=head,
            commitment=rng.choice(POST_COMMITMENTS),
            designated_on=day0.replace(month=1, day=1) - timedelta(days=rng.randint(200, 900)),
        )
        mates = [p for p in by_dept.get(head.department_id, []) if p.pk != head.pk]
        # Mostly a third to a half Party members; now and then a post slips below the rule.
        party = [p for p in mates if p.political_status in ("member", "probationary")]
        others = [p for p in mates if p not in party]
        chosen = rng.sample(party, min(len(party), rng.randint(1, 3)))
        chosen += rng.sample(others, min(len(others), rng.randint(1, 4)))
        staff = [head, *chosen]
        if head.pk == demo["sec"] and demo["member"]:
            member = Person.objects.get(pk=demo["member"])
            staff = [*staff, member] if member.pk not in {p.pk for p in staff} else staff
        ModelPostMember.objects.bulk_create(
            [ModelPostMember(post=post, person=p, joined_on=post.designated_on) for p in staff]
        )
        posts.append((post, staff))
    ModelPostReview.objects.bulk_create(
        [
            ModelPostReview(
                post=post,
                year=day0.year - 1,
                result="improve" if n == 1 else "passed",
                note="服务流程需进一步规范，限三个月内整改" if n == 1 else "",
            )
            for n, (post, _staff) in enumerate(posts)
            if post.designated_on.year < day0.year
        ]
    )
    duties: list[ModelPostDuty] = []
    for post, staff in posts:
        members = [p for p in staff if p.political_status in ("member", "probationary")]
        for p in members:
            for back in sorted(rng.sample(range(1, 60), 3)):
                duties.append(
                    ModelPostDuty(
                        hospital=hospital,
                        post=post,
                        person=p,
                        on=day0 - timedelta(days=back),
                        note="亮身份、践承诺，窗口值守",
                    )
                )
    duties = ModelPostDuty.objects.bulk_create(duties)
    award_many_by_code(
        access=None,
        awards=[
            CodedAward(
                d.person, POST_DUTY, d.on, "service.postduty", str(d.pk), 1, f"{d.post.name}值守"
            )
            for d in duties
        ],
    )


# --- 互联网+护理服务 -------------------------------------------------------------------------
NURSING_CATALOGUE = [
    ("basic", "生命体征监测", "血压、血糖、血氧监测及用药指导"),
    ("basic", "静脉采血", "遵医嘱上门采集血标本并送检"),
    ("tube", "PICC导管维护", "冲管、换膜、更换输液接头"),
    ("tube", "胃管、尿管护理", "留置管道更换与护理指导"),
    ("wound", "压力性损伤护理", "评估、清创、换药"),
    ("wound", "造口护理", "造口评估、造口袋更换与并发症处理"),
    ("rehab", "康复训练指导", "卧床、术后患者肢体功能训练"),
    ("maternal", "新生儿及产妇护理", "母乳喂养指导、新生儿沐浴与脐部护理"),
    ("tcm", "中医护理", "艾灸、拔罐、穴位按摩"),
]
NURSING_WHAT_DONE = [
    "测量生命体征，更换敷料，讲解居家护理要点",
    "完成导管维护，检查穿刺点无红肿，指导家属观察",
    "创面清创换药，评估愈合情况，调整换药频次",
    "指导康复训练，评估跌倒风险，提出居家环境改造建议",
]
NURSING_NOTES = ["", "", "卧床三个月", "出院后需要换药", "行动不便，家属陪同", "术后两周"]
NURSING_ADDRESSES = ["任城区", "太白湖新区", "兖州区", "曲阜市", "邹城市", "嘉祥县", "汶上县"]
NURSING_SURNAMES = "王李张刘陈杨赵黄周吴孙马朱胡郭何高林"


def _demo_mobile(rng: Any) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def _demo_booking(rng: Any, hospital: Any, services: list[Any], requested: Any, status: str) -> Any:
    from hongfan.core import pii
    from hongfan.service.choices import PatientKind
    from hongfan.service.models import NursingBooking
    from hongfan.service.services.nursing import REFERENCE_ALPHABET

    mobile = _demo_mobile(rng)
    name = rng.choice(NURSING_SURNAMES) + rng.choice("桂兰秀英建国玉梅志强淑珍")
    address = (
        f"{rng.choice(NURSING_ADDRESSES)}{rng.randint(1, 99)}号院"
        f"{rng.randint(1, 20)}号楼{rng.randint(1, 6)}单元{rng.randint(101, 1802)}"
    )
    return NursingBooking(
        hospital=hospital,
        reference="HL" + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8)),
        service=rng.choice(services),
        patient_kind=rng.choice(PatientKind.values),
        patient_name=pii.encrypt(name),
        mobile=pii.encrypt(mobile),
        mobile_hash=pii.keyed_hash(mobile),
        address=pii.encrypt(address),
        note=rng.choice(NURSING_NOTES),
        status=status,
        requested_at=requested,
    )


def _demo_nurses(rng: Any, hospital: Any, today: Any) -> list[int]:
    """4–10 qualified nurses among the nursing staff and one below the rule; returns the
    qualified ones' people."""
    from hongfan.org.models import Person
    from hongfan.service.choices import NurseTitle
    from hongfan.service.models import NurseProfile

    titles = {t.label: t.value for t in NurseTitle}
    staff = list(
        Person.objects.filter(hospital=hospital, status="active", title__contains="护")
        .order_by("pk")
        .values_list("pk", "title")[:200]
    )
    senior = [(pk, t) for pk, t in staff if titles.get(t, 0) >= NurseTitle.SENIOR_NURSE]
    junior = [(pk, t) for pk, t in staff if titles.get(t, 0) == NurseTitle.NURSE]
    chosen = rng.sample(senior, min(len(senior), rng.randint(4, 10)))
    profiles = [
        NurseProfile(
            hospital=hospital,
            person_id=pk,
            title=titles[t],
            clinical_since=today.replace(year=today.year - rng.randint(6, 25), day=1),
        )
        for pk, t in chosen
    ]
    if junior:  # one nurse below the rule: 3 years, 护士
        profiles.append(
            NurseProfile(
                hospital=hospital,
                person_id=junior[0][0],
                title=NurseTitle.NURSE,
                clinical_since=today.replace(year=today.year - 3, day=1),
            )
        )
    NurseProfile.objects.bulk_create(profiles)
    return [pk for pk, _ in chosen]


def _demo_year(
    rng: Any, hospital: Any, services: list[Any], nurses: list[int], now: Any
) -> list[Any]:
    """A year of finished bookings: ~90–97 % served within a day, ~3 % refused."""
    from datetime import timedelta

    from hongfan.service.choices import NursingStatus, RiskLevel

    within_share = rng.uniform(0.90, 0.97)
    rows = []
    for day_back in range(365, 2, -1):
        for _ in range(rng.choice((0, 0, 0, 1, 1, 1, 1, 2))):
            requested = now - timedelta(days=day_back, minutes=rng.randint(0, 600))
            if rng.random() < 0.03:
                b = _demo_booking(rng, hospital, services, requested, NursingStatus.REFUSED)
                b.refused_reason = rng.choice(
                    ("病情不稳定，建议来院就诊", "超出本院上门服务范围", "家属取消需求")
                )
                b.triaged_at = requested + timedelta(hours=1)
                rows.append(b)
                continue
            b = _demo_booking(rng, hospital, services, requested, NursingStatus.CLOSED)
            b.risk_level = rng.choice((RiskLevel.LOW, RiskLevel.LOW, RiskLevel.MEDIUM))
            b.assessment = "电话评估：生命体征平稳，适合上门服务"
            b.triaged_at = requested + timedelta(minutes=rng.randint(20, 120))
            b.nurse_id = rng.choice(nurses)
            b.assigned_at = b.triaged_at + timedelta(minutes=rng.randint(10, 90))
            late = rng.random() > within_share
            b.arrived_at = requested + timedelta(
                hours=rng.uniform(25, 40) if late else rng.uniform(3, 22)
            )
            b.what_done = rng.choice(NURSING_WHAT_DONE)
            b.consumables = rng.choice(("", "无菌敷料2片", "PICC维护包1个", "造口袋2个"))
            b.closed_at = b.arrived_at + timedelta(hours=rng.randint(2, 30))
            rows.append(b)
    return rows


def build_city_nursing(authority: Any) -> None:
    """Catalogues, qualified nurses and a year of bookings: every hospital's catalogue,
    4–10 qualified nurses among its nursing staff and one below the rule, ~15 bookings a
    month with 90–97 % served within a day, a few refused, a few open (one past the
    promise). Idempotent: a hospital with a catalogue is passed over."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from hongfan.org.models import Hospital
    from hongfan.service.choices import NursingStatus, RiskLevel
    from hongfan.service.models import NursingBooking, NursingService
    from hongfan.service.selectors.nursing import promise_due

    now = timezone.now()
    today = timezone.localdate(now)
    for index, hospital in enumerate(Hospital.objects.filter(authority=authority).order_by("pk")):
        if NursingService.objects.filter(hospital=hospital).exists():
            continue
        rng = random.Random(5300 + index)
        services = NursingService.objects.bulk_create(
            NursingService(
                hospital=hospital, category=c, name=n, description=d, order=i, active=True
            )
            for i, (c, n, d) in enumerate(NURSING_CATALOGUE)
            if i < 6 or rng.random() < 0.6
        )
        nurses = _demo_nurses(rng, hospital, today)
        if not nurses:
            continue
        rows = _demo_year(rng, hospital, services, nurses, now)
        # Open now: one new, one accepted, one out with a nurse, one past the promise.
        for hours, status in (
            (2, NursingStatus.BOOKED),
            (5, NursingStatus.ACCEPTED),
            (8, NursingStatus.ASSIGNED),
            (30, NursingStatus.ACCEPTED),
        ):
            b = _demo_booking(rng, hospital, services, now - timedelta(hours=hours), status)
            if status != NursingStatus.BOOKED:
                b.risk_level = RiskLevel.LOW
                b.assessment = "电话评估：适合上门服务"
                b.triaged_at = b.requested_at + timedelta(hours=1)
            if status == NursingStatus.ASSIGNED:
                b.nurse_id = nurses[0]
                b.assigned_at = b.requested_at + timedelta(hours=2)
            rows.append(b)
        # The demo has no versions of the rule: one promise for the whole year.
        promise = promise_due(authority_id=hospital.authority_id, requested_at=now) - now
        for b in rows:
            b.due_at = b.requested_at + promise
        NursingBooking.objects.bulk_create(rows, batch_size=500)
