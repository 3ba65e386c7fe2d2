"""Months of a year as a column expression, for figures grouped by month.

``ExtractMonth`` of a datetime is, on SQLite, a Python function called for every row (with
the time-zone conversion); grouping a year of rows on it was most of the dashboards' cost
(bench/README.md, "Volunteer service"). ``month_of`` gives the same local month as a
``CASE`` of eleven comparisons against the local month boundaries worked out once in
Python: plain comparisons the database does natively, on SQLite and PostgreSQL alike.
Use it on rows already filtered to the year (``year_bounds``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Value, When

from hongfan.core.dates import month_bounds


def month_of(field: str, year: int) -> Case:
    """1–12: the local month of ``field`` (a datetime) within ``year``."""
    whens: list[Any] = [
        When(**{f"{field}__lt": end}, then=Value(m))
        for m, (_start, end) in enumerate(month_bounds(year)[:11], start=1)
    ]
    return Case(*whens, default=Value(12), output_field=IntegerField())
