"""A version number of the business data that every worker process sees, and a per-process
cache of what is derived from that data (the home page's tasks and panels, the 待办 badge).

Several gunicorn workers each keep their own memory: one cannot tell another that it has
just written. They share the database, so the database holds the news: one row
(``core.DataStamp``) whose ``version`` grows by one when a transaction that wrote business
data commits. A page reads it (one small query) and keeps what it computed under
``(key, version)``; when any worker writes, the version moves and every worker computes again.

Writes are seen where they all pass, in the database connection
(``connection.execute_wrappers``, installed on every connection as it opens): an INSERT,
UPDATE, DELETE, REPLACE or TRUNCATE on any table but those written as a side effect of
reading or signing in (sessions, the login lockout, the audit trails, one-time codes, the
user's ``last_login``, this stamp). So ``QuerySet.update()``, ``bulk_create`` and raw SQL
count as well as ``save()``, in any app, the huey worker and management commands included.
The version moves once the transaction commits (``on_commit``): a write rolled back moves
nothing, and a reader never caches data newer than its version read (it reads the version
first, then the data).

What the version cannot see — time passing (a meeting's check-in window opening), a write
by a program outside Django — is bounded by the cache's lifetime (``TTL``, 60 s). A
connection with uncommitted writes of its own (a request inside ``transaction.atomic``, a
test) bypasses the cache, so it always reads what it has just written.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

T = TypeVar("T")

TTL = 60.0  # seconds a cached value is shown at most, whatever the version says
MAX_ENTRIES = 5000  # per process; the least recently used go first

STAMP_TABLE = "core_datastamp"

# Tables written by reading and signing in, not business data: a write there moves nothing.
IGNORED_PREFIXES = (
    STAMP_TABLE,
    "django_session",
    "django_migrations",
    "axes_",  # login lockout
    "core_audit",  # the security audit trail and its chain
    "auditlog_",  # django-auditlog: written beside a data change, which counts by itself
    "otp_",  # two-factor devices (a sign-in updates their counters)
    "accounts_smscode",  # one-time codes
)

_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|TRUNCATE|WITH)\b", re.IGNORECASE)
_TABLE = re.compile(
    r"""\s*(?:
        INSERT\s+(?:OR\s+\w+\s+)?INTO
      | REPLACE\s+INTO
      | UPDATE\s+(?:OR\s+\w+\s+)?(?:ONLY\s+)?
      | DELETE\s+FROM\s+(?:ONLY\s+)?
    )\s*(?:"?\w+"?\.)?"?(\w+)"?""",
    re.IGNORECASE | re.VERBOSE,
)
# a sign-in: ``update_last_login`` saves only this column
_LAST_LOGIN = re.compile(
    r'\s*UPDATE\s+"?accounts_user"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE', re.I
)
_DML = re.compile(r"\b(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def counts_as_write(sql: Any) -> bool:
    """Whether a statement writes business data (conservative: when unsure, it does)."""
    if not isinstance(sql, str):
        return True
    verb = _WRITE.match(sql)
    if verb is None:
        return False  # SELECT, SAVEPOINT, RELEASE, PRAGMA, DDL ...
    word = verb.group(1).upper()
    if word == "WITH":
        return _DML.search(sql) is not None
    if word == "TRUNCATE":
        return True
    table = _TABLE.match(sql)
    if table is None:
        return True
    name = table.group(1).lower()
    if name.startswith(IGNORED_PREFIXES):
        return False
    return not (name == "accounts_user" and _LAST_LOGIN.match(sql))


# --- noticing writes --------------------------------------------------------------------------


class _State:
    """Per connection: ``generation`` grows each time a committed write has moved the
    version; ``last`` is the newest bump waiting for a commit."""

    __slots__ = ("generation", "last")

    def __init__(self) -> None:
        self.generation = 0
        self.last: _Bump | None = None


def _state(conn: BaseDatabaseWrapper) -> _State:
    state = getattr(conn, "hongfan_stamp_state", None)
    if state is None:
        state = _State()
        conn.hongfan_stamp_state = state  # type: ignore[attr-defined]
    return state


class _Bump:
    """The on-commit callback of a transaction that wrote. Every write of a transaction may
    leave one (the savepoint of the first may be rolled back); the first to run moves the
    version and the others of the same generation do nothing."""

    __slots__ = ("conn", "generation", "savepoints")

    def __init__(self, conn: BaseDatabaseWrapper, generation: int) -> None:
        self.conn = conn
        self.generation = generation
        self.savepoints = frozenset(conn.savepoint_ids)

    def __call__(self) -> None:
        state = _state(self.conn)
        if self.generation != state.generation:
            return
        state.generation += 1
        bump(using=self.conn.alias)

    def pending(self) -> bool:
        """Still waiting in this transaction's commit hooks (not run, not rolled back)."""
        return self.generation == _state(self.conn).generation and any(
            entry[1] is self for entry in self.conn.run_on_commit
        )


