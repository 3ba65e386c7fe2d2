"""Reads of 民主评议党员: who is graded, a branch's appraisal of a year and its grades, and a
member's grades of the years decided (the section orglife lends org's person page)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.utils import timezone

from hongfan.core.access import Access, get_scoped
from hongfan.core.pii import keyed_hash
from hongfan.core.prepared import PreparedQuery
from hongfan.org.choices import PoliticalStatus
from hongfan.org.models import Branch, Person
from hongfan.org.selectors.structure import org_rule_for
from hongfan.orglife.choices import AppraisalStatus, Grade, MeetingKind
from hongfan.orglife.models import (
    Appraisal,
    AppraisalGrade,
    AppraisalVote,
    Meeting,
    SelfAssessment,
)
from hongfan.orglife.selectors.attendance import branch_members
from hongfan.orglife.selectors.meetings import current_committee


def appraisal_candidates(branch: Branch) -> tuple[list[Person], list[Person]]:
    """(full members, who are graded; probationary members, who take part ungraded)."""
    members = list(branch_members(branch).order_by("pk"))
    full = [p for p in members if p.political_status == PoliticalStatus.MEMBER]
    probationary = [p for p in members if p.political_status == PoliticalStatus.PROBATIONARY]
    return full, probationary


_NUMERALS = dict(enumerate("零一二三四五六七八九十"))


def excellent_divisor(branch: Branch, day: date | None = None) -> int:
    """优秀 may be at most one N-th of the full members graded: N from the city's rule in
    force (``OrgRule.appraisal_excellent_divisor``, 3 by default)."""
    return max(1, org_rule_for(branch.hospital.authority_id, day).appraisal_excellent_divisor)


def excellent_limit(graded: int, *, divisor: int = 3) -> int:
    return graded // max(1, divisor)


def share_text(divisor: int) -> str:
    """``3`` → ``三分之一`` (the words of the limit in messages)."""
    return f"{_NUMERALS.get(divisor, str(divisor))}分之一" if divisor > 1 else "全部"


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


def appraisal_problems(
    *,
    branch: Branch,
    grades: dict[int, str],
    final: bool,
    meeting: Meeting | None = None,
    year: int | None = None,
) -> dict[str, list[str]]:
    """What is wrong with a set of grades, in Chinese, by field (nothing when they may be
    saved): every grade one of the four; only the branch's full members graded (probationary
    members take part ungraded); 优秀 at most one third of the full members; when ``final``,
    every full member graded. The service refuses on these, and the page asks them before it
    offers the irreversible 确定."""
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        if message not in errors.setdefault(field, []):
            errors[field].append(message)

    if year is not None and (year < 2000 or year > timezone.localdate().year):
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
    divisor = excellent_divisor(branch)
    limit = excellent_limit(len(full), divisor=divisor)
    if excellent > limit:
        error(
            "grades",
            f"评为优秀的{excellent}人，超过参评正式党员{len(full)}人的{share_text(divisor)}"
            f"（最多{limit}人）",
        )
    if meeting is not None and (
        meeting.branch_id != branch.pk or meeting.kind != MeetingKind.APPRAISAL
    ):
        error("meeting", "请选择本支部的民主评议党员会议")
    return {k: v for k, v in errors.items() if v}


# --- online: self-assessments, anonymous peer votes (民主测评), the tally ----------------------


def voter_key(appraisal_id: int, person_id: int) -> str:
    """How a vote keeps its voter: a keyed hash of (appraisal, person), never the person."""
    return keyed_hash(f"orglife.appraisal-vote:{appraisal_id}:{person_id}")


def vote_is_open(appraisal: Appraisal) -> bool:
    return (
        appraisal.status != AppraisalStatus.FINAL
        and appraisal.vote_opened_at is not None
        and appraisal.vote_closed_at is None
    )


def appraisal_get(*, access: Access, pk: object) -> Appraisal:
    """An appraisal for whoever may read its branch (its members, its managers, the city):
    404 when missing or of another hospital, 403 inside one's own hospital."""
    return get_scoped(
        Appraisal.objects.select_related("branch", "branch__hospital"),
        pk,
        access,
        noun="民主评议",
        may=lambda a: access.reads_branch(a.branch_id, a.hospital_id),
        refusal="只能参加本支部的民主评议",
    )


def may_see_tally(access: Access, appraisal: Appraisal) -> bool:
    """The tally is for the committee: the branch's managers (its secretary, the hospital's
    admin), the members of its current committee, and the city (reading)."""
    if access.is_city or access.manages_branch(appraisal.branch_id, appraisal.hospital_id):
        return True
    if access.person_id is None or access.person_branch_id != appraisal.branch_id:
        return False
    committee = current_committee(appraisal.branch, timezone.localdate())
    return committee is not None and committee.seats.filter(person_id=access.person_id).exists()


@dataclass
class BallotLine:
    peer: Person
    self_assessment: str
    my_grade: str  # what the acting member gave (their own ballot), "" if not yet


