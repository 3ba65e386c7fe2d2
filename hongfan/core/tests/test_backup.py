"""Backups refuse what they cannot restore, before touching anything: a damaged file
(truncated, a flipped byte), a file that is not a Hongfan backup, a backup of the other
database or of a newer schema, a wrong or missing key, a member outside its place. And the
parts: retention, the streamed encryption, how a backup's schema stands to this code.
The full round trip is the drill in test_backup_drill.py."""

from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from hongfan.core.backup import BackupError
from hongfan.core.backup.archive import Member, file_sha256, write_archive, write_checksum
from hongfan.core.backup.crypto import HEADER_SIZE, DecryptingReader, EncryptingWriter
from hongfan.core.backup.manifest import Manifest, counted_tables, schema_state
from hongfan.core.backup.retention import backups_in, to_delete
from hongfan.core.backup.services import backup_create, backup_restore, backups_prune

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


@pytest.fixture(scope="module")
def made(tmp_path_factory: Any, django_db_blocker: Any) -> Iterator[dict[str, Path]]:
    """One plain and one encrypted backup of the demo city, made once for the module."""
    root = tmp_path_factory.mktemp("backups")
    media = root / "media"
    (media / "claims").mkdir(parents=True)
    (media / "claims" / "a.jpg").write_bytes(b"\xff\xd8jpeg")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        plain = backup_create(directory=root / "plain", key=None)
        sealed = backup_create(directory=root / "sealed", key=KEY)
    yield {"plain": plain.path, "sealed": sealed.path, "media": media}


def copy(src: Path, dest: Path, *, with_checksum: bool = True) -> Path:
    target = dest / src.name
    target.write_bytes(src.read_bytes())
    checksum = src.with_name(src.name + ".sha256")
    if with_checksum:
        target.with_name(checksum.name).write_bytes(checksum.read_bytes())
    return target


def state(media: Path) -> tuple[dict[str, int], dict[str, bytes]]:
    """What a refused restore must leave as it was: every table's rows and the uploads."""
    counts = {}
    with connection.cursor() as cursor:
        for label, table in counted_tables().items():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[label] = cursor.fetchone()[0]
    files = {p.name: p.read_bytes() for p in media.rglob("*") if p.is_file()}
    return counts, files


@pytest.fixture
def refused(db: Any, made: dict[str, Path], settings: Any, tmp_path: Path) -> Any:
    """``refused(path, key, fragment)``: the restore raises with the message, nothing changed."""
    media = tmp_path / "live-media"
    media.mkdir()
    (media / "live.jpg").write_bytes(b"live upload")
    settings.MEDIA_ROOT = media

    def check(path: Path, key: bytes | None, fragment: str) -> str:
        before = state(media)
        with pytest.raises(BackupError) as caught:
            backup_restore(path=path, key=key)
        assert fragment in str(caught.value)
        assert state(media) == before
        assert not list(media.parent.glob(".hongfan-restore-*")), "staging left behind"
        return str(caught.value)

    return check


def test_a_truncated_backup_is_refused_by_its_checksum(refused, made, tmp_path):
    path = copy(made["plain"], tmp_path)
    path.write_bytes(path.read_bytes()[:-5000])
    refused(path, None, "checksum mismatch")


@pytest.mark.parametrize("name", ["plain", "sealed"])
def test_a_truncated_backup_without_its_checksum_file_is_refused(refused, made, tmp_path, name):
    path = copy(made[name], tmp_path, with_checksum=False)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    refused(path, KEY, "truncated")


@pytest.mark.parametrize("name", ["plain", "sealed"])
def test_a_flipped_byte_is_refused_with_or_without_the_checksum_file(refused, made, tmp_path, name):
    for with_checksum, fragment in ((True, "checksum mismatch"), (False, "damaged")):
        folder = tmp_path / str(with_checksum)
        folder.mkdir()
        path = copy(made[name], folder, with_checksum=with_checksum)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
        refused(path, KEY, fragment)


