"""Reads of 民主评议党员: who is graded, a branch's appraisal of a year and its grades, and a
member's grades of the years decided (the section orglife lends org's person page)."""

from __future__ import annotations

from collections.abc import Iterable

from hongfan.core.access import Access
from hongfan.org.choices import PoliticalStatus
from hongfan.org.models import Branch, Person
from hongfan.orglife.choices import AppraisalStatus, Grade, MeetingKind
from hongfan.orglife.models import Appraisal, AppraisalGrade, Meeting
from hongfan.orglife.selectors.attendance import branch_members


def appraisal_candidates(branch: Branch) -> tuple[list[Person], list[Person]]:
    """(full members, who are graded; probationary members, who take part ungraded)."""
    members = list(branch_members(branch).order_by("pk"))
    full = [p for p in members if p.political_status == PoliticalStatus.MEMBER]
    probationary = [p for p in members if p.political_status == PoliticalStatus.PROBATIONARY]
    return full, probationary


def excellent_limit(graded: int) -> int:
    """优秀 may be at most one third of those graded."""
    return graded // 3


def grade_counts(grades: Iterable[str]) -> dict[str, int]:
    out = {g: 0 for g in Grade.values}
    for g in grades:
        out[g] = out.get(g, 0) + 1
    return out


def appraisal_find(branch: Branch, year: int) -> Appraisal | None:
    """A branch's 民主评议 of a year (with its meeting), if one was saved."""
    return Appraisal.objects.filter(branch=branch, year=year).select_related("meeting").first()


def appraisal_grades(appraisal: Appraisal) -> list[AppraisalGrade]:
    """The grades of an appraisal with their people, in the order they were saved."""
    return list(
        AppraisalGrade.objects.filter(appraisal=appraisal).select_related("person").order_by("pk")
    )


def appraisal_grade_list(*, access: Access, person: Person) -> list[AppraisalGrade]:
    """A member's 民主评议 grades of the years decided (已确定), newest year first, for the
    person page (which has already checked that ``access`` may read ``person``)."""
    return list(
        AppraisalGrade.objects.filter(person=person, appraisal__status=AppraisalStatus.FINAL)
        .select_related("appraisal")
        .order_by("-appraisal__year")
    )


def appraisal_meetings(branch: Branch, year: int) -> list[Meeting]:
    """The branch's 民主评议党员 meetings of a year, newest first (one may be linked)."""
    return list(
        Meeting.objects.filter(
            branch=branch, kind=MeetingKind.APPRAISAL, starts_at__year=year
        ).order_by("-starts_at")
    )
