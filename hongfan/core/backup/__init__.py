"""Backups that restore: ``manage.py backup`` and ``manage.py restore`` (docs/backup.md).

- ``manifest``: what a backup says about itself (format, vendor, migration state, member
  checksums, row counts) and the checks a restore makes against the running code.
- ``crypto``: the optional streamed AES-GCM layer (``HONGFAN_BACKUP_KEY``).
- ``archive``: the file itself: a gzipped tar (manifest first), optionally encrypted, with
  a detached ``.sha256``.
- ``databases``: a consistent snapshot of SQLite (online backup API) or PostgreSQL
  (``pg_dump`` on an exported snapshot), and putting one back.
- ``retention``: which old backups to delete.
- ``services``: ``backup_create``, ``backup_verify``, ``backup_restore``, ``backups_prune``.
"""

from __future__ import annotations


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator."""
