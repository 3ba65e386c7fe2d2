"""Reads of 学习教育: the items meant for a member with their progress, study hours against
the yearly target (self-study plus group study), the review queue, the rule in force.

Scope (docs/decisions/0001): another hospital's object is a 404; inside one's own hospital
a role without the right gets a 403; the 三员 see no business data (403). The tables here
cost a fixed number of queries whatever the number of members."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.http import Http404
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.dates import today, year_bounds
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Branch, BranchCommittee, CommitteeSeat, Hospital, Person
from hongfan.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus
from hongfan.orglife.models import Attendance
from hongfan.study.choices import LogStatus
from hongfan.study.models import StudyCompletion, StudyItem, StudyLog, StudyRule, StudyTopic

# --- access helpers ---------------------------------------------------------------------------


def is_member(person: Person) -> bool:
    return person.political_status in MEMBER_STATUSES and person.status == PersonStatus.ACTIVE


def learner_for(access: Access) -> Person:
    """The logged-in user's own person, who must be an active Party member to study."""
    access.require_business()
    if access.person_id is None:
        raise PermissionDenied("此账号未关联党员，没有个人学习记录")
    person = Person.objects.select_related("hospital", "branch").get(pk=access.person_id)
    if not is_member(person):
        raise PermissionDenied("只有在册党员参加学习和答题")
    return person


def meant_for(person: Person) -> Q:
    """Items and exams meant for a member: their hospital's, for everyone or their branch."""
    return Q(hospital_id=person.hospital_id) & (
        Q(branch__isnull=True) | Q(branch_id=person.branch_id)
    )


def reads_scoped(access: Access, *, hospital_id: int, branch_id: int | None) -> bool:
    """Who reads an item or an exam of a hospital (branch None: the whole hospital): the
    city, its managers, the hospital's secretaries (hospital-wide ones), and the members it
    is meant for."""
    if access.is_city or access.manages_branch(branch_id, hospital_id):
        return True
    if branch_id is None and hospital_id in access.branch_hospital_ids:
        return True
    if access.person_branch_id is None or access.person_hospital_id != hospital_id:
        return False
    return branch_id is None or branch_id == access.person_branch_id


def writes_scoped(access: Access, *, hospital_id: int, branch_id: int | None) -> bool:
    """Who publishes or changes an item or exam: the hospital admin (any branch or the
    whole hospital), a secretary (their branch only)."""
    if branch_id is None:
        return access.administers_hospital(hospital_id)
    return access.manages_branch(branch_id, hospital_id)


def can_publish(access: Access, hospital: Hospital) -> bool:
    return access.administers_hospital(hospital.pk) or hospital.pk in access.branch_hospital_ids


def publish_branches(access: Access, hospital: Hospital) -> QuerySet[Branch]:
    """The branches this user may publish to (their own for a secretary, any for an admin)."""
    qs = Branch.objects.filter(hospital=hospital, active=True)
    if not access.administers_hospital(hospital.pk):
        qs = qs.filter(pk__in=access.branch_ids)
    return qs.order_by("pk")


def topics(hospital: Hospital) -> list[StudyTopic]:
    return list(StudyTopic.objects.filter(hospital=hospital).order_by("name"))


# --- items ------------------------------------------------------------------------------------


