"""Spreadsheet and document downloads, for every export: the audited .xlsx and .docx
responses (content type, Content-Disposition, cache header and the audit row), formula
escaping and a file name fit for the audit trail.

    return xlsx_response(workbook, f"{title}.xlsx", fallback="ranking.xlsx", request=request,
                         audit={"hospital_id": h.pk, "what": "points_ranking", "count": n})
"""

from __future__ import annotations

import io
import re
from typing import IO, Any
from urllib.parse import quote

from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from hongfan.core.audit import AuditAction, audit_log

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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


def export_response(
    content: bytes | IO[bytes] | Any,
    filename: str,
    *,
    content_type: str,
    fallback: str,
    request: HttpRequest | None = None,
    audit: dict[str, Any] | None = None,
    cache_control: str | None = "no-store",
) -> HttpResponseBase:
    """A download: ``content`` is bytes, an open binary file (streamed, and closed by the
    response) or an openpyxl workbook. ``audit``, when given, is written as the export's
    audit row (``audit_log(action=EXPORT, request=request, **audit)``: ``target``,
    ``hospital_id``, ``actor_id`` and the detail); None when the export is audited
    elsewhere (a service) or is a blank template with no one's data."""
    response: HttpResponseBase
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    elif hasattr(content, "read"):
        response = FileResponse(content, content_type=content_type)
    else:  # a workbook
        buf = io.BytesIO()
        workbook: Any = content
        workbook.save(buf)
        response = HttpResponse(buf.getvalue(), content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    if cache_control:
        response["Cache-Control"] = cache_control
    if audit is not None:
        audit_log(action=AuditAction.EXPORT, request=request, **audit)
    return response


def xlsx_response(
    content: bytes | IO[bytes] | Any, filename: str, *, fallback: str, **kwargs: Any
) -> HttpResponseBase:
    """An .xlsx download (``export_response``)."""
    return export_response(
        content, filename, content_type=XLSX_CONTENT_TYPE, fallback=fallback, **kwargs
    )


def docx_response(
    content: bytes, filename: str, *, fallback: str, **kwargs: Any
) -> HttpResponseBase:
    """A .docx download (``export_response``)."""
    return export_response(
        content, filename, content_type=DOCX_CONTENT_TYPE, fallback=fallback, **kwargs
    )
