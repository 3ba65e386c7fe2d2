"""``manage.py backup``: one dated, checksummed (optionally encrypted) file holding the
database and the uploaded files, then retention (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hongfan.core.audit import audit_log, chain_head
from hongfan.core.backup import BackupError
from hongfan.core.backup.services import backup_create, backup_key, backups_prune
from hongfan.core.models import AuditAction


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup / pg_dump) and the uploaded files into "
        "HONGFAN_BACKUP_DIR, encrypted when HONGFAN_BACKUP_KEY is set; then apply retention."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dir", type=Path, help="where to write (default HONGFAN_BACKUP_DIR)")
        parser.add_argument(
            "--keep-daily",
            type=int,
            metavar="N",
            help="keep the newest backup of each of the last N days",
        )
        parser.add_argument(
            "--keep-weekly", type=int, metavar="M", help="and of each of the last M weeks"
        )
        parser.add_argument(
            "--keep-days",
            type=int,
            metavar="D",
            help="without the two above: delete backups older than D days "
            "(default HONGFAN_BACKUP_KEEP_DAYS; 0 keeps all)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        for name in ("keep_daily", "keep_weekly", "keep_days"):
            if opts[name] is not None and opts[name] < 0:
                raise CommandError(f"--{name.replace('_', '-')} must be 0 or more")
        try:
            key = backup_key()
            result = backup_create(directory=opts["dir"], key=key)
            keep_days = opts["keep_days"]
            if keep_days is None:
                keep_days = settings.HONGFAN_BACKUP_KEEP_DAYS
            pruned = backups_prune(
                directory=result.path.parent,
                keep_daily=opts["keep_daily"],
                keep_weekly=opts["keep_weekly"],
                keep_days=keep_days,
            )
        except BackupError as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        m = result.manifest
        write = self.stdout.write
        write(self.style.SUCCESS(f"Backup written: {result.path}"))
        write(f"  size          {_size(result.size)} in {result.seconds:.1f} s")
        write(f"  checksum      {result.checksum.name} (sha256 {result.sha256[:16]}…)")
        write(
            f"  database      {m.vendor}, {sum(m.counts.values())} rows in {len(m.counts)} tables"
        )
        for label, rows in sorted(m.counts.items(), key=lambda kv: -kv[1])[:3]:
            write(f"                {label}: {rows} rows")
        write(f"  uploads       {m.media['files']} files, {_size(m.media['bytes'])}")
        if result.key_id:
            write(f"  encrypted     yes (AES-256-GCM, key id {result.key_id})")
        else:
            write(
                self.style.WARNING(
                    "  encrypted     NO: set HONGFAN_BACKUP_KEY to encrypt backups "
                    "(they hold personal data)"
                )
            )
        seq, head = chain_head()
        # The journal keeps this line outside the database: the anchor of the audit chain
        # (its head when the snapshot was taken; the backup's own row below follows it).
        write(f"  audit chain   head {seq} {head or '-'}")
        audit_log(
            action=AuditAction.BACKUP,
            username="system",
            file=result.path.name,
            sha256=result.sha256,
            rows=sum(m.counts.values()),
            encrypted=bool(result.key_id),
            chain_head=seq,
        )
        if pruned:
            write(f"  retention     deleted {len(pruned)} old backup(s):")
            for path in pruned:
                write(f"                {path.name}")
        else:
            write("  retention     nothing deleted")
