"""Walk the audit chain and report the first broken link: ``manage.py auditverify``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hongfan.core.audit import chain_verify


class Command(BaseCommand):
    help = (
        "Verify the keyed hash chain over the audit trail (AuditEvent, auditlog's LogEntry);"
        " exits non-zero at the first broken link. Prints the head hash to anchor elsewhere."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args: Any, **opts: Any) -> None:
        report = chain_verify(batch_size=max(1, opts["batch_size"]))
        self.stdout.write(f"已核验 {report.links} 环；链头 {report.head_seq} {report.head_hash}")
        if report.pruned:
            self.stdout.write(f"超过保留期已清理的记录：{report.pruned} 条")
        if report.first_break is not None:
            raise CommandError(f"审计链断裂：{report.first_break.describe()}")
        self.stdout.write(self.style.SUCCESS("审计链完整"))
