"""Writes on development (发展党员): refused with a Chinese message naming the rule, and nothing
changes when refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hongfan.core.access import access_for
from hongfan.core.dates import add_months, today
from hongfan.core.models import AuditEvent
from hongfan.org.choices import DevelopmentStage, DevelopmentStatus, PoliticalStatus
from hongfan.org.models import Development, Person
from hongfan.org.rules import DevDates
from hongfan.org.selectors import development as development_selectors
from hongfan.org.services import development
from hongfan.org.tests.factories import (
    candidate_dates,
    make_development,
    make_person,
    other_branch,
    primary,
    sec_branch,
)
from hongfan.org.tests.helpers import messages_of, row


def _probationary(d: DevDates) -> DevDates:
    return replace(d, probation_on=today() - timedelta(days=1))


REFUSALS = {
    "talk_late": (
        lambda d: replace(d, talked_on=d.applied_on + timedelta(days=31)),
        "talked_on",
        "30天",
    ),
    "activist_before_talk": (
        lambda d: replace(d, activist_on=d.talked_on - timedelta(days=1)),
        "activist_on",
        "须在谈话之后",
    ),
    "candidate_too_soon": (
        lambda d: replace(d, candidate_on=add_months(d.activist_on, 11)),
        "candidate_on",
        "12个月以上培养考察",
    ),
    "probation_without_review": (
        lambda d: replace(_probationary(d), reviewed_on=None),
        "probation_on",
        "须完成政治审查",
    ),
    "probation_with_little_training": (
        lambda d: replace(_probationary(d), training_hours=16),
        "probation_on",
        "24学时",
    ),
    "probation_before_candidate": (
        lambda d: replace(d, probation_on=d.candidate_on - timedelta(days=1)),
        "probation_on",
        "确定为发展对象之后",
    ),
    "full_within_a_year": (
        lambda d: replace(
            d,
            probation_on=today() - timedelta(days=300),
            candidate_on=today() - timedelta(days=320),
            reviewed_on=today() - timedelta(days=310),
            activist_on=add_months(today() - timedelta(days=320), -13),
            talked_on=add_months(today() - timedelta(days=320), -14),
            applied_on=add_months(today() - timedelta(days=320), -14) - timedelta(days=3),
            full_on=today(),
        ),
        "full_on",
        "预备期为12个月",
    ),
    "extension_too_short": (
        lambda d: replace(_probationary(d), extension_months=3),
        "extension_months",
        "6—12个月",
    ),
    "extension_without_probation": (
        lambda d: replace(d, extension_months=6),
        "extension_months",
        "尚未接收为预备党员",
    ),
    "future_date": (
        lambda d: replace(d, reviewed_on=today() + timedelta(days=1)),
        "reviewed_on",
        "日期不能晚于今天",
    ),
}


@pytest.mark.parametrize("case", REFUSALS.keys())
def test_a_development_date_that_breaks_a_rule_is_refused_and_nothing_changes(
    case, candidate, hosp
):
    change, field, text = REFUSALS[case]
    before_dev, before_person = row(candidate), row(candidate.person)
    events = AuditEvent.objects.count()
    dates = change(development_selectors.dev_dates(candidate))
    with pytest.raises(ValidationError) as exc:
        development.development_update(access=hosp, development=candidate, dates=dates)
    assert text in " ".join(exc.value.message_dict[field])
    assert row(Development.objects.get(pk=candidate.pk)) == before_dev
    assert row(Person.objects.get(pk=candidate.person_id)) == before_person
    assert AuditEvent.objects.count() == events


def test_an_extension_cannot_be_changed_once_given(candidate, hosp):
    dates = replace(
        development_selectors.dev_dates(candidate),
        probation_on=today() - timedelta(days=400),
        candidate_on=today() - timedelta(days=420),
        reviewed_on=today() - timedelta(days=410),
    )
    dates = replace(
        dates,
        activist_on=add_months(dates.candidate_on, -13),
        talked_on=add_months(dates.candidate_on, -14),
        applied_on=add_months(dates.candidate_on, -14) - timedelta(days=3),
    )
    development.development_update(
        access=hosp, development=candidate, dates=replace(dates, extension_months=6)
    )
    dev = Development.objects.get(pk=candidate.pk)
    for months in (12, 0):
        with pytest.raises(ValidationError) as exc:
            development.development_update(
                access=hosp, development=dev, dates=replace(dates, extension_months=months)
            )
        assert "预备期只能延长一次" in messages_of(exc.value)
        assert Development.objects.get(pk=dev.pk).extension_months == 6


def test_receiving_a_candidate_as_probationary_makes_them_a_probationary_member(candidate, sec):
    dates = replace(development_selectors.dev_dates(candidate), probation_on=today())
    dev = development.development_update(access=sec, development=candidate, dates=dates)
    person = Person.objects.get(pk=candidate.person_id)
    assert dev.stage == DevelopmentStage.PROBATIONARY
    assert person.political_status == PoliticalStatus.PROBATIONARY
    assert person.joined_on == today()
    assert person.branch_id == candidate.branch_id
    assert AuditEvent.objects.filter(
        action="data_changed", target_type="org.development", target_id=str(dev.pk)
    ).exists()


def test_converting_a_probationary_member_after_a_year_makes_them_a_full_member(db, hosp):
    branch = sec_branch()
    person = make_person(branch.hospital, birth_date=date(1993, 2, 2))
    probation = add_months(today(), -12) - timedelta(days=3)
    dates = replace(candidate_dates(probation - timedelta(days=10)), probation_on=probation)
    dev = make_development(person, branch, dates)
    development.development_update(
        access=hosp, development=dev, dates=replace(dates, full_on=today())
    )
    dev.refresh_from_db()
    person.refresh_from_db()
    assert (dev.stage, dev.status) == (DevelopmentStage.FULL, DevelopmentStatus.COMPLETED)
    assert person.political_status == PoliticalStatus.MEMBER
    assert person.joined_on == probation
    assert person.full_member_on == today()
    with pytest.raises(ValidationError) as exc:
        development.development_update(access=hosp, development=dev, dates=dates)
    assert "已结束" in messages_of(exc.value)


def test_a_secretary_cannot_update_development_in_another_branch(db, sec):
    branch = other_branch()
    person = make_person(branch.hospital)
    dev = make_development(person, branch, candidate_dates())
    before = row(dev)
    with pytest.raises(PermissionDenied):
        development.development_update(
            access=sec, development=dev, dates=replace(candidate_dates(), training_hours=30)
        )
    assert row(dev) == before


def test_an_application_from_someone_under_18_is_refused(db, sec):
    person = make_person(primary(), birth_date=today() - timedelta(days=365 * 17))
    with pytest.raises(ValidationError) as exc:
        development.development_start(
            access=sec, person=person, branch=sec_branch(), applied_on=today()
        )
    assert "年满18周岁" in messages_of(exc.value)
    assert not Development.objects.filter(person=person).exists()
    assert Person.objects.get(pk=person.pk).political_status == PoliticalStatus.MASSES


def test_an_application_makes_the_person_an_applicant_on_the_board(db, sec, hosp):
    person = make_person(primary(), birth_date=date(1998, 1, 1))
    dev = development.development_start(
        access=sec, person=person, branch=sec_branch(), applied_on=today() - timedelta(days=3)
    )
    assert Person.objects.get(pk=person.pk).political_status == PoliticalStatus.APPLICANT
    board = development_selectors.development_board(access=hosp, hospital=primary())
    applicants = dict((c[0], c[2]) for c in board.columns)["applicant"]
    row_ = next(r for r in applicants if r.development.pk == dev.pk)
    assert row_.next_step.label == "派人谈话"
    assert row_.next_step.latest == today() - timedelta(days=3) + timedelta(days=30)
    with pytest.raises(ValidationError) as exc:
        development.development_start(
            access=sec, person=person, branch=sec_branch(), applied_on=today()
        )
    assert "已有发展记录" in messages_of(exc.value)


def test_members_cannot_apply_again(db, sec):
    member = make_person(branch=sec_branch(), political_status=PoliticalStatus.MEMBER)
    with pytest.raises(ValidationError) as exc:
        development.development_start(
            access=sec, person=member, branch=sec_branch(), applied_on=today()
        )
    assert "已是党员" in messages_of(exc.value)


def test_an_overdue_talk_shows_on_the_board_as_overdue(db, hosp):
    person = make_person(primary())
    dev = make_development(person, sec_branch(), DevDates(applied_on=today() - timedelta(days=45)))
    board = development_selectors.development_board(access=hosp, hospital=primary())
    assert dev.pk in {r.development.pk for r in board.overdue}
    branch_board = development_selectors.development_board(
        access=hosp, hospital=primary(), branch=sec_branch()
    )
    assert dev.pk in {r.development.pk for r in branch_board.overdue}
    assert all(r.development.branch_id == sec_branch().pk for r in branch_board.overdue)


def test_stopping_a_development_returns_an_applicant_to_the_masses(db, sec):
    person = make_person(primary())
    dev = make_development(person, sec_branch(), DevDates(applied_on=today()))
    with pytest.raises(ValidationError):
        development.development_stop(access=sec, development=dev, reason="  ")
    development.development_stop(access=sec, development=dev, reason="本人撤回申请")
    dev.refresh_from_db()
    assert dev.status == DevelopmentStatus.STOPPED
    assert Person.objects.get(pk=person.pk).political_status == PoliticalStatus.MASSES
    assert development_selectors.development_board(
        access=access_for_hosp(), hospital=primary()
    ).total == (Development.objects.filter(hospital=primary(), status="active").count())


def access_for_hosp():
    from hongfan.accounts.models import User

    return access_for(User.objects.get(username="hosp"))
