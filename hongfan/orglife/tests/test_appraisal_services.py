"""民主评议党员: grades, the third of 优秀, the final result and its points."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hongfan.core.models import AuditEvent
from hongfan.notices.models import Notification
from hongfan.orglife.choices import Grade
from hongfan.orglife.models import Appraisal, AppraisalVote, SelfAssessment
from hongfan.orglife.selectors.appraisal import (
    appraisal_ballot,
    appraisal_problems,
    appraisal_tally,
)
from hongfan.orglife.selectors.compliance import branch_compliance
from hongfan.orglife.services.appraisal import (
    appraisal_record,
    appraisal_vote_cast,
    appraisal_vote_close,
    appraisal_vote_open,
    self_assessment_save,
)
from hongfan.orglife.services.reminders import send_reminders
from hongfan.orglife.tests.conftest import Unit, account_of, refused
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


def test_the_citys_rule_sets_the_share_of_excellent_from_its_date(unit: Unit):
    """The cap is versioned rule data (组织规则): a city that allows one half lets two of
    five be 优秀; before its date the third still holds."""
    from datetime import date

    from hongfan.org.models import OrgRule
    from hongfan.org.selectors.structure import org_rule_for

    year = timezone.localdate().year
    authority_id = unit.branch.hospital.authority_id
    current = org_rule_for(authority_id)
    values = {
        f.name: getattr(current, f.name)
        for f in OrgRule._meta.concrete_fields
        if f.name not in ("id", "authority", "effective_from", "created_at", "created_by")
    }
    values["appraisal_excellent_divisor"] = 2
    OrgRule.objects.create(authority_id=authority_id, effective_from=timezone.localdate(), **values)
    record = appraisal_record(
        access=unit.sec, branch=unit.branch, year=year, grades=grades(unit, 2)
    )
    assert record is not None
    assert org_rule_for(authority_id, date(2000, 1, 2)).appraisal_excellent_divisor == 3
    refused(
        lambda: appraisal_record(
            access=unit.sec, branch=unit.branch, year=year, grades=grades(unit, 3)
        ),
        "超过参评正式党员5人的二分之一（最多2人）",
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


# --- 民主评议 online (issue 10): self-assessments, anonymous peer votes, the decision --------


def vote_state():
    return (
        list(AppraisalVote.objects.order_by("pk").values_list("peer_id", "grade", "voter_key")),
        list(SelfAssessment.objects.order_by("pk").values_list("person_id", "text")),
        list(Appraisal.objects.order_by("pk").values_list("status", "vote_closed_at")),
    )


def voter(u: Unit, i: int):
    """The account of the unit's i-th full member."""
    return account_of(u.full[i])


def opened(u: Unit):
    return appraisal_vote_open(access=u.sec, branch=u.branch, year=timezone.localdate().year)