def test_a_file_that_is_not_a_backup_is_refused(refused, tmp_path):
    text = tmp_path / "hongfan-20260101-020000-sqlite.hfbak"
    text.write_text("not a backup at all", encoding="utf-8")
    refused(text, None, "not a Hongfan backup")
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        body = b'{"format": "something-else", "app": "other"}'
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    refused(other, None, "not a Hongfan backup")


def crafted(tmp_path: Path, **changes: Any) -> Path:
    """A well-formed backup (checksums right) whose manifest says something else."""
    vendor = changes.pop("vendor", connection.vendor)
    dump = tmp_path / "dump"
    dump.write_bytes(b"not really a database")
    members = [
        Member(
            changes.pop("database", f"database.{'sqlite3' if vendor == 'sqlite' else 'pgdump'}"),
            dump,
            dump.stat().st_size,
            file_sha256(dump),
        )
    ]
    for name in changes.pop("extra", []):
        members.append(Member(name, dump, dump.stat().st_size, file_sha256(dump)))
    migrations = changes.pop("migrations", {"core": ["0001_initial"]})
    manifest = Manifest(
        created_at="2026-12-01T02:00:00+08:00", vendor=vendor, migrations=migrations, counts={}
    )
    target = tmp_path / "hongfan-20261201-020000-crafted.hfbak"
    write_checksum(target, write_archive(target, manifest, members, None))
    return target


def test_a_backup_of_the_other_database_is_refused(refused, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    message = refused(crafted(tmp_path, vendor=other), None, "this installation runs on")
    assert ("PostgreSQL" in message) and ("SQLite" in message)


def test_a_backup_from_a_newer_schema_is_refused(refused, tmp_path):
    future = {"points": ["0001_points_ledger", "0099_from_the_future"]}
    refused(crafted(tmp_path, migrations=future), None, "newer version of Hongfan")


def test_a_member_outside_its_place_is_refused(refused, tmp_path):
    path = crafted(tmp_path, extra=["media/../../escaped.txt"])
    refused(path, None, "unexpected member")
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_an_encrypted_backup_needs_the_right_key(refused, made, tmp_path):
    path = copy(made["sealed"], tmp_path)
    refused(path, None, "set HONGFAN_BACKUP_KEY")
    refused(path, OTHER_KEY, "wrong decryption key")


def test_the_restore_command_says_why_and_that_nothing_changed(made, db, tmp_path, settings):
    settings.HONGFAN_BACKUP_KEY = base64.b64encode(OTHER_KEY).decode()
    path = copy(made["sealed"], tmp_path)
    with pytest.raises(CommandError, match="wrong decryption key.*Nothing was changed"):
        call_command("restore", str(path), "--yes")


def test_restore_without_yes_asks_and_refuses_when_nobody_can_answer(made, db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = copy(made["plain"], tmp_path)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))


def test_restore_check_verifies_without_changing_anything(made, db, tmp_path, settings):
    settings.HONGFAN_BACKUP_KEY = base64.b64encode(KEY).decode()
    out = io.StringIO()
    call_command("restore", str(made["sealed"]), "--check", stdout=out)
    assert ".sha256 matches" in out.getvalue() and "encrypted     yes" in out.getvalue()


def test_a_backup_holds_the_manifest_the_files_and_a_sha256sum_line(made):
    path = made["plain"]
    line = path.with_name(path.name + ".sha256").read_text(encoding="ascii")
    assert line == f"{file_sha256(path)}  {path.name}\n"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(path, "r:gz") as tar:
        names = tar.getnames()
        manifest = Manifest.from_json(tar.extractfile("manifest.json").read())
    assert names[0] == "manifest.json" and "media/claims/a.jpg" in names
    assert manifest.vendor == connection.vendor
    assert manifest.counts["org.Person"] > 0 and manifest.migrations["points"]
    assert manifest.media == {"files": 1, "bytes": 6}


