"""No personal data in any log (issue 11): a realistic run, with every logger at DEBUG and
the database's SQL log on, leaves no ID number and no mobile it used in the lines the
configured handler writes.

The run: a hospital admin imports a roster with ID numbers and mobiles (and fails an
import with a bad one), reveals a masked field; a member asks for an SMS code and logs in
with it (and fails once); someone types an ID number as a username; requests carry an ID
number and a mobile in the query string, the path and a POST body, one of them failing
with a 500 that quotes them; a task sends an SMS notification through the log backend.

The SQL log is on here although it is off in production (Django logs SQL only with
DEBUG): a developer's log at DEBUG must not hold them either. Every record goes through
the masking net (``core.logging``); ``raw`` (the records before it) shows what reached
it. What does, in this run: the SQL of a search and of axes' failure rows (DEBUG only),
Django's template debug lines quoting the query string (DEBUG only), the path of the
access line and of Django's "Not Found", and the careless view's exception.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse
from openpyxl import Workbook

from hongfan.accounts.models import RoleAssignment
from hongfan.accounts.tests.sms import give_mobile
from hongfan.core.notify import notify
from hongfan.core.roles import Role
from hongfan.core.testing.logs import captured_logs
from hongfan.org.imports import roster_parsing
from hongfan.org.models import Department, Person
from hongfan.org.tests.factories import unused_id_number, unused_mobile

INBOX = "hongfan.notices.backends.InboxBackend"
LOG_SMS = "hongfan.notices.backends.LogSmsBackend"
_CODE = re.compile(r"验证码(\d{6})")


def careless(request: HttpRequest) -> HttpResponse:
    """A view that fails quoting what it was sent (what the net is for)."""
    raise ValueError(f"no match for {request.GET.get('q')} / {request.POST.get('mobile')}")


urlpatterns = [path("careless/", careless), path("", include("hongfan.urls"))]
handler500 = "hongfan.core.views.server_error"


def roster_xlsx(rows: list[dict[str, str]]) -> bytes:
    labels = [c.label for c in roster_parsing.COLUMNS]
    wb = Workbook()
    ws = wb.active
    ws.append(labels)
    for row in rows:
        ws.append([row.get(label) for label in labels])
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            cell.number_format = "@"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def sql_logged() -> Iterator[None]:
    before = connection.force_debug_cursor
    connection.force_debug_cursor = True
    yield
    connection.force_debug_cursor = before


@pytest.mark.urls(__name__)
def test_a_realistic_run_logs_no_id_number_and_no_mobile(
    users, settings, sql_logged, django_capture_on_commit_callbacks
):
    settings.DEBUG = False
    settings.HONGFAN_NOTIFY_BACKENDS = [INBOX, LOG_SMS]
    hosp = users["hosp"]
    hospital = RoleAssignment.objects.get(user=hosp, role=Role.HOSPITAL_ADMIN).hospital
    department = Department.objects.filter(hospital=hospital, active=True).first()
    ids = [unused_id_number(date(1980 + i, 3, 4), "MF"[i % 2]) for i in range(3)]
    mobiles = [unused_mobile() for _ in range(4)]
    rows = [
        {
            "姓名": name,
            "性别": "男" if i % 2 == 0 else "女",
            "科室": department.name,
            "政治面貌": "群众",
            "身份证号": ids[i],
            "手机号": mobiles[i],
        }
        for i, name in enumerate(["赵一", "钱二"])
    ]
    bad_id = ids[2][:-1] + ("0" if ids[2][-1] != "0" else "1")  # a wrong check digit
    member = users["member"]
    login_mobile = mobiles[3]
    give_mobile(member.person, login_mobile)

    admin = Client(raise_request_exception=False)
    admin.force_login(hosp)
    with captured_logs(logging.DEBUG) as logs:
        # the roster: one import that works, one refused (bad ID number, a duplicate mobile)
        url = f"{reverse('org:roster_import')}?hospital={hospital.pk}"
        done = admin.post(url, {"file": SimpleUploadedFile("名册.xlsx", roster_xlsx(rows))})
        assert done.status_code == 302, done.content.decode()[:3000]
        refused_rows = [{**rows[0], "姓名": "孙三", "身份证号": bad_id, "手机号": mobiles[0]}]
        refused = admin.post(
            url, {"file": SimpleUploadedFile("名册.xlsx", roster_xlsx(refused_rows))}
        )
        assert refused.status_code == 200 and "身份证号" in refused.content.decode()
        # revealing a masked field
        person = Person.objects.get(hospital=hospital, name="赵一")
        for field in ("id_number", "mobile"):
            shown = admin.post(f"/org/people/{person.pk}/reveal/{field}/")
            assert shown.status_code == 200
        # searching people by an ID number and a mobile, and a path made of one
        admin.get(f"/org/people/?q={ids[1]}&mobile={mobiles[1]}")
        admin.get(f"/org/people/{ids[1]}/")
        # SMS login: a wrong code first, then the one sent
        phone = Client(raise_request_exception=False)
        sms = {"by": "sms", "mobile": login_mobile}
        phone.post("/accounts/login/?by=sms", {**sms, "action": "send"})
        code = _CODE.findall(logs.text)[-1]
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        phone.post("/accounts/login/?by=sms", {**sms, "action": "login", "code": wrong})
        ok = phone.post("/accounts/login/?by=sms", {**sms, "action": "login", "code": code})
        assert ok.status_code == 302
        # an ID number typed as a username, and a failing request quoting what it got
        Client().post("/accounts/login/", {"username": ids[0], "password": "x"})
        failed = Client(raise_request_exception=False).post(
            f"/careless/?q={ids[0]}", {"mobile": mobiles[0], "id_number": ids[1]}
        )
        assert failed.status_code == 500
        # a task: an SMS notification through the log backend
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[member], title="账号已开通", body="", category="账号")

    assert "SMS to" in logs.text and "django.db.backends" in logs.raw  # it did log
    assert "ValueError" in logs.text and failed["X-Request-ID"] in logs.text
    used = ids + mobiles + [bad_id]
    leaked = {value for value in used if value in logs.text}
    raw_lines = [line for line in logs.raw.splitlines() if any(v in line for v in leaked)]
    assert not leaked, "\n".join(raw_lines[:20])
    # Our own code hands the net nothing: only the access line's path (whatever a client
    # typed), Django's and the libraries' records (SQL at DEBUG, a 404's path, a template's
    # missing variable) and the careless view above need it.
    ours = [
        (name, text[:300])
        for name, text in logs.raw_records
        if name.startswith("hongfan.") and name != "hongfan.access" and any(v in text for v in used)
    ]
    assert ours == []
