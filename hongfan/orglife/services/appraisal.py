"""Writes of 民主评议党员: the grades of a branch's year, saved as a draft or fixed."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.locks import lock_first
from hongfan.org.models import Branch, Person
from hongfan.orglife.choices import AppraisalStatus, Grade, MeetingKind
from hongfan.orglife.models import Appraisal, AppraisalGrade, Meeting
from hongfan.orglife.selectors.appraisal import appraisal_candidates, excellent_limit
from hongfan.points.rules import DED_APPRAISAL, ORG_APPRAISAL_EXCELLENT
from hongfan.points.selectors.catalogue import active_rules
from hongfan.points.services.awarding import CodedAward, award_many_by_code

# The point rule each grade is awarded (or deducted) under; the other grades earn none.
GRADE_CODES = {Grade.EXCELLENT: ORG_APPRAISAL_EXCELLENT, Grade.UNQUALIFIED: DED_APPRAISAL}


@transaction.atomic
def appraisal_record(  # noqa: C901
    *,
    access: Access,
    branch: Branch,
    year: int,
    grades: dict[int, str],
    notes: dict[int, str] | None = None,
    meeting: Meeting | None = None,
    final: bool = False,
    request: HttpRequest | None = None,
) -> tuple[Appraisal, list[str]]:
    """Save the grades of a branch's 民主评议 for a year (a draft can be saved again); with
    ``final`` the grades are fixed and feed the points. Every full member must be graded,
    probationary members are not, 优秀 ≤ one third of those graded."""
    if not access.manages_branch(branch.pk, branch.hospital_id):
        raise PermissionDenied("只能评议本支部的党员")
    appraisal = lock_first(Appraisal.objects.filter(branch=branch, year=year))
    if appraisal is not None and appraisal.status == AppraisalStatus.FINAL:
        raise ValidationError({"year": f"{year}年度的民主评议已确定，不能再修改"})
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        if message not in errors.setdefault(field, []):
            errors[field].append(message)

    if year < 2000 or year > timezone.localdate().year:
        error("year", "评议年度无效")
    full, probationary = appraisal_candidates(branch)
    full_ids = {p.pk for p in full}
    probationary_ids = {p.pk for p in probationary}
    for pid, grade in grades.items():
        if grade not in Grade.values:
            error("grades", "评议等次只能是优秀、合格、基本合格或不合格")
        elif pid in probationary_ids:
            error("grades", "预备党员参加评议但不确定等次")
        elif pid not in full_ids:
            error("grades", "只能评议本支部的正式党员")
    if final:
        missing = [p.name for p in full if p.pk not in grades]
        if missing:
            more = f"等{len(missing)}人" if len(missing) > 10 else ""
            error("grades", "尚未评定等次：" + "、".join(missing[:10]) + more)
    # Every full member is graded in the end: the third is of all of them.
    excellent = sum(1 for g in grades.values() if g == Grade.EXCELLENT)
    limit = excellent_limit(len(full))
    if excellent > limit:
        error(
            "grades",
            f"评为优秀的{excellent}人，超过参评正式党员{len(full)}人的三分之一（最多{limit}人）",
        )
    if meeting is not None and (
        meeting.branch_id != branch.pk or meeting.kind != MeetingKind.APPRAISAL
    ):
        error("meeting", "请选择本支部的民主评议党员会议")
    if errors:
        raise ValidationError(errors)
    if appraisal is None:
        appraisal = Appraisal.objects.create(
            hospital_id=branch.hospital_id, branch=branch, year=year
        )
    appraisal.meeting = meeting
    AppraisalGrade.objects.filter(appraisal=appraisal).delete()
    notes = notes or {}
    AppraisalGrade.objects.bulk_create(
        [
            AppraisalGrade(
                appraisal=appraisal, person_id=pid, grade=g, note=notes.get(pid, "")[:200]
            )
            for pid, g in grades.items()
        ]
    )
    messages: list[str] = []
    if final:
        appraisal.status = AppraisalStatus.FINAL
        appraisal.decided_on = timezone.localdate()
        appraisal.decided_by_id = access.user_id
        messages = _award_grades(appraisal, grades, {p.pk: p for p in full})
    appraisal.save()
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=appraisal,
        final=final,
        graded=len(grades),
        excellent=excellent,
    )
    return appraisal, messages


def _award_grades(
    appraisal: Appraisal, grades: dict[int, str], people: dict[int, Person]
) -> list[str]:
    day = min(date(appraisal.year, 12, 31), timezone.localdate())
    awards = [
        CodedAward(
            people[pid],
            GRADE_CODES[Grade(grade)],
            day,
            "appraisal",
            f"{appraisal.pk}:{pid}",
            reason=f"{appraisal.year}年民主评议：{Grade(grade).label}",
        )
        for pid, grade in grades.items()
        if Grade(grade) in GRADE_CODES
    ]
    if not awards:
        return []
    # An award whose rule the hospital has not adopted is left out (None); the note is given
    # when either rule is missing, as the page always has.
    award_many_by_code(access=None, awards=awards)
    codes = list(GRADE_CODES.values())
    if set(codes) - set(active_rules(appraisal.hospital_id, codes)):
        return ["本院积分目录中没有民主评议的积分规则，等次未计入积分"]
    return []
