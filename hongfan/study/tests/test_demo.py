"""The demo city's study (built once per session by ``builddemo --small``): the ledger and
the study records are one account, members are spread around the yearly target, and what
an item credits is what it states."""

from __future__ import annotations

import pytest

from hongfan.accounts.models import User
from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.org.models import Hospital
from hongfan.points.models import PointEntry
from hongfan.study.models import ExamAttempt, StudyCompletion, StudyLog
from hongfan.study.selectors.hours import hours_table

pytestmark = pytest.mark.django_db


def test_the_demo_members_study_points_match_their_study_records():
    member = User.objects.get(username="member").person
    entries = PointEntry.objects.filter(person=member, rule__code="STUDY-ITEM")
    completions = StudyCompletion.objects.filter(person=member)
    assert completions.count() > 3
    assert set(entries.values_list("pk", flat=True)) == set(
        completions.exclude(points_entry=None).values_list("points_entry", flat=True)
    )
    assert entries.count() == completions.count()
    quiz = PointEntry.objects.filter(person=member, rule__code="STUDY-QUIZ")
    passed = ExamAttempt.objects.filter(person=member, passed=True)
    assert set(quiz.values_list("pk", flat=True)) == set(
        passed.exclude(points_entry=None).values_list("points_entry", flat=True)
    )


def test_every_study_entry_of_the_ledger_has_its_record_in_the_whole_city():
    items = PointEntry.objects.filter(rule__code="STUDY-ITEM")
    assert items.exists()
    assert not items.exclude(pk__in=StudyCompletion.objects.values("points_entry")).exists()
    quiz = PointEntry.objects.filter(rule__code="STUDY-QUIZ")
    assert not quiz.exclude(pk__in=ExamAttempt.objects.values("points_entry")).exists()


@pytest.mark.parametrize("name", ["济宁市第三人民医院", "济宁市第二人民医院"])
def test_the_members_of_each_demo_hospital_are_spread_around_the_target(name):
    hospital = Hospital.objects.get(name=name)
    table = hours_table(
        access=access_for(User.objects.get(username="city")), hospital=hospital, year=today().year
    )
    n = len(table.rows)
    assert n > 20
    on_pace = n - table.behind_count
    assert table.behind_count >= 1, "some members are behind"
    assert on_pace >= n // 2, f"{table.behind_count} of {n} behind"


def test_the_demo_credits_what_each_item_states():
    finished = StudyLog.objects.filter(method__in=["read", "watch"]).select_related("item")
    assert finished.exists()
    assert all(log.minutes == log.item.expected_minutes for log in finished)
