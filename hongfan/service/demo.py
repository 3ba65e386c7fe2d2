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


# --- 红帆驿站 and model posts --------------------------------------------------------------
def build_city_desks(authority: Any) -> None:
    """Desks with rosters, help given and loans; model posts with members and reviews."""


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
        NursingBooking.objects.bulk_create(rows, batch_size=500)
