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
        n_places = max(12, round(240 * staff / LARGEST_STAFF))
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
        reachable = places[: max(1, int(len(places) * 0.9))]

        n = max(10, round(300 * staff / LARGEST_STAFF))
        tz = timezone.get_current_timezone()
        now = timezone.now()
        today = timezone.localdate()
        kinds = [k for k, _ in KIND_WEIGHTS]
        weights = [w for _, w in KIND_WEIGHTS]
        plan = []
        for k in range(n):
            kind = rng.choices(kinds, weights)[0]
            # a year back to five weeks ahead; most in the past
            day = today - timedelta(days=rng.randint(-35, 360))
            morning = rng.random() < 0.7
            start = datetime.combine(day, time(8, 30) if morning else time(14, 30), tzinfo=tz)
            end = start + timedelta(hours=3)
            branch = rng.choice(branches) if branches and rng.random() < 0.8 else None
            place = reachable[k % len(reachable)] if k < len(reachable) else rng.choice(reachable)
            measure = measures[min(KIND_MEASURE[kind], len(measures) - 1)]
            if end < now:
                status = ActivityStatus.CANCELLED if rng.random() < 0.03 else ActivityStatus.CLOSED
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
                        capacity=rng.randint(5, 15),
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


# --- 红帆驿站 and model posts --------------------------------------------------------------
def build_city_desks(authority: Any) -> None:
    """Desks with rosters, help given and loans; model posts with members and reviews."""


# --- 互联网+护理服务 -------------------------------------------------------------------------
def build_city_nursing(authority: Any) -> None:
    """Catalogues, qualified nurses and a year of bookings."""
