"""Verify that every points total equals the sum of the ledger: ``manage.py checkpoints``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hongfan.org.models import Hospital
from hongfan.points.selectors.ledger import points_check


class Command(BaseCommand):
    help = "Check that points totals equal the ledger for one hospital or all of them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--hospital", type=int, help="hospital id (default: all)")

    def handle(self, *args: Any, **opts: Any) -> None:
        hospitals = Hospital.objects.order_by("pk")
        if opts["hospital"]:
            hospitals = hospitals.filter(pk=opts["hospital"])
            if not hospitals.exists():
                raise CommandError(f"no hospital {opts['hospital']}")
        bad = 0
        for h in hospitals:
            problems = points_check(hospital=h)
            bad += len(problems)
            status = "ok" if not problems else f"{len(problems)} differences"
            self.stdout.write(f"{h.pk} {h.name}: {status}")
            for p in problems[:50]:
                self.stdout.write(f"  {p}")
        if bad:
            raise CommandError(f"{bad} totals differ from the ledger")
        self.stdout.write(self.style.SUCCESS("all totals equal the ledger"))
