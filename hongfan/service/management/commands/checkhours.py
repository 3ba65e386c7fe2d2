"""Verify that the monthly hours tally equals the ledger: ``manage.py checkhours``
(``--fix`` rebuilds it from the ledger)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hongfan.org.models import Hospital
from hongfan.service.selectors.hours import tally_check
from hongfan.service.services.hours import tally_rebuild


class Command(BaseCommand):
    help = "Check that the monthly volunteer-hours tally equals the ledger (--fix rebuilds it)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--hospital", type=int, help="hospital id (default: all)")
        parser.add_argument("--fix", action="store_true", help="rebuild the tally from the ledger")

    def handle(self, *args: Any, **opts: Any) -> None:
        hospitals = Hospital.objects.order_by("pk")
        if opts["hospital"]:
            hospitals = hospitals.filter(pk=opts["hospital"])
            if not hospitals.exists():
                raise CommandError(f"no hospital {opts['hospital']}")
        bad = 0
        for h in hospitals:
            problems = tally_check(hospital_id=h.pk)
            if problems and opts["fix"]:
                rows = tally_rebuild(hospital_id=h.pk)
                self.stdout.write(f"{h.pk} {h.name}: rebuilt ({rows} rows)")
                problems = tally_check(hospital_id=h.pk)
            bad += len(problems)
            status = "ok" if not problems else f"{len(problems)} differences"
            self.stdout.write(f"{h.pk} {h.name}: {status}")
            for p in problems[:50]:
                self.stdout.write(f"  {p}")
        if bad:
            raise CommandError(f"{bad} monthly tallies differ from the ledger")
        self.stdout.write(self.style.SUCCESS("the monthly tally equals the ledger"))
