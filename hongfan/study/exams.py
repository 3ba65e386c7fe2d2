"""The question bank and exams (答题): services (writes) and selectors (reads).

An exam draws, for every attempt, its own questions at random from the hospital's bank
(by topic and difficulty) and stores them with the attempt; the member answers and submits
once, within the time limit plus a short grace; the server grades. Passing awards the
hospital's "STUDY-QUIZ" rule through ``points_award`` with the (exam, member) as the
source: one pass per exam pays once, however many attempts.

Scope as everywhere (docs/decisions/0001): another hospital's exam is a 404; inside one's
own hospital a role without the right gets a 403; the 三员 get a 403."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, When
from django.http import Http404, HttpRequest
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Branch, Hospital, Person
from hongfan.points.models import PointEntry
from hongfan.points.selectors.catalogue import active_rules
from hongfan.points.services.awarding import points_award
from hongfan.study.choices import JUDGE_OPTIONS, Difficulty, QuestionKind
from hongfan.study.models import AttemptQuestion, Exam, ExamAttempt, Question, StudyTopic
from hongfan.study.selectors import (
    learner_for,
    meant_for,
    reads_scoped,
    writes_scoped,
)

QUIZ_RULE = "STUDY-QUIZ"
GRACE = timedelta(seconds=30)  # a submission this late after the time limit still counts
TITLE_MAX = 100
MAX_QUESTIONS = 100
_rng = random.SystemRandom()  # which questions an attempt gets must not be predictable

# --- answers ---------------------------------------------------------------------------------------

_JUDGE_WORDS = {
    "对": "A",
    "正确": "A",
    "√": "A",
    "✓": "A",
    "错": "B",
    "错误": "B",
    "×": "B",
    "✗": "B",
}
_SEPARATORS = re.compile(r"[\s,，、;；/|]+")


def letters_of(raw: str) -> str:
    """ "a, c" / "ＡＣ" / "A、C" → "AC" (sorted, no repeats); letters only, else ValueError."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    text = _SEPARATORS.sub("", text)
    if not text:
        return ""
    if not all("A" <= c <= "Z" for c in text):
        raise ValueError(text)
    return "".join(sorted(set(text)))


def normalise_answer(question: Question, raw: Any) -> str:
    """A member's answer to a question as the letters it means ("" when unanswered);
    ValueError with a Chinese reason when it is not a possible answer."""
    if raw is None:
        return ""
    if isinstance(raw, list | tuple):
        raw = "".join(str(x) for x in raw)
    text = str(raw).strip()
    if not text:
        return ""
    if question.kind == QuestionKind.JUDGE:
        folded = unicodedata.normalize("NFKC", text)
        if folded in _JUDGE_WORDS:
            return _JUDGE_WORDS[folded]
        if folded.upper() in ("A", "B"):
            return folded.upper()
        raise ValueError("判断题请回答“对”或“错”")
    try:
        letters = letters_of(text)
    except ValueError:
        raise ValueError("请用选项字母作答，如 A 或 AC") from None
    valid = {chr(ord("A") + i) for i in range(len(question.options))}
    wrong = [c for c in letters if c not in valid]
    if wrong:
        last = chr(ord("A") + len(question.options) - 1)
        raise ValueError(f"选项{'、'.join(wrong)}不存在（本题只有A—{last}）")
    if question.kind == QuestionKind.SINGLE and len(letters) > 1:
        raise ValueError("单选题只能选一个答案")
    return letters


# --- the bank --------------------------------------------------------------------------------------


def bank_reader(access: Access, hospital: Hospital) -> None:
    """The bank is kept by the hospital admin (the city reads it)."""
    access.require_business()
    if not access.reads_hospital(hospital.pk):
        raise access.denied(hospital.pk, "医院的题库")


def question_list(
    access: Access,
    hospital: Hospital,
    *,
    topic_id: int | None = None,
    kind: str | None = None,
    difficulty: int | None = None,
) -> QuerySet[Question]:
    bank_reader(access, hospital)
    qs = Question.objects.filter(hospital=hospital, active=True).select_related("topic")
    if topic_id:
        qs = qs.filter(topic_id=topic_id)
    if kind in QuestionKind.values:
        qs = qs.filter(kind=kind)
    if difficulty in Difficulty.values:
        qs = qs.filter(difficulty=difficulty)
    return qs.order_by("topic__name", "difficulty", "pk")


