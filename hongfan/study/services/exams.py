"""Writes of exams (答题): creating an exam, starting an attempt, grading it.

An exam draws, for every attempt, its own questions at random from the hospital's bank
(by topic and difficulty) and stores them with the attempt; the member answers and submits
once, within the time limit plus a short grace; the server grades. Passing awards the
hospital's ``STUDY_QUIZ`` rule through ``award_by_code`` with the (exam, member) as the
source: one pass per exam pays once, however many attempts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.locks import lock_one
from hongfan.core.notify import STUDY, notify
from hongfan.org.models import Branch, Hospital, Person
from hongfan.points.models import PointEntry
from hongfan.points.rules import STUDY_QUIZ
from hongfan.points.services.awarding import award_by_code
from hongfan.study.choices import Difficulty
from hongfan.study.models import AttemptQuestion, Exam, ExamAttempt, Question, StudyTopic
from hongfan.study.policy import writes_scoped
from hongfan.study.selectors.exams import GRACE, expired_attempt_ids
from hongfan.study.selectors.learners import learner_for, learner_users
from hongfan.study.selectors.questions import bank_counts
from hongfan.study.validators import normalise_answer

TITLE_MAX = 100
MAX_QUESTIONS = 100
_rng = random.SystemRandom()  # which questions an attempt gets must not be predictable


def _count_error(counts: dict[int, int]) -> str | None:
    if any(c is None or c < 0 for c in counts.values()):
        return "各难度题数不能为负数"
    if sum(counts.values()) < 1:
        return "每次答题至少抽1道题"
    if sum(counts.values()) > MAX_QUESTIONS:
        return f"每次答题最多{MAX_QUESTIONS}道题"
    return None


def _limit_errors(
    errors: dict[str, str],
    *,
    time_limit_minutes: int,
    pass_mark: int,
    max_attempts: int,
    opens_at: datetime,
    closes_at: datetime,
) -> None:
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


def _bank_short(hospital: Hospital, topics: list[StudyTopic], counts: dict[int, int]) -> str | None:
    """What the bank lacks for the exam's mix in its topics (None: enough of each)."""
    have = bank_counts(hospital, [t.pk for t in topics])
    short = [
        f"“{Difficulty(d).label}”题只有{have[d]}道，不足{n}道"
        for d, n in counts.items()
        if n > have[d]
    ]
    return "题库中" + "；".join(short) + "，请减少题数或先导入题目" if short else None


