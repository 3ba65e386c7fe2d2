"""Export the audit trail with its chain for archiving: ``manage.py auditexport``."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hongfan.core.audit import chain_export_rows


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value!r}") from exc


class Command(BaseCommand):
    help = (
        "Write the audit rows (security events and data changes) sealed between two days, in"
        " chain order with seq, prev_hash and hash, as JSONL or CSV."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD (inclusive)")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD (inclusive)")
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        parser.add_argument("--output", "-o", help="file (default: standard output)")

    def handle(self, *args: Any, **opts: Any) -> None:
        start, end = _day(opts["start"]), _day(opts["end"])
        if end < start:
            raise CommandError("--to 不能早于 --from")
        tz = timezone.get_current_timezone()
        since = timezone.make_aware(datetime.combine(start, time.min), tz)
        until = timezone.make_aware(datetime.combine(end, time.max), tz)
        out = (
            open(opts["output"], "w", encoding="utf-8", newline="")
            if opts["output"]
            else sys.stdout
        )  # noqa: SIM115
        n = 0
        try:
            writer = None
            for row in chain_export_rows(since=since, until=until):
                if opts["format"] == "jsonl":
                    out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
                else:
                    if writer is None:
                        writer = csv.DictWriter(out, fieldnames=list(row))
                        writer.writeheader()
                    writer.writerow({k: _cell(v) for k, v in row.items()})
                n += 1
        finally:
            if out is not sys.stdout:
                out.close()
        self.stderr.write(f"已导出 {n} 条审计记录")


def _cell(value: Any) -> str:
    from hongfan.core.exports import escape_cell

    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return escape_cell(text)
