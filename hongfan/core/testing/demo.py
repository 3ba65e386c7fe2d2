"""The tests' small demo city: built once per session (root conftest.py) and put back after a
transactional test empties the database (browser tests, thread races, migrations, the backup
drill).

On SQLite the session's city is kept as a copy in memory, taken right after it was built, and
putting it back is SQLite's online backup into the test database (~0.1 s, the exact state the
session started with); elsewhere (PostgreSQL) it is built again (``builddemo --small``, ~2 s,
plus the role matrix's extra accounts)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from django.core.management import call_command

_SNAPSHOT: list[sqlite3.Connection] = []
_EXTRAS: list[Callable[[], None]] = []  # what the session adds to the demo after building it


def build_demo_city(*extras: Callable[[], None]) -> None:
    """Build the small demo city, run ``extras`` (kept for rebuilds) and, on SQLite, take the
    copy that ``restore_demo_city`` puts back."""
    from django.db import connection

    _EXTRAS[:] = extras
    call_command("builddemo", "--small", verbosity=0)
    for extra in _EXTRAS:
        extra()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.ensure_connection()
        connection.connection.backup(copy)
        _SNAPSHOT[:] = [copy]


def restore_demo_city() -> None:
    """The session's demo city back in the database, whatever a test left there."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    if connection.vendor == "sqlite" and _SNAPSHOT:
        connection.ensure_connection()
        _SNAPSHOT[0].backup(connection.connection)
    else:
        call_command("builddemo", "--small", verbosity=0)
        for extra in _EXTRAS:
            extra()
    ContentType.objects.clear_cache()  # a flush made new content-type rows


def demo_city_present() -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username="hosp").exists()


def restore_after_module(django_db_blocker: Any) -> Any:
    """For a module-scoped fixture: ``yield from restore_after_module(django_db_blocker)``."""
    yield
    with django_db_blocker.unblock():
        restore_demo_city()