def test_members_write_self_assessments_and_vote_anonymously_on_their_peers(
    unit: Unit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        a = opened(unit)
    told = Notification.objects.filter(key__startswith=f"orglife.appraisal.vote:{a.pk}:")
    assert told.count() >= 1 and told.first().category == "组织生活"
    first, second = voter(unit, 0), voter(unit, 1)
    self_assessment_save(access=first, appraisal=a, text="认真学习，积极参加志愿服务\x00")
    assert SelfAssessment.objects.get().text == "认真学习，积极参加志愿服务"
    peers = [p for p in unit.full if p != unit.full[0]]
    assert appraisal_vote_cast(
        access=first, appraisal=a, votes={p.pk: Grade.QUALIFIED for p in peers}
    ) == len(peers)
    appraisal_vote_cast(access=second, appraisal=a, votes={unit.full[0].pk: Grade.EXCELLENT})
    # the votes keep no voter: no person, no time; the hash is not the person's id
    vote = AppraisalVote.objects.filter(peer=unit.full[0]).get()
    assert str(first.person_id) not in vote.voter_key and len(vote.voter_key) == 64
    assert {f.name for f in AppraisalVote._meta.get_fields()} == {
        "id",
        "appraisal",
        "voter_key",
        "peer",
        "grade",
    }
    # the audit rows say who voted and how many, never for whom or what
    detail = AuditEvent.objects.filter(user_id=first.user_id).order_by("-pk").first().detail
    assert "excellent" not in str(detail) and "qualified" not in str(detail)
    tally = appraisal_tally(access=unit.sec, appraisal=a)
    assert (tally.voted, tally.voters) == (2, len(unit.people))
    line = next(t for t in tally.lines if t.person == unit.full[0])
    assert line.counts == {Grade.EXCELLENT: 1} and line.self_assessment.startswith("认真学习")
    ballot = appraisal_ballot(access=first, appraisal=a)
    assert ballot.done and all(b.my_grade == Grade.QUALIFIED for b in ballot.lines)
    assert unit.full[0] not in [b.peer for b in ballot.lines]


def test_a_second_vote_on_the_same_peer_is_refused_and_changes_nothing(unit: Unit):
    a = opened(unit)
    member = voter(unit, 0)
    appraisal_vote_cast(access=member, appraisal=a, votes={unit.full[1].pk: Grade.QUALIFIED})
    before = vote_state()
    for votes in (
        {unit.full[1].pk: Grade.EXCELLENT},
        {unit.full[2].pk: Grade.QUALIFIED, unit.full[1].pk: Grade.BASIC},
    ):
        with pytest.raises(ValidationError) as info:
            appraisal_vote_cast(access=member, appraisal=a, votes=votes)
        assert "不能重复投票" in " ".join(info.value.messages)
        assert vote_state() == before


def test_a_vote_from_another_branch_is_refused_and_changes_nothing(unit: Unit):
    a = opened(unit)
    before = vote_state()
    from hongfan.org.models import Person

    stranger = (
        Person.objects.filter(branch__hospital=unit.branch.hospital)
        .exclude(branch=unit.branch)
        .filter(political_status="member")
        .first()
    )
    outsider = account_of(stranger)
    for who in (outsider, unit.admin):
        with pytest.raises(PermissionDenied) as info:
            appraisal_vote_cast(access=who, appraisal=a, votes={unit.full[0].pk: "qualified"})
        assert "只能参加本支部的民主评议" in str(info.value)
        with pytest.raises(PermissionDenied):
            self_assessment_save(access=who, appraisal=a, text="冒充")
    assert vote_state() == before


@pytest.mark.parametrize(
    "votes,says",
    [
        ({}, "请至少对一名党员"),
        ({0: "excellent"}, "不能给自己投票"),
        ({"prob": "qualified"}, "只能评议本支部的其他正式党员"),
        ({10**18: "qualified"}, "只能评议本支部的其他正式党员"),
        ({1: "best"}, "评价只能是"),
        ({1: "qualified\x00"}, "评价只能是"),
    ],
)
def test_bad_ballots_are_refused_in_chinese_and_change_nothing(unit: Unit, votes, says):
    a = opened(unit)
    member = voter(unit, 0)
    ids = {0: unit.full[0].pk, 1: unit.full[1].pk, "prob": unit.probationary.pk}
    votes = {ids.get(k, k): v for k, v in votes.items()}
    before = vote_state()
    with pytest.raises(ValidationError) as info:
        appraisal_vote_cast(access=member, appraisal=a, votes=votes)
    assert says in " ".join(info.value.messages)
    assert vote_state() == before


def test_no_vote_before_the_opening_after_the_closing_or_once_decided(unit: Unit):
    year = timezone.localdate().year
    appraisal_record(access=unit.sec, branch=unit.branch, year=year, grades={})
    a = Appraisal.objects.get()
    member = voter(unit, 0)
    refused(
        lambda: appraisal_vote_cast(
            access=member, appraisal=a, votes={unit.full[1].pk: "qualified"}
        ),
        "尚未开始",
    )
    a = opened(unit)
    appraisal_vote_close(access=unit.sec, appraisal=a)
    refused(
        lambda: appraisal_vote_cast(
            access=member, appraisal=a, votes={unit.full[1].pk: "qualified"}
        ),
        "已结束",
    )
    refused(lambda: appraisal_vote_close(access=unit.sec, appraisal=a), "未在进行中")
    with pytest.raises(PermissionDenied):
        appraisal_vote_open(access=unit.other_sec, branch=unit.branch, year=year)


def test_the_tally_is_for_the_committee_not_for_every_member(unit: Unit):
    a = opened(unit)
    appraisal_tally(access=unit.admin, appraisal=a)
    committee_member = voter(unit, 1)  # full[1] holds a seat on the committee
    appraisal_tally(access=committee_member, appraisal=a)
    with pytest.raises(PermissionDenied):
        appraisal_tally(access=unit.member, appraisal=a)  # full[3]: no seat


def test_the_checks_before_the_confirm_say_what_is_wrong_without_saving(unit: Unit):
    assert appraisal_problems(branch=unit.branch, grades=grades(unit, 1), final=True) == {}
    problems = appraisal_problems(branch=unit.branch, grades=grades(unit, 2), final=True)
    assert "三分之一" in problems["grades"][0]
    missing = appraisal_problems(branch=unit.branch, grades={}, final=True)
    assert "尚未评定等次" in missing["grades"][0]
    assert not Appraisal.objects.exists()


def test_a_decided_appraisal_is_the_years_requirement_and_stops_its_reminder(
    unit: Unit, django_capture_on_commit_callbacks
):
    year = 2025
    late = date(2025, 12, 26)

    def appraisal_cell():
        _reqs, row = branch_compliance(unit.branch, year, late)
        return row.cells["appraisal"][0].status

    assert appraisal_cell() == "due"
    appraisal_record(
        access=unit.sec, branch=unit.branch, year=year, grades=grades(unit, 1), final=True
    )
    assert appraisal_cell() == "done"
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_reminders(today=late)
    mine = [r.requirement for r in sent if r.branch_id == unit.branch.pk]
    assert "appraisal" not in mine and mine  # other yearly kinds may still be reminded