# --- the parts --------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 4096, 4097, 3 * 4096, 10_000])
def test_the_encryption_round_trips_any_length_in_chunks(size):
    data = os.urandom(size)
    out = io.BytesIO()
    writer = EncryptingWriter(out, KEY, chunk=4096)
    for i in range(0, size, 1000):
        writer.write(data[i : i + 1000])
    writer.close()
    sealed = out.getvalue()
    assert size < 64 or data[:64] not in sealed  # (a byte or two may occur by chance)
    assert DecryptingReader(io.BytesIO(sealed), KEY).read() == data
    if size > 4096:  # cut at a chunk boundary: the last chunk is missing, and noticed
        cut = sealed[: HEADER_SIZE + 4096 + 16]
        with pytest.raises(BackupError, match="truncated"):
            DecryptingReader(io.BytesIO(cut), KEY).read()


def test_a_backup_of_an_older_schema_is_migrated_after_and_a_newer_one_named():
    loader_state = schema_state({"points": ["0001_points_ledger"]})
    assert (
        not loader_state.newer and "points.0006_stars_move_to_recognition" in loader_state.missing
    )
    newer = schema_state({"points": ["0007_later"]})
    assert newer.unknown == ["points.0007_later"]


def _names(*stamps: str) -> list[str]:
    return [f"hongfan-{s}-sqlite.hfbak" for s in stamps]


def test_retention_keeps_the_newest_of_each_day_and_week_and_only_its_own_files(tmp_path):
    stamps = ["20261203-020000", "20261203-120000", "20261202-020000", "20261201-020000",
              "20261125-020000", "20261118-020000", "20261101-020000"]  # fmt: skip
    for name in _names(*stamps):
        (tmp_path / name).write_bytes(b"x")
        (tmp_path / f"{name}.sha256").write_text("x")
    (tmp_path / "hongfan-notes.hfbak").write_text("operator's own file")
    (tmp_path / "hongfan-20250101-020000-sqlite.hfbak.bak").write_text("a copy")
    deleted = backups_prune(
        directory=tmp_path, keep_daily=2, keep_weekly=3, now=datetime(2026, 12, 3, 13)
    )
    kept = {f.path.name for f in backups_in(tmp_path)}
    # days: 12-03 12:00, 12-02; weeks (ISO): 12-03 12:00 (wk 49), 11-25 (48), 11-18 (47)
    assert kept == set(
        _names("20261203-120000", "20261202-020000", "20261125-020000", "20261118-020000")
    )
    assert {p.name for p in deleted} == set(
        _names("20261203-020000", "20261201-020000", "20261101-020000")
    )
    assert not (tmp_path / "hongfan-20261101-020000-sqlite.hfbak.sha256").exists()
    assert (tmp_path / "hongfan-notes.hfbak").exists()
    assert (tmp_path / "hongfan-20250101-020000-sqlite.hfbak.bak").exists()


def test_retention_by_age_always_keeps_the_newest_and_nothing_without_a_rule(tmp_path):
    for name in _names("20261001-020000", "20261101-020000"):
        (tmp_path / name).write_bytes(b"x")
    found = backups_in(tmp_path)
    now = datetime(2026, 12, 3)
    assert to_delete(found, now=now, keep_daily=None, keep_weekly=None, keep_days=None) == []
    gone = to_delete(found, now=now, keep_daily=None, keep_weekly=None, keep_days=7)
    assert [f.path.name for f in gone] == _names("20261001-020000")


def test_a_malformed_backup_key_stops_the_start_up():
    env = {**os.environ, "HONGFAN_ENV": "test", "HONGFAN_BACKUP_KEY": "c2hvcnQ="}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "hongfan.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "HONGFAN_BACKUP_KEY must decode to 32 bytes" in result.stderr


def test_a_backup_folder_inside_the_uploads_is_refused(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(BackupError, match="inside MEDIA_ROOT"):
        backup_create(directory=tmp_path / "backups", key=None)
    assert not (tmp_path / "backups").exists()