def bank_counts(hospital: Hospital, topic_ids: list[int] | None = None) -> dict[int, int]:
    """Active questions per difficulty (in the topics, if given): one query."""
    qs = Question.objects.filter(hospital=hospital, active=True)
    if topic_ids:
        qs = qs.filter(topic_id__in=topic_ids)
    counts = dict(qs.order_by().values_list("difficulty").annotate(c=Count("pk")))
    return {d: counts.get(d, 0) for d in Difficulty.values}


def topic_counts(hospital: Hospital) -> list[tuple[StudyTopic, int]]:
    rows = (
        StudyTopic.objects.filter(hospital=hospital)
        .annotate(n=Count("questions", filter=Q(questions__active=True)))
        .order_by("name")
    )
    return [(t, t.n) for t in rows]  # type: ignore[attr-defined]


# --- exams: writes ---------------------------------------------------------------------------------


@transaction.atomic
def exam_create(  # noqa: C901
    *,
    access: Access,
    hospital: Hospital,
    branch: Branch | None,
    title: str,
    topics: list[StudyTopic],
    count_easy: int,
    count_medium: int,
    count_hard: int,
    time_limit_minutes: int,
    pass_mark: int,
    max_attempts: int,
    opens_at: datetime,
    closes_at: datetime,
    request: HttpRequest | None = None,
) -> Exam:
    """An exam for the whole hospital (its admin) or one branch (its secretary or the
    admin). The bank must hold enough questions of each difficulty in its topics."""
    access.require_business()
    if branch is not None and branch.hospital_id != hospital.pk:
        raise ValidationError({"branch": "支部不属于本院"})
    if not writes_scoped(access, hospital_id=hospital.pk, branch_id=branch.pk if branch else None):
        if branch is None:
            raise PermissionDenied("面向全院的考试由医院党委发布")
        raise PermissionDenied("只能为本支部发布考试")
    title = " ".join((title or "").split())
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "请填写考试名称"
    elif len(title) > TITLE_MAX:
        errors["title"] = f"考试名称不能超过{TITLE_MAX}个字"
    if any(t.hospital_id != hospital.pk for t in topics):
        errors["topics"] = "出题主题须是本院题库的主题"
    counts = {1: count_easy, 2: count_medium, 3: count_hard}
    if any(c is None or c < 0 for c in counts.values()):
        errors["count_easy"] = "各难度题数不能为负数"
    elif sum(counts.values()) < 1:
        errors["count_easy"] = "每次答题至少抽1道题"
    elif sum(counts.values()) > MAX_QUESTIONS:
        errors["count_easy"] = f"每次答题最多{MAX_QUESTIONS}道题"
    if not 1 <= (time_limit_minutes or 0) <= 300:
        errors["time_limit_minutes"] = "答题时限应为1—300分钟"
    if pass_mark is None or not 0 <= pass_mark <= 100:
        errors["pass_mark"] = "合格分数应为0—100"
    if not 1 <= (max_attempts or 0) <= 20:
        errors["max_attempts"] = "答题次数应为1—20次"
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = "截止时间必须晚于开始时间"
    elif closes_at and closes_at <= timezone.now():
        errors["closes_at"] = "截止时间不能早于现在"
    if "count_easy" not in errors and "topics" not in errors:
        have = bank_counts(hospital, [t.pk for t in topics])
        short = [
            f"“{Difficulty(d).label}”题只有{have[d]}道，不足{n}道"
            for d, n in counts.items()
            if n > have[d]
        ]
        if short:
            errors["count_easy"] = "题库中" + "；".join(short) + "，请减少题数或先导入题目"
    if errors:
        raise ValidationError(errors)
    exam = Exam.objects.create(
        hospital=hospital,
        branch=branch,
        title=title,
        count_easy=count_easy,
        count_medium=count_medium,
        count_hard=count_hard,
        time_limit_minutes=time_limit_minutes,
        pass_mark=pass_mark,
        max_attempts=max_attempts,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by_id=access.user_id,
    )
    exam.topics.set(topics)
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=exam,
        branch=branch.pk if branch else None,
        questions=exam.question_count,
    )
    return exam


@dataclass(frozen=True)
class Started:
    attempt: ExamAttempt
    resumed: bool  # an attempt in progress was handed back rather than a new one drawn


def _open_attempt(exam: Exam, person: Person, now: datetime) -> ExamAttempt | None:
    return (
        ExamAttempt.objects.filter(
            exam=exam, person=person, submitted_at__isnull=True, deadline__gt=now - GRACE
        )
        .order_by("-number")
        .first()
    )


