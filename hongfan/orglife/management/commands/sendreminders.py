from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hongfan.core.dates import today
from hongfan.orglife.services.reminders import REMIND_DAYS, send_reminders


class Command(BaseCommand):
    help = "Remind branch secretaries of required meetings whose period ends soon (once each)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="run as if today were this date (YYYY-MM-DD)")
        parser.add_argument("--days", type=int, default=REMIND_DAYS)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            day = date.fromisoformat(opts["date"]) if opts["date"] else today()
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        sent = send_reminders(today=day, days=opts["days"])
        for r in sent:
            self.stdout.write(
                f"branch {r.branch_id}: {r.requirement} {r.period} (ends {r.ends_on})"
            )
        self.stdout.write(f"{len(sent)} reminders sent")
