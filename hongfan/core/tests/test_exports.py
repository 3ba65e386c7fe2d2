"""core.exports: every download is built the same way (content type, attachment name with
an ASCII fallback, cache header) and an export of people's data writes its audit row."""

from __future__ import annotations

import io
import tempfile
from urllib.parse import quote

import pytest
from django.http import FileResponse
from django.test import RequestFactory
from openpyxl import Workbook, load_workbook

from hongfan.core.exports import (
    DOCX_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    content_disposition,
    docx_response,
    escape_cell,
    xlsx_response,
)
from hongfan.core.models import AuditAction, AuditEvent


def _disposition(name: str, fallback: str) -> str:
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def test_content_disposition_names_the_file_in_utf8_with_an_ascii_fallback():
    assert content_disposition("积分 排名.xlsx", fallback="ranking.xlsx") == _disposition(
        "积分 排名.xlsx", "ranking.xlsx"
    )
    assert content_disposition("名册.xlsx").startswith('attachment; filename="roster.xlsx"')


def test_formulas_are_escaped():
    assert escape_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert escape_cell("张三") == "张三"


def test_xlsx_bytes_are_sent_as_an_attachment_not_cached():
    response = xlsx_response(b"PK", "名册.xlsx", fallback="roster.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == _disposition("名册.xlsx", "roster.xlsx")
    assert response["Cache-Control"] == "no-store"
    assert response.content == b"PK"


def test_a_workbook_is_saved_into_the_response():
    wb = Workbook()
    assert wb.active is not None
    wb.active.append(["名次", "姓名"])
    response = xlsx_response(wb, "排名.xlsx", fallback="ranking.xlsx", cache_control=None)
    assert "Cache-Control" not in response
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and [c.value for c in sheet[1]] == ["名次", "姓名"]


@pytest.mark.django_db  # closing a response ends the request (request_finished)
def test_an_open_file_is_streamed():
    f = tempfile.TemporaryFile()
    f.write(b"xlsx bytes")
    f.seek(0)
    response = xlsx_response(f, "人员名册_本院.xlsx", fallback="roster.xlsx")
    assert isinstance(response, FileResponse)
    assert b"".join(response.streaming_content) == b"xlsx bytes"  # type: ignore[arg-type]
    assert response["Content-Disposition"] == _disposition("人员名册_本院.xlsx", "roster.xlsx")
    assert response["Cache-Control"] == "no-store"
    response.close()
    assert f.closed


def test_docx_has_its_content_type_and_the_cache_header_asked_for():
    response = docx_response(
        b"PK", "会议记录.docx", fallback="meeting.docx", cache_control="private, no-store"
    )
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response["Content-Disposition"] == _disposition("会议记录.docx", "meeting.docx")
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_an_audited_export_writes_one_export_row_with_its_detail():
    request = RequestFactory().get("/points/rankings/export/", REMOTE_ADDR="10.0.0.9")
    before = AuditEvent.objects.count()
    xlsx_response(
        b"PK",
        "排名.xlsx",
        fallback="ranking.xlsx",
        request=request,
        audit={"hospital_id": 7, "what": "points_ranking", "count": 3},
    )
    assert AuditEvent.objects.count() == before + 1
    row = AuditEvent.objects.order_by("-id").first()
    assert row is not None
    assert (row.action, row.hospital_id, row.ip) == (AuditAction.EXPORT, 7, "10.0.0.9")
    assert row.detail == {"what": "points_ranking", "count": 3}


@pytest.mark.django_db
def test_an_export_without_audit_writes_no_row():
    before = AuditEvent.objects.count()
    xlsx_response(b"PK", "模板.xlsx", fallback="template.xlsx")
    assert AuditEvent.objects.count() == before