def _draw(exam: Exam) -> list[int]:
    """Question ids for one attempt: the exam's count of each difficulty, at random."""
    qs = Question.objects.filter(hospital_id=exam.hospital_id, active=True)
    topic_ids = list(exam.topics.values_list("pk", flat=True))
    if topic_ids:
        qs = qs.filter(topic_id__in=topic_ids)
    pools: dict[int, list[int]] = {1: [], 2: [], 3: []}
    for pk, difficulty in qs.order_by().values_list("pk", "difficulty"):
        pools.setdefault(difficulty, []).append(pk)
    picked: list[int] = []
    for difficulty, n in ((1, exam.count_easy), (2, exam.count_medium), (3, exam.count_hard)):
        if n > len(pools[difficulty]):
            raise ValidationError(
                {"exam": "题库中的题目不足，暂时无法开始答题，请联系医院党委补充题库"}
            )
        picked += _rng.sample(pools[difficulty], n)
    _rng.shuffle(picked)
    return picked


@transaction.atomic
def attempt_start(
    *, access: Access, exam: Exam, now: datetime | None = None, request: HttpRequest | None = None
) -> Started:
    """Begin an attempt: questions drawn at random and stored with it, the deadline set (the
    time limit, cut at the exam's close). An attempt still in progress is handed back."""
    person = learner_for(access)
    if not (
        exam.hospital_id == person.hospital_id
        and (exam.branch_id is None or exam.branch_id == person.branch_id)
    ):
        raise access.denied(exam.hospital_id, "考试", "参加")
    now = now or timezone.now()
    open_attempt = _open_attempt(exam, person, now)
    if open_attempt is not None:
        return Started(open_attempt, True)
    if now < exam.opens_at:
        raise ValidationError(
            {"exam": f"考试尚未开始，开始时间：{timezone.localtime(exam.opens_at):%Y-%m-%d %H:%M}"}
        )
    if now >= exam.closes_at:
        raise ValidationError(
            {"exam": f"考试已于{timezone.localtime(exam.closes_at):%Y-%m-%d %H:%M}截止"}
        )
    used = ExamAttempt.objects.filter(exam=exam, person=person).count()
    if used >= exam.max_attempts:
        raise ValidationError({"exam": f"您已用完全部{exam.max_attempts}次答题机会"})
    ids = _draw(exam)
    try:
        with transaction.atomic():
            attempt = ExamAttempt.objects.create(
                exam=exam,
                hospital_id=exam.hospital_id,
                person=person,
                number=used + 1,
                started_at=now,
                deadline=min(now + timedelta(minutes=exam.time_limit_minutes), exam.closes_at),
                question_count=len(ids),
            )
            AttemptQuestion.objects.bulk_create(
                [
                    AttemptQuestion(attempt=attempt, question_id=qid, position=i)
                    for i, qid in enumerate(ids, start=1)
                ]
            )
    except IntegrityError:
        # A second tap started the same attempt meanwhile: hand that one back.
        again = _open_attempt(exam, person, now)
        if again is None:
            raise ValidationError({"exam": "答题开始失败，请刷新页面后重试"}) from None
        return Started(again, True)
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=attempt,
        exam=exam.pk,
        number=attempt.number,
    )
    return Started(attempt, False)


@dataclass(frozen=True)
class Submitted:
    attempt: ExamAttempt
    message: str


def _award_quiz(person: Person, exam: Exam, day: Any) -> tuple[PointEntry | None, str]:
    rule = active_rules(person.hospital_id, [QUIZ_RULE]).get(QUIZ_RULE)
    if rule is None:
        return None, f"本院未启用“参加答题并合格”积分规则（{QUIZ_RULE}），本次不计积分"
    try:
        result = points_award(
            access=None,
            person=person,
            rule=rule,
            occurred_on=day,
            source_type="exam",
            source_id=f"{exam.pk}-{person.pk}",
            reason=f"答题合格：{exam.title}"[:200],
        )
    except ValidationError as exc:
        return None, "本次不计积分：" + "；".join(exc.messages)
    if result.duplicate:
        return result.entry, "本考试此前已合格计分，不再重复计分"
    return result.entry, result.message


