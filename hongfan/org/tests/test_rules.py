"""The numbered rules of DOMAIN.md as pure checks: 发展党员 order and gaps, branch health."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from hongfan.core.dates import add_months
from hongfan.org.models import OrgRule
from hongfan.org.rules import (
    DevDates,
    branch_warnings,
    development_errors,
    development_next_step,
    development_stage,
    joining_age_error,
)

TODAY = date(2026, 6, 15)
RULE = OrgRule()  # the defaults from DOMAIN.md
BIRTH = date(1995, 3, 1)


def full_path() -> DevDates:
    """A record that keeps every rule, from application to full membership."""
    applied = date(2022, 1, 10)
    talked = applied + timedelta(days=20)
    activist = talked + timedelta(days=30)
    candidate = add_months(activist, 12)
    reviewed = candidate + timedelta(days=15)
    probation = reviewed + timedelta(days=30)
    return DevDates(
        applied_on=applied,
        talked_on=talked,
        activist_on=activist,
        candidate_on=candidate,
        reviewed_on=reviewed,
        probation_on=probation,
        full_on=add_months(probation, 12),
        training_hours=24,
    )


def errors(dates: DevDates, **kw) -> dict[str, str]:
    kw.setdefault("birth_date", BIRTH)
    return development_errors(dates, rule=RULE, today=TODAY, **kw)


def test_a_record_that_keeps_every_rule_has_no_errors():
    assert errors(full_path()) == {}
    assert development_stage(full_path()) == "full"


def test_the_defaults_are_those_of_the_party_rules():
    assert (RULE.dev_min_age, RULE.dev_talk_within_days, RULE.dev_activist_min_months) == (
        18,
        30,
        12,
    )
    assert (RULE.dev_training_min_hours, RULE.dev_probation_months) == (24, 12)
    assert (RULE.dev_extension_min_months, RULE.dev_extension_max_months) == (6, 12)
    assert (RULE.min_full_members, RULE.committee_threshold, RULE.split_threshold) == (3, 7, 50)


def test_an_applicant_under_18_is_refused_naming_the_age_rule():
    e = errors(DevDates(applied_on=date(2026, 1, 1)), birth_date=date(2008, 1, 2))
    assert "申请入党须年满18周岁" in e["applied_on"]
    assert "17周岁" in e["applied_on"]


def test_an_applicant_on_their_18th_birthday_is_accepted():
    assert errors(DevDates(applied_on=date(2026, 1, 2)), birth_date=date(2008, 1, 2)) == {}


def test_joining_the_party_on_the_day_of_birth_is_refused_naming_the_age_rule():
    assert joining_age_error(birth_date=BIRTH, joined_on=BIRTH, rule=RULE) == (
        "入党时未满18周岁（按出生日期计算，入党时仅0周岁）"
    )


def test_joining_the_party_the_day_before_the_18th_birthday_is_refused():
    day_before = add_months(BIRTH, 12 * 18) - timedelta(days=1)
    assert "入党时未满18周岁" in (
        joining_age_error(birth_date=BIRTH, joined_on=day_before, rule=RULE) or ""
    )


def test_joining_the_party_on_the_18th_birthday_is_accepted():
    on_birthday = add_months(BIRTH, 12 * 18)
    assert joining_age_error(birth_date=BIRTH, joined_on=on_birthday, rule=RULE) is None


def test_the_joining_age_follows_the_rule_version_in_force():
    older = OrgRule(dev_min_age=20)
    at_19 = add_months(BIRTH, 12 * 19)
    assert joining_age_error(birth_date=BIRTH, joined_on=at_19, rule=RULE) is None
    assert joining_age_error(birth_date=BIRTH, joined_on=at_19, rule=older) == (
        "入党时未满20周岁（按出生日期计算，入党时仅19周岁）"
    )


def test_a_talk_later_than_30_days_after_application_is_refused():
    d = full_path()
    late = replace(d, talked_on=d.applied_on + timedelta(days=31))
    assert "30天" in errors(late)["talked_on"]
    assert errors(replace(d, talked_on=d.applied_on + timedelta(days=30))) == {}


def test_a_talk_before_the_application_is_refused():
    d = full_path()
    e = errors(replace(d, talked_on=d.applied_on - timedelta(days=1)))
    assert "谈话日期不能早于递交入党申请书" in e["talked_on"]


def test_an_activist_without_a_talk_is_refused_naming_the_missing_step():
    d = replace(full_path(), talked_on=None)
    assert "须先填写“谈话日期”" in errors(d)["activist_on"]


def test_an_activist_before_the_talk_is_refused():
    d = full_path()
    e = errors(replace(d, activist_on=d.talked_on - timedelta(days=1)))
    assert "确定入党积极分子须在谈话之后" in e["activist_on"]


def test_a_candidate_with_less_than_12_months_as_activist_is_refused():
    d = full_path()
    early = add_months(d.activist_on, 12) - timedelta(days=1)
    e = errors(replace(d, candidate_on=early, reviewed_on=early))
    assert "12个月以上培养考察" in e["candidate_on"]
    assert f"最早{add_months(d.activist_on, 12):%Y-%m-%d}" in e["candidate_on"]


def test_a_candidate_without_activist_date_is_refused():
    d = replace(full_path(), activist_on=None)
    assert "须先填写“确定为入党积极分子”" in errors(d)["candidate_on"]


def test_a_political_review_before_becoming_candidate_is_refused():
    d = full_path()
    e = errors(replace(d, reviewed_on=d.candidate_on - timedelta(days=1)))
    assert "政治审查应在确定为发展对象之后" in e["reviewed_on"]


def test_probation_without_a_political_review_is_refused():
    d = replace(full_path(), reviewed_on=None)
    assert "接收预备党员前须完成政治审查" in errors(d)["probation_on"]


def test_probation_before_the_political_review_is_finished_is_refused():
    d = full_path()
    e = errors(replace(d, reviewed_on=d.probation_on + timedelta(days=1)))
    assert "接收预备党员前须完成政治审查" in e["probation_on"]


def test_probation_with_less_than_24_training_hours_is_refused():
    e = errors(replace(full_path(), training_hours=23))
    assert "24学时" in e["probation_on"]
    assert "目前仅23学时" in e["probation_on"]


def test_probation_before_becoming_candidate_is_refused():
    d = full_path()
    e = errors(replace(d, probation_on=d.candidate_on - timedelta(days=1)))
    assert "接收预备党员须在确定为发展对象之后" in e["probation_on"]


def test_full_membership_less_than_12_months_after_probation_is_refused():
    d = full_path()
    e = errors(replace(d, full_on=add_months(d.probation_on, 12) - timedelta(days=1)))
    assert "预备期为12个月" in e["full_on"]
    assert f"最早于{add_months(d.probation_on, 12):%Y-%m-%d}" in e["full_on"]


def test_full_membership_without_probation_is_refused():
    d = replace(full_path(), probation_on=None)
    assert "须先填写“接收为预备党员”" in errors(d)["full_on"]


@pytest.mark.parametrize("months", [1, 5, 13, 24])
def test_an_extension_outside_6_to_12_months_is_refused(months):
    d = replace(full_path(), full_on=None, extension_months=months)
    assert "延长预备期须为6—12个月" in errors(d)["extension_months"]


@pytest.mark.parametrize("months", [6, 9, 12])
def test_an_extension_of_6_to_12_months_is_accepted(months):
    assert errors(replace(full_path(), full_on=None, extension_months=months)) == {}


def test_an_extension_needs_a_probation_first():
    d = replace(full_path(), probation_on=None, full_on=None, extension_months=6)
    assert "尚未接收为预备党员，不能延长预备期" in errors(d)["extension_months"]


def test_an_extension_can_be_given_only_once():
    d = replace(full_path(), full_on=None, extension_months=12)
    assert "预备期只能延长一次" in errors(d, previous_extension=6)["extension_months"]


def test_an_extension_once_given_cannot_be_withdrawn():
    d = replace(full_path(), full_on=None, extension_months=0)
    assert "预备期只能延长一次" in errors(d, previous_extension=6)["extension_months"]


def test_the_same_extension_can_be_saved_again():
    d = replace(full_path(), full_on=None, extension_months=6)
    assert errors(d, previous_extension=6) == {}


def test_an_extended_probation_moves_the_earliest_full_membership():
    d = replace(full_path(), extension_months=6)
    e = errors(d)
    assert "已延长6个月" in e["full_on"]
    assert f"最早于{add_months(d.probation_on, 18):%Y-%m-%d}" in e["full_on"]
    assert errors(replace(d, full_on=add_months(d.probation_on, 18))) == {}


@pytest.mark.parametrize(
    "field",
    ["applied_on", "talked_on", "activist_on", "candidate_on", "reviewed_on", "probation_on"],
)
def test_no_date_may_lie_in_the_future(field):
    d = replace(full_path(), full_on=None, **{field: TODAY + timedelta(days=1)})
    assert errors(d)[field] == "日期不能晚于今天"


def test_stage_follows_the_latest_date_filled_in():
    d = full_path()
    assert development_stage(DevDates(applied_on=d.applied_on)) == "applicant"
    assert development_stage(replace(d, candidate_on=None, probation_on=None, full_on=None)) == (
        "activist"
    )
    assert development_stage(replace(d, probation_on=None, full_on=None)) == "candidate"
    assert development_stage(replace(d, full_on=None)) == "probationary"


# --- next step on the board ---------------------------------------------------------------


def step(d: DevDates, today: date = TODAY):
    return development_next_step(d, rule=RULE, today=today)


def test_an_applicant_awaits_a_talk_within_30_days_and_is_overdue_after():
    applied = TODAY - timedelta(days=10)
    s = step(DevDates(applied_on=applied))
    assert s.label == "派人谈话"
    assert s.latest == applied + timedelta(days=30)
    assert not s.overdue
    late = step(DevDates(applied_on=TODAY - timedelta(days=31)))
    assert late.overdue


def test_an_activist_waits_12_months_before_becoming_candidate():
    d = full_path()
    activist = replace(d, candidate_on=None, reviewed_on=None, probation_on=None, full_on=None)
    s = step(activist, today=d.activist_on + timedelta(days=30))
    assert s.label == "确定为发展对象"
    assert s.earliest == add_months(d.activist_on, 12)
    assert s.waiting and not s.overdue


def test_a_candidate_needs_review_then_training_then_a_general_meeting():
    d = replace(full_path(), probation_on=None, full_on=None)
    assert step(replace(d, reviewed_on=None)).label == "完成政治审查"
    assert step(replace(d, training_hours=16)).label == "完成集中培训（16/24学时）"
    assert step(d).label == "支部大会讨论接收预备党员"


def test_a_probationary_member_is_due_for_conversion_after_a_year_and_overdue_a_month_later():
    d = replace(full_path(), full_on=None)
    due = add_months(d.probation_on, 12)
    s = step(d, today=due - timedelta(days=1))
    assert s.label == "讨论预备党员转正"
    assert s.earliest == due and s.waiting
    assert step(d, today=due + timedelta(days=30)).overdue is False
    assert step(d, today=due + timedelta(days=31)).overdue is True


def test_an_extension_moves_the_conversion_date():
    d = replace(full_path(), full_on=None, extension_months=6)
    assert step(d).earliest == add_months(d.probation_on, 18)


def test_a_full_member_has_no_next_step():
    assert step(full_path()) is None


# --- branch health ----------------------------------------------------------------------------


def warn(**kw):
    args = dict(
        rule=RULE,
        today=TODAY,
        is_general_branch=False,
        full_count=5,
        member_count=5,
        has_committee=False,
        term_end=None,
    )
    args.update(kw)
    return {w.code: w.text for w in branch_warnings(**args)}


def test_a_healthy_branch_has_no_warnings():
    assert warn() == {}


def test_a_branch_with_fewer_than_3_full_members_is_warned():
    assert "正式党员仅2人，不足3人" in warn(full_count=2, member_count=4)["too_few_full"]
    assert "too_few_full" not in warn(full_count=3, member_count=3)


def test_a_general_branch_is_not_warned_for_few_full_members():
    assert warn(is_general_branch=True, full_count=0, member_count=0) == {}


def test_a_branch_with_7_full_members_and_no_committee_is_warned():
    assert "应设立支部委员会" in warn(full_count=7, member_count=7)["needs_committee"]
    assert "needs_committee" not in warn(full_count=6, member_count=6)
    assert "needs_committee" not in warn(
        full_count=7, member_count=7, has_committee=True, term_end=TODAY + timedelta(days=400)
    )


def test_a_branch_of_more_than_50_members_is_advised_to_split():
    assert "宜考虑拆分支部" in warn(full_count=40, member_count=51, has_committee=True)["too_many"]
    assert "too_many" not in warn(full_count=40, member_count=50, has_committee=True)


def test_an_expired_committee_term_is_warned():
    text = warn(has_committee=True, term_end=TODAY - timedelta(days=1))["term_expired"]
    assert "任期已于2026年06月14日届满" in text


def test_a_committee_term_ending_within_90_days_is_warned():
    text = warn(has_committee=True, term_end=TODAY + timedelta(days=90))["term_ending"]
    assert "还有90天" in text
    assert warn(has_committee=True, term_end=TODAY + timedelta(days=91)) == {}
