"""A migrated SQLite test database, made once per set of migrations and copied for each test
session (all of CI's SQLite stages, and every developer's run after the first).

Migrating an empty database through every app's migrations takes ~40 s of CPU (most of it
Django rendering model states); a test session copies the template in ~0.1 s instead, and
pytest-django then finds every migration applied (``keepdb``). The template's name is a hash
of every installed app's migration files and Django's version, so a new or edited migration
makes a new template; it is built by running ``manage.py migrate`` itself (data migrations and
the audit trail's triggers included). ``HONGFAN_TEST_TEMPLATE=0`` turns it off; PostgreSQL
always migrates."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def _migration_files() -> list[Path]:
    from django.apps import apps

    files: list[Path] = []
    for config in apps.get_app_configs():
        spec = importlib.util.find_spec(f"{config.name}.migrations")
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            files += sorted(Path(location).glob("*.py"))
    return files


def migrations_key() -> str:
    import django

    digest = hashlib.sha256(django.get_version().encode())
    for path in _migration_files():
        digest.update(str(path.parent.parent.name + "/" + path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _build(template: Path, base_dir: Path) -> None:
    template.parent.mkdir(parents=True, exist_ok=True)
    partial = template.with_name(f"{template.stem}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    env = {**os.environ, "HONGFAN_ENV": "test", "DATABASE_URL": f"sqlite:///{partial}"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=base_dir,
        env=env,
        check=True,
    )
    with sqlite3.connect(partial) as db:  # fold the write-ahead log into the file
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode=DELETE")
    os.replace(partial, template)  # atomic: two sessions building at once both end well


def copy_template_into_test_db() -> bool:
    """Put a migrated template into the SQLite test database; False when not applicable
    (another engine, an in-memory database, or turned off)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    name = str(db.get("TEST", {}).get("NAME") or "")
    if (
        db["ENGINE"] != "django.db.backends.sqlite3"
        or not name
        or ":memory:" in name
        or "mode=memory" in name
        or os.environ.get("HONGFAN_TEST_TEMPLATE") == "0"
    ):
        return False
    base_dir = Path(settings.BASE_DIR)
    template = base_dir / "var" / "test-templates" / f"{migrations_key()}.sqlite3"
    if not template.exists():
        _build(template, base_dir)
    target = Path(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in (target, Path(f"{name}-wal"), Path(f"{name}-shm"), Path(f"{name}-journal")):
        stale.unlink(missing_ok=True)
    with sqlite3.connect(template) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return True