@dataclass
class Ballot:
    appraisal: Appraisal
    voter: Person | None  # None: the acting user does not vote in this branch
    lines: list[BallotLine]
    my_text: str  # the acting member's own self-assessment

    @property
    def done(self) -> bool:
        return bool(self.lines) and all(line.my_grade for line in self.lines)


def _voters(branch: Branch) -> list[Person]:
    """Who votes: the branch's active members, full and probationary (预备党员 take part in
    the appraisal; only full members are graded)."""
    return list(branch_members(branch).order_by("pk"))


def appraisal_ballot(*, access: Access, appraisal: Appraisal) -> Ballot:
    """The acting member's ballot: the full members of their branch but themselves, each
    with their self-assessment and the grade the member gave (if any)."""
    voters = {p.pk: p for p in _voters(appraisal.branch)}
    voter = voters.get(access.person_id) if access.person_id else None
    full, _prob = appraisal_candidates(appraisal.branch)
    texts = dict(
        SelfAssessment.objects.filter(appraisal=appraisal).values_list("person_id", "text")
    )
    mine: dict[int, str] = {}
    if voter is not None:
        mine = dict(
            AppraisalVote.objects.filter(
                appraisal=appraisal, voter_key=voter_key(appraisal.pk, voter.pk)
            ).values_list("peer_id", "grade")
        )
    lines = [
        BallotLine(p, texts.get(p.pk, ""), mine.get(p.pk, ""))
        for p in full
        if voter is None or p.pk != voter.pk
    ]
    return Ballot(appraisal, voter, lines, texts.get(voter.pk, "") if voter else "")


@dataclass
class TallyLine:
    person: Person
    counts: dict[str, int]  # grade -> votes
    votes: int
    self_assessment: str

    @property
    def labelled(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.counts.get(value, 0)) for value, label in Grade.choices]


@dataclass
class Tally:
    lines: list[TallyLine]
    voters: int  # who may vote
    voted: int  # who has voted on at least one peer
    texts: int  # self-assessments written

    @property
    def complete(self) -> bool:
        return self.voters > 0 and self.voted >= self.voters


def appraisal_tally(*, access: Access, appraisal: Appraisal) -> Tally:
    """Per full member, the votes of each grade (never who gave them), and how many have
    voted; for the committee (``may_see_tally``)."""
    if not may_see_tally(access, appraisal):
        raise PermissionDenied("测评结果只向支部委员会公开")
    return _tally(appraisal)


def _tally(appraisal: Appraisal) -> Tally:
    full, _prob = appraisal_candidates(appraisal.branch)
    counts: dict[int, dict[str, int]] = {}
    for peer_id, grade, n in (
        AppraisalVote.objects.filter(appraisal=appraisal)
        .order_by()
        .values("peer_id", "grade")
        .annotate(n=Count("id"))
        .values_list("peer_id", "grade", "n")
    ):
        counts.setdefault(peer_id, {})[grade] = n
    texts = dict(
        SelfAssessment.objects.filter(appraisal=appraisal).values_list("person_id", "text")
    )
    voted = (
        AppraisalVote.objects.filter(appraisal=appraisal)
        .order_by()
        .values("voter_key")
        .distinct()
        .count()
    )
    lines = [
        TallyLine(p, counts.get(p.pk, {}), sum(counts.get(p.pk, {}).values()), texts.get(p.pk, ""))
        for p in full
    ]
    return Tally(lines, len(_voters(appraisal.branch)), voted, len(texts))


def _open_votes_query(branch_id: int) -> QuerySet[Appraisal, tuple[int]]:
    return (
        Appraisal.objects.filter(
            branch_id=branch_id, vote_opened_at__isnull=False, vote_closed_at__isnull=True
        )
        .exclude(status=AppraisalStatus.FINAL)
        .order_by("pk")
        .values_list("pk")
    )


_OPEN_VOTES = PreparedQuery(_open_votes_query)


def appraisals_voting_for_member(*, access: Access) -> list[tuple[Appraisal, Ballot]]:
    """The open votes of the acting member's branch, with their ballot (the to-do list and
    我的组织生活 show what is left to do)."""
    if access.person_id is None or access.person_branch_id is None:
        return []
    # most of the year no vote is open: asked with a query compiled once per process, the
    # appraisals themselves loaded only when there are some
    open_ids = [pk for (pk,) in _OPEN_VOTES.rows(access.person_branch_id)]
    if not open_ids:
        return []
    out = []
    for a in Appraisal.objects.filter(pk__in=open_ids).select_related("branch"):
        ballot = appraisal_ballot(access=access, appraisal=a)
        if ballot.voter is not None:
            out.append((a, ballot))
    return out


def appraisals_tally_ready(*, access: Access) -> list[Appraisal]:
    """Appraisals of the secretary's branches whose vote is over (closed, or every voter has
    voted) and whose grades are not decided yet."""
    if not access.branch_ids:
        return []
    ready = []
    for a in (
        Appraisal.objects.filter(branch_id__in=access.branch_ids, vote_opened_at__isnull=False)
        .exclude(status=AppraisalStatus.FINAL)
        .select_related("branch")
    ):
        if a.vote_closed_at is not None or _tally(a).complete:
            ready.append(a)
    return ready
