"""The data stamp (core.datastamp): which statements count as a write of business data, and
the per-process cache's lifetime. What the home page shows because of it is tested in
hongfan/tests/test_home_cache.py (on committed data, with another worker's writes)."""

from __future__ import annotations

from typing import Any

import pytest

from hongfan.core import datastamp


@pytest.mark.parametrize(
    "sql",
    [
        'INSERT INTO "points_pointclaim" ("person_id") VALUES (%s)',
        'INSERT OR IGNORE INTO "study_completion" ("item_id") VALUES (%s)',
        'UPDATE "orglife_meeting" SET "status" = %s WHERE "orglife_meeting"."id" = %s',
        'DELETE FROM "accounts_roleassignment" WHERE "accounts_roleassignment"."id" IN (%s)',
        'UPDATE "accounts_user" SET "is_active" = %s WHERE "accounts_user"."id" = %s',
        "update service_signup set status = 'x'",
        'TRUNCATE "org_person", "django_session"',
        "WITH t AS (SELECT 1) UPDATE org_branch SET name = 'x'",
        '  \n INSERT INTO "public"."notices_notification" ("id") VALUES (1)',
    ],
)
def test_writes_of_business_data_count(sql: str) -> None:
    assert datastamp.counts_as_write(sql)


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "org_person"."id" FROM "org_person"',
        'SAVEPOINT "s1_x1"',
        'RELEASE SAVEPOINT "s1_x1"',
        'UPDATE "django_session" SET "session_data" = %s WHERE "django_session"."session_key" = %s',
        'INSERT INTO "axes_accessattempt" ("username") VALUES (%s)',
        'INSERT INTO "core_auditevent" ("action") VALUES (%s)',
        'INSERT INTO "auditlog_logentry" ("action") VALUES (%s)',
        'UPDATE "core_datastamp" SET version = version + 1 WHERE id = 1',
        'UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s',
        'UPDATE "otp_totp_totpdevice" SET "last_t" = %s WHERE "id" = %s',
        "WITH t AS (SELECT 1) SELECT * FROM t",
        'CREATE INDEX "x" ON "org_person" ("name")',
    ],
)
def test_reading_and_signing_in_do_not_count(sql: str) -> None:
    assert not datastamp.counts_as_write(sql)


def test_a_cached_value_is_computed_again_after_its_lifetime(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the stamp cannot see (a meeting's check-in window opening at its hour) shows
    within ``TTL``."""
    now = [1000.0]
    monkeypatch.setattr(datastamp.time, "monotonic", lambda: now[0])
    built: list[int] = []

    def build() -> int:
        built.append(1)
        return len(built)

    assert datastamp.cached("k", build) == 1
    now[0] += datastamp.TTL - 1
    assert datastamp.cached("k", build) == 1
    assert datastamp.cached("other", build) == 2  # another key is its own entry
    now[0] += 2
    assert datastamp.cached("k", build) == 3


def test_a_connection_that_has_written_reads_its_own_writes(db: Any) -> None:
    """Inside a transaction that wrote (a request in ``atomic``, a test), nothing is kept."""
    from django.contrib.auth.models import Group

    built: list[int] = []
    assert datastamp.cached("k", lambda: built.append(1) or len(built)) == 1
    Group.objects.create(name="测试组")  # any table but the ignored ones
    assert datastamp.uncommitted_writes()
    assert datastamp.current() is None
    assert datastamp.cached("k", lambda: built.append(1) or len(built)) == 2


def test_a_first_migrate_before_the_stamp_table_logs_no_warning(
    db: Any, monkeypatch: Any, caplog: Any
) -> None:
    """Data migrations write before core's 0006 creates the table: no traceback per write."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("a failing statement would abort PostgreSQL's test transaction")
    monkeypatch.setattr(datastamp, "STAMP_TABLE", "core_datastamp_not_yet")
    with caplog.at_level("DEBUG", logger="hongfan.core.datastamp"):
        datastamp.bump()
    assert [r.levelname for r in caplog.records] == ["DEBUG"]
