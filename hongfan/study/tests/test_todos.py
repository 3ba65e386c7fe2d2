"""study's sources of today's tasks (core.todos): a member's required items not finished and
open exams not passed, and the members behind on study hours for their secretary, hospital
and the city — each for the right role and nobody else."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from hongfan.core import todos
from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.core.roles import Role
from hongfan.org.choices import PoliticalStatus
from hongfan.org.tests.factories import make_branch, make_person, make_user, primary, second
from hongfan.study.choices import LogMethod
from hongfan.study.models import Exam, ExamAttempt, StudyCompletion, StudyItem
from hongfan.study.tests.factories import ExamFactory, StudyItemFactory


def _tasks(user, source: str, day: date | None = None) -> list[todos.Todo]:
    return [t for t in todos.todos_for(access_for(user), day or today()) if t.source == source]


def _fresh_member(name: str = "learner"):
    """A member of a new branch, the demo's own items and exams out of the way."""
    StudyItem.objects.filter(hospital=primary()).update(withdrawn_at=timezone.now())
    Exam.objects.filter(hospital=primary()).update(closes_at=timezone.now() - timedelta(days=1))
    branch = make_branch(full=1)
    person = make_person(branch=branch, political_status=PoliticalStatus.MEMBER)
    return make_user(name, person=person, roles=[(Role.MEMBER, None, None)]), branch


def test_a_member_is_asked_to_finish_a_required_item_until_they_do(db):
    user, branch = _fresh_member()
    item = StudyItemFactory(branch=branch, mandatory=True, title="学习党章")
    StudyItemFactory(branch=branch)  # not required: no task
    [task] = _tasks(user, "study.required")
    assert task.title == "必学：学习党章"
    assert task.url == reverse("study:item", args=[item.pk])
    assert task.due == item.due_on
    StudyCompletion.objects.create(
        hospital=item.hospital,
        person=user.person,
        item=item,
        method=LogMethod.SELF,
        completed_on=today(),
        completed_at=timezone.now(),
    )
    assert _tasks(user, "study.required") == []


def test_an_overdue_required_item_is_overdue(db):
    user, branch = _fresh_member()
    StudyItemFactory(branch=branch, required=True, due_on=today() - timedelta(days=1))
    [task] = _tasks(user, "study.required")
    assert task.urgency == todos.OVERDUE


def test_another_branchs_or_hospitals_required_item_is_not_asked(db, users):
    user, _branch = _fresh_member()
    StudyItemFactory(branch=make_branch(), mandatory=True)
    StudyItemFactory(hospital=second(), mandatory=True)
    assert _tasks(user, "study.required") == []
    for name in ("hosp", "hosp2", "city"):
        assert _tasks(users[name], "study.required") == []


def test_an_open_exam_waits_until_passed(db):
    user, branch = _fresh_member()
    exam = ExamFactory(branch=branch, title="党章知识测试")
    [task] = _tasks(user, "study.exams")
    assert task.title == "考试：党章知识测试"
    assert task.url == reverse("study:exam", args=[exam.pk])
    assert task.action == "去答题"
    ExamAttempt.objects.create(
        exam=exam,
        hospital=exam.hospital,
        person=user.person,
        number=1,
        started_at=timezone.now(),
        question_count=2,
        deadline=timezone.now() + timedelta(minutes=10),
        submitted_at=timezone.now(),
        score=90,
        passed=True,
    )
    assert _tasks(user, "study.exams") == []


def test_an_exam_whose_attempts_are_used_up_is_not_offered(db):
    user, branch = _fresh_member()
    exam = ExamFactory(branch=branch, max_attempts=1)
    ExamAttempt.objects.create(
        exam=exam,
        hospital=exam.hospital,
        person=user.person,
        number=1,
        started_at=timezone.now(),
        question_count=2,
        deadline=timezone.now(),
        submitted_at=timezone.now(),
        score=10,
        passed=False,
    )
    assert _tasks(user, "study.exams") == []


def test_members_behind_on_study_are_counted_for_their_secretary_hospital_and_city(users):
    found = _tasks(users["sec"], "study.behind")
    before = found[0].count if found else 0
    make_person(branch=users["sec"].person.branch, political_status=PoliticalStatus.MEMBER)
    [task] = _tasks(users["sec"], "study.behind")
    assert task.count == before + 1  # no hours at all this year: behind
    assert task.url.startswith(reverse("study:hours"))
    [hosp] = _tasks(users["hosp"], "study.behind_hospital")
    [city] = _tasks(users["city"], "study.behind_city")
    assert hosp.count >= task.count and city.count >= hosp.count
    assert users["sec"].person.hospital.name in city.detail
    assert _tasks(users["member"], "study.behind") == []
    assert _tasks(users["hosp2"], "study.behind_hospital")[0].count < city.count
