"""The core doors over org's rows: ``hospital_for`` (which hospital a page is about) and
``get_scoped`` (the one scoped lookup behind every ``*_get``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from hongfan.core.access import access_for, get_scoped, hospital_for
from hongfan.org.models import Branch, Hospital, Person
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.org.tests.factories import PRIMARY, SECOND

rf = RequestFactory()


def _for(user, query: str = "", *, post: dict | None = None, **kw):
    access = access_for(user)
    request = rf.post("/x/" + query, post or {}) if post is not None else rf.get("/x/" + query)
    return hospital_for(request, access, hospitals=hospital_choices(access=access), **kw)


@pytest.fixture
def primary(db):
    return Hospital.objects.get(name=PRIMARY)


@pytest.fixture
def second(db):
    return Hospital.objects.get(name=SECOND)


def test_the_city_picks_a_hospital_by_query_parameter(users, second):
    assert _for(users["city"], f"?hospital={second.pk}") == second


def test_the_city_picks_a_hospital_by_a_posted_field(users, second):
    assert _for(users["city"], post={"hospital": str(second.pk)}) == second


def test_the_city_without_a_choice_gets_the_first_hospital(users):
    assert _for(users["city"]) == Hospital.objects.order_by("pk").first()


def test_a_hospital_admin_gets_their_own_hospital(users, primary):
    assert _for(users["hosp"]) == primary


def test_a_secretary_gets_the_hospital_of_their_branch(users):
    access = access_for(users["sec"])
    assert _for(users["sec"]).pk == min(access.branch_hospital_ids)


def test_an_admin_naming_another_hospital_is_a_404(users, second):
    with pytest.raises(Http404):
        _for(users["hosp"], f"?hospital={second.pk}")


@pytest.mark.parametrize("raw", ["99999999", "9" * 40, "²", "١٢"])
def test_a_hospital_that_is_not_there_or_no_number_is_a_404(users, raw):
    with pytest.raises(Http404):
        _for(users["city"], f"?hospital={raw}")


def test_a_member_is_refused_unless_members_are_let_in(users):
    with pytest.raises(PermissionDenied, match="没有可管理的医院"):
        _for(users["member"])
    access = access_for(users["member"])
    assert _for(users["member"], members=True).pk == access.person_hospital_id


def test_business_refuses_the_three_officers_first(users):
    with pytest.raises(PermissionDenied, match="此角色不能查看业务数据"):
        _for(users["audit"], business=True)


def test_works_refuses_a_hospital_the_user_may_only_read(users):
    with pytest.raises(PermissionDenied, match="只有医院党委"):
        _for(
            users["city"],
            works=lambda a, hid: a.administers_hospital(hid),
            works_refusal="只有医院党委",
        )


def test_get_scoped_is_a_404_for_a_row_that_is_not_there(users):
    access = access_for(users["hosp"])
    for pk in (99999999, 10**30, "abc"):
        with pytest.raises(Http404, match="支部不存在"):
            get_scoped(Branch.objects.all(), pk, access, noun="支部")


def test_get_scoped_is_a_403_inside_ones_hospital_and_a_404_elsewhere(users, primary, second):
    access = access_for(users["hosp"])
    mine = Branch.objects.filter(hospital=primary).first()
    theirs = Branch.objects.filter(hospital=second).first()
    never = lambda b: False  # noqa: E731
    with pytest.raises(PermissionDenied, match="没有权限查看此支部"):
        get_scoped(Branch.objects.all(), mine.pk, access, noun="支部", may=never)
    with pytest.raises(PermissionDenied, match="只能查看本支部"):
        get_scoped(
            Branch.objects.all(), mine.pk, access, noun="支部", may=never, refusal="只能查看本支部"
        )
    with pytest.raises(Http404, match="支部不存在"):
        get_scoped(Branch.objects.all(), theirs.pk, access, noun="支部", may=never)
    assert get_scoped(Branch.objects.all(), mine.pk, access, noun="支部") == mine


def test_get_scoped_tells_out_of_scope_from_missing_through_outside(users, primary, second):
    access = access_for(users["hosp"])
    scoped = Person.objects.filter(hospital=primary)
    other = Person.objects.filter(hospital=second).first()
    with pytest.raises(Http404, match="人员不存在"):
        get_scoped(scoped, other.pk, access, noun="人员", outside=Person.objects.all())
    sec = access_for(users["sec"])
    outside_branch = (
        Person.objects.filter(hospital_id__in=sec.branch_hospital_ids)
        .exclude(branch_id__in=sec.branch_ids)
        .first()
    )
    with pytest.raises(PermissionDenied, match="没有权限查看此人员"):
        get_scoped(
            Person.objects.filter(branch_id__in=sec.branch_ids),
            outside_branch.pk,
            sec,
            noun="人员",
            outside=Person.objects.all(),
        )


def test_get_scoped_refuses_the_three_officers_unless_told_not_to(users):
    access = access_for(users["audit"])
    with pytest.raises(PermissionDenied):
        get_scoped(Branch.objects.all(), 1, access, noun="支部")
