"""Demo organisational life: a year of meetings for a hospital's branches, mostly on time,
a few missed (so the calendars show yellow and red), with attendance; and one meeting
planned for today in the demo secretary's branch (to try the QR check-in)."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.org.choices import MEMBER_STATUSES, BranchKind, PersonStatus, PoliticalStatus
from hongfan.org.models import Branch, BranchCommittee, Hospital, PartyGroup, Person
from hongfan.orglife.choices import (
    AttendanceStatus,
    CheckinMethod,
    MeetingKind,
    MeetingStatus,
    QuorumOf,
)
from hongfan.orglife.models import Attendance, Meeting
from hongfan.orglife.selectors.rules import meeting_rules_in_force

TOPICS: dict[MeetingKind, list[str]] = {
    MeetingKind.GENERAL: ["学习贯彻党的二十届三中全会精神", "讨论发展党员工作", "半年工作总结"],
    MeetingKind.COMMITTEE: ["研究本月支部工作安排", "讨论科室重点工作", "研究党员积分审核"],
    MeetingKind.GROUP: ["学习医德医风规范", "交流患者服务经验"],
    MeetingKind.LECTURE: ["弘扬伟大建党精神", "做党和人民满意的好医生", "党纪学习教育专题党课"],
    MeetingKind.THEME_DAY: ["红帆驿站志愿服务", "走进社区开展义诊", "重温入党誓词"],
    MeetingKind.LIFE: ["年度组织生活会"],
    MeetingKind.APPRAISAL: ["年度民主评议党员"],
    MeetingKind.GROUP_STUDY: [
        "集中学习：党纪学习教育",
        "集中学习：医德医风规范",
        "集中学习：全会精神",
    ],
}


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 30), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def build_demo_orglife(hospital: Hospital, *, year: int, until: date, seed: int) -> int:  # noqa: C901
    """Meetings of ``year`` up to ``until`` (exclusive) for every branch of the hospital."""
    rng = random.Random(seed)
    branches = list(Branch.objects.filter(hospital=hospital, kind=BranchKind.BRANCH, active=True))
    members: dict[int, list[Person]] = {}
    for p in Person.objects.filter(
        hospital=hospital, status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
    ).order_by("pk"):
        members.setdefault(p.branch_id or 0, []).append(p)
    committees = {
        c.branch_id: [s.person for s in c.seats.all()]
        for c in BranchCommittee.objects.filter(branch__in=branches)
        .prefetch_related("seats__person")
        .order_by("branch_id", "term_start")
    }
    groups: dict[int, list[PartyGroup]] = {}
    for g in PartyGroup.objects.filter(branch__in=branches).order_by("pk"):
        groups.setdefault(g.branch_id, []).append(g)
    # The city's rules for the year (the demo's meetings are built in bulk, not one by one).
    rules = {r.kind: r for r in meeting_rules_in_force(hospital.authority_id, date(year, 1, 1))}
    counted = {k for k, r in rules.items() if r.quorum_of != QuorumOf.NONE}
    plan: list[tuple[Meeting, list[tuple[Person, bool]]]] = []
    for b in branches:
        people = members.get(b.pk, [])
        if not people:
            continue
        diligence = rng.uniform(0.8, 1.0)  # the share of required meetings this branch holds

        def add(
            kind: str,
            day: date,
            roster: list[tuple[Person, bool]],
            group: PartyGroup | None = None,
            lecturer: Person | None = None,
            b: Branch = b,
            people: list[Person] = people,
            diligence: float = diligence,
        ) -> None:
            if day >= until or rng.random() > diligence or not roster:
                return
            starts = _at(day, rng.choice([8, 12, 14, 16]))
            m = Meeting(
                hospital=hospital,
                branch=b,
                party_group=group,
                kind=kind,
                status=MeetingStatus.HELD,
                topic=rng.choice(TOPICS.get(MeetingKind(kind), ["集中学习"])),
                starts_at=starts,
                ends_at=starts + timedelta(minutes=rng.choice([60, 90, 120])),
                place=rng.choice(["科室示教室", "行政楼三楼会议室", "党员活动室", "门诊楼会议室"]),
                host=b.secretary,
                recorder=rng.choice(people),
                lecturer=lecturer,
                minutes="<p>会议按议程进行，与会党员结合本职工作交流发言。</p>",
                by_secretary=bool(lecturer and lecturer == b.secretary),
                checkin_token=secrets.token_urlsafe(32),
                checkin_opens_at=starts - timedelta(minutes=rules[kind].checkin_before_minutes),
                checkin_closes_at=starts
                + timedelta(hours=3, minutes=rules[kind].checkin_after_minutes),
                closed_at=starts + timedelta(hours=3),
            )
            plan.append((m, roster))

        everyone = [(p, p.political_status == PoliticalStatus.MEMBER) for p in people]
        for month in range(1, 13):
            first = date(year, month, 1)
            add(MeetingKind.THEME_DAY, first + timedelta(days=rng.randrange(5, 25)), everyone)
            # 集中学习: counts towards the members' study hours (hongfan.study)
            add(MeetingKind.GROUP_STUDY, first + timedelta(days=rng.randrange(1, 27)), everyone)
            if b.pk in committees:
                seats = [(p, True) for p in committees[b.pk]]
                add(MeetingKind.COMMITTEE, first + timedelta(days=rng.randrange(1, 10)), seats)
            for g in groups.get(b.pk, []):
                roster = [
                    (p, p.political_status == PoliticalStatus.MEMBER)
                    for p in people
                    if p.party_group_id == g.pk
                ]
                add(
                    MeetingKind.GROUP,
                    first + timedelta(days=rng.randrange(10, 27)),
                    roster,
                    group=g,
                )
            if month % 3 == 0:
                add(MeetingKind.GENERAL, first + timedelta(days=rng.randrange(3, 25)), everyone)
                lecturer = b.secretary if month == 6 else rng.choice(people)
                add(
                    MeetingKind.LECTURE,
                    first + timedelta(days=rng.randrange(3, 25)),
                    everyone,
                    lecturer=lecturer,
                )
    Meeting.objects.bulk_create([m for m, _ in plan])
    rows = []
    for m, roster in plan:
        for p, voting in roster:
            r = rng.random()
            status = (
                AttendanceStatus.PRESENT
                if r < 0.9
                else AttendanceStatus.LEAVE
                if r < 0.96
                else AttendanceStatus.ABSENT
            )
            method = (
                rng.choice([CheckinMethod.QR, CheckinMethod.ROSTER])
                if status == AttendanceStatus.PRESENT
                else ""
            )
            rows.append(
                Attendance(
                    meeting=m,
                    person=p,
                    voting=voting,
                    status=status,
                    reason="外出会诊" if status == AttendanceStatus.LEAVE else "",
                    method=method,
                    # a tick by the secretary has no arrival time (only a QR scan does)
                    checked_in_at=m.starts_at if method == CheckinMethod.QR else None,
                )
            )
        if m.kind in counted:
            all_count = rules[m.kind].quorum_of == QuorumOf.ROSTER
            counting = [a for a in rows[-len(roster) :] if all_count or a.voting]
            m.voters_expected = len(counting)
            present = sum(1 for a in counting if a.status == AttendanceStatus.PRESENT)
            m.voters_present = present
            m.quorate = present * 2 > len(counting)
    Attendance.objects.bulk_create(rows, batch_size=2000)
    Meeting.objects.bulk_update(
        [m for m, _ in plan if m.kind in counted],
        ["voters_expected", "voters_present", "quorate"],
        batch_size=500,
    )
    return len(plan)


def plan_demo_meeting(
    access: Access, branch: Branch, *, starts_in: timedelta = timedelta(minutes=15)
) -> Meeting:
    """A 主题党日 of the branch starting shortly, planned by its secretary (the QR demo)."""
    from hongfan.orglife.services.meetings import meeting_schedule

    starts = timezone.now().replace(second=0, microsecond=0) + starts_in
    return meeting_schedule(
        access=access,
        branch=branch,
        kind=MeetingKind.THEME_DAY,
        topic="主题党日：红帆驿站志愿服务",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        place="门诊大厅红帆驿站",
        host=branch.secretary,
        agenda="1. 学习志愿服务制度\n2. 分组上岗服务患者\n3. 交流体会",
    )


def build_city_orglife(authority: Any) -> None:
    """The demo city's organisational life (a step of ``builddemo``, registered in apps.py):
    the city's meeting frequencies; this year's meetings in every hospital and, in the demo
    secretary's branch, a 主题党日 about to start (to try the QR check-in)."""
    from django.contrib.auth import get_user_model

    from hongfan.core.access import access_for
    from hongfan.core.dates import today
    from hongfan.orglife.services.rules import meeting_requirements_seed

    day = today()
    meeting_requirements_seed(authority=authority, effective_from=date(day.year - 1, 1, 1))
    for i, hospital in enumerate(Hospital.objects.order_by("pk")):
        if not Meeting.objects.filter(hospital=hospital).exists():
            build_demo_orglife(hospital, year=day.year, until=day, seed=700 + i)
    access = access_for(get_user_model().objects.get(username="sec"))
    branch = Branch.objects.get(pk=min(access.branch_ids))
    if not Meeting.objects.filter(branch=branch, status="planned").exists():
        plan_demo_meeting(access, branch)