@transaction.atomic
def attempt_submit(
    *,
    access: Access,
    attempt: ExamAttempt,
    answers: dict[int, Any],
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Submitted:
    """Grade an attempt on the server. ``answers`` maps the attempt's question rows (their
    ids) to the letters chosen ("对"/"错" for true/false). Refused, nothing changed: not
    the member's own attempt; submitted already; later than the deadline plus the grace;
    an answer that is not a possible one."""
    access.require_business()
    if access.person_id is None or access.person_id != attempt.person_id:
        raise access.denied(attempt.hospital_id, "答卷", "提交")
    now = now or timezone.now()
    fresh = ExamAttempt.objects.select_for_update().select_related("exam").get(pk=attempt.pk)
    if fresh.submitted_at is not None:
        raise ValidationError({"attempt": "本次答题已交卷，不能重复提交"})
    if now > fresh.deadline + GRACE:
        raise ValidationError(
            {
                "attempt": f"已超过答题时限（截止{timezone.localtime(fresh.deadline):%H:%M:%S}，"
                f"另有{int(GRACE.total_seconds())}秒宽限），本次答卷未被接受"
            }
        )
    rows = list(fresh.questions.select_related("question").order_by("position"))
    by_id = {aq.pk: aq for aq in rows}
    errors: list[str] = []
    unknown = [k for k in answers if k not in by_id]
    if unknown:
        errors.append("答卷中有不属于本次答题的题目，请刷新页面后重新作答")
    chosen: dict[int, str] = {}
    for aq in rows:
        try:
            chosen[aq.pk] = normalise_answer(aq.question, answers.get(aq.pk))
        except ValueError as exc:
            errors.append(f"第{aq.position}题：{exc}")
    if errors:
        raise ValidationError({"answers": errors})
    right = 0
    for aq in rows:
        aq.chosen = chosen[aq.pk]
        aq.correct = aq.chosen == aq.question.answer
        right += aq.correct
    score = int(
        (Decimal(right) * 100 / Decimal(len(rows) or 1)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
    )
    passed = score >= fresh.exam.pass_mark
    updated = ExamAttempt.objects.filter(pk=fresh.pk, submitted_at__isnull=True).update(
        submitted_at=now, correct_count=right, score=score, passed=passed
    )
    if updated != 1:
        raise ValidationError({"attempt": "本次答题已交卷，不能重复提交"})
    AttemptQuestion.objects.bulk_update(rows, ["chosen", "correct"])
    fresh.submitted_at, fresh.correct_count, fresh.score, fresh.passed = now, right, score, passed
    message = f"已交卷：答对{right}/{len(rows)}题，得分{score}分，"
    if passed:
        entry, note = _award_quiz(fresh.person, fresh.exam, timezone.localtime(now).date())
        fresh.points_entry, fresh.points_note = entry, note[:200]
        fresh.save(update_fields=["points_entry", "points_note"])
        message += f"合格。{note}"
    else:
        message += f"未达到合格分数（{fresh.exam.pass_mark}分）"
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=fresh,
        exam=fresh.exam_id,
        score=score,
        passed=passed,
    )
    return Submitted(fresh, message)


# --- exams: reads ------------------------------------------------------------------------------------


def exam_get(access: Access, pk: int) -> Exam:
    access.require_business()
    exam = Exam.objects.select_related("hospital", "branch").filter(pk=pk).first()
    if exam is None:
        raise Http404("考试不存在")
    if not reads_scoped(access, hospital_id=exam.hospital_id, branch_id=exam.branch_id):
        raise access.denied(exam.hospital_id, "考试")
    return exam


def exams_managed(access: Access, hospital: Hospital) -> QuerySet[Exam]:
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


def my_exams(access: Access) -> list[MyExam]:
    return exams_for_member(learner_for(access))


def my_exam(access: Access, exam: Exam) -> MyExam:
    person = learner_for(access)
    return MyExam(
        exam, list(ExamAttempt.objects.filter(exam=exam, person=person).order_by("number"))
    )


def attempt_get(access: Access, pk: int) -> ExamAttempt:
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


def exam_stats(access: Access, exam: Exam, *, hardest: int = 10) -> ExamStats:
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


__all__ = [
    "GRACE",
    "JUDGE_OPTIONS",
    "QUIZ_RULE",
    "ExamStats",
    "MyExam",
    "Started",
    "Submitted",
    "attempt_get",
    "attempt_questions",
    "attempt_start",
    "attempt_submit",
    "bank_counts",
    "exam_create",
    "exam_get",
    "exam_stats",
    "exams_for_member",
    "exams_managed",
    "letters_of",
    "normalise_answer",
    "question_list",
]
