"""Pages of compliance beyond the role matrix: the hospital's matrix of branches."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hongfan.orglife.tests.conftest import Unit

pytestmark = pytest.mark.django_db


def test_the_matrix_shows_every_branch_of_the_hospital(unit: Unit, client_for):
    r = client_for("hosp").get(reverse("orglife:matrix"))
    assert r.status_code == 200
    assert f'data-branch="{unit.branch.pk}"' in r.content.decode()
