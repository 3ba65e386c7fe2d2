"""Writing the working-day calendar: the city admin enters (or corrects) a year's
arrangement (docs/decisions/0007)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import chinese_weekday
from hongfan.core.locks import lock_first
from hongfan.workdays.choices import DayKind, DaySource, YearSource
from hongfan.workdays.models import MAX_YEAR, MIN_YEAR, CalendarYear, DayOverride

NAME_MAX = DayOverride._meta.get_field("name").max_length or 50
NOTE_MAX = CalendarYear._meta.get_field("note").max_length or 200

DayEntry = tuple[date, str]  # (date, name)


CALENDAR_EDITORS = "节假日安排由市卫健委管理员维护"


def can_edit_calendar(access: Access) -> bool:
    """Only the city admin: the calendar sets 公示 and complaint deadlines in every hospital of
    the installation, so it is business data shared by all tenants — not one hospital's, and
    not the system admin's (三员分立). See docs/decisions/0007-workday-calendar-editors.md."""
    return access.is_city


@dataclass(frozen=True)
class Problem:
    """One bad entry: ``field`` is "holidays", "workdays", "year" or "note"; ``index`` is
    the entry's position in its list (None for the whole field)."""

    field: str
    index: int | None
    message: str


def arrangement_problems(
    *, year: int, holidays: Sequence[DayEntry], workdays: Sequence[DayEntry], note: str = ""
) -> list[Problem]:
    """Everything wrong with a year's arrangement, each with a Chinese message naming the
    date. Shared by the form (which adds line numbers) and ``calendar_year_save``."""
    problems: list[Problem] = []
    if not MIN_YEAR <= year <= MAX_YEAR:
        return [Problem("year", None, f"年份应在{MIN_YEAR}至{MAX_YEAR}之间")]
    if len(note) > NOTE_MAX:
        problems.append(Problem("note", None, f"发布依据不能超过{NOTE_MAX}个字"))
    if not holidays:
        problems.append(Problem("holidays", None, "请至少填写一个放假日期"))
    holiday_dates = {d for d, _ in holidays}
    for field, entries in (("holidays", holidays), ("workdays", workdays)):
        seen: set[date] = set()
        for i, (day, name) in enumerate(entries):
            text = f"{day:%Y-%m-%d}"
            if day.year != year:
                problems.append(Problem(field, i, f"{text} 不在{year}年内"))
            elif day in seen:
                problems.append(Problem(field, i, f"{text} 重复填写"))
            elif field == "workdays" and day in holiday_dates:
                problems.append(Problem(field, i, f"{text} 不能既放假又调休上班"))
            elif field == "workdays" and day.weekday() < 5:
                problems.append(
                    Problem(
                        field,
                        i,
                        f"{text} 是{chinese_weekday(day)}，调休上班日只能是星期六或星期日",
                    )
                )
            if len(name) > NAME_MAX:
                problems.append(Problem(field, i, f"{text} 的名称不能超过{NAME_MAX}个字"))
            seen.add(day)
    return problems


def _raise(problems: list[Problem]) -> None:
    errors: dict[str, list[str]] = {}
    for p in problems:
        errors.setdefault(p.field if p.field != "year" else "__all__", []).append(p.message)
    raise ValidationError(errors)


def calendar_year_save(
    *,
    access: Access,
    year: int,
    holidays: Sequence[DayEntry],
    workdays: Sequence[DayEntry],
    note: str = "",
    request: HttpRequest | None = None,
) -> CalendarYear:
    """Replace ``year``'s arrangement with an admin's entry, all or nothing.

    ``holidays`` are the days off (休息日, weekday or weekend), ``workdays`` the make-up
    working days (调休上班日, Saturday or Sunday only); each a list of (date, name).
    """
    if not can_edit_calendar(access):
        raise PermissionDenied(CALENDAR_EDITORS)
    holidays = [(d, (name or "").strip()) for d, name in holidays]
    workdays = [(d, (name or "").strip()) for d, name in workdays]
    note = (note or "").strip()
    problems = arrangement_problems(year=year, holidays=holidays, workdays=workdays, note=note)
    if problems:
        _raise(problems)
    now = timezone.now()
    with transaction.atomic():
        record = lock_first(CalendarYear.objects.filter(year=year))
        before: dict[date, tuple[str, str]] = {}
        before_source = record.source if record is not None else ""
        if record is None:
            record = CalendarYear(year=year)
        else:
            before = {
                r.date: (r.kind, r.name)
                for r in DayOverride.objects.filter(date__year=year).only("date", "kind", "name")
            }
        record.source = YearSource.ADMIN
        record.note = note
        record.entered_by_id = access.user_id
        record.entered_at = now
        record.full_clean()
        record.save()
        DayOverride.objects.filter(date__year=year).delete()
        rows = [
            DayOverride(
                calendar_year=record,
                date=d,
                kind=kind,
                name=name,
                source=DaySource.ADMIN,
                created_by_id=access.user_id,
            )
            for kind, entries in ((DayKind.HOLIDAY, holidays), (DayKind.WORKDAY, workdays))
            for d, name in entries
        ]
        DayOverride.objects.bulk_create(rows)
        after = {r.date: (r.kind, r.name) for r in rows}
        audit_log(
            action=AuditAction.DATA_CHANGED,
            request=request,
            actor_id=access.user_id,
            target=record,
            year=year,
            source_before=before_source,
            holidays=len(holidays),
            workdays=len(workdays),
            added=[f"{d:%Y-%m-%d} {k}" for d, (k, _) in sorted(after.items()) if d not in before],
            removed=[f"{d:%Y-%m-%d} {k}" for d, (k, _) in sorted(before.items()) if d not in after],
            changed=[
                f"{d:%Y-%m-%d} {k}"
                for d, (k, n) in sorted(after.items())
                if d in before and before[d] != (k, n)
            ],
        )
    return record
