"""The year-arrangement form: one date (or a range) and a name per line, as admins copy them
from the State Council's notice."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django import forms

from hongfan.workdays.models import DayOverride
from hongfan.workdays.services.calendar import NOTE_MAX, arrangement_problems

MAX_RANGE_DAYS = 31
MAX_LINES = 400

_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
_LINE = re.compile(
    r"^(?P<a>" + _DATE + r")"
    r"(?:\s*(?:~|～|至|--)\s*(?P<b>" + _DATE + r"))?"
    r"(?:[\s,，、:：]*(?P<name>[^\d\s,，、:：].*))?$"
)
_PARTS = re.compile(r"\d+")

FORMAT_HINT = "每行一个日期和名称，如“2027-01-01 元旦”；连续几天可写成“2027-02-10~2027-02-16 春节”"

LineEntry = tuple[int, date, str]  # (line number, date, name)


def _to_date(text: str) -> date | None:
    y, m, d = (int(p) for p in _PARTS.findall(text))
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_lines(text: str) -> tuple[list[LineEntry], list[tuple[int, str]]]:
    """The entries of a textarea and the Chinese error of each line that cannot be read."""
    entries: list[LineEntry] = []
    errors: list[tuple[int, str]] = []
    lines = text.replace("\u3000", " ").splitlines()
    if len(lines) > MAX_LINES:
        return [], [(0, f"最多填写{MAX_LINES}行")]
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            errors.append((number, f"第{number}行：无法识别“{line[:30]}”，{FORMAT_HINT}"))
            continue
        first = _to_date(match["a"])
        last = _to_date(match["b"]) if match["b"] else first
        name = (match["name"] or "").strip()
        if first is None or last is None:
            errors.append((number, f"第{number}行：“{line[:30]}”不是有效日期"))
            continue
        if last < first:
            errors.append((number, f"第{number}行：结束日期早于开始日期"))
            continue
        if (last - first).days >= MAX_RANGE_DAYS:
            errors.append((number, f"第{number}行：一行的日期范围不能超过{MAX_RANGE_DAYS}天"))
            continue
        day = first
        while day <= last:
            entries.append((number, day, name))
            day += timedelta(days=1)
    return entries, errors


def format_lines(rows: Iterable[DayOverride]) -> str:
    """The textarea text for saved rows: consecutive days of one name become a range."""
    runs: list[list[Any]] = []
    for row in sorted(rows, key=lambda r: r.date):
        if runs and runs[-1][2] == row.name and runs[-1][1] + timedelta(days=1) == row.date:
            runs[-1][1] = row.date
        else:
            runs.append([row.date, row.date, row.name])
    lines = []
    for first, last, name in runs:
        span = f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d}~{last:%Y-%m-%d}"
        lines.append(f"{span} {name}".rstrip())
    return "\n".join(lines)


class YearArrangementForm(forms.Form):
    note = forms.CharField(
        label="发布依据",
        max_length=NOTE_MAX,
        required=False,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知",
    )
    holidays = forms.CharField(
        label="放假（休息日）",
        required=False,
        strip=False,  # keep leading blank lines so the line numbers in errors are right
        widget=forms.Textarea(attrs={"rows": 12, "placeholder": "2027-01-01 元旦"}),
        help_text=FORMAT_HINT + "。周末在放假期间内的也可一并写上。",
    )
    workdays = forms.CharField(
        label="调休上班",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "2027-02-07 春节调休"}),
        help_text="只能是星期六或星期日，如“2027-02-07 春节调休”。",
    )

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year

    def clean(self) -> dict[str, Any]:
        """Every bad line of both boxes at once, in line order: lines that cannot be read,
        then what the service would refuse about the lines that can."""
        data = super().clean() or {}
        lists: dict[str, list[LineEntry]] = {}
        errors: dict[str, list[tuple[int, str]]] = {"holidays": [], "workdays": []}
        unreadable: set[str] = set()
        for field in ("holidays", "workdays"):
            entries, parse_errors = parse_lines(data.get(field) or "")
            lists[field] = entries
            data[field] = entries
            for line, message in parse_errors:
                errors[field].append((line, message))
                unreadable.add(field)
        problems = arrangement_problems(
            year=self.year,
            holidays=[(d, n) for _, d, n in lists["holidays"]],
            workdays=[(d, n) for _, d, n in lists["workdays"]],
            note=data.get("note") or "",
        )
        reported: set[tuple[str, int]] = set()
        for p in problems:
            if p.field not in errors:
                if p.field not in self.errors:  # "note" too long is already on its field
                    self.add_error(p.field if p.field in self.fields else None, p.message)
            elif p.index is None:
                if p.field not in unreadable:  # "no holiday" when every line was unreadable
                    errors[p.field].append((0, p.message))
            else:
                line = lists[p.field][p.index][0]
                if (p.field, line) not in reported:  # a range line: its first problem is enough
                    reported.add((p.field, line))
                    errors[p.field].append((line, f"第{line}行：{p.message}"))
        for field, found in errors.items():
            for _, message in sorted(found, key=lambda e: e[0]):
                self.add_error(field, message)
        return data

    def entries(self, field: str) -> list[tuple[date, str]]:
        return [(d, n) for _, d, n in self.cleaned_data[field]]