@transaction.atomic
def exam_create(
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
    if msg := _count_error(counts):
        errors["count_easy"] = msg
    _limit_errors(
        errors,
        time_limit_minutes=time_limit_minutes,
        pass_mark=pass_mark,
        max_attempts=max_attempts,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    if "count_easy" not in errors and "topics" not in errors:
        if msg := _bank_short(hospital, topics, counts):
            errors["count_easy"] = msg
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
    opens, closes = timezone.localtime(exam.opens_at), timezone.localtime(exam.closes_at)
    notify(
        recipients=learner_users(hospital_id=hospital.pk, branch_id=exam.branch_id),
        title=f"考试：{exam.title}",
        body=f"答题时间{opens:%m月%d日 %H:%M}至{closes:%m月%d日 %H:%M}，限{exam.max_attempts}次",
        link=reverse("study:exam", args=[exam.pk]),
        category=STUDY,
        key=f"study.exam:{exam.pk}:opened",
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


def _answering(access: Access, attempt: ExamAttempt, now: datetime, verb: str) -> ExamAttempt:
    """The attempt, locked, when its own member may still answer it (else refused)."""
    access.require_business()
    if access.person_id is None or access.person_id != attempt.person_id:
        raise access.denied(attempt.hospital_id, "答卷", verb)
    fresh = lock_one(ExamAttempt.objects.select_related("exam"), attempt.pk)
    if fresh.submitted_at is not None:
        raise ValidationError({"attempt": "本次答题已交卷，不能再修改答案"})
    if now > fresh.deadline + GRACE:
        raise ValidationError({"attempt": "已超过答题时限，不能再作答"})
    return fresh


@transaction.atomic
def attempt_answer(
    *,
    access: Access,
    attempt: ExamAttempt,
    question_id: int | None,
    answer: Any,
    now: datetime | None = None,
) -> AttemptQuestion:
    """Keep one answer as it is given (the page saves each choice at once), so that a
    reload or a lost connection loses nothing; grading waits for the submission. Refused,
    nothing changed: another's attempt; submitted or past its time; a question not of this
    attempt; an answer that is not a possible one. Not audited one by one: the submission
    is."""
    now = now or timezone.now()
    fresh = _answering(access, attempt, now, "作答")
    row = (
        AttemptQuestion.objects.select_related("question")
        .filter(attempt=fresh, pk=question_id)
        .first()
        if question_id is not None
        else None
    )
    if row is None:
        raise ValidationError({"question": "题目不属于本次答题，请刷新页面后重新作答"})
    try:
        chosen = normalise_answer(row.question, answer)
    except ValueError as exc:
        raise ValidationError({"answer": f"第{row.position}题：{exc}"}) from None
    if row.chosen != chosen:
        row.chosen = chosen
        row.save(update_fields=["chosen"])
    return row


@dataclass(frozen=True)
class Submitted:
    attempt: ExamAttempt
    message: str


def _award_quiz(person: Person, exam: Exam, day: Any) -> tuple[PointEntry | None, str]:
    try:
        result = award_by_code(
            access=None,
            person=person,
            code=STUDY_QUIZ,
            occurred_on=day,
            source_type="exam",
            source_id=f"{exam.pk}-{person.pk}",
            reason=f"答题合格：{exam.title}"[:200],
        )
    except ValidationError as exc:
        return None, "本次不计积分：" + "；".join(exc.messages)
    if result is None:
        return None, f"本院未启用“参加答题并合格”积分规则（{STUDY_QUIZ}），本次不计积分"
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
    fresh = lock_one(ExamAttempt.objects.select_related("exam"), attempt.pk)
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
            # A question not in the form (time ran out, a checkbox cleared) keeps the
            # answer saved while answering.
            given = answers[aq.pk] if aq.pk in answers else aq.chosen
            chosen[aq.pk] = normalise_answer(aq.question, given)
        except ValueError as exc:
            errors.append(f"第{aq.position}题：{exc}")
    if errors:
        raise ValidationError({"answers": errors})
    return _grade(fresh, rows, chosen, when=now, actor_id=access.user_id, request=request)


def _grade(
    fresh: ExamAttempt,
    rows: list[AttemptQuestion],
    chosen: dict[int, str],
    *,
    when: datetime,
    actor_id: int | None,
    request: HttpRequest | None = None,
) -> Submitted:
    """Score a locked attempt from ``chosen`` (its question rows' answers), store it as
    handed in at ``when`` and pay the points of a pass."""
    now = when
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
        actor_id=actor_id,
        target=fresh,
        exam=fresh.exam_id,
        score=score,
        passed=passed,
    )
    return Submitted(fresh, message)


def attempts_expired_grade(*, now: datetime | None = None) -> int:
    """Hand in every attempt whose time (and grace) ran out before it was submitted, with the
    answers saved while answering (unanswered questions count as wrong), as of its deadline:
    a member whose phone died or who closed the page still gets the score they earned.
    Run by the worker every few minutes; returns how many were graded."""
    now = now or timezone.now()
    graded = 0
    for pk in expired_attempt_ids(now=now - GRACE):
        with transaction.atomic():
            fresh = lock_one(ExamAttempt.objects.select_related("exam", "person"), pk)
            if fresh.submitted_at is not None:
                continue
            rows = list(fresh.questions.select_related("question").order_by("position"))
            chosen: dict[int, str] = {}
            for aq in rows:
                try:
                    chosen[aq.pk] = normalise_answer(aq.question, aq.chosen)
                except ValueError:
                    chosen[aq.pk] = ""
            _grade(fresh, rows, chosen, when=fresh.deadline, actor_id=None)
            graded += 1
    return graded
