"""Answers kept as they are given: each choice saved at once (only by the attempt's own
member, only while it may still be answered), restored on a reload with the time left, and
graded at the submission; 开始答题 asks before it uses an attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from hongfan.study.models import AttemptQuestion, ExamAttempt
from hongfan.study.selectors import exams as exam_selectors
from hongfan.study.services import exams as exam_services
from hongfan.study.tests.conftest import messages_of, study_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(world):
    return world.questions(easy=6, medium=6, hard=4)


def refused(action, *, says: str, exc: type[Exception] = ValidationError) -> None:
    before = study_state()
    with pytest.raises(exc) as info:
        action()
    text = messages_of(info.value) if exc is ValidationError else str(info.value)
    assert says in text, text
    assert study_state() == before


def member_client(world, person) -> Client:
    world.member(person)
    client = Client()
    client.force_login(world.users[f"m{person.pk}"])
    return client


def started(world, person, exam) -> ExamAttempt:
    return exam_services.attempt_start(access=world.member(person), exam=exam).attempt


def rows(attempt) -> list[AttemptQuestion]:
    return exam_selectors.attempt_questions(attempt)


def test_an_answer_is_saved_as_it_is_given_and_shown_again_after_a_reload(world, bank):
    person = world.a[1]
    attempt = started(world, person, world.exam())
    first, second = rows(attempt)[:2]
    client = member_client(world, person)
    url = reverse("study:attempt_answer", args=[attempt.pk])
    for row in (first, second):
        answer = list(row.question.answer)
        response = client.post(url, {"question": row.pk, "answer": answer})
        assert response.status_code == 200 and response.json()["ok"], response.content
    page = client.get(reverse("study:attempt", args=[attempt.pk])).content.decode()
    for row in (first, second):
        for letter in row.question.answer:
            assert f'id="q{row.pk}{letter}" checked' in page
    assert page.count(" checked") == len(first.question.answer) + len(second.question.answer)
    assert 'data-save-url="' in page


def test_the_time_left_is_the_deadline_less_now_after_a_reload(world, bank):
    person = world.a[1]
    attempt = started(world, person, world.exam(time_limit_minutes=10))
    ExamAttempt.objects.filter(pk=attempt.pk).update(
        deadline=attempt.deadline - timedelta(minutes=4)
    )
    page = member_client(world, person).get(reverse("study:attempt", args=[attempt.pk]))
    remaining = int(page.content.decode().split('data-remaining="')[1].split('"')[0])
    assert 355 <= remaining <= 360


def test_saved_answers_are_graded_when_the_form_leaves_them_out(world, bank):
    """The countdown hands in the form when time is up; an answer saved earlier counts even
    if the form no longer carries it."""
    person = world.a[1]
    attempt = started(world, person, world.exam())
    access = world.member(person)
    for row in rows(attempt):
        exam_services.attempt_answer(
            access=access, attempt=attempt, question_id=row.pk, answer=row.question.answer
        )
    result = exam_services.attempt_submit(access=access, attempt=attempt, answers={})
    assert result.attempt.score == 100


def test_nobody_but_the_member_answers_their_attempt(world, bank):
    attempt = started(world, world.a[1], world.exam())
    row = rows(attempt)[0]
    for access in (world.sec, world.admin, world.member(world.a[2])):
        refused(
            lambda access=access: exam_services.attempt_answer(
                access=access, attempt=attempt, question_id=row.pk, answer="A"
            ),
            says="没有权限",
            exc=PermissionDenied,
        )


def test_another_members_attempt_is_refused_through_the_page_and_nothing_changes(world, bank):
    attempt = started(world, world.a[1], world.exam())
    row = rows(attempt)[0]
    before = study_state()
    response = member_client(world, world.a[2]).post(
        reverse("study:attempt_answer", args=[attempt.pk]), {"question": row.pk, "answer": "A"}
    )
    assert response.status_code == 403
    assert study_state() == before


def test_no_answer_after_the_submission_or_past_the_time(world, bank):
    person = world.a[1]
    access = world.member(person)
    exam = world.exam(max_attempts=2)
    attempt = started(world, person, exam)
    row = rows(attempt)[0]
    exam_services.attempt_submit(access=access, attempt=attempt, answers={})
    refused(
        lambda: exam_services.attempt_answer(
            access=access, attempt=attempt, question_id=row.pk, answer="A"
        ),
        says="已交卷",
    )
    late = started(world, person, exam)
    late_row = rows(late)[0]
    refused(
        lambda: exam_services.attempt_answer(
            access=access,
            attempt=late,
            question_id=late_row.pk,
            answer="A",
            now=late.deadline + timedelta(seconds=31),
        ),
        says="已超过答题时限",
    )


@pytest.mark.parametrize(
    "payload, says",
    [
        ({"question": "abc", "answer": "A"}, "题目不属于本次答题"),
        ({"question": "9" * 40, "answer": "A"}, "题目不属于本次答题"),
        ({"question": "-1", "answer": "A"}, "题目不属于本次答题"),
        ({"question": "1\x00", "answer": "A"}, "题目不属于本次答题"),
        ({"question": "", "answer": "A"}, "题目不属于本次答题"),
        ({"answer": "A\x00"}, "第"),
        ({"answer": "Z"}, "第"),
        ({"answer": "9" * 40}, "第"),
    ],
)
def test_bad_answers_get_a_chinese_message_and_change_nothing(world, bank, payload, says):
    person = world.a[1]
    attempt = started(world, person, world.exam())
    payload = {"question": str(rows(attempt)[0].pk), **payload}
    before = study_state()
    response = member_client(world, person).post(
        reverse("study:attempt_answer", args=[attempt.pk]), payload
    )
    assert response.status_code == 400
    assert says in response.json()["detail"]
    assert study_state() == before


def test_a_question_of_another_attempt_is_refused(world, bank):
    exam = world.exam()
    mine = started(world, world.a[1], exam)
    theirs = started(world, world.a[2], exam)
    refused(
        lambda: exam_services.attempt_answer(
            access=world.member(world.a[1]),
            attempt=mine,
            question_id=rows(theirs)[0].pk,
            answer="A",
        ),
        says="题目不属于本次答题",
    )


def test_starting_asks_first_and_says_how_many_attempts_remain(world, bank):
    person = world.a[1]
    exam = world.exam(max_attempts=3)
    client = member_client(world, person)
    page = client.get(reverse("study:exam", args=[exam.pk])).content.decode()
    assert "data-confirm=" in page and "还剩3次" in page
    listing = client.get(reverse("study:exams")).content.decode()
    assert "还剩3次" in listing
    attempt = started(world, person, exam)
    exam_services.attempt_submit(access=world.member(person), attempt=attempt, answers={})
    page = client.get(reverse("study:exam", args=[exam.pk])).content.decode()
    assert "还剩2次" in page
    in_progress = started(world, person, exam)
    page = client.get(reverse("study:exam", args=[exam.pk])).content.decode()
    assert "继续答题" in page and "data-confirm=" not in page.split("exam_start")[0][-5:]
    assert in_progress.number == 2


def test_an_attempt_left_unsubmitted_is_graded_with_its_saved_answers_when_time_runs_out(
    world, bank
):
    """A member whose phone died mid-exam still gets the score their saved answers earn,
    as of the deadline, and the points of a pass; an attempt still running is left alone."""
    from django.utils import timezone

    person, other = world.a[1], world.a[2]
    attempt = started(world, person, world.exam())
    running = started(world, other, world.exam())
    access = world.member(person)
    for row in rows(attempt):
        exam_services.attempt_answer(
            access=access, attempt=attempt, question_id=row.pk, answer=row.question.answer
        )
    ExamAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    assert exam_services.attempts_expired_grade() == 1
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.score == 100 and attempt.passed
    assert attempt.submitted_at == attempt.deadline
    assert attempt.points_entry is not None
    running.refresh_from_db()
    assert running.submitted_at is None
    assert exam_services.attempts_expired_grade() == 0  # nothing twice
