"""民主评议党员: grades, the third of 优秀, the final result and its points."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hongfan.orglife.choices import Grade
from hongfan.orglife.models import Appraisal
from hongfan.orglife.services.appraisal import appraisal_record
from hongfan.orglife.tests.conftest import Unit, refused
from hongfan.points.models import PointEntry, PointRule
from hongfan.points.rules import DED_APPRAISAL, ORG_APPRAISAL_EXCELLENT

pytestmark = pytest.mark.django_db


# --- 民主评议 -----------------------------------------------------------------------------------


def grades(u: Unit, excellent: int) -> dict[int, str]:
    return {
        p.pk: (Grade.EXCELLENT if i < excellent else Grade.QUALIFIED) for i, p in enumerate(u.full)
    }


def test_more_than_a_third_excellent_is_refused(unit: Unit):
    year = timezone.localdate().year
    refused(
        lambda: appraisal_record(
            access=unit.sec, branch=unit.branch, year=year, grades=grades(unit, 2)
        ),
        "超过参评正式党员5人的三分之一（最多1人）",
    )


def test_probationary_members_are_not_graded(unit: Unit):
    year = timezone.localdate().year
    g = grades(unit, 1) | {unit.probationary.pk: Grade.QUALIFIED}
    refused(
        lambda: appraisal_record(access=unit.sec, branch=unit.branch, year=year, grades=g),
        "预备党员参加评议但不确定等次",
    )


def test_a_final_appraisal_grades_everyone_feeds_points_and_is_then_fixed(unit: Unit):
    year = timezone.localdate().year
    partial = {unit.full[0].pk: Grade.EXCELLENT}
    refused(
        lambda: appraisal_record(
            access=unit.sec, branch=unit.branch, year=year, grades=partial, final=True
        ),
        "尚未评定等次",
    )
    g = grades(unit, 1) | {unit.full[4].pk: Grade.UNQUALIFIED}
    record, _ = appraisal_record(
        access=unit.sec, branch=unit.branch, year=year, grades=g, final=True
    )
    assert record.status == "final" and record.grades.count() == 5
    award = PointEntry.objects.get(source_type="appraisal", person=unit.full[0])
    deduction = PointEntry.objects.get(source_type="appraisal", person=unit.full[4])
    assert award.points > 0 and deduction.points < 0
    refused(
        lambda: appraisal_record(access=unit.sec, branch=unit.branch, year=year, grades=g),
        "已确定",
    )
    assert Appraisal.objects.filter(branch=unit.branch).count() == 1


def test_a_missing_appraisal_rule_is_noted_and_the_other_grade_still_counts(unit: Unit):
    hospital = unit.branch.hospital
    PointRule.objects.filter(hospital=hospital, code=ORG_APPRAISAL_EXCELLENT).update(active=False)
    year = timezone.localdate().year
    g = grades(unit, 0) | {unit.full[4].pk: Grade.UNQUALIFIED}  # no 优秀 graded at all
    _, messages = appraisal_record(
        access=unit.sec, branch=unit.branch, year=year, grades=g, final=True
    )
    assert messages == ["本院积分目录中没有民主评议的积分规则，等次未计入积分"]
    assert PointEntry.objects.get(source_type="appraisal", person=unit.full[4]).points < 0
    assert PointEntry.objects.filter(source_type="appraisal").count() == 1


def test_only_qualified_grades_need_no_rule_and_say_nothing(unit: Unit):
    PointRule.objects.filter(hospital=unit.branch.hospital, code=DED_APPRAISAL).update(active=False)
    year = timezone.localdate().year
    _, messages = appraisal_record(
        access=unit.sec, branch=unit.branch, year=year, grades=grades(unit, 0), final=True
    )
    assert messages == [] and not PointEntry.objects.filter(source_type="appraisal").exists()


def test_another_branchs_secretary_cannot_appraise(unit: Unit):
    year = timezone.localdate().year
    refused(
        lambda: appraisal_record(
            access=unit.other_sec, branch=unit.branch, year=year, grades=grades(unit, 1)
        ),
        "本支部",
        PermissionDenied,
    )
