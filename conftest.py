"""Shared fixtures: a small demo city built once per test session (same generator as
`make demo`), and logged-in clients for every demo role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hongfan.accounts.models import User
from hongfan.core.testing.demo import build_demo_city

pytest_plugins = ["hongfan.core.testing.browser"]

DEMO_ROLES = [
    "city",
    "hosp",
    "sec",
    "member",
    "hosp2",
    "nursing",
    "audit",
    "security",
    "sysadmin",
]


@pytest.fixture(scope="session")
def django_db_keepdb(request: pytest.FixtureRequest) -> bool:
    """SQLite: the test database is a copy of a migrated template (core.testing.template_db),
    kept as it is instead of migrated again; otherwise pytest-django's own choice."""
    from hongfan.core.testing.template_db import copy_template_into_test_db

    if copy_template_into_test_db():
        request.config._hongfan_template = True  # type: ignore[attr-defined]
        return True
    return bool(request.config.getvalue("reuse_db"))


@pytest.fixture(scope="session")
def django_db_createdb(request: pytest.FixtureRequest, django_db_keepdb: bool) -> bool:
    if getattr(request.config, "_hongfan_template", False):
        return False  # the copied template is the fresh database
    return bool(request.config.getvalue("create_db"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        build_demo_city(_nursing_office_user)


def _nursing_office_user() -> None:
    """The role matrix's ``nursing``: 护理部 of the demo's main hospital and nothing else (the
    demo's own account of that role is ``nurse``; the matrix names its users by role)."""
    from hongfan.accounts.models import RoleAssignment
    from hongfan.core.roles import Role

    nurse = User.objects.get(username="nurse")
    user, _ = User.objects.get_or_create(
        username="nursing", defaults={"first_name": "护理部", "password": nurse.password}
    )
    user.password_changed_at = nurse.password_changed_at
    user.save()
    for ra in nurse.role_assignments.all():
        RoleAssignment.objects.get_or_create(user=user, role=ra.role, hospital_id=ra.hospital_id)
    assert set(user.role_assignments.values_list("role", flat=True)) == {Role.NURSING_OFFICE}


@pytest.fixture(autouse=True)
def _empty_caches() -> None:
    """Every test starts with empty Django caches (the security policy is cached, and a
    test's database is rolled back while a per-process cache would keep its rows)."""
    from django.core.cache import caches

    from hongfan.core import datastamp

    for cache in caches.all(initialized_only=True):
        cache.clear()
    datastamp.clear()  # the per-process cache of the home page (ids come back after a rollback)
    # No worker runs in the tests: a heartbeat a test ran (immediate mode keeps it in huey's
    # memory) must not make /healthz healthy for the tests after it, which then depended on
    # whether five minutes had passed.
    from huey.contrib.djhuey import HUEY

    from hongfan.core.health import HEARTBEAT_KEY

    HUEY.delete(HEARTBEAT_KEY)


@pytest.fixture
def users(db: Any) -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=DEMO_ROLES)}


@pytest.fixture
def client_for(db: Any) -> Callable[[str], Client]:
    def make(username: str) -> Client:
        c = Client()
        if username != "anonymous":
            c.force_login(User.objects.get(username=username))
        return c

    return make