def item_get(access: Access, pk: int) -> StudyItem:
    access.require_business()
    item = (
        StudyItem.objects.select_related("hospital", "branch", "topic", "published_by")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("学习资料不存在")
    if not reads_scoped(access, hospital_id=item.hospital_id, branch_id=item.branch_id):
        raise access.denied(item.hospital_id, "学习资料")
    if item.withdrawn_at is not None and not (
        access.is_city or access.manages_branch(item.branch_id, item.hospital_id)
    ):
        raise Http404("该学习资料已撤回")
    return item


def items_for_member(person: Person) -> QuerySet[StudyItem]:
    return (
        StudyItem.objects.filter(meant_for(person), withdrawn_at__isnull=True)
        .filter(published_at__lte=timezone.now())
        .select_related("topic", "branch")
        .order_by("-required", F("due_on").asc(nulls_last=True), "-published_at", "-id")
    )


def items_managed(
    access: Access, hospital: Hospital, *, include_withdrawn: bool = False
) -> QuerySet[StudyItem]:
    """Items a manager sees: the hospital's (admin, city), or a secretary's branches' and
    the hospital-wide ones."""
    access.require_business()
    qs = StudyItem.objects.filter(hospital=hospital)
    if access.is_city or access.administers_hospital(hospital.pk):
        pass
    elif hospital.pk in access.branch_hospital_ids:
        qs = qs.filter(Q(branch__isnull=True) | Q(branch_id__in=access.branch_ids))
    else:
        raise access.denied(hospital.pk, "医院的学习资料")
    if not include_withdrawn:
        qs = qs.filter(withdrawn_at__isnull=True)
    return (
        qs.select_related("topic", "branch", "published_by")
        .annotate(finished=Count("completions", distinct=True))
        .order_by("-published_at", "-id")
    )


@dataclass
class ItemProgress:
    item: StudyItem
    confirmed_minutes: int = 0
    pending_minutes: int = 0
    completion: StudyCompletion | None = None

    @property
    def finished(self) -> bool:
        return self.completion is not None

    @property
    def overdue(self) -> bool:
        return bool(
            self.item.required
            and not self.finished
            and self.item.due_on is not None
            and self.item.due_on < today()
        )

    @property
    def due_soon(self) -> bool:
        due = self.item.due_on
        return bool(
            not self.finished and due is not None and today() <= due <= today() + timedelta(7)
        )


def item_progress(person: Person, items: list[StudyItem]) -> list[ItemProgress]:
    """Each item with this member's confirmed and pending minutes and their completion:
    two queries whatever the number of items."""
    ids = [i.pk for i in items]
    sums: dict[int, tuple[int | None, int | None]] = {
        item_id: (confirmed, pending)
        for item_id, confirmed, pending in StudyLog.objects.filter(person=person, item_id__in=ids)
        .order_by()
        .values_list("item_id")
        .annotate(
            confirmed=Sum("minutes", filter=Q(status=LogStatus.CONFIRMED)),
            pending=Sum("minutes", filter=Q(status=LogStatus.PENDING)),
        )
    }
    done = {c.item_id: c for c in StudyCompletion.objects.filter(person=person, item_id__in=ids)}
    out = []
    for item in items:
        confirmed, pending = sums.get(item.pk, (0, 0))
        out.append(
            ItemProgress(
                item,
                confirmed_minutes=confirmed or 0,
                pending_minutes=pending or 0,
                completion=done.get(item.pk),
            )
        )
    return out


def my_items(access: Access) -> list[ItemProgress]:
    person = learner_for(access)
    return item_progress(person, list(items_for_member(person)))


def logs_of_member(access: Access) -> QuerySet[StudyLog]:
    """A member's own study log, newest first."""
    person = learner_for(access)
    return (
        StudyLog.objects.filter(person=person)
        .select_related("item", "decided_by")
        .order_by("-studied_on", "-id")
    )


# --- rules and targets -------------------------------------------------------------------------

DEFAULT_RULE_FROM = date(2000, 1, 1)


def study_rule_for(authority_id: int, day: date | None = None) -> StudyRule:
    """The rule version in force on ``day`` (the DOMAIN.md defaults if none is stored)."""
    day = day or today()
    rule = (
        StudyRule.objects.filter(authority_id=authority_id, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
    return rule or StudyRule(authority_id=authority_id, effective_from=DEFAULT_RULE_FROM)


def rule_day(year: int) -> date:
    """The day whose rule sets a year's target: today for this year, the year's end before."""
    return min(today(), date(year, 12, 31))


def rule_versions(access: Access, authority_id: int) -> list[StudyRule]:
    if not access.is_city:
        raise PermissionDenied("学习学时规则由市卫健委设定")
    return list(
        StudyRule.objects.filter(authority_id=authority_id)
        .select_related("created_by")
        .order_by("-effective_from")
    )


def committee_people(*, hospital_id: int, person_ids: list[int] | None = None) -> set[int]:
    """People whose target is the committee one: branch secretaries, and members with a seat
    in their own branch's current committee (the latest term). Two queries."""
    current = Subquery(
        BranchCommittee.objects.filter(branch_id=OuterRef("committee__branch_id"))
        .order_by("-term_start", "-pk")
        .values("pk")[:1]
    )
    seats = CommitteeSeat.objects.filter(
        committee__branch__hospital_id=hospital_id,
        person__branch_id=F("committee__branch_id"),
        committee_id=current,
    )
    secretaries = Branch.objects.filter(
        hospital_id=hospital_id, active=True, secretary__isnull=False
    )
    if person_ids is not None:
        seats = seats.filter(person_id__in=person_ids)
        secretaries = secretaries.filter(secretary_id__in=person_ids)
    return set(seats.values_list("person_id", flat=True)) | set(
        secretaries.values_list("secretary_id", flat=True)
    )


# --- hours ---------------------------------------------------------------------------------------


def self_minutes(people: Q, year: int) -> dict[int, int]:
    """Confirmed self-study minutes per person in a year (one grouped query)."""
    rows = (
        StudyLog.objects.filter(
            people,
            status=LogStatus.CONFIRMED,
            studied_on__gte=date(year, 1, 1),
            studied_on__lt=date(year + 1, 1, 1),
        )
        .order_by()
        .values_list("person_id")
        .annotate(m=Sum("minutes"))
    )
    return {pid: int(m or 0) for pid, m in rows}


def group_minutes(people: Q, year: int) -> dict[int, int]:
    """Group-study (集中学习) minutes per person in a year: the length of every held
    ``group_study`` meeting they were present at (one grouped query)."""
    start, end = year_bounds(year)
    length = ExpressionWrapper(
        F("meeting__ends_at") - F("meeting__starts_at"), output_field=DurationField()
    )
    rows = (
        Attendance.objects.filter(
            people,
            status=AttendanceStatus.PRESENT,
            meeting__kind=MeetingKind.GROUP_STUDY,
            meeting__status=MeetingStatus.HELD,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
        )
        .order_by()
        .values_list("person_id")
        .annotate(d=Sum(length))
    )
    out: dict[int, int] = {}
    for pid, d in rows:
        if d is None:
            continue
        seconds = d.total_seconds() if isinstance(d, timedelta) else int(d) / 1_000_000
        out[pid] = int(seconds // 60)
    return out


def hours_text(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def year_share(year: int) -> Decimal:
    """How much of a year has passed (1 for past years): the pace a target is judged by."""
    day = today()
    if year < day.year:
        return Decimal(1)
    if year > day.year:
        return Decimal(0)
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    return Decimal((day - date(year, 1, 1)).days + 1) / Decimal(days)


@dataclass
class Hours:
    """A member's study hours in a year against the target."""

    person_id: int
    name: str
    branch: str
    self_minutes: int
    group_minutes: int
    target_hours: int
    committee: bool
    share: Decimal = Decimal(1)  # of the year passed

    @property
    def total_minutes(self) -> int:
        return self.self_minutes + self.group_minutes

    @property
    def hours(self) -> Decimal:
        return hours_text(self.total_minutes)

    @property
    def self_hours(self) -> Decimal:
        return hours_text(self.self_minutes)

    @property
    def group_hours(self) -> Decimal:
        return hours_text(self.group_minutes)

    @property
    def percent(self) -> int:
        if not self.target_hours:
            return 100
        return min(100, int(self.total_minutes * 100 / (self.target_hours * 60)))

    @property
    def expected_hours(self) -> Decimal:
        """Where the member should be by now to reach the target at an even pace."""
        return (self.target_hours * self.share).quantize(Decimal("0.1"))

    @property
    def behind(self) -> bool:
        return Decimal(self.total_minutes) / 60 < self.target_hours * self.share

    @property
    def reached(self) -> bool:
        return self.total_minutes >= self.target_hours * 60

    @property
    def role_label(self) -> str:
        return "支部书记/支委" if self.committee else "党员"


def _hours_rows(
    people: list[tuple[int, str, str]],
    *,
    hospital: Hospital,
    year: int,
    people_q: Q,
    rule: StudyRule,
) -> list[Hours]:
    own = self_minutes(people_q, year)
    group = group_minutes(people_q, year)
    committee = committee_people(hospital_id=hospital.pk)
    share = year_share(year)
    return [
        Hours(
            person_id=pid,
            name=name,
            branch=branch or "",
            self_minutes=own.get(pid, 0),
            group_minutes=group.get(pid, 0),
            target_hours=rule.committee_target_hours
            if pid in committee
            else rule.member_target_hours,
            committee=pid in committee,
            share=share,
        )
        for pid, name, branch in people
    ]


def my_hours(person: Person, year: int) -> Hours:
    branch = person.branch.name if person.branch_id and person.branch else ""
    rows = _hours_rows(
        [(person.pk, person.name, branch)],
        hospital=person.hospital,
        year=year,
        people_q=Q(person_id=person.pk),
        rule=study_rule_for(person.hospital.authority_id, rule_day(year)),
    )
    return rows[0]


@dataclass
class HoursTable:
    hospital: Hospital
    branch: Branch | None
    year: int
    rule: StudyRule
    rows: list[Hours] = field(default_factory=list)

    @property
    def behind_count(self) -> int:
        return sum(1 for r in self.rows if r.behind)

    @property
    def reached_count(self) -> int:
        return sum(1 for r in self.rows if r.reached)

    @property
    def average_hours(self) -> Decimal:
        if not self.rows:
            return Decimal(0)
        return hours_text(sum(r.total_minutes for r in self.rows) // len(self.rows))


def hours_scope(access: Access, hospital: Hospital, branch: Branch | None) -> Branch | None:
    """Check who may read a hours table: the city and the hospital admin (hospital or any
    branch), a secretary (their branch; asked for the hospital, they get their branch)."""
    access.require_business()
    if branch is not None:
        if branch.hospital_id != hospital.pk:
            raise Http404("支部不存在")
        if access.is_city or access.manages_branch(branch.pk, hospital.pk):
            return branch
        raise access.denied(hospital.pk, "支部的学习情况")
    if access.reads_hospital(hospital.pk):
        return None
    if hospital.pk in access.branch_hospital_ids and access.branch_ids:
        return Branch.objects.get(pk=min(access.branch_ids))
    raise access.denied(hospital.pk, "医院的学习情况")


def hours_table(
    access: Access, *, hospital: Hospital, year: int, branch: Branch | None = None
) -> HoursTable:
    """Every active member of a hospital (or branch) with their hours against the target:
    six queries whatever the number of members."""
    branch = hours_scope(access, hospital, branch)
    people_q = Q(person__hospital_id=hospital.pk)
    members = Person.objects.filter(
        hospital=hospital, status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
    )
    if branch is not None:
        people_q &= Q(person__branch_id=branch.pk)
        members = members.filter(branch=branch)
    people = list(
        members.order_by("branch_id", "name", "pk").values_list("pk", "name", "branch__name")
    )
    rule = study_rule_for(hospital.authority_id, rule_day(year))
    rows = _hours_rows(people, hospital=hospital, year=year, people_q=people_q, rule=rule)
    return HoursTable(hospital=hospital, branch=branch, year=year, rule=rule, rows=rows)


# --- the review queue ----------------------------------------------------------------------------


def log_queue(access: Access, *, hospital: Hospital) -> QuerySet[StudyLog]:
    """Self-study entries to confirm: a secretary's branches, a hospital admin's hospital."""
    access.require_business()
    qs = StudyLog.objects.filter(hospital=hospital)
    if access.administers_hospital(hospital.pk):
        pass
    elif hospital.pk in access.branch_hospital_ids:
        qs = qs.filter(person__branch_id__in=access.branch_ids)
    else:
        raise access.denied(hospital.pk, "医院的学习记录", "审核")
    return qs.select_related("person", "person__branch", "item", "decided_by")


def log_get(access: Access, pk: int) -> StudyLog:
    """One study entry: its member, their secretary, their hospital's admin (and the city)."""
    access.require_business()
    log = StudyLog.objects.select_related("person", "item").filter(pk=pk).first()
    if log is None:
        raise Http404("学习记录不存在")
    person = log.person
    if (
        access.person_id == person.pk
        or access.is_city
        or access.manages_branch(person.branch_id, log.hospital_id)
    ):
        return log
    raise access.denied(log.hospital_id, "学习记录")


def pending_count(access: Access, hospital: Hospital) -> int:
    if not (access.administers_hospital(hospital.pk) or hospital.pk in access.branch_hospital_ids):
        return 0
    qs = log_queue(access, hospital=hospital).filter(status=LogStatus.PENDING)
    if access.person_id:
        qs = qs.exclude(person_id=access.person_id)
    return qs.count()
