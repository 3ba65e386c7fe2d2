"""Fixtures for the notification tests: tasks run at once (as with HONGFAN_ENV=test, whatever
the environment of this run), a fresh pair of users, and a way to commit inside a test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest

from hongfan.accounts.models import User
from hongfan.org.models import Person
from hongfan.org.tests.factories import make_person, make_user, primary

INBOX = "hongfan.notices.backends.InboxBackend"


@pytest.fixture(autouse=True)
def huey_immediate() -> Iterator[Any]:
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before


@pytest.fixture
def committed(
    django_capture_on_commit_callbacks: Any,
) -> Callable[[], AbstractContextManager[Any]]:
    """``with committed(): ...`` — the on-commit callbacks of the block run when it ends,
    as they would when a request's transaction commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def person_user(username: str, *, email: str = "", mobile: bool = True) -> User:
    """A user linked to a new Person of the demo hospital (with an encrypted mobile unless
    ``mobile=False``)."""
    person: Person = make_person(primary())
    if not mobile:
        person.mobile = ""
        person.save()
    user = make_user(username, person=person)
    user.email = email
    user.save()
    return user


@pytest.fixture
def alice(db: Any) -> User:
    return person_user("ntc_alice", email="alice@example.org")


@pytest.fixture
def bob(db: Any) -> User:
    return person_user("ntc_bob")
