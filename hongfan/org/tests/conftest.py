"""Fixtures shared by the org service tests: the hospital admin's and the secretary's access,
and a 发展对象 ready for the branch meeting."""

from __future__ import annotations

from datetime import date

import pytest

from hongfan.core.access import access_for
from hongfan.org.tests.factories import candidate_dates, make_development, make_person, sec_branch


@pytest.fixture
def hosp(users):
    return access_for(users["hosp"])


@pytest.fixture
def sec(users):
    return access_for(users["sec"])


@pytest.fixture
def candidate(db):
    """A 发展对象 in sec's branch, ready for the branch meeting."""
    branch = sec_branch()
    person = make_person(branch.hospital, birth_date=date(1995, 4, 1), department=None)
    return make_development(person, branch, candidate_dates())
