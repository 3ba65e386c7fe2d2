"""Organisation settings: departments, branches, committee elections, groups, rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hongfan.core.access import access_for
from hongfan.core.dates import add_months, today
from hongfan.org.models import (
    Authority,
    Branch,
    BranchCommittee,
    Department,
    Hospital,
    OrgRule,
    PartyGroup,
    Person,
)
from hongfan.org.selectors.structure import org_rule_for
from hongfan.org.services import structure as svc

pytestmark = pytest.mark.django_db


@pytest.fixture
def primary():
    return Hospital.objects.get(name="济宁市第三人民医院")


def _big_branch(h):
    for b in Branch.objects.filter(hospital=h, kind="branch").order_by("pk"):
        if Person.objects.filter(branch=b, political_status="member", status="active").count() >= 7:
            return b
    raise AssertionError("demo city has no branch with 7 full members")


def _full(b):
    return list(
        Person.objects.filter(branch=b, political_status="member", status="active").order_by("pk")
    )


def test_hospital_admin_founds_a_branch_on_two_departments(users, primary):
    access = access_for(users["hosp"])
    depts = list(Department.objects.filter(hospital=primary)[:2])
    b = svc.branch_save(
        access=access,
        hospital=primary,
        data={"name": "新成立党支部", "kind": "branch", "departments": depts},
    )
    assert set(b.departments.all()) == set(depts)
    assert b.secretary is None


def test_branch_name_must_be_unique_in_the_hospital(users, primary):
    access = access_for(users["hosp"])
    existing = Branch.objects.filter(hospital=primary).first()
    before = Branch.objects.count()
    with pytest.raises(ValidationError) as exc:
        svc.branch_save(access=access, hospital=primary, data={"name": existing.name})
    assert "同名支部" in str(exc.value)
    assert Branch.objects.count() == before


def test_branch_secretary_must_be_a_full_member_of_that_branch(users, primary):
    access = access_for(users["hosp"])
    b = _big_branch(primary)
    outsider = (
        Person.objects.filter(hospital=primary, political_status="member").exclude(branch=b).first()
    )
    with pytest.raises(ValidationError) as exc:
        svc.branch_save(
            access=access, hospital=primary, branch=b, data={"name": b.name, "secretary": outsider}
        )
    assert "本支部" in str(exc.value)
    b.refresh_from_db()
    assert b.secretary_id != outsider.pk


def test_other_hospital_admin_cannot_change_a_branch(users, primary):
    b = _big_branch(primary)
    with pytest.raises(PermissionDenied):
        svc.branch_save(
            access=access_for(users["hosp2"]), hospital=primary, branch=b, data={"name": "改名"}
        )
    b.refresh_from_db()
    assert b.name != "改名"


def test_committee_election_records_seats_and_sets_the_secretary(users, primary):
    b = _big_branch(primary)
    full = _full(b)
    start = today() - timedelta(days=1)
    c = svc.committee_elect(
        access=access_for(users["hosp"]),
        branch=b,
        elected_on=start,
        term_start=start,
        term_end=add_months(start, 36) - timedelta(days=1),
        seats=[(full[0], "secretary"), (full[1], "organisation"), (full[2], "propaganda")],
    )
    assert c.seats.count() == 3
    b.refresh_from_db()
    assert b.secretary_id == full[0].pk
    assert BranchCommittee.objects.filter(branch=b).order_by("-term_start").first() == c


@pytest.mark.parametrize(
    ("years", "message"),
    [(2, "任期3至5年"), (6, "任期3至5年")],
)
def test_committee_term_must_be_three_to_five_years(users, primary, years, message):
    b = _big_branch(primary)
    full = _full(b)
    start = today()
    before = BranchCommittee.objects.count()
    with pytest.raises(ValidationError) as exc:
        svc.committee_elect(
            access=access_for(users["hosp"]),
            branch=b,
            elected_on=start,
            term_start=start,
            term_end=add_months(start, 12 * years),
            seats=[(full[0], "secretary")],
        )
    assert message in str(exc.value)
    assert BranchCommittee.objects.count() == before


def test_committee_needs_exactly_one_secretary_and_distinct_people(users, primary):
    b = _big_branch(primary)
    full = _full(b)
    start = today()
    end = add_months(start, 36) - timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        svc.committee_elect(
            access=access_for(users["hosp"]),
            branch=b,
            elected_on=start,
            term_start=start,
            term_end=end,
            seats=[(full[0], "organisation"), (full[1], "propaganda")],
        )
    assert "只有一名书记" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        svc.committee_elect(
            access=access_for(users["hosp"]),
            branch=b,
            elected_on=start,
            term_start=start,
            term_end=end,
            seats=[(full[0], "secretary"), (full[0], "propaganda")],
        )
    assert "同一人" in str(exc.value)


def test_committee_members_must_be_full_members_of_the_branch(users, primary):
    b = _big_branch(primary)
    outsider = Person.objects.filter(hospital=primary, political_status="masses").first()
    start = today()
    with pytest.raises(ValidationError) as exc:
        svc.committee_elect(
            access=access_for(users["hosp"]),
            branch=b,
            elected_on=start,
            term_start=start,
            term_end=add_months(start, 36) - timedelta(days=1),
            seats=[(_full(b)[0], "secretary"), (outsider, "propaganda")],
        )
    assert "不是本支部的正式党员" in str(exc.value)


def test_election_in_the_future_is_refused(users, primary):
    b = _big_branch(primary)
    start = today() + timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        svc.committee_elect(
            access=access_for(users["hosp"]),
            branch=b,
            elected_on=start,
            term_start=start,
            term_end=add_months(start, 36),
            seats=[(_full(b)[0], "secretary")],
        )
    assert "不能晚于今天" in str(exc.value)


def test_secretary_adds_a_party_group_with_a_leader_from_the_branch(users):
    sec = users["sec"]
    access = access_for(sec)
    b = Branch.objects.get(pk=min(access.branch_ids))
    leader = _full(b)[-1]
    g = svc.party_group_save(access=access, branch=b, name="第九党小组", leader=leader)
    leader.refresh_from_db()
    assert leader.party_group_id == g.pk


def test_secretary_cannot_add_a_group_to_another_branch(users, primary):
    access = access_for(users["sec"])
    other = Branch.objects.filter(hospital=primary).exclude(pk__in=access.branch_ids).first()
    before = PartyGroup.objects.count()
    with pytest.raises(PermissionDenied):
        svc.party_group_save(access=access, branch=other, name="越权小组", leader=None)
    assert PartyGroup.objects.count() == before


def test_city_admin_publishes_a_rule_version_that_applies_from_its_date(users):
    authority = Authority.objects.get()
    current = org_rule_for(authority.pk)
    values = {f: getattr(current, f) for f in svc.RULE_FIELDS}
    values["split_threshold"] = 40
    later = today() + timedelta(days=30)
    svc.org_rule_publish(
        access=access_for(users["city"]), authority=authority, effective_from=later, values=values
    )
    assert org_rule_for(authority.pk).split_threshold == current.split_threshold
    assert org_rule_for(authority.pk, later).split_threshold == 40


def test_rule_with_inverted_term_bounds_is_refused(users):
    authority = Authority.objects.get()
    current = org_rule_for(authority.pk)
    values = {f: getattr(current, f) for f in svc.RULE_FIELDS}
    values.update(term_min_years=5, term_max_years=3)
    before = OrgRule.objects.count()
    with pytest.raises(ValidationError) as exc:
        svc.org_rule_publish(
            access=access_for(users["city"]),
            authority=authority,
            effective_from=date(2030, 1, 1),
            values=values,
        )
    assert "任期上限不能小于下限" in str(exc.value)
    assert OrgRule.objects.count() == before


def test_hospital_admin_cannot_publish_city_rules(users):
    authority = Authority.objects.get()
    with pytest.raises(PermissionDenied):
        svc.org_rule_publish(
            access=access_for(users["hosp"]),
            authority=authority,
            effective_from=date(2030, 1, 1),
            values={},
        )


def test_structure_page_lists_uncovered_departments_and_adds_one(client_for, primary):
    c = client_for("hosp")
    r = c.post(
        f"/org/hospitals/{primary.pk}/structure/",
        {"name": "健康管理中心", "kind": "clinical", "active": "on"},
    )
    assert r.status_code == 302
    page = c.get(f"/org/hospitals/{primary.pk}/structure/").content.decode()
    assert "健康管理中心" in page and "未覆盖" in page


def test_committee_form_shows_the_rule_message_in_chinese(client_for, primary):
    b = _big_branch(primary)
    start = today()
    r = client_for("hosp").post(
        f"/org/branches/{b.pk}/committee/",
        {
            "elected_on": start,
            "term_start": start,
            "term_end": add_months(start, 12),
            "seat_0": _full(b)[0].pk,
        },
    )
    assert r.status_code == 200
    assert "支委会每届任期3至5年" in r.content.decode()


def _election(b, **seats):
    start = today()
    return {
        "elected_on": start,
        "term_start": start,
        "term_end": add_months(start, 36) - timedelta(days=1),
        **seats,
    }


def test_committee_form_offers_the_branchs_full_members_in_each_seat(client_for, primary):
    b = _big_branch(primary)
    page = client_for("hosp").get(f"/org/branches/{b.pk}/committee/").content.decode()
    for i, label in enumerate(["书记", "副书记"]):
        assert f'name="seat_{i}"' in page and label in page
    assert 'name="seat_7"' in page and 'name="seat_8"' not in page
    assert f'<option value="{_full(b)[0].pk}"' in page


def test_committee_form_refuses_a_seat_for_someone_outside_the_branch(client_for, primary):
    b = _big_branch(primary)
    outsider = Person.objects.filter(hospital=primary).exclude(branch=b).first()
    before = BranchCommittee.objects.filter(branch=b).count()
    r = client_for("hosp").post(
        f"/org/branches/{b.pk}/committee/",
        _election(b, seat_0=_full(b)[0].pk, seat_2=outsider.pk),
    )
    assert r.status_code == 200
    assert "所选人员不是本支部的正式党员" in r.content.decode()
    assert BranchCommittee.objects.filter(branch=b).count() == before


@pytest.mark.parametrize("odd", ["abc", "\x00", "²", "-3", ""])
def test_committee_seat_that_is_not_a_number_is_left_empty(client_for, primary, odd):
    b = _big_branch(primary)
    full = _full(b)
    r = client_for("hosp").post(
        f"/org/branches/{b.pk}/committee/",
        _election(b, seat_0=full[0].pk, seat_2=full[1].pk, seat_3=full[2].pk, seat_1=odd),
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    committee = BranchCommittee.objects.filter(branch=b).order_by("-pk").first()
    assert committee.seats.count() == 3


def test_committee_seat_with_a_huge_number_is_refused_calmly(client_for, primary):
    b = _big_branch(primary)
    r = client_for("hosp").post(
        f"/org/branches/{b.pk}/committee/",
        _election(b, seat_0=_full(b)[0].pk, seat_2="9" * 40),
    )
    assert r.status_code == 200
    assert "所选人员不是本支部的正式党员" in r.content.decode()
