"""Every download that carries data people typed keeps a value starting with =, +, - or @ as
text (docs/decisions/0014-spreadsheet-formulas.md).

* .xlsx made from the database: the cell is a string (never a formula) and escaped with a
  leading apostrophe (``core.exports.escape_cell``), so that copying it, or saving the sheet
  as CSV, cannot turn it into one;
* the marked copy of a failed roster upload (the uploader's own file, sent back to be fixed
  and imported again): a string cell, never a formula;
* .docx: the text sits in a run (``w:t``), and no field code (``instrText``, ``fldSimple``,
  ``ddeLink``) is anywhere in the document: Word computes nothing in plain text.

``test_every_export_in_the_code_has_a_case_here`` finds every call of ``xlsx_response``,
``docx_response``, ``export_response`` and ``Table.export``/``table_response`` in the
project's code, so a new export without a case here fails.
"""

from __future__ import annotations

import ast
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from hongfan.accounts.models import User
from hongfan.core.audit import AuditAction, audit_log
from hongfan.org.models import Branch, Hospital, Person
from hongfan.org.tests.factories import primary

pytestmark = pytest.mark.django_db

# One hostile value per leading character; each names its kind so a test failure says which.
HOSTILE = {
    "=": '=HYPERLINK("http://e.x","点")',  # fits a 30-character column
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-1+1",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
}
ROOT = Path(settings.BASE_DIR)


# --- what the downloads must look like --------------------------------------------------------


def _xlsx_cells(content: bytes, marker: str) -> list[Any]:
    wb = load_workbook(io.BytesIO(content))  # not data_only: formulas show as formulas
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str) and marker in cell.value:
                    found.append(cell)
    return found


def assert_escaped_xlsx(content: bytes, value: str) -> None:
    cells = _xlsx_cells(content, value[1:])
    assert cells, f"{value!r} is not in the file"
    for cell in cells:
        assert cell.data_type == "s"
        assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
        assert cell.value.startswith("'") or not cell.value.startswith(value[0])


def assert_text_xlsx(content: bytes, value: str) -> None:
    cells = _xlsx_cells(content, value[1:])
    assert cells, f"{value!r} is not in the file"
    assert all(cell.data_type == "s" for cell in cells)


def assert_text_docx(content: bytes, value: str) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = "".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        )
    assert not re.search(r"<w:(instrText|fldSimple|fldChar)\b|ddeLink", xml), "a field code"
    from xml.sax.saxutils import escape

    runs = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)
    assert any(escape(value[1:]) in run for run in runs), f"{value!r} is not in a text run"


# --- the data each download shows --------------------------------------------------------------


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def sec_branch() -> Branch:
    user = User.objects.get(username="sec")
    return next(r.branch for r in user.role_assignments.all() if r.branch_id)


def name_person(value: str) -> Person:
    """The demo member, renamed (through save(): the data-change log records it)."""
    person = User.objects.get(username="member").person
    person.name = value
    person.save()
    return person


def name_branch(value: str) -> Branch:
    branch = sec_branch()
    Branch.objects.filter(pk=branch.pk).update(name=value)
    branch.refresh_from_db()
    return branch


def get(username: str, url: str) -> bytes:
    response = client_of(username).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content


def roster_export(value: str) -> bytes:
    name_person(value)
    return get("hosp", f"/org/roster/export/?hospital={primary().pk}")


