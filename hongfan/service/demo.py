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
def build_city_nursing(authority: Any) -> None:
    """Catalogues, qualified nurses and a year of bookings."""
