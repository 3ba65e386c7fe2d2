"""Reads of exams (考试): an exam, the exams a manager follows, the exams meant for a member
with their attempts, an attempt, and an exam's statistics.

Scope as everywhere (docs/decisions/0001): another hospital's exam is a 404; inside one's
own hospital a role without the right gets a 403; the 三员 get a 403."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.prepared import PreparedQuery
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Branch, Hospital, Person
from hongfan.study.choices import QuestionKind
from hongfan.study.models import AttemptQuestion, Exam, ExamAttempt
from hongfan.study.policy import reads_scoped
from hongfan.study.selectors.learners import learner_filter, learner_for, meant_for

GRACE = timedelta(seconds=30)  # a submission this late after the time limit still counts


def exam_get(*, access: Access, pk: int) -> Exam:
    access.require_business()
    exam = Exam.objects.select_related("hospital", "branch").filter(pk=pk).first()
    if exam is None:
        raise Http404("考试不存在")
    if not reads_scoped(access, hospital_id=exam.hospital_id, branch_id=exam.branch_id):
        raise access.denied(exam.hospital_id, "考试")
    return exam


def exam_list(*, access: Access, hospital: Hospital) -> QuerySet[Exam]:
    """Exams a manager follows: the hospital's (admin, city), a secretary's branches' and
    the hospital-wide ones."""
    access.require_business()
    qs = Exam.objects.filter(hospital=hospital)
    if access.is_city or access.administers_hospital(hospital.pk):
        pass
    elif hospital.pk in access.branch_hospital_ids:
        qs = qs.filter(Q(branch__isnull=True) | Q(branch_id__in=access.branch_ids))
    else:
        raise access.denied(hospital.pk, "医院的考试")
    return qs.select_related("branch").order_by("-opens_at", "-id")


@dataclass
class MyExam:
    exam: Exam
    attempts: list[ExamAttempt] = field(default_factory=list)
    now: datetime = field(default_factory=timezone.now)

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def best(self) -> int | None:
        scores = [a.score for a in self.attempts if a.score is not None]
        return max(scores) if scores else None

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def in_progress(self) -> ExamAttempt | None:
        return next(
            (a for a in self.attempts if a.submitted_at is None and a.deadline + GRACE > self.now),
            None,
        )

    @property
    def is_open(self) -> bool:
        return self.exam.opens_at <= self.now < self.exam.closes_at

    @property
    def remaining(self) -> int:
        """Attempts still to be used."""
        return max(0, self.exam.max_attempts - self.used)

    @property
    def can_start(self) -> bool:
        return self.in_progress is not None or (self.is_open and self.used < self.exam.max_attempts)


def exams_for_member(person: Person, *, include_closed: bool = True) -> list[MyExam]:
    """Exams meant for a member (open ones, and closed ones they took) with their attempts:
    two queries."""
    now = timezone.now()
    qs = Exam.objects.filter(meant_for(person)).select_related("branch")
    attempts: dict[int, list[ExamAttempt]] = {}
    for a in ExamAttempt.objects.filter(person=person).order_by("exam_id", "number"):
        attempts.setdefault(a.exam_id, []).append(a)
    if include_closed:
        qs = qs.filter(Q(opens_at__lte=now, closes_at__gt=now) | Q(pk__in=list(attempts)))
    else:
        qs = qs.filter(opens_at__lte=now, closes_at__gt=now)
    return [MyExam(e, attempts.get(e.pk, []), now) for e in qs.order_by("closes_at", "-id")]


def open_exam_count(person: Person) -> int:
    """How many exams meant for a member are open now (我的学习's badge): one COUNT."""
    ((count,),) = _OPEN_EXAMS.rows(person.hospital_id, person.branch_id or 0, timezone.now())
    return int(count)


def _open_exams_query(hospital_id: int, branch_id: int, now: datetime) -> QuerySet[Any]:
    """``open_exam_count``'s COUNT (``_OPEN_EXAMS``, compiled once per process): a person
    of that hospital and branch (0: none, which no exam names)."""
    return (
        Exam.objects.filter(
            Q(hospital_id=hospital_id) & (Q(branch__isnull=True) | Q(branch_id=branch_id)),
            opens_at__lte=now,
            closes_at__gt=now,
        )
        .order_by()
        .annotate(whole=Value(1, output_field=IntegerField()))
        .values("whole")
        .annotate(n=Count("pk"))
        .values_list("n")
    )


_OPEN_EXAMS = PreparedQuery(_open_exams_query)


def my_exams(*, access: Access) -> list[MyExam]:
    return exams_for_member(learner_for(access))


def my_exam(*, access: Access, exam: Exam) -> MyExam:
    person = learner_for(access)
    return MyExam(
        exam, list(ExamAttempt.objects.filter(exam=exam, person=person).order_by("number"))
    )


def attempt_get(*, access: Access, pk: int) -> ExamAttempt:
    """An attempt: its member, and (read only) their secretary, their hospital's admin and
    the city."""
    access.require_business()
    attempt = (
        ExamAttempt.objects.select_related("exam", "person", "exam__branch").filter(pk=pk).first()
    )
    if attempt is None:
        raise Http404("答题记录不存在")
    person = attempt.person
    if (
        access.person_id == person.pk
        or access.is_city
        or access.manages_branch(person.branch_id, attempt.hospital_id)
    ):
        return attempt
    raise access.denied(attempt.hospital_id, "答题记录")


def expired_attempt_ids(*, now: datetime, limit: int = 500) -> list[int]:
    """Attempts never handed in whose deadline passed before ``now`` (the worker grades
    them), oldest first."""
    return list(
        ExamAttempt.objects.filter(submitted_at__isnull=True, deadline__lt=now)
        .order_by("deadline", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def attempt_questions(attempt: ExamAttempt) -> list[AttemptQuestion]:
    return list(attempt.questions.select_related("question").order_by("position"))


# --- statistics ---------------------------------------------------------------------------------------


@dataclass
class ParticipantRow:
    person_id: int
    name: str
    branch: str
    attempts: int = 0
    best: int | None = None
    passed: bool = False

    @property
    def took(self) -> bool:
        return self.best is not None


@dataclass
class QuestionStat:
    question_id: int
    text: str
    kind: str
    drawn: int
    right: int

    @property
    def share(self) -> int:
        return int(self.right * 100 / self.drawn) if self.drawn else 0

    @property
    def kind_label(self) -> str:
        return QuestionKind(self.kind).label


@dataclass
class ExamStats:
    exam: Exam
    branch: Branch | None  # None: the exam's whole scope
    rows: list[ParticipantRow]
    hardest: list[QuestionStat]

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def took(self) -> int:
        return sum(1 for r in self.rows if r.took)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.rows if r.passed)

    @property
    def participation(self) -> int:
        return int(self.took * 100 / self.expected) if self.expected else 0

    @property
    def pass_rate(self) -> int:
        return int(self.passed * 100 / self.took) if self.took else 0

    @property
    def average(self) -> Decimal:
        scores = [r.best for r in self.rows if r.best is not None]
        if not scores:
            return Decimal(0)
        return (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1"))


def exam_stats(*, access: Access, exam: Exam, hardest: int = 10) -> ExamStats:
    """Participation (who took it of those expected), average of best scores, pass rate and
    the hardest questions (lowest share answered right) — for a secretary their branch, for
    the hospital admin and the city the exam's whole scope. Three queries whatever the
    number of members."""
    access.require_business()
    branch: Branch | None = exam.branch
    if access.is_city or access.administers_hospital(exam.hospital_id):
        branch_ids = [exam.branch_id] if exam.branch_id else None
    elif exam.hospital_id in access.branch_hospital_ids and (
        exam.branch_id is None or exam.branch_id in access.branch_ids
    ):
        branch_ids = [exam.branch_id] if exam.branch_id else sorted(access.branch_ids)
        if exam.branch_id is None:
            branch = Branch.objects.filter(pk__in=branch_ids).order_by("pk").first()
    else:
        raise access.denied(exam.hospital_id, "考试的统计")
    members = Person.objects.filter(
        hospital_id=exam.hospital_id,
        status=PersonStatus.ACTIVE,
        political_status__in=MEMBER_STATUSES,
    )
    attempts = ExamAttempt.objects.filter(exam=exam, submitted_at__isnull=False)
    drawn = AttemptQuestion.objects.filter(attempt__exam=exam, attempt__submitted_at__isnull=False)
    if branch_ids is not None:
        members = members.filter(branch_id__in=branch_ids)
        attempts = attempts.filter(person__branch_id__in=branch_ids)
        drawn = drawn.filter(attempt__person__branch_id__in=branch_ids)
    best = {
        r["person_id"]: r
        for r in attempts.order_by()
        .values("person_id")
        .annotate(
            n=Count("pk"),
            best=Max("score"),
            ok=Max(Case(When(passed=True, then=1), default=0, output_field=IntegerField())),
        )
    }
    rows = []
    for pid, name, bname in members.order_by("branch_id", "name", "pk").values_list(
        "pk", "name", "branch__name"
    ):
        r = best.get(pid)
        rows.append(
            ParticipantRow(
                pid,
                name,
                bname or "",
                attempts=r["n"] if r else 0,
                best=r["best"] if r else None,
                passed=bool(r and r["ok"]),
            )
        )
    stats = [
        QuestionStat(qid, text, kind, n, right or 0)
        for qid, text, kind, n, right in drawn.order_by()
        .values_list("question_id", "question__text", "question__kind")
        .annotate(n=Count("pk"), right=Count("pk", filter=Q(correct=True)))
    ]
    stats.sort(key=lambda s: (s.right / s.drawn if s.drawn else 1, -s.drawn, s.question_id))
    return ExamStats(exam, branch if branch_ids else None, rows, stats[:hardest])


# --- the home page's tasks and the person page (core.todos, core.panels) ------------------------


@dataclass(frozen=True)
class ExamWaiting:
    exam: Exam
    used: int  # attempts used


def exams_waiting(*, access: Access, now: datetime) -> list[ExamWaiting]:
    """The open exams meant for the acting member that they have not passed and may still
    attempt, the first to close first (one query; none for a user who does not study)."""
    meant = learner_filter(access)
    if meant is None:
        return []
    mine = Q(attempts__person_id=access.person_id)
    rows = (
        Exam.objects.filter(meant, opens_at__lte=now, closes_at__gt=now)
        .only("title", "pass_mark", "max_attempts", "closes_at")  # what the task shows
        .annotate(
            used=Count("attempts", filter=mine),
            passed_n=Count("attempts", filter=mine & Q(attempts__passed=True)),
        )
        .filter(passed_n=0)
        .order_by("closes_at", "pk")
    )
    return [ExamWaiting(e, e.used) for e in rows if e.used < e.max_attempts]


@dataclass(frozen=True)
class ExamResult:
    title: str
    attempts: int
    best: int | None
    passed: bool
    closes_at: datetime


def exam_results(person: Person) -> list[ExamResult]:
    """A person's exams taken, with their best score and whether they passed (one query);
    for the 党员档案, whose page has checked who may read the person."""
    rows = (
        ExamAttempt.objects.filter(person=person)
        .order_by()
        .values("exam_id", "exam__title", "exam__closes_at")
        .annotate(n=Count("id"), best=Max("score"), passed_n=Count("id", filter=Q(passed=True)))
        .order_by("-exam__closes_at", "-exam_id")
    )
    return [
        ExamResult(r["exam__title"], r["n"], r["best"], r["passed_n"] > 0, r["exam__closes_at"])
        for r in rows
    ]
