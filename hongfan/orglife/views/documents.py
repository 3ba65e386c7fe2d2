"""Word exports of 组织生活 (the documents themselves: hongfan/orglife/documents/).

Both are for the meeting's managers (the branch secretary, the hospital admin) and the
city admin, who reads every hospital; every export is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from hongfan.core.access import request_access
from hongfan.core.dates import today
from hongfan.core.exports import docx_response
from hongfan.org.selectors.structure import branch_get
from hongfan.orglife.choices import MeetingStatus
from hongfan.orglife.documents.meetings import meeting_docx as meeting_document
from hongfan.orglife.documents.meetings import meeting_filename
from hongfan.orglife.documents.yearbook import yearbook_docx as yearbook_document
from hongfan.orglife.documents.yearbook import yearbook_filename
from hongfan.orglife.selectors.meetings import meeting_get

MIN_YEAR = 2000


@login_required
def meeting_docx(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One meeting's record (a blank form with the roster if it has not been held yet)."""
    access = request_access(request)
    meeting = meeting_get(access=access, pk=pk, manage=not access.is_city)
    if meeting.status == MeetingStatus.CANCELLED:
        messages.error(request, "会议已取消，没有可导出的会议记录")
        return redirect("orglife:meeting", meeting.pk)
    content = meeting_document(meeting)
    filename = meeting_filename(meeting)
    return docx_response(
        content,
        filename,
        fallback="meeting.docx",
        request=request,
        audit={
            "target": meeting,
            "kind": "meeting_docx",
            "status": meeting.status,
            "file": filename,
        },
        cache_control="private, no-store",
    )


@login_required
def yearbook_docx(request: HttpRequest, pk: int, year: int) -> HttpResponseBase:
    """The branch's 支部工作记录本 of a year."""
    access = request_access(request)
    branch = branch_get(access, pk)
    if not (access.manages_branch(branch.pk, branch.hospital_id) or access.is_city):
        raise PermissionDenied("只有支部书记和医院党委可以导出支部工作记录本")
    if not MIN_YEAR <= year <= today().year + 1:
        raise Http404("年度无效")
    content = yearbook_document(branch, year)
    filename = yearbook_filename(branch, year)
    return docx_response(
        content,
        filename,
        fallback=f"yearbook_{year}.docx",
        request=request,
        audit={"target": branch, "kind": "yearbook_docx", "year": year, "file": filename},
        cache_control="private, no-store",
    )
