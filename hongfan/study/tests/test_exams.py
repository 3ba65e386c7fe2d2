"""Exams: drawing from the bank, grading on the server, the time limit, attempts, points
once per exam, and the statistics."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hongfan.org.tests.factories import make_person
from hongfan.points.models import PointEntry, PointRule
from hongfan.study import validators
from hongfan.study.models import AttemptQuestion, ExamAttempt
from hongfan.study.selectors import exams as exam_selectors
from hongfan.study.selectors import questions as question_selectors
from hongfan.study.services import exams as exam_services
from hongfan.study.tests.conftest import make_questions, messages_of, right_answers, study_state

pytestmark = pytest.mark.django_db


def refused(action, *, says: str, exc: type[Exception] = ValidationError) -> None:
    before = study_state()
    with pytest.raises(exc) as info:
        action()
    text = messages_of(info.value) if exc is ValidationError else str(info.value)
    assert says in text, text
    assert study_state() == before


@pytest.fixture
def bank(world):
    return world.questions(easy=6, medium=6, hard=4)


def start(world, person, exam, **kw):
    return exam_services.attempt_start(access=world.member(person), exam=exam, **kw).attempt


# --- creating ---------------------------------------------------------------------------------------


def test_an_exam_needs_enough_questions_of_each_difficulty(world, bank):
    refused(lambda: world.exam(count_hard=5), says="“难”题只有4道，不足5道")
    refused(lambda: world.exam(count_easy=0, count_medium=0, count_hard=0), says="至少抽1道题")
    now = timezone.now()
    refused(
        lambda: world.exam(opens_at=now, closes_at=now - timedelta(hours=1)),
        says="截止时间必须晚于开始时间",
    )
    refused(lambda: world.exam(pass_mark=101), says="合格分数应为0—100")


def test_a_secretary_creates_exams_for_their_branch_only(world, bank):
    assert world.exam(access=world.sec, branch=world.branch_a).branch == world.branch_a
    refused(lambda: world.exam(access=world.sec), says="由医院党委发布", exc=PermissionDenied)
    refused(
        lambda: world.exam(access=world.sec, branch=world.branch_b),
        says="只能为本支部",
        exc=PermissionDenied,
    )


def test_topics_limit_the_draw(world, bank):
    other = make_questions(world.hospital, "医德医风", easy=3, medium=0, hard=0)
    topic = other[0].topic
    exam = world.exam(topics=[topic], count_easy=3, count_medium=0, count_hard=0)
    attempt = start(world, world.a[1], exam)
    drawn = {aq.question_id for aq in exam_selectors.attempt_questions(attempt)}
    assert drawn == {q.pk for q in other}
    refused(
        lambda: world.exam(topics=[topic], count_easy=4, count_medium=0, count_hard=0),
        says="不足4道",
    )


# --- drawing ----------------------------------------------------------------------------------------


def test_each_attempt_draws_the_exams_mix_and_stores_it(world, bank):
    exam = world.exam(count_easy=3, count_medium=2, count_hard=1)
    attempt = start(world, world.a[1], exam)
    rows = exam_selectors.attempt_questions(attempt)
    assert [r.position for r in rows] == list(range(1, 7))
    assert Counter(r.question.difficulty for r in rows) == {1: 3, 2: 2, 3: 1}
    assert len({r.question_id for r in rows}) == 6
    assert attempt.question_count == 6
    assert attempt.deadline == attempt.started_at + timedelta(minutes=exam.time_limit_minutes)


def test_draws_differ_between_attempts(world, bank):
    exam = world.exam(count_easy=3, count_medium=3, count_hard=1, max_attempts=20)
    person = world.a[1]
    seen = set()
    for _ in range(6):
        attempt = start(world, person, exam)
        seen.add(tuple(sorted(aq.question_id for aq in exam_selectors.attempt_questions(attempt))))
        exam_services.attempt_submit(access=world.member(person), attempt=attempt, answers={})
    assert len(seen) > 1


def test_starting_again_while_an_attempt_is_open_hands_it_back(world, bank):
    exam = world.exam()
    person = world.a[1]
    first = start(world, person, exam)
    again = exam_services.attempt_start(access=world.member(person), exam=exam)
    assert again.resumed and again.attempt.pk == first.pk
    assert ExamAttempt.objects.filter(exam=exam, person=person).count() == 1


def test_the_deadline_is_cut_at_the_exams_close(world, bank):
    now = timezone.now()
    exam = world.exam(closes_at=now + timedelta(minutes=3), time_limit_minutes=30)
    attempt = start(world, world.a[1], exam)
    assert attempt.deadline == exam.closes_at


def test_no_attempt_before_the_opening_after_the_close_or_beyond_the_maximum(world, bank):
    now = timezone.now()
    early = world.exam(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2))
    refused(lambda: start(world, world.a[1], early), says="考试尚未开始")
    exam = world.exam(max_attempts=1)
    person = world.a[1]
    attempt = start(world, person, exam)
    exam_services.attempt_submit(access=world.member(person), attempt=attempt, answers={})
    refused(lambda: start(world, person, exam), says="已用完全部1次答题机会")
    refused(
        lambda: start(world, world.a[2], exam, now=exam.closes_at + timedelta(seconds=1)),
        says="截止",
    )


def test_a_member_of_another_branch_cannot_take_a_branch_exam(world, bank):
    exam = world.exam(branch=world.branch_b)
    refused(lambda: start(world, world.a[1], exam), says="没有权限", exc=PermissionDenied)


def test_the_bank_running_short_after_creation_refuses_to_start(world, bank):
    exam = world.exam(count_hard=4)
    type(bank[0]).objects.filter(hospital=world.hospital, difficulty=3).update(active=False)
    refused(lambda: start(world, world.a[1], exam), says="题库中的题目不足")


# --- grading ----------------------------------------------------------------------------------------


def test_all_right_scores_100_and_passes_and_awards_the_quiz_points(world, bank):
    exam = world.exam()
    person = world.a[1]
    attempt = start(world, person, exam)
    result = exam_services.attempt_submit(
        access=world.member(person), attempt=attempt, answers=right_answers(attempt)
    )
    a = result.attempt
    assert (a.score, a.correct_count, a.passed) == (100, 5, True)
    assert a.points_entry is not None and a.points_entry.rule.code == "STUDY-QUIZ"
    assert a.points_entry.source_key == f"exam:{exam.pk}-{person.pk}"
    assert "合格" in result.message


def test_grading_single_multiple_and_true_false(world):
    make_questions(world.hospital, "判分", easy=3, medium=0, hard=0)  # single B, multiple AC, 对
    exam = world.exam(count_easy=3, count_medium=0, count_hard=0, pass_mark=100)
    person = world.a[1]
    attempt = start(world, person, exam)
    answers = {}
    for aq in exam_selectors.attempt_questions(attempt):
        answers[aq.pk] = {"single": "b", "multiple": "A", "judge": "对"}[aq.question.kind]
    result = exam_services.attempt_submit(
        access=world.member(person), attempt=attempt, answers=answers
    )
    assert result.attempt.correct_count == 2  # a multiple choice needs every right option
    assert result.attempt.score == 67 and not result.attempt.passed
    assert result.attempt.points_entry is None
    kinds = {aq.question.kind: aq for aq in exam_selectors.attempt_questions(result.attempt)}
    assert (kinds["multiple"].chosen, kinds["multiple"].correct) == ("A", False)
    assert (kinds["judge"].chosen, kinds["judge"].correct) == ("A", True)


def test_multiple_answers_in_any_form_mean_the_same(world):
    make_questions(world.hospital, "多选", easy=0, medium=3, hard=0)
    q = [
        x
        for x in question_selectors.question_list(access=world.admin, hospital=world.hospital)
        if x.kind == "multiple"
    ][0]
    for raw in ("AC", "ca", "A,C", "Ａ、Ｃ", ["A", "C"]):
        assert validators.normalise_answer(q, raw) == "AC"


@pytest.mark.parametrize(
    "kind,raw,says",
    [
        ("single", "AB", "单选题只能选一个"),
        ("single", "E", "选项E不存在"),
        ("judge", "也许", "判断题请回答"),
        ("multiple", "A1", "请用选项字母作答"),
    ],
)
def test_an_impossible_answer_is_refused_and_changes_nothing(world, kind, raw, says):
    make_questions(world.hospital, "非法", easy=3, medium=0, hard=0)
    exam = world.exam(count_easy=3, count_medium=0, count_hard=0)
    person = world.a[1]
    attempt = start(world, person, exam)
    target = next(
        aq for aq in exam_selectors.attempt_questions(attempt) if aq.question.kind == kind
    )
    refused(
        lambda: exam_services.attempt_submit(
            access=world.member(person), attempt=attempt, answers={target.pk: raw}
        ),
        says=says,
    )


def test_answers_to_questions_not_in_the_attempt_are_refused(world, bank):
    exam = world.exam()
    person = world.a[1]
    attempt = start(world, person, exam)
    refused(
        lambda: exam_services.attempt_submit(
            access=world.member(person), attempt=attempt, answers={999999: "A"}
        ),
        says="不属于本次答题",
    )


def test_submitting_twice_is_refused_and_changes_nothing(world, bank):
    exam = world.exam()
    person = world.a[1]
    attempt = start(world, person, exam)
    exam_services.attempt_submit(access=world.member(person), attempt=attempt, answers={})
    refused(
        lambda: exam_services.attempt_submit(
            access=world.member(person), attempt=attempt, answers=right_answers(attempt)
        ),
        says="已交卷，不能重复提交",
    )
    attempt.refresh_from_db()
    assert attempt.score == 0


def test_the_time_limit_has_a_30_second_grace_and_no_more(world, bank):
    exam = world.exam(time_limit_minutes=10)
    person = world.a[1]
    late = start(world, person, exam)
    refused(
        lambda: exam_services.attempt_submit(
            access=world.member(person),
            attempt=late,
            answers=right_answers(late),
            now=late.deadline + timedelta(seconds=31),
        ),
        says="已超过答题时限",
    )
    assert ExamAttempt.objects.get(pk=late.pk).submitted_at is None
    # a late attempt is not handed back: the next start draws a new one
    second = exam_services.attempt_start(
        access=world.member(person), exam=exam, now=late.deadline + timedelta(seconds=31)
    )
    assert not second.resumed and second.attempt.number == 2
    ok = exam_services.attempt_submit(
        access=world.member(person),
        attempt=second.attempt,
        answers=right_answers(second.attempt),
        now=second.attempt.deadline + timedelta(seconds=29),
    )
    assert ok.attempt.score == 100


def test_only_the_member_submits_their_attempt(world, bank):
    exam = world.exam()
    attempt = start(world, world.a[1], exam)
    refused(
        lambda: exam_services.attempt_submit(access=world.sec, attempt=attempt, answers={}),
        says="没有权限",
        exc=PermissionDenied,
    )
    refused(
        lambda: exam_services.attempt_submit(
            access=world.member(world.a[2]), attempt=attempt, answers={}
        ),
        says="没有权限",
        exc=PermissionDenied,
    )


def test_passing_the_same_exam_twice_pays_once(world, bank):
    exam = world.exam(max_attempts=3)
    person = world.a[1]
    for _ in range(2):
        attempt = start(world, person, exam)
        result = exam_services.attempt_submit(
            access=world.member(person), attempt=attempt, answers=right_answers(attempt)
        )
        assert result.attempt.passed
    assert "不再重复计分" in result.attempt.points_note
    assert PointEntry.objects.filter(person=person, source_type="exam").count() == 1


def test_a_hospital_without_the_quiz_rule_gives_no_points_and_says_so(world, bank):
    PointRule.objects.filter(hospital=world.hospital, code="STUDY-QUIZ").delete()
    exam = world.exam()
    person = world.a[1]
    attempt = start(world, person, exam)
    result = exam_services.attempt_submit(
        access=world.member(person), attempt=attempt, answers=right_answers(attempt)
    )
    assert result.attempt.passed and result.attempt.points_entry is None
    assert "未启用" in result.message


# --- statistics -------------------------------------------------------------------------------------


def _take(world, person, exam, right: bool) -> None:
    attempt = start(world, person, exam)
    exam_services.attempt_submit(
        access=world.member(person),
        attempt=attempt,
        answers=right_answers(attempt) if right else {},
    )


def test_statistics_for_the_admin_cover_the_exam_and_for_a_secretary_their_branch(world, bank):
    exam = world.exam(max_attempts=3)
    _take(world, world.a[1], exam, right=False)
    _take(world, world.a[1], exam, right=True)  # the best score counts
    _take(world, world.a[2], exam, right=False)
    _take(world, world.b[1], exam, right=True)
    s = exam_selectors.exam_stats(access=world.admin, exam=exam)
    assert s.expected == len(world.a) + len(world.b)
    assert (s.took, s.passed) == (3, 2)
    assert s.average == Decimal("66.7")
    assert s.pass_rate == 66
    row = next(r for r in s.rows if r.person_id == world.a[1].pk)
    assert (row.attempts, row.best, row.passed) == (2, 100, True)
    mine = exam_selectors.exam_stats(access=world.sec, exam=exam)
    assert mine.expected == len(world.a) and mine.took == 2 and mine.branch == world.branch_a
    assert {r.person_id for r in mine.rows} == {p.pk for p in world.a}
    with pytest.raises(PermissionDenied):
        exam_selectors.exam_stats(access=world.member(world.a[1]), exam=exam)


def test_the_hardest_questions_come_first(world):
    make_questions(world.hospital, "难度", easy=3, medium=0, hard=0)
    exam = world.exam(count_easy=3, count_medium=0, count_hard=0, max_attempts=5)
    for person in world.a[1:4]:
        attempt = start(world, person, exam)
        answers = {
            aq.pk: aq.question.answer
            for aq in exam_selectors.attempt_questions(attempt)
            if aq.question.kind != "multiple"
        }
        exam_services.attempt_submit(access=world.member(person), attempt=attempt, answers=answers)
    s = exam_selectors.exam_stats(access=world.admin, exam=exam)
    assert s.hardest[0].kind == "multiple" and s.hardest[0].share == 0
    assert all(h.share == 100 for h in s.hardest[1:])


def test_statistics_cost_the_same_whatever_the_number_of_members(
    world, bank, django_assert_max_num_queries
):
    exam = world.exam(max_attempts=5)
    for person in world.b:
        _take(world, person, exam, right=True)
    with django_assert_max_num_queries(4):
        few = exam_selectors.exam_stats(access=world.admin, exam=exam)
    for _ in range(8):
        _take(
            world,
            make_person(world.hospital, branch=world.branch_b, political_status="member"),
            exam,
            right=False,
        )
    with django_assert_max_num_queries(4):
        many = exam_selectors.exam_stats(access=world.admin, exam=exam)
    assert many.expected == few.expected + 8 and many.took == few.took + 8


def test_right_answers_are_stored_with_the_attempt_rows(world, bank):
    exam = world.exam()
    attempt = start(world, world.a[1], exam)
    assert (
        AttemptQuestion.objects.filter(attempt=attempt, chosen="", correct__isnull=True).count()
        == 5
    )
