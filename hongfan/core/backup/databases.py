"""A consistent snapshot of the database, and putting one back.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database in one
  step under a read lock: a consistent snapshot while the server keeps writing (WAL lets
  writers go on). The restore uses the same API the other way: the verified copy is written
  into the live database file in one transaction, which is safe with WAL (moving a file
  over a database that has a ``-wal`` beside it can corrupt it).
- PostgreSQL: ``pg_dump --format=custom`` on a snapshot exported by a REPEATABLE READ
  transaction, in which the migration state and the row counts are read too; the restore is
  ``pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction``: all or
  nothing. Connection settings go to pg_dump and pg_restore through the environment
  (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD), never on the command line.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from hongfan.core.backup import BackupError
from hongfan.core.backup.manifest import DATABASE_MEMBERS, counted_tables


@dataclass
class Snapshot:
    path: Path
    migrations: dict[str, list[str]]
    counts: dict[str, int]


def _state(cursor: Any, tables: Iterable[str]) -> tuple[dict[str, list[str]], dict[str, int]]:
    """The migration state and the row count of every table, read through ``cursor``."""
    present = set(tables)
    if "django_migrations" not in present:
        raise BackupError("the database has no tables yet (run `manage.py migrate` first)")
    migrations: dict[str, list[str]] = {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    counts: dict[str, int] = {}
    for label, table in counted_tables().items():
        if table in present:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (a model's table)
            counts[label] = int(cursor.fetchone()[0])
    return migrations, counts


def snapshot(connection: BaseDatabaseWrapper, folder: Path) -> Snapshot:
    if connection.vendor == "sqlite":
        return _sqlite_snapshot(connection, folder)
    if connection.vendor == "postgresql":
        return _pg_snapshot(connection, folder)
    raise BackupError(f"backups of {connection.vendor} databases are not supported")


def restore(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """Replace the database's content with the (verified) dump; all or nothing."""
    connection.close()  # nothing of ours holds a lock or a stale schema while it changes
    if connection.vendor == "sqlite":
        _sqlite_restore(connection, dump)
    else:
        _pg_restore(connection, dump)


# --- SQLite ------------------------------------------------------------------------------


def _sqlite_path(connection: BaseDatabaseWrapper) -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return name


def _sqlite_snapshot(connection: BaseDatabaseWrapper, folder: Path) -> Snapshot:
    source = _sqlite_path(connection)
    if not Path(source).is_file():
        raise BackupError(f"the database file {source} does not exist")
    path = folder / DATABASE_MEMBERS["sqlite"]
    src = sqlite3.connect(source, timeout=60)
    dst = sqlite3.connect(path)
    try:
        src.backup(dst)  # all pages in one step: one consistent snapshot
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        cursor = dst.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        migrations, counts = _state(cursor, [row[0] for row in cursor.fetchall()])
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not copy the database: {exc}") from exc
    finally:
        dst.close()
        src.close()
    return Snapshot(path, migrations, counts)


def _sqlite_restore(connection: BaseDatabaseWrapper, dump: Path) -> None:
    target = _sqlite_path(connection)
    src = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        check = src.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the backed-up database fails SQLite's check: {check}")
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(target, timeout=60)
        try:
            src.backup(dst)  # written in one transaction: readers see old or new, never half
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(
            f"SQLite could not restore into {target}: {exc} (is the server still running? "
            "stop it first)"
        ) from exc
    finally:
        src.close()


# --- PostgreSQL ---------------------------------------------------------------------------

_PG_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump / pg_restore: the connection of DATABASES, the password
    in PGPASSWORD (never an argument, which other users could read in the process list)."""
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("NAME", "PGDATABASE"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    for option, var in _PG_OPTIONS.items():
        value = (settings_dict.get("OPTIONS") or {}).get(option)
        if value:
            env[var] = str(value)
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH: install the PostgreSQL client (same major version "
            "as the server or newer), e.g. apt-get install postgresql-client"
        )
    return path


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise BackupError(f"{what} failed (exit {done.returncode}): {detail}")
    return done.stdout


def _pg_snapshot(connection: BaseDatabaseWrapper, folder: Path) -> Snapshot:
    tool = _pg_tool("pg_dump")
    path = folder / DATABASE_MEMBERS["postgresql"]
    database: Any = connection.Database  # type: ignore[attr-defined]  # psycopg
    raw = database.connect(**connection.get_connection_params())
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            migrations, counts = _state(cursor, [row[0] for row in cursor.fetchall()])
            env = pg_environment(connection.settings_dict)
            _run(
                [tool, "--format=custom", "--no-password", f"--snapshot={snapshot_id}",
                 f"--file={path}"],
                env,
                "pg_dump",
            )  # fmt: skip
        raw.rollback()
    finally:
        raw.close()
    return Snapshot(path, migrations, counts)


_TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ")


def _pg_restore(connection: BaseDatabaseWrapper, dump: Path) -> None:
    tool = _pg_tool("pg_restore")
    env = pg_environment(connection.settings_dict)
    listing = _run([tool, "--list", str(dump)], env, "pg_restore --list")
    in_dump = {m.group(2) for line in listing.splitlines() if (m := _TOC_TABLE.match(line))}
    # Tables of this code's models that the dump does not hold (a backup from an older
    # schema): dropped, so that `migrate` can create them again and no foreign key of theirs
    # stops --clean from dropping the tables the dump replaces.
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        extra = sorted((existing & set(counted_tables().values())) - in_dump)
        for table in extra:
            cursor.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    connection.close()
    _run(
        [tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", "--no-password", f"--dbname={connection.settings_dict['NAME']}",
         str(dump)],
        env,
        "pg_restore",
    )  # fmt: skip
