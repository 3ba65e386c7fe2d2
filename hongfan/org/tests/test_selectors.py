"""Reads: the figures on the overview and branch pages, who sees what, and that page query
counts do not grow with the number of rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.core.roles import Role
from hongfan.org.choices import BranchKind, PersonStatus, PoliticalStatus
from hongfan.org.models import (
    Branch,
    BranchCommittee,
    Department,
    Development,
    DualCultivation,
    PartyGroup,
    Person,
)
from hongfan.org.rules import DevDates
from hongfan.org.selectors import cultivation as cultivation_selectors
from hongfan.org.selectors import development as development_selectors
from hongfan.org.selectors import hospitals as hospitals_selectors
from hongfan.org.selectors import people as people_selectors
from hongfan.org.selectors import structure as structure_selectors
from hongfan.org.tests.factories import (
    candidate_dates,
    make_branch,
    make_development,
    make_person,
    make_user,
    other_branch,
    primary,
    sec_branch,
    second,
)

MEMBER_STATUSES = {PoliticalStatus.MEMBER, PoliticalStatus.PROBATIONARY}


@pytest.fixture
def access(users):
    return {name: access_for(u) for name, u in users.items()}


# --- hospital overview ----------------------------------------------------------------------


def test_hospital_overview_figures_equal_independent_counts(access):
    h = primary()
    ov = hospitals_selectors.hospital_overview(access=access["hosp"], hospital=h)
    people = [p for p in Person.objects.filter(hospital=h) if p.status == PersonStatus.ACTIVE]
    members = [p for p in people if p.political_status in MEMBER_STATUSES]
    full = [p for p in members if p.political_status == PoliticalStatus.MEMBER]
    assert ov.staff_count == len(people) > 0
    assert ov.member_count == len(members) > 0
    assert ov.full_count == len(full)
    assert ov.probationary_count == len(members) - len(full)
    assert ov.member_share == pytest.approx(100 * len(members) / len(people))

    departments = list(Department.objects.filter(hospital=h, active=True))
    covered = [d for d in departments if d.branches.filter(active=True).exists()]
    assert ov.department_count == len(departments)
    assert ov.covered_department_count == len(covered)
    assert ov.coverage == pytest.approx(100 * len(covered) / len(departments))

    leaf = [b for b in Branch.objects.filter(hospital=h, active=True, kind=BranchKind.BRANCH)]
    with_secretary = [b for b in leaf if b.secretary is not None]
    dual = [
        b for b in with_secretary if b.secretary.is_department_head or b.secretary.is_senior_expert
    ]
    assert ov.branch_count == len(leaf)
    assert ov.secretary_count == len(with_secretary)
    assert ov.dual_leader_share == pytest.approx(100 * len(dual) / len(with_secretary))

    recruited = [
        d
        for d in Development.objects.filter(hospital=h)
        if d.probation_on and d.probation_on.year == today().year
    ]
    assert ov.recruited_this_year == len(recruited)
    assert sum(ov.age_bands.values()) == len(members)
    assert sum(ov.education.values()) == len(members)


def test_hospital_overview_follows_changes(access):
    h = primary()
    before = hospitals_selectors.hospital_overview(access=access["hosp"], hospital=h)
    make_person(h, branch=sec_branch(), political_status=PoliticalStatus.MEMBER)
    make_person(h)
    uncovered = Department.objects.create(hospital=h, name="新设科室", kind="admin")
    after = hospitals_selectors.hospital_overview(access=access["hosp"], hospital=h)
    assert after.staff_count == before.staff_count + 2
    assert after.member_count == before.member_count + 1
    assert after.department_count == before.department_count + 1
    assert after.covered_department_count == before.covered_department_count
    assert uncovered in after.uncovered_departments
    assert after.warning_count >= before.warning_count + 1


def test_hospital_page_shows_the_figures(client_for, access):
    h = primary()
    ov = hospitals_selectors.hospital_overview(access=access["hosp"], hospital=h)
    page = client_for("hosp").get(f"/org/hospitals/{h.pk}/").content.decode()
    assert h.name in page
    for figure in (ov.staff_count, ov.member_count, ov.branch_count):
        assert str(figure) in page


def test_city_list_shows_every_hospital_with_its_staff_and_members(access):
    rows = {h.pk: h for h in hospitals_selectors.hospital_list(access=access["city"])}
    for h in (primary(), second()):
        active = Person.objects.filter(hospital=h, status="active")
        assert rows[h.pk].staff_count == active.count()
        assert (
            rows[h.pk].member_count == active.filter(political_status__in=MEMBER_STATUSES).count()
        )


def test_only_the_city_sees_the_list_of_hospitals(access):
    for name in ("hosp", "sec", "member", "audit"):
        with pytest.raises(PermissionDenied):
            hospitals_selectors.hospital_list(access=access[name])


# --- branch page -----------------------------------------------------------------------------


def test_branch_detail_lists_members_committee_groups_and_departments(access):
    branch = sec_branch()
    left = make_person(branch=branch, political_status=PoliticalStatus.MEMBER)
    left.status = PersonStatus.LEFT
    left.save()
    d = structure_selectors.branch_detail(access=access["sec"], branch=branch)
    expected = {
        p.pk
        for p in Person.objects.filter(branch=branch, status="active")
        if p.political_status in MEMBER_STATUSES
    }
    assert {m.pk for m in d.members} == expected
    assert left.pk not in expected
    assert (
        d.full_count
        == Person.objects.filter(branch=branch, status="active", political_status="member").count()
    )
    assert d.probationary_count == len(expected) - d.full_count
    assert (
        d.committee == BranchCommittee.objects.filter(branch=branch).order_by("-term_start").first()
    )
    assert {g.pk for g in d.groups} == set(
        PartyGroup.objects.filter(branch=branch).values_list("pk", flat=True)
    )
    assert {x.pk for x in d.departments} == set(branch.departments.values_list("pk", flat=True))
    assert d.pipeline_total == Development.objects.filter(branch=branch, status="active").count()


@pytest.mark.parametrize(
    "shape,code",
    [
        ({"full": 2}, "too_few_full"),
        ({"full": 7}, "needs_committee"),
        ({"full": 45, "probationary": 6, "committee_term_end": "+400"}, "too_many"),
        ({"full": 3, "committee_term_end": "-1"}, "term_expired"),
        ({"full": 3, "committee_term_end": "+30"}, "term_ending"),
    ],
)
def test_branch_page_warns_about_branch_health(client_for, access, shape, code):
    shape = dict(shape)
    if "committee_term_end" in shape:
        shape["committee_term_end"] = today() + timedelta(days=int(shape["committee_term_end"]))
    branch = make_branch(**shape)
    warnings = {
        w.code: w.text
        for w in structure_selectors.branch_detail(access=access["hosp"], branch=branch).warnings
    }
    assert set(warnings) == {code}
    page = client_for("hosp").get(f"/org/branches/{branch.pk}/").content.decode()
    assert warnings[code] in page


def test_a_member_reads_their_branch_page_without_the_admins_warnings(client_for, access):
    branch = make_branch(full=2)
    reader = make_user("warned_member", person=branch.secretary, roles=[(Role.MEMBER, None, None)])
    assert (
        structure_selectors.branch_detail(access=access_for(reader), branch=branch).warnings == []
    )
    client = client_for("hosp")
    client.force_login(reader)
    page = client.get(f"/org/branches/{branch.pk}/").content.decode()
    assert "预警" not in page and "不足3人" not in page
    admin_page = client_for("hosp").get(f"/org/branches/{branch.pk}/").content.decode()
    assert "预警" in admin_page and "不足3人" in admin_page


def test_a_healthy_branch_has_no_warnings(access):
    branch = make_branch(full=8, committee_term_end=today() + timedelta(days=400))
    assert structure_selectors.branch_detail(access=access["hosp"], branch=branch).warnings == []


def test_an_uncovered_department_is_listed_on_the_overview(client_for, access):
    dept = Department.objects.create(hospital=primary(), name="未建支部的科室", kind="admin")
    ov = hospitals_selectors.hospital_overview(access=access["hosp"], hospital=primary())
    assert dept in ov.uncovered_departments
    page = client_for("hosp").get(f"/org/hospitals/{primary().pk}/").content.decode()
    assert "未建支部的科室" in page


# --- scoping ----------------------------------------------------------------------------------


def secretary_people(users) -> set[int]:
    """Computed by hand: the branch's people, its applicants, the unattached staff of the
    departments it covers, and the secretary themself."""
    branch = sec_branch()
    covered = set(branch.departments.values_list("pk", flat=True))
    out = {users["sec"].person_id}
    for p in Person.objects.filter(hospital=branch.hospital):
        if p.branch_id == branch.pk:
            out.add(p.pk)
        elif p.branch_id is None and p.department_id in covered:
            out.add(p.pk)
    out |= set(Development.objects.filter(branch=branch).values_list("person_id", flat=True))
    return out


def test_secretary_sees_own_branch_people_its_applicants_and_themself(access, users):
    seen = list(people_selectors.person_qs(access=access["sec"]).values_list("pk", flat=True))
    assert len(seen) == len(set(seen)), "a person is listed twice"
    assert set(seen) == secretary_people(users)
    assert not Person.objects.filter(pk__in=seen, branch=other_branch()).exists()
    assert not Person.objects.filter(pk__in=seen, hospital=second()).exists()


def test_secretary_sees_the_applicants_of_their_branch(access):
    applicant = make_person(primary())  # no branch, department outside the branch
    make_development(applicant, sec_branch(), DevDates(applied_on=today()))
    assert people_selectors.person_get(access=access["sec"], pk=applicant.pk) == applicant


def test_secretary_sees_unattached_staff_of_covered_departments_only(access):
    covered = sec_branch().departments.first()
    outside = other_branch().departments.first()
    mine = make_person(primary(), department=covered)
    theirs = make_person(primary(), department=outside)
    assert people_selectors.person_get(access=access["sec"], pk=mine.pk) == mine
    with pytest.raises(PermissionDenied):
        people_selectors.person_get(access=access["sec"], pk=theirs.pk)


def test_secretary_cannot_see_other_branch_members(access):
    stranger = make_person(branch=other_branch(), political_status=PoliticalStatus.MEMBER)
    with pytest.raises(PermissionDenied):
        people_selectors.person_get(access=access["sec"], pk=stranger.pk)
    with pytest.raises(PermissionDenied):
        structure_selectors.branch_get(access["sec"], other_branch().pk)


def test_secretary_people_api_lists_only_their_people(client_for, users):
    client, url, rows = client_for("sec"), "/api/org/people/", []
    while url:
        data = client.get(url).json()
        rows += data["results"]
        url = data["next"]
    assert data["count"] == len({row["id"] for row in rows}) == len(secretary_people(users))
    assert {row["branch"] for row in rows} <= {sec_branch().name, None}


def test_member_sees_only_themself(access, users):
    assert list(
        people_selectors.person_qs(access=access["member"]).values_list("pk", flat=True)
    ) == [users["member"].person_id]
    with pytest.raises(PermissionDenied):
        people_selectors.person_list(access["member"])


def test_member_reads_own_branch_page_but_not_another(access, users):
    own = users["member"].person.branch_id
    assert structure_selectors.branch_get(access["member"], own).pk == own
    with pytest.raises(PermissionDenied):
        structure_selectors.branch_get(access["member"], other_branch().pk)


def test_hospital_admin_sees_exactly_their_hospital(access):
    seen = people_selectors.person_qs(access=access["hosp"])
    assert seen.count() == Person.objects.filter(hospital=primary()).count()
    assert not seen.filter(hospital=second()).exists()


def test_another_hospitals_person_branch_and_records_are_not_found(access):
    person = Person.objects.filter(hospital=primary()).first()
    branch = sec_branch()
    dev = Development.objects.filter(hospital=primary()).first()
    for get, pk in (
        (people_selectors.person_get, person.pk),
        (structure_selectors.branch_get, branch.pk),
        (development_selectors.development_get, dev.pk),
        (hospitals_selectors.hospital_get, primary().pk),
    ):
        with pytest.raises(Http404):
            get(access=access["hosp2"], pk=pk)


def test_another_hospitals_person_page_is_a_404(client_for):
    person = Person.objects.filter(hospital=primary()).first()
    assert client_for("hosp2").get(f"/org/people/{person.pk}/").status_code == 404
    assert client_for("hosp2").get(f"/org/branches/{sec_branch().pk}/").status_code == 404
    assert client_for("hosp2").get(f"/api/org/people/{person.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["audit", "security", "sysadmin"])
def test_the_three_separated_admins_see_no_business_data(access, role):
    person = Person.objects.filter(hospital=primary()).first()
    assert not people_selectors.person_qs(access=access[role]).exists()
    for get, pk in (
        (people_selectors.person_get, person.pk),
        (structure_selectors.branch_get, sec_branch().pk),
        (hospitals_selectors.hospital_get, primary().pk),
    ):
        with pytest.raises(PermissionDenied):
            get(access=access[role], pk=pk)


def test_city_admin_reads_every_hospital(access):
    assert people_selectors.person_qs(access=access["city"]).count() == Person.objects.count()
    assert hospitals_selectors.hospital_get(access=access["city"], pk=second().pk) == second()


def test_secretary_board_shows_only_own_branch(client_for):
    make_development(make_person(primary()), other_branch(), DevDates(applied_on=today()))
    page = client_for("sec").get("/org/development/")
    assert page.status_code == 200
    board = page.context["board"]
    shown = [r.development for _, _, rows in board.columns for r in rows]
    assert shown and all(d.branch_id == sec_branch().pk for d in shown)


# --- query counts ------------------------------------------------------------------------------


def _queries(client, url) -> int:
    client.get(url)  # warm up: session, security policy row
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow_primary_hospital() -> None:
    """More branches, members, committees, groups, development records and cultivation."""
    h = primary()
    for _ in range(3):
        b = make_branch(
            h, full=9, probationary=2, committee_term_end=today() + timedelta(days=60), groups=2
        )
        for _ in range(3):
            make_development(make_person(h), b, candidate_dates())
        make_development(make_person(h), sec_branch(), DevDates(applied_on=today() - timedelta(40)))
    for _ in range(6):
        p = make_person(h, branch=sec_branch(), political_status=PoliticalStatus.MEMBER)
        DualCultivation.objects.create(
            hospital=h, person=p, direction="member_to_cadre", started_on=today()
        )
    Branch.objects.create(hospital=h, name="新党总支", kind=BranchKind.GENERAL_BRANCH)


PAGES = {
    "hospital overview": lambda: f"/org/hospitals/{primary().pk}/",
    "branch page": lambda: f"/org/branches/{sec_branch().pk}/",
    "development board": lambda: "/org/development/",
    "people list": lambda: "/org/people/",
    "cultivation list": lambda: "/org/cultivation/",
}

MAX_QUERIES = 25


@pytest.mark.parametrize("page", PAGES)
def test_page_query_count_does_not_grow_with_rows(client_for, page, django_assert_max_num_queries):
    client = client_for("hosp")
    url = PAGES[page]()
    before = _queries(client, url)
    _grow_primary_hospital()
    after = _queries(client, url)
    assert after == before, f"{page}: {before} queries before, {after} after adding rows"
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url)


def test_city_hospital_list_query_count_does_not_grow_with_hospitals(client_for):
    from hongfan.org.models import Hospital

    client = client_for("city")
    before = _queries(client, "/org/hospitals/")
    authority = primary().authority
    for i in range(3):
        Hospital.objects.create(authority=authority, name=f"测试医院{i}")
    _grow_primary_hospital()
    assert _queries(client, "/org/hospitals/") == before


# --- lookups for other views ------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,outcome",
    [
        ("city", "ok"),
        ("hosp", "ok"),
        ("sec", PermissionDenied),
        ("member", PermissionDenied),
        ("audit", PermissionDenied),
        ("security", PermissionDenied),
        ("sysadmin", PermissionDenied),
        ("hosp2", Http404),
    ],
)
def test_cultivation_and_department_lookups_follow_the_scoping_rules(access, role, outcome):
    row = DualCultivation.objects.filter(hospital=primary()).first()
    dept = Department.objects.filter(hospital=primary()).first()
    for get, obj in (
        (cultivation_selectors.cultivation_get, row),
        (structure_selectors.department_get, dept),
    ):
        if outcome == "ok":
            assert get(access=access[role], pk=obj.pk) == obj
        else:
            with pytest.raises(outcome):
                get(access=access[role], pk=obj.pk)
