"""factory_boy builders of accounts rows: logins and the roles they hold.

The session's demo city is the background; a role's scope defaults to the demo's primary
hospital (``hongfan.org.tests.factories.primary``) and the branch of its secretary ``sec``.
Passwords are unusable by default (hashing one costs a tenth of a second): tests log in with
``Client.force_login``.
"""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from hongfan.accounts.models import RoleAssignment, User
from hongfan.core.roles import Role
from hongfan.org.choices import PoliticalStatus
from hongfan.org.tests.factories import make_person, primary, sec_branch


class UserFactory(DjangoModelFactory):
    """A login, without a person by default; ``UserFactory(member=True)`` links it to a new
    Party member of ``sec``'s branch in the primary hospital."""

    class Meta:
        model = User

    class Params:
        member = factory.Trait(
            person=factory.LazyFunction(
                lambda: make_person(branch=sec_branch(), political_status=PoliticalStatus.MEMBER)
            )
        )

    username = factory.Sequence(lambda n: f"fx_user{n}")
    first_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.LazyFunction(lambda: make_password(None))
    person = None


class RoleAssignmentFactory(DjangoModelFactory):
    """A role held by a new user: a member by default; the traits give the scoped roles
    (``hospital_admin=True``: of the primary hospital, ``secretary=True``: of ``sec``'s
    branch, ``city_admin=True``)."""

    class Meta:
        model = RoleAssignment

    class Params:
        hospital_admin = factory.Trait(
            role=Role.HOSPITAL_ADMIN, hospital=factory.LazyFunction(primary)
        )
        secretary = factory.Trait(
            role=Role.BRANCH_SECRETARY, branch=factory.LazyFunction(sec_branch)
        )
        city_admin = factory.Trait(role=Role.CITY_ADMIN)

    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
    hospital = None
    branch = None