def roster_export_full(value: str) -> bytes:
    name_person(value)
    response = client_of("hosp").post(
        f"/org/roster/export/full/?hospital={primary().pk}", {"reason": "核对名册后重新导入"}
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def roster_marked(value: str) -> bytes:
    """A failed upload (a bad 身份证号) whose 姓名 is ``value`` as text, marked and sent back."""
    from hongfan.org.imports import roster_parsing

    headers = [c.template_header for c in roster_parsing.COLUMNS]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = roster_parsing.DATA_SHEET
    ws.append(headers)
    row = ["" for _ in headers]
    row[0] = value
    row[headers.index(next(h for h in headers if "身份证" in h))] = "123"
    ws.append(row)
    ws.cell(row=2, column=1).data_type = "s"  # typed text, not a formula
    buf = io.BytesIO()
    wb.save(buf)
    client = client_of("hosp")
    page = client.post(
        f"/org/roster/import/?hospital={primary().pk}",
        {"file": SimpleUploadedFile("名册.xlsx", buf.getvalue())},
    )
    link = re.search(r'id="roster-marked" href="([^"]+)"', page.content.decode())
    assert link, "no marked file offered"
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    return response.content


def roster_template(value: str) -> bytes:
    name_branch(value)  # the template's 可选值 lists the hospital's branches
    return get("hosp", f"/org/roster/template/?hospital={primary().pk}")


def question_template(value: str) -> bytes:
    # Its lists are fixed labels (题型, 难度): nothing anyone typed. Checked for formulas only.
    content = get("hosp", f"/study/questions/template/?hospital={primary().pk}")
    _xlsx_cells(content, "\x00")
    return content


def rankings_export(value: str) -> bytes:
    name_person(value)
    name_branch(value)
    return get("hosp", "/points/rankings/export/")


def hours_export(value: str) -> bytes:
    name_person(value)
    return get("hosp", f"/study/hours/export/?hospital={primary().pk}")


def compliance_matrix(value: str) -> bytes:
    name_branch(value)
    return get("hosp", "/orglife/matrix/?export=xlsx")


def compliance_city(value: str) -> bytes:
    Hospital.objects.filter(pk=primary().pk).update(name=value)
    return get("city", "/orglife/city/?export=xlsx")


def audit_trail(value: str) -> bytes:
    audit_log(action=AuditAction.LOGIN_FAILED, username=value, success=False)
    return get("audit", "/audit/?export=xlsx")


def audit_changes(value: str) -> bytes:
    name_person(value)  # the data-change log's record names the person
    return get("audit", "/audit/changes/?export=xlsx")


def meeting_docx(value: str) -> bytes:
    from hongfan.orglife.models import Meeting

    meeting = Meeting.objects.filter(branch=sec_branch()).order_by("pk").first()
    assert meeting is not None
    Meeting.objects.filter(pk=meeting.pk).update(topic=value)
    return get("sec", f"/orglife/{meeting.pk}/docx/")


def yearbook_docx(value: str) -> bytes:
    from hongfan.orglife.models import Meeting

    branch = sec_branch()
    meeting = Meeting.objects.filter(branch=branch).order_by("-starts_at").first()
    assert meeting is not None
    Meeting.objects.filter(pk=meeting.pk).update(topic=value)
    year = meeting.starts_at.year
    return get("sec", f"/orglife/branches/{branch.pk}/yearbook/{year}/")


def development_paper(value: str) -> bytes:
    from hongfan.org.models import Development

    dev = Development.objects.filter(hospital=primary()).order_by("pk").first()
    assert dev is not None
    Person.objects.filter(pk=dev.person_id).update(name=value)
    return get("hosp", f"/org/development/{dev.pk}/papers/candidate_notice/")


def star_export(value: str) -> bytes:
    from hongfan.recognition.models import QuarterStar
    from hongfan.recognition.tests.role_rows import star_selection

    selection = star_selection()
    star = QuarterStar.objects.filter(selection=selection).order_by("pk").first()
    assert star is not None, "the draft selection drew no star"
    Person.objects.filter(pk=star.person_id).update(name=value)
    return get("hosp", f"/points/stars/{selection.pk}/announcement.docx")


# --- service (为民服务) -------------------------------------------------------------------------


def service_activities(value: str) -> bytes:
    from hongfan.service.models import Activity

    Activity.objects.filter(hospital=primary()).update(title=value)
    return get("hosp", f"/service/activities/?hospital={primary().pk}&export=xlsx")


def service_places(value: str) -> bytes:
    from hongfan.service.models import Place

    place = Place.objects.filter(hospital=primary()).order_by("pk").first()
    assert place is not None, "the demo has no service place"
    Place.objects.filter(pk=place.pk).update(name=value)
    return get("hosp", f"/service/places/?hospital={primary().pk}&export=xlsx")


def service_dashboard(value: str) -> bytes:
    name_branch(value)  # the 按支部 sheet names the branches
    return get("hosp", f"/service/dashboard/?hospital={primary().pk}&export=xlsx")


def service_dashboard_city(value: str) -> bytes:
    # Each line is the hospital's short name (its name when it has none).
    Hospital.objects.filter(pk=primary().pk).update(name=value, short_name=value)
    return get("city", "/service/dashboard/city/?export=xlsx")


def _volunteer(value: str) -> Any:
    """A person of the demo hospital with service hours, renamed; their first hour entry."""
    from hongfan.service.models import HourEntry

    entry = HourEntry.objects.filter(hospital=primary()).order_by("pk").first()
    assert entry is not None, "the demo recorded no service hours"
    Person.objects.filter(pk=entry.person_id).update(name=value)
    return entry


def volunteer_table(value: str) -> bytes:
    entry = _volunteer(value)
    year = entry.occurred_on.year
    return get("hosp", f"/service/hours/?hospital={primary().pk}&year={year}&export=xlsx")


def national_export(value: str) -> bytes:
    entry = _volunteer(value)
    response = client_of("hosp").post(
        f"/service/hours/national/?hospital={primary().pk}",
        {"year": str(entry.occurred_on.year), "reason": "志愿汇录入"},
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def certificate_docx(value: str) -> bytes:
    entry = _volunteer(value)
    return get("hosp", f"/service/volunteer/people/{entry.person_id}/certificate/?format=docx")


def loan_ledger(value: str) -> bytes:
    from hongfan.service.models import LendItem, Loan

    loan = Loan.objects.filter(hospital=primary()).order_by("pk").first()
    assert loan is not None, "the demo lent nothing"
    LendItem.objects.filter(pk=loan.item_id).update(name=value)
    desk_id = LendItem.objects.get(pk=loan.item_id).desk_id
    return get("hosp", f"/service/desks/{desk_id}/ledger/?export=xlsx")


def nursing_promise(value: str) -> bytes:
    # Month by month counts and shares: nothing anyone typed. Checked for formulas only.
    content = get("hosp", f"/service/nursing/promise/?hospital={primary().pk}&export=xlsx")
    _xlsx_cells(content, "\x00")
    return content


def nursing_city(value: str) -> bytes:
    Hospital.objects.filter(pk=primary().pk).update(name=value)
    return get("city", "/service/nursing/city/?export=xlsx")


Case = tuple[Callable[[str], bytes], Callable[[bytes, str], None]]
# (file, function making the download) -> how to get it and what it must look like
CASES: dict[tuple[str, str], Case] = {
    ("hongfan/org/views/roster.py", "roster_export"): (roster_export, assert_escaped_xlsx),
    ("hongfan/org/views/roster.py", "roster_export_full"): (
        roster_export_full,
        assert_escaped_xlsx,
    ),
    ("hongfan/org/views/roster.py", "roster_import_marked"): (roster_marked, assert_text_xlsx),
    ("hongfan/org/views/roster.py", "roster_template"): (roster_template, assert_escaped_xlsx),
    ("hongfan/study/views/questions.py", "question_template"): (
        question_template,
        lambda content, value: None,
    ),
    ("hongfan/points/views/rankings.py", "rankings_export"): (
        rankings_export,
        assert_escaped_xlsx,
    ),
    ("hongfan/study/views/hours.py", "hours_export"): (hours_export, assert_escaped_xlsx),
    ("hongfan/orglife/views/compliance.py", "matrix"): (compliance_matrix, assert_escaped_xlsx),
    ("hongfan/orglife/views/compliance.py", "city"): (compliance_city, assert_escaped_xlsx),
    ("hongfan/accounts/views/audit.py", "audit_trail"): (audit_trail, assert_escaped_xlsx),
    ("hongfan/accounts/views/audit.py", "audit_changes"): (audit_changes, assert_escaped_xlsx),
    ("hongfan/orglife/views/documents.py", "meeting_docx"): (meeting_docx, assert_text_docx),
    ("hongfan/orglife/views/documents.py", "yearbook_docx"): (yearbook_docx, assert_text_docx),
    ("hongfan/org/views/development.py", "development_paper"): (
        development_paper,
        assert_text_docx,
    ),
    ("hongfan/recognition/views/stars.py", "star_export"): (star_export, assert_text_docx),
    ("hongfan/service/views/activity.py", "activities"): (
        service_activities,
        assert_escaped_xlsx,
    ),
    ("hongfan/service/views/place.py", "places"): (service_places, assert_escaped_xlsx),
    ("hongfan/service/views/dashboard.py", "dashboard"): (service_dashboard, assert_escaped_xlsx),
    ("hongfan/service/views/dashboard.py", "dashboard_city"): (
        service_dashboard_city,
        assert_escaped_xlsx,
    ),
    ("hongfan/service/views/hours.py", "volunteer_table"): (volunteer_table, assert_escaped_xlsx),
    ("hongfan/service/views/hours.py", "national_export"): (national_export, assert_escaped_xlsx),
    ("hongfan/service/views/hours.py", "certificate"): (certificate_docx, assert_text_docx),
    ("hongfan/service/views/loan.py", "ledger"): (loan_ledger, assert_escaped_xlsx),
    ("hongfan/service/views/nursing.py", "nursing_promise"): (
        nursing_promise,
        lambda content, value: None,
    ),
    ("hongfan/service/views/nursing.py", "nursing_city"): (nursing_city, assert_escaped_xlsx),
}

_EXPORT_CALLS = {"xlsx_response", "docx_response", "export_response", "table_response", "export"}
# Where the helpers themselves live (their callers are what is checked).
_HELPERS = {"hongfan/core/exports.py", "hongfan/core/tables.py"}


def export_call_sites() -> set[tuple[str, str]]:
    """(file, enclosing function) of every call that sends a download."""
    sites = set()
    for path in sorted((ROOT / "hongfan").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel in _HELPERS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Call):
                    callee = node.func
                    name = (
                        callee.attr
                        if isinstance(callee, ast.Attribute)
                        else getattr(callee, "id", "")
                    )
                    if name == "export" and not (
                        isinstance(callee, ast.Attribute)
                        and getattr(callee.value, "id", "") == "table"
                    ):
                        continue  # only Table.export, not any .export()
                    if name in _EXPORT_CALLS:
                        sites.add((rel, func.name))
    return sites


def test_every_export_in_the_code_has_a_case_here():
    sites = export_call_sites()
    assert ("hongfan/org/views/roster.py", "roster_export") in sites  # the finder finds
    assert sites == set(CASES), (
        f"exports without a case: {sorted(sites - set(CASES))}; "
        f"cases without an export: {sorted(set(CASES) - sites)}"
    )


@pytest.mark.parametrize("start", list(HOSTILE))
@pytest.mark.parametrize("site", list(CASES), ids=lambda site: site[1])
def test_a_value_starting_like_a_formula_comes_out_as_text(site, start):
    make, check = CASES[site]
    value = HOSTILE[start]
    check(make(value), value)


def test_the_escaping_helper_escapes_exactly_the_formula_starts():
    from hongfan.core.exports import escape_cell

    for value in HOSTILE.values():
        assert escape_cell(value) == "'" + value
    for value in ["张三", "13800138000", "", "a=b", "1-2"]:
        assert escape_cell(value) == value
