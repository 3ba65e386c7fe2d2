"""The accounts factories build valid rows, and a role they grant gives that role's access."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hongfan.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from hongfan.core.access import access_for
from hongfan.org.tests.factories import primary, sec_branch, second

pytestmark = pytest.mark.django_db


def test_accounts_factories_build_valid_rows():
    rows = [
        UserFactory(),
        UserFactory(member=True),
        RoleAssignmentFactory(),
        RoleAssignmentFactory(hospital_admin=True),
        RoleAssignmentFactory(secretary=True),
        RoleAssignmentFactory(city_admin=True),
    ]
    for row in rows:
        row.full_clean()


def test_a_city_admin_role_from_the_factory_opens_the_calendar_editor_a_member_role_does_not():
    city = RoleAssignmentFactory(city_admin=True).user
    member = RoleAssignmentFactory(user__member=True).user
    url = reverse("workdays:edit", args=[2027])
    for user, status in ((city, 200), (member, 403)):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status


def test_a_hospital_admin_role_from_the_factory_manages_its_hospital_only():
    access = access_for(RoleAssignmentFactory(hospital_admin=True).user)
    assert access.administers_hospital(primary().pk)
    assert not access.reads_hospital(second().pk)


def test_a_secretary_role_from_the_factory_manages_its_branch():
    branch = sec_branch()
    access = access_for(RoleAssignmentFactory(secretary=True).user)
    assert access.manages_branch(branch.pk, branch.hospital_id)
    assert access.branch_ids == {branch.pk}
