"""Spreadsheet and document downloads, for every export: the .xlsx content type, the
Content-Disposition header, formula escaping and a file name fit for the audit trail.
(The one audited-response helper of issue 9 is to grow here.)"""

from __future__ import annotations

import re
from urllib.parse import quote

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV/formula injection) with a leading apostrophe."""
    if value and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def content_disposition(filename: str, *, fallback: str = "roster.xlsx") -> str:
    """RFC 6266 / 5987 attachment header with an ASCII fallback for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def audit_filename(name: str) -> str:
    """A file name fit for the audit trail: no path, no long digit runs (could be an ID)."""
    base = re.split(r"[\\/]", name or "")[-1][:100]
    return re.sub(r"\d{6,}[\dXx]*", "***", base)
