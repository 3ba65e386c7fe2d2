"""Word exports of 组织生活 (the documents themselves: hongfan/orglife/documents/).

Both are for the meeting's managers (the branch secretary, the hospital admin) and the
city admin, who reads every hospital; every export is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from hongfan.core.access import request_access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import today
from hongfan.core.exports import content_disposition
from hongfan.org.selectors.structure import branch_get
from hongfan.orglife.choices import MeetingStatus
from hongfan.orglife.documents.meetings import meeting_docx as meeting_document
from hongfan.orglife.documents.meetings import meeting_filename
from hongfan.orglife.documents.word import DOCX_CONTENT_TYPE
from hongfan.orglife.documents.yearbook import yearbook_docx as yearbook_document
from hongfan.orglife.documents.yearbook import yearbook_filename
from hongfan.orglife.selectors.meetings import meeting_get

MIN_YEAR = 2000


def _docx_response(content: bytes, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def meeting_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting's record (a blank form with the roster if it has not been held yet)."""
    access = request_access(request)
    meeting = meeting_get(access=access, pk=pk, manage=not access.is_city)
    if meeting.status == MeetingStatus.CANCELLED:
        messages.error(request, "会议已取消，没有可导出的会议记录")
        return redirect("orglife:meeting", meeting.pk)
    content = meeting_document(meeting)
    filename = meeting_filename(meeting)
    audit_log(
        action=AuditAction.EXPORT,
        request=request,
        target=meeting,
        kind="meeting_docx",
        status=meeting.status,
        file=filename,
    )
    return _docx_response(content, filename, "meeting.docx")


@login_required
def yearbook_docx(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The branch's 支部工作记录本 of a year."""
    access = request_access(request)
    branch = branch_get(access, pk)
    if not (access.manages_branch(branch.pk, branch.hospital_id) or access.is_city):
        raise PermissionDenied("只有支部书记和医院党委可以导出支部工作记录本")
    if not MIN_YEAR <= year <= today().year + 1:
        raise Http404("年度无效")
    content = yearbook_document(branch, year)
    filename = yearbook_filename(branch, year)
    audit_log(
        action=AuditAction.EXPORT,
        request=request,
        target=branch,
        kind="yearbook_docx",
        year=year,
        file=filename,
    )
    return _docx_response(content, filename, f"yearbook_{year}.docx")
