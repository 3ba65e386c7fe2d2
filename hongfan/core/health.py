"""What ``/healthz`` reports (reads only): the database answers, no migration is left to
apply, the task queue's storage answers, the worker was seen lately, and the disks
have room.

Each check answers ``Check(ok, detail)``; ``run_checks`` times them. A detail is a short
English phrase for the person on call, never a path, a host, a name or an exception's
message (it may quote data): an exception is reported by its class only and logged.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

logger = logging.getLogger("hongfan.health")

# The worker writes this key into huey's own storage (hongfan.core.tasks.heartbeat): the
# web processes and the worker share that storage (SQLite file or Redis), whatever the
# cache is.
HEARTBEAT_KEY = "hongfan:worker-heartbeat"
MIGRATIONS_CACHE_SECONDS = 60


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


# --- database -------------------------------------------------------------------------


def check_database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    if not row or row[0] != 1:
        return Check(False, "unexpected answer to SELECT 1")
    return Check(True, "answers")


# --- migrations (costly: the migration graph is read from disk; once a minute) ----------

_migrations_lock = threading.Lock()
_migrations_cache: dict[str, Any] = {}


def forget_migrations() -> None:
    """Drop the cached answer (tests; after ``migrate`` a restart does the same)."""
    with _migrations_lock:
        _migrations_cache.clear()


def unapplied_migrations() -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def check_migrations() -> Check:
    now = time.monotonic()
    with _migrations_lock:
        cached = _migrations_cache.get("answer")
        if cached is not None and now - _migrations_cache["at"] < MIGRATIONS_CACHE_SECONDS:
            return cached  # type: ignore[no-any-return]
    count = unapplied_migrations()
    answer = Check(True, "all applied") if count == 0 else Check(False, f"{count} unapplied")
    with _migrations_lock:
        _migrations_cache.update(answer=answer, at=now)
    return answer


# --- task queue and worker ----------------------------------------------------------------


def _huey() -> Any:
    from huey.contrib.djhuey import HUEY

    return HUEY


def check_queue() -> Check:
    """The queue's storage answers (SqliteHuey's file, RedisHuey's server)."""
    pending = _huey().pending_count()
    return Check(True, f"{pending} waiting")


def last_heartbeat() -> float | None:
    value = _huey().get(HEARTBEAT_KEY, peek=True)
    return float(value) if isinstance(value, int | float) else None


def check_worker() -> Check:
    """The worker runs the heartbeat every minute: silence for longer than
    HONGFAN_HEALTH_WORKER_STALE_MINUTES means no worker, or one too busy or stuck to run
    the periodic tasks (reminders) and the notifications."""
    seen = last_heartbeat()
    if seen is None:
        return Check(False, "never seen")
    age = max(0, int(time.time() - seen))
    stale = settings.HEALTH_WORKER_STALE_MINUTES * 60
    if age > stale:
        return Check(False, f"stale: last seen {age // 60} min ago")
    return Check(True, f"seen {age} s ago")


# --- disk space ---------------------------------------------------------------------------


def watched_directories() -> dict[str, Path]:
    """The directories whose disks must have room, by a name that reveals no path."""
    dirs: dict[str, Path] = {}
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3" and str(db["NAME"]) != ":memory:":
        dirs["database"] = Path(db["NAME"]).parent
    dirs["media"] = Path(settings.MEDIA_ROOT)
    backup_dir = getattr(settings, "BACKUP_DIR", None)
    if backup_dir:
        dirs["backups"] = Path(backup_dir)
    return dirs


def _free_mb(path: Path) -> int:
    while not path.exists() and path != path.parent:  # not made yet: its disk is the parent's
        path = path.parent
    return shutil.disk_usage(path).free // (1024 * 1024)


def check_disk() -> Check:
    minimum = settings.HEALTH_MIN_FREE_MB
    free = {name: _free_mb(path) for name, path in watched_directories().items()}
    low = [name for name, mb in free.items() if mb < minimum]
    listed = ", ".join(f"{name} {mb} MB" for name, mb in free.items())
    if low:
        return Check(False, f"low: {listed} free, minimum {minimum} MB")
    return Check(True, f"{listed} free")


# --- all of them --------------------------------------------------------------------------

CHECKS: dict[str, Callable[[], Check]] = {
    "database": check_database,
    "migrations": check_migrations,
    "queue": check_queue,
    "worker": check_worker,
    "disk": check_disk,
}


def run_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    """(all ok, {name: {"status": "ok"|"fail", "detail": …, "ms": …}})."""
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            answer = check()
        except Exception as exc:  # a check that cannot run is a failed check
            logger.exception("health check %s raised", name)
            answer = Check(False, f"error: {type(exc).__name__}")
        results[name] = {
            "status": "ok" if answer.ok else "fail",
            "detail": answer.detail,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
    return all(r["status"] == "ok" for r in results.values()), results
