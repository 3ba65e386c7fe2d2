"""``manage.py restore <file>``: verify a backup completely, then replace the database and
the uploaded files with it (docs/backup.md). ``--check`` verifies only."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from hongfan.core.audit import audit_log
from hongfan.core.backup import BackupError
from hongfan.core.backup.services import backup_key, backup_restore, backup_verify
from hongfan.core.models import AuditAction


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: REPLACES the database and the "
        "uploaded files. Stop the web server and the worker first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="the .hfbak file")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask for confirmation (replaces the data)"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only verify the backup (checksums, key, vendor, schema); change nothing",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        try:
            key = backup_key()
            if opts["check"]:
                self._report_check(backup_verify(path=path, key=key))
                return
            # Verified once before asking: a bad file is refused before anyone confirms.
            checked = backup_verify(path=path, key=key)
            self._describe(checked)
            if not opts["yes"] and not self._confirmed(opts):
                raise CommandError("restore cancelled: nothing was changed")
            result = backup_restore(path=path, key=key, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(f"restore refused: {exc}. Nothing was changed.") from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {path.name} in {result.seconds:.1f} s"))
        # Into the restored trail (after the row-count check's snapshot was read): who
        # replaced the database, and with which file.
        audit_log(
            action=AuditAction.RESTORE,
            username="system",
            file=path.name,
            backup_created_at=str(checked.manifest.created_at),
            migrated=result.migrated,
        )
        if result.migrated:
            self.stdout.write("  the database was migrated to this version of Hongfan")
            self.stdout.write("  start the web server and the worker again")
            return
        if result.counts_differ:
            for label, (was, now) in sorted(result.counts_differ.items()):
                self.stdout.write(self.style.WARNING(f"  {label}: {was} in the backup, {now} now"))
            raise CommandError("the restored row counts differ from the backup's manifest")
        self.stdout.write("  row counts equal the backup's manifest")
        self.stdout.write("  start the web server and the worker again")

    def _describe(self, checked: Any) -> None:
        m = checked.manifest
        where = connection.settings_dict["NAME"]
        self.stdout.write(f"Backup of {m.created_at} ({m.vendor}), verified")
        self.stdout.write(f"  {sum(m.counts.values())} rows, {m.media['files']} uploaded files")
        if checked.schema.older:
            self.stdout.write(
                f"  from an older version: {len(checked.schema.missing)} migration(s) run after"
            )
        self.stdout.write(
            self.style.WARNING(f"This REPLACES the database {where} and the uploads.")
        )

    def _confirmed(self, opts: Any) -> bool:  # noqa: ARG002
        if not sys.stdin.isatty():
            raise CommandError(
                "restore replaces the data: confirm with --yes (nothing was changed)"
            )
        try:
            answer = input("Type 'yes' to restore: ")
        except EOFError:
            return False
        return answer.strip().lower() == "yes"

    def _report_check(self, checked: Any) -> None:
        m = checked.manifest
        self.stdout.write(self.style.SUCCESS("Backup verified: it can be restored here"))
        self.stdout.write(f"  made          {m.created_at} ({m.vendor})")
        self.stdout.write(
            "  checksum      "
            + (".sha256 matches" if checked.detached_checksum else "no .sha256 beside it")
            + "; every member matches the manifest"
        )
        self.stdout.write(f"  encrypted     {'yes' if checked.encrypted else 'no'}")
        self.stdout.write(
            f"  content       {sum(m.counts.values())} rows, {m.media['files']} files"
        )
        schema = "same as this code" if not checked.schema.older else "older (migrate runs after)"
        self.stdout.write(f"  schema        {schema}")
