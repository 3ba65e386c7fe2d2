"""Backups that restore (docs/backup.md): ``backup_create``, ``backup_verify``,
``backup_restore`` and ``backups_prune``. The management commands ``backup`` and
``restore`` are thin wrappers around these."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from hongfan.core.backup import BackupError, databases
from hongfan.core.backup.archive import (
    Member,
    check_detached,
    file_sha256,
    media_members,
    read_archive,
    write_archive,
    write_checksum,
)
from hongfan.core.backup.crypto import key_id, parse_key
from hongfan.core.backup.manifest import Manifest, SchemaState, check_restorable
from hongfan.core.backup.retention import Found, backups_in, to_delete


def backup_directory() -> Path:
    return Path(settings.HONGFAN_BACKUP_DIR)


def backup_key() -> bytes | None:
    """``HONGFAN_BACKUP_KEY`` (base64 of 32 bytes), or None when backups are not encrypted."""
    value = getattr(settings, "HONGFAN_BACKUP_KEY", "") or ""
    return parse_key(value) if value.strip() else None


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


@dataclass
class BackupResult:
    path: Path
    checksum: Path
    size: int
    sha256: str
    manifest: Manifest
    key_id: str | None  # hex, when encrypted
    seconds: float
    pruned: list[Path] = field(default_factory=list)


def backup_create(
    *, directory: Path | None = None, key: bytes | None = None, using: str = DEFAULT_DB_ALIAS
) -> BackupResult:
    """Write ``hongfan-<YYYYMMDD-HHMMSS>-<vendor>.hfbak`` (and its ``.sha256``): the
    database's consistent snapshot and MEDIA_ROOT, encrypted when ``key`` is given."""
    started = time.monotonic()
    connection = connections[using]
    folder = directory or backup_directory()
    media_root = _media_root()
    if folder.resolve().is_relative_to(media_root.resolve()):
        raise BackupError(
            f"HONGFAN_BACKUP_DIR ({folder}) lies inside MEDIA_ROOT ({media_root}): each backup "
            "would hold the ones before it; choose a folder outside it"
        )
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = timezone.localtime()
    name = f"hongfan-{now:%Y%m%d-%H%M%S}-{connection.vendor}.hfbak"
    target = folder / name
    if target.exists():
        raise BackupError(f"{target} already exists (two backups in one second?): run again")
    staging = Path(tempfile.mkdtemp(prefix=".hongfan-backup-", dir=folder))
    partial = folder / f".{name}.partial"
    try:
        snap = databases.snapshot(connection, staging)
        db = Member(snap.path.name, snap.path, snap.path.stat().st_size, file_sha256(snap.path))
        media = media_members(media_root)
        manifest = Manifest(
            created_at=now.isoformat(timespec="seconds"),
            vendor=connection.vendor,
            migrations=snap.migrations,
            counts=snap.counts,
            media={"files": len(media), "bytes": sum(m.size for m in media)},
        )
        sha256 = write_archive(partial, manifest, [db, *media], key)
        partial.rename(target)
        checksum = write_checksum(target, sha256)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return BackupResult(
        path=target,
        checksum=checksum,
        size=target.stat().st_size,
        sha256=sha256,
        manifest=manifest,
        key_id=key_id(key).hex() if key else None,
        seconds=time.monotonic() - started,
    )


def backups_prune(
    *,
    directory: Path | None = None,
    keep_daily: int | None = None,
    keep_weekly: int | None = None,
    keep_days: int | None = None,
    now: datetime | None = None,
) -> list[Path]:
    """Delete the backups retention lets go (and their ``.sha256``); only Hongfan's own."""
    folder = directory or backup_directory()
    current = now or timezone.now()
    if timezone.is_aware(current):  # the names carry local time
        current = timezone.make_naive(current)
    gone: list[Found] = to_delete(
        backups_in(folder),
        now=current,
        keep_daily=keep_daily,
        keep_weekly=keep_weekly,
        keep_days=keep_days,
    )
    deleted = []
    for f in gone:
        f.path.unlink(missing_ok=True)
        f.path.with_name(f.path.name + ".sha256").unlink(missing_ok=True)
        deleted.append(f.path)
    return deleted


@dataclass
class VerifyResult:
    manifest: Manifest
    encrypted: bool
    detached_checksum: bool  # a .sha256 beside the file was found and matched
    schema: SchemaState


def backup_verify(
    *,
    path: Path,
    key: bytes | None,
    dest: Path | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> VerifyResult:
    """Check a backup end to end without touching the database: its ``.sha256``, its
    decryption, every member against the manifest, its vendor and schema against this
    installation. With ``dest``, the members are also unpacked there."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file")
    detached = check_detached(path)
    vendor = connections[using].vendor
    states: list[SchemaState] = []
    result = read_archive(
        path, key, dest, check_manifest=lambda m: states.append(check_restorable(m, vendor))
    )
    return VerifyResult(result.manifest, result.encrypted, detached, states[0])


@dataclass
class RestoreResult:
    verified: VerifyResult
    migrated: bool
    counts_differ: dict[str, tuple[int, int]]  # label: (in the backup, now); empty is good
    seconds: float


def backup_restore(
    *,
    path: Path,
    key: bytes | None,
    using: str = DEFAULT_DB_ALIAS,
    progress: Callable[[str], None] | None = None,
) -> RestoreResult:
    """Replace the database and MEDIA_ROOT with the backup's. Everything is verified and
    unpacked first (nothing is touched if anything is wrong); then the database is replaced
    in one transaction, the media folder swapped in, and `migrate` run when the backup is
    from an older schema."""
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    connection = connections[using]
    media_root = _media_root()
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Beside MEDIA_ROOT, so that the unpacked media move in by a rename.
    staging = Path(tempfile.mkdtemp(prefix=".hongfan-restore-", dir=media_root.parent))
    try:
        say("verifying and unpacking the backup …")
        verified = backup_verify(path=path, key=key, dest=staging, using=using)
        manifest = verified.manifest
        say(f"restoring the {manifest.vendor} database …")
        databases.restore(connection, staging / manifest.database)
        say("restoring the uploaded files …")
        _swap_media(staging / "media", media_root)
        migrated = False
        if _unapplied(connection):
            say("the backup is from an older version: running migrate …")
            call_command("migrate", database=using, interactive=False, verbosity=0)
            migrated = True
        differ = {} if migrated else _count_differences(connection, manifest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(verified, migrated, differ, time.monotonic() - started)


def _swap_media(unpacked: Path, media_root: Path) -> None:
    unpacked.mkdir(exist_ok=True)
    old = media_root.with_name(f".{media_root.name}-before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if media_root.exists():
        media_root.rename(old)
    unpacked.rename(media_root)
    shutil.rmtree(old, ignore_errors=True)


def _unapplied(connection) -> bool:  # type: ignore[no-untyped-def]
    connection.close()
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _count_differences(connection, manifest: Manifest) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    """Rows per table after the restore against the backup's counts (same schema)."""
    from hongfan.core.backup.manifest import counted_tables

    tables = counted_tables()
    out = {}
    with connection.cursor() as cursor:
        for label, expected in manifest.counts.items():
            table = tables.get(label)
            if table is None:
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (a model's table)
            now = int(cursor.fetchone()[0])
            if now != expected:
                out[label] = (expected, now)
    return out
