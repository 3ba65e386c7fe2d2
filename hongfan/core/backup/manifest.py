"""What a backup says about itself, and the checks a restore makes against this code.

``manifest.json`` is the first member of every backup archive::

    {"format": "hongfan-backup", "format_version": 1, "app": "hongfan",
     "created_at": "2026-12-03T18:00:00+08:00", "vendor": "sqlite" | "postgresql",
     "database": "database.sqlite3" | "database.pgdump",
     "migrations": {app label: [applied migration names]},   # the full migration state
     "migrations_latest": {app label: latest applied name},   # for people reading it
     "counts": {model label: rows},                            # every table, in the snapshot
     "members": {member name: {"sha256": hex, "size": bytes}}, # every other member
     "media": {"files": n, "bytes": n}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.migrations.loader import MigrationLoader

from hongfan.core.backup import BackupError

FORMAT = "hongfan-backup"
FORMAT_VERSION = 1
APP = "hongfan"
NAME = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class Manifest:
    created_at: str
    vendor: str
    migrations: dict[str, list[str]]
    counts: dict[str, int]
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, int] = field(default_factory=lambda: {"files": 0, "bytes": 0})
    format_version: int = FORMAT_VERSION

    @property
    def database(self) -> str:
        return DATABASE_MEMBERS[self.vendor]

    def to_json(self) -> bytes:
        latest = {app: names[-1] for app, names in sorted(self.migrations.items()) if names}
        data = {
            "format": FORMAT,
            "format_version": self.format_version,
            "app": APP,
            "created_at": self.created_at,
            "vendor": self.vendor,
            "database": self.database,
            "migrations": self.migrations,
            "migrations_latest": latest,
            "counts": self.counts,
            "members": self.members,
            "media": self.media,
        }
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """Parse a manifest; anything that is not a Hongfan backup's manifest is refused."""
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise BackupError("not a Hongfan backup (its manifest.json is unreadable)") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("app") != APP:
            raise BackupError("not a Hongfan backup (its manifest names another application)")
        version = data.get("format_version")
        if not isinstance(version, int) or version < 1:
            raise BackupError("not a Hongfan backup (no format version in its manifest)")
        if version > FORMAT_VERSION:
            raise BackupError(
                f"this backup has format version {version}, made by a newer Hongfan than this "
                f"one (which reads up to {FORMAT_VERSION}): restore it with newer code"
            )
        try:
            manifest = cls(
                created_at=str(data["created_at"]),
                vendor=str(data["vendor"]),
                migrations={str(a): [str(n) for n in ns] for a, ns in data["migrations"].items()},
                counts={str(k): int(v) for k, v in data["counts"].items()},
                members={
                    str(k): {"sha256": str(v["sha256"]), "size": int(v["size"])}
                    for k, v in data["members"].items()
                },
                media={k: int(v) for k, v in data.get("media", {}).items()},
                format_version=version,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BackupError("the backup's manifest is incomplete or malformed") from exc
        if manifest.vendor not in DATABASE_MEMBERS:
            raise BackupError(f"the backup is of an unknown database ({manifest.vendor!r})")
        if manifest.database not in manifest.members:
            raise BackupError("the backup's manifest lists no database")
        return manifest


def counted_tables() -> dict[str, str]:
    """{model label: table} for every table Django manages (many-to-many tables too)."""
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            tables.setdefault(meta.label, meta.db_table)
    return dict(sorted(tables.items()))


@dataclass(frozen=True)
class SchemaState:
    """How a backup's migration state stands to this code's migrations."""

    unknown: list[str]  # applied in the backup, absent from this code: a newer schema
    missing: list[str]  # in this code, not applied in the backup: `migrate` runs after

    @property
    def newer(self) -> bool:
        return bool(self.unknown)

    @property
    def older(self) -> bool:
        return bool(self.missing)


def schema_state(migrations: dict[str, list[str]]) -> SchemaState:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    applied = {(app, name) for app, names in migrations.items() for name in names}
    known = set(loader.disk_migrations)
    for migration in loader.replacements.values():
        known.update(migration.replaces)
    unknown = sorted(f"{a}.{n}" for a, n in applied - known)
    missing = []
    for key in loader.graph.nodes:
        replaced = loader.replacements.get(key)
        done = key in applied or (
            replaced is not None and all(tuple(r) in applied for r in replaced.replaces)
        )
        if not done:
            missing.append(f"{key[0]}.{key[1]}")
    return SchemaState(unknown=unknown, missing=sorted(missing))


def check_restorable(manifest: Manifest, vendor: str) -> SchemaState:
    """Refuse a backup of another database, or of a newer schema than this code knows."""
    if manifest.vendor != vendor:
        raise BackupError(
            f"this is a backup of a {VENDOR_NAMES[manifest.vendor]} database, but this "
            f"installation runs on {VENDOR_NAMES.get(vendor, vendor)} (DATABASE_URL): restore "
            "it on a server of the same kind"
        )
    state = schema_state(manifest.migrations)
    if state.newer:
        shown = ", ".join(state.unknown[:5]) + (" …" if len(state.unknown) > 5 else "")
        raise BackupError(
            f"this backup comes from a newer version of Hongfan (migrations this code does not "
            f"have: {shown}): update the code first, then restore"
        )
    return state
