"""Writes of 民主评议党员: the grades of a branch's year, saved as a draft or fixed."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.locks import lock_first
from hongfan.core.notify import notify
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Branch, Person
from hongfan.orglife.choices import AppraisalStatus, Grade
from hongfan.orglife.models import (
    Appraisal,
    AppraisalGrade,
    AppraisalVote,
    Meeting,
    SelfAssessment,
)
from hongfan.orglife.selectors.appraisal import (
    appraisal_candidates,
    appraisal_problems,
    vote_is_open,
    voter_key,
)
from hongfan.orglife.services.compliance import tallies_refresh
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
    errors = appraisal_problems(
        branch=branch, grades=grades, final=final, meeting=meeting, year=year
    )
    if errors:
        raise ValidationError(errors)
    full, _probationary = appraisal_candidates(branch)
    excellent = sum(1 for g in grades.values() if g == Grade.EXCELLENT)
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
        if appraisal.vote_opened_at is not None and appraisal.vote_closed_at is None:
            appraisal.vote_closed_at = timezone.now()  # the decision ends the vote
        messages = _award_grades(appraisal, grades, {p.pk: p for p in full})
    appraisal.save()
    if final:
        # The decided appraisal is the year's 民主评议党员 on the compliance calendar.
        tallies_refresh([branch], year, timezone.localdate())
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


# --- online: the vote (民主测评), self-assessments, anonymous peer votes ---------------------

TEXT_MAX = 2000


def _appraisal_lock(appraisal: Appraisal) -> Appraisal:
    row = lock_first(Appraisal.objects.select_related("branch").filter(pk=appraisal.pk))
    if row is None:
        raise ValidationError({"appraisal": "民主评议不存在"})
    return row


def _member_users(branch: Branch) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            person__branch=branch,
            person__status=PersonStatus.ACTIVE,
            person__political_status__in=MEMBER_STATUSES,
        )
    )


@transaction.atomic
def appraisal_vote_open(
    *, access: Access, branch: Branch, year: int, request: HttpRequest | None = None
) -> Appraisal:
    """The secretary opens the year's online 民主评议 of a branch: its members write their
    self-assessments and vote on their peers until the vote is closed or the grades are
    decided. The members are told."""
    if not access.manages_branch(branch.pk, branch.hospital_id):
        raise PermissionDenied("只能组织本支部的民主评议")
    if year < 2000 or year > timezone.localdate().year:
        raise ValidationError({"year": "评议年度无效"})
    appraisal = lock_first(Appraisal.objects.filter(branch=branch, year=year))
    if appraisal is not None and appraisal.status == AppraisalStatus.FINAL:
        raise ValidationError({"year": f"{year}年度的民主评议已确定，不能再测评"})
    if appraisal is not None and vote_is_open(appraisal):
        raise ValidationError({"year": "民主测评已在进行中"})
    full, _prob = appraisal_candidates(branch)
    if len(full) < 2:
        raise ValidationError({"year": "本支部正式党员不足两人，无法开展互评"})
    if appraisal is None:
        appraisal = Appraisal.objects.create(
            hospital_id=branch.hospital_id, branch=branch, year=year
        )
    appraisal.vote_opened_at = timezone.now()
    appraisal.vote_closed_at = None
    appraisal.save(update_fields=["vote_opened_at", "vote_closed_at"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=appraisal,
        hospital_id=branch.hospital_id,
        vote_opened=True,
    )
    notify(
        recipients=_member_users(branch),
        title=f"{year}年民主评议党员开始：请填写自我评价并参加民主测评",
        body=f"{branch.name}{year}年民主评议党员已开始网上测评。请写下自我评价，并对支部其他正式党员"
        "作出评价（优秀、合格、基本合格、不合格）。测评不记名，任何人看不到你投给谁什么等次。",
        link=reverse("orglife:appraisal_vote", args=[appraisal.pk]),
        category="组织生活",
        key=f"orglife.appraisal.vote:{appraisal.pk}:{appraisal.vote_opened_at:%Y%m%d%H%M%S}",
    )
    return appraisal


@transaction.atomic
def appraisal_vote_close(
    *, access: Access, appraisal: Appraisal, request: HttpRequest | None = None
) -> Appraisal:
    """The secretary ends the vote: the tally is final, the decision is theirs."""
    if not access.manages_branch(appraisal.branch_id, appraisal.hospital_id):
        raise PermissionDenied("只能组织本支部的民主评议")
    a = _appraisal_lock(appraisal)
    if not vote_is_open(a):
        raise ValidationError({"appraisal": "民主测评未在进行中"})
    a.vote_closed_at = timezone.now()
    a.save(update_fields=["vote_closed_at"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=a,
        hospital_id=a.hospital_id,
        vote_closed=True,
    )
    return a


def _voter(access: Access, appraisal: Appraisal) -> Person:
    """The acting member, if they take part in this appraisal (an active member of its
    branch); anyone else is refused, whatever branch they are of."""
    person = (
        Person.objects.filter(
            pk=access.person_id,
            branch_id=appraisal.branch_id,
            status=PersonStatus.ACTIVE,
            political_status__in=MEMBER_STATUSES,
        ).first()
        if access.person_id
        else None
    )
    if person is None:
        raise PermissionDenied("只能参加本支部的民主评议")
    return person


def _require_open(appraisal: Appraisal) -> None:
    if appraisal.status == AppraisalStatus.FINAL:
        raise ValidationError({"appraisal": "民主评议结果已确定，测评已结束"})
    if appraisal.vote_opened_at is None:
        raise ValidationError({"appraisal": "民主测评尚未开始"})
    if appraisal.vote_closed_at is not None:
        raise ValidationError({"appraisal": "民主测评已结束"})


@transaction.atomic
def self_assessment_save(
    *, access: Access, appraisal: Appraisal, text: str, request: HttpRequest | None = None
) -> SelfAssessment:
    """A member writes (or rewrites, while the vote is open) their self-assessment."""
    access.require_business()
    a = _appraisal_lock(appraisal)
    person = _voter(access, a)
    _require_open(a)
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError({"text": "请填写自我评价"})
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": f"自我评价不能超过{TEXT_MAX}字"})
    row, _created = SelfAssessment.objects.update_or_create(
        appraisal=a, person=person, defaults={"text": text}
    )
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=row,
        hospital_id=a.hospital_id,
    )
    return row


@transaction.atomic
def appraisal_vote_cast(
    *,
    access: Access,
    appraisal: Appraisal,
    votes: dict[int, str],
    request: HttpRequest | None = None,
) -> int:
    """A member's anonymous votes on peers of their own branch (the full members but
    themselves): one vote per peer, never changed; a ballot with any vote refused is refused
    whole. The vote keeps a keyed hash of its voter, not the voter. Returns how many votes
    were cast."""
    access.require_business()
    a = _appraisal_lock(appraisal)
    voter = _voter(access, a)
    _require_open(a)
    if not votes:
        raise ValidationError({"votes": "请至少对一名党员作出评价"})
    full, _prob = appraisal_candidates(a.branch)
    peers = {p.pk: p for p in full if p.pk != voter.pk}
    for pid, grade in votes.items():
        if pid == voter.pk:
            raise ValidationError({"votes": "不能给自己投票，请写自我评价"})
        if pid not in peers:
            raise ValidationError({"votes": "只能评议本支部的其他正式党员"})
        if grade not in Grade.values:
            raise ValidationError({"votes": "评价只能是优秀、合格、基本合格或不合格"})
    key = voter_key(a.pk, voter.pk)
    already = set(
        AppraisalVote.objects.filter(
            appraisal=a, voter_key=key, peer_id__in=list(votes)
        ).values_list("peer_id", flat=True)
    )
    if already:
        names = "、".join(peers[pid].name for pid in sorted(already))
        raise ValidationError({"votes": f"你已对{names}投过票，不能重复投票"})
    try:
        with transaction.atomic():
            AppraisalVote.objects.bulk_create(
                [
                    AppraisalVote(appraisal=a, voter_key=key, peer_id=pid, grade=grade)
                    for pid, grade in sorted(votes.items())
                ]
            )
    except IntegrityError:
        raise ValidationError({"votes": "你已投过票，不能重复投票"}) from None
    # The audit row says that this member voted and on how many, never what or for whom.
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=a,
        hospital_id=a.hospital_id,
        votes=len(votes),
    )
    return len(votes)