def _note_write(conn: BaseDatabaseWrapper) -> None:
    state = _state(conn)
    last = state.last
    if (
        conn.in_atomic_block
        and last is not None
        and last.savepoints <= set(conn.savepoint_ids)
        and last.pending()
    ):
        return  # a bump already waits on this transaction, in a savepoint still open
    callback = _Bump(conn, state.generation)
    state.last = callback
    if conn.in_atomic_block or conn.get_autocommit():
        conn.on_commit(callback)  # outside a transaction: at once
    else:
        # manual transaction management: no commit hook to wait for; move it now, inside
        # the same transaction, so that it commits (or rolls back) with the write
        callback()


def watch(execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: Any) -> Any:
    """The execute wrapper installed on every connection."""
    try:
        return execute(sql, params, many, context)
    finally:
        if counts_as_write(sql):
            _note_write(context["connection"])


def install(connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: watch this connection's statements (once)."""
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch)


# --- the version ------------------------------------------------------------------------------


def bump(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Move the version by one (after a commit). A failure costs freshness, not the
    request that has written: the cache's lifetime bounds it."""
    conn = connections[using]
    table = conn.ops.quote_name(STAMP_TABLE)
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET version = version + 1 WHERE id = 1")  # noqa: S608
            if cursor.rowcount == 0:
                cursor.execute(f"INSERT INTO {table} (id, version) VALUES (1, 1)")  # noqa: S608
    except DatabaseError as exc:
        if STAMP_TABLE in str(exc) and (
            "no such table" in str(exc) or "does not exist" in str(exc)
        ):
            # before core's migration 0006 (data migrations of a first ``migrate``): nothing
            # is cached yet either, so there is nothing to tell
            logger.debug("no data stamp table yet")
            return
        logger.warning("the data stamp could not be moved", exc_info=True)


def uncommitted_writes(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether this connection has written in a transaction not yet committed (no query)."""
    conn = connections[using]
    if not conn.in_atomic_block:
        return False
    return any(
        isinstance(entry[1], _Bump) and entry[1].generation == _state(conn).generation
        for entry in conn.run_on_commit
    )


def current(*, using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The version now (one query), or None when this connection may not cache: it has
    uncommitted writes of its own, or the row is missing."""
    if uncommitted_writes(using=using):
        return None
    conn = connections[using]
    with conn.cursor() as cursor:
        cursor.execute(
            f"SELECT version FROM {conn.ops.quote_name(STAMP_TABLE)} WHERE id = 1"  # noqa: S608
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


# --- the per-process cache --------------------------------------------------------------------


class _Cache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._version: int | None = None

    def get(self, key: Hashable, version: int) -> tuple[bool, Any]:
        with self._lock:
            if version != self._version:
                return False, None
            found = self._entries.get(key)
            if found is None or found[0] < time.monotonic():
                return False, None
            self._entries.move_to_end(key)
            return True, found[1]

    def put(self, key: Hashable, version: int, value: Any) -> None:
        with self._lock:
            if version != self._version:
                # everything kept belongs to another version (older; or newer, when a
                # slower request comes back: it only costs that one a recount)
                self._entries.clear()
                self._version = version
            self._entries[key] = (time.monotonic() + TTL, value)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._version = None


_cache = _Cache()


def cached(key: Hashable, build: Callable[[], T], *, using: str = DEFAULT_DB_ALIAS) -> T:
    """``build()``, or what it gave for ``key`` at the current version within ``TTL``. The
    key must name everything the value depends on but the data (the acting ``Access``, the
    day); the value must not be changed by whoever uses it."""
    version = current(using=using)
    if version is None:
        return build()
    hit, value = _cache.get(key, version)
    if hit:
        return value  # type: ignore[no-any-return]
    value = build()
    _cache.put(key, version, value)
    return value


def clear() -> None:
    """Forget everything cached in this process (tests)."""
    _cache.clear()


__all__ = ["TTL", "bump", "cached", "clear", "counts_as_write", "current", "install", "watch"]
