"""PersonFilter: the people page's and the roster export's filters; bad input is ignored,
never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hongfan.org.filters import PersonFilter
from hongfan.org.models import Person
from hongfan.org.tests.factories import primary, sec_branch


def _rf(**params):
    return PersonFilter(params).roster_filters()


def test_the_filters_read_as_the_page_always_read_them(db):
    f = _rf(branch="12", department="7", political_status="members", status="all", q="张")
    assert (f.branch_id, f.department_id, f.political_status, f.status, f.q) == (
        12,
        7,
        "members",
        None,
        "张",
    )
    assert _rf().status == "active" and _rf(status="left").status == "left"


@pytest.mark.parametrize(
    "params",
    [
        {"branch": "9" * 40},
        {"branch": "abc", "department": "²"},
        {"status": "nonsense", "political_status": "x"},
        {"q": "\x00"},
        {"q": "a\x00b"},
        {"branch": "\x00"},
        {"q": "x" * 500},
    ],
)
def test_bad_input_is_ignored_on_the_page_and_the_export(client_for, params):
    r = client_for("hosp").get(reverse("org:people"), params)
    assert r.status_code == 200
    f = _rf(**params)
    assert f.status == "active" and len(f.q) <= 50 and "\x00" not in f.q
    r = client_for("hosp").get(reverse("org:roster_export"), params)
    assert r.status_code == 200


def test_a_huge_branch_number_finds_nobody(db):
    qs = PersonFilter({"branch": "9" * 18}, queryset=Person.objects.all()).qs
    assert not qs.exists()


def test_the_branch_filter_keeps_its_people(db):
    b = sec_branch()
    qs = PersonFilter({"branch": str(b.pk)}, queryset=Person.objects.filter(hospital=primary())).qs
    assert qs.exists() and set(qs.values_list("branch_id", flat=True)) == {b.pk}
