# ruff: noqa: F811  (the roster tests' ``org`` fixture, imported, is each test's argument)
"""A failed roster import can be downloaded as the uploaded file with the bad cells filled
and commented with their Chinese message; fixed, it imports. Only its uploader may
download it, within the hour; the download is audited."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hongfan.core.models import AuditAction, AuditEvent
from hongfan.core.spreadsheets import ERROR_FILL_COLOR
from hongfan.org.tests.test_roster import csv_bytes, org, people_of, row, upload, xlsx  # noqa: F401


@pytest.fixture(autouse=True)
def failure_dir(settings, tmp_path):
    settings.IMPORT_FAILURE_DIR = tmp_path / "failures"
    return settings.IMPORT_FAILURE_DIR


def _marked_link(html: str) -> str:
    m = re.search(r'id="roster-marked" href="([^"]+)"', html)
    assert m, "no marked-file link on the failure page"
    return m.group(1).replace("&amp;", "&")


def _bad_upload(client, org, name="名册.xlsx", maker=xlsx):
    bad_dept = row(**{"科室": "不存在科"})
    bad_two = row(**{"手机号": "12345", "性别": "?"})
    data = (
        maker([row(), bad_dept, bad_two])
        if maker is xlsx
        else maker([row(), bad_dept, bad_two], "utf-8")
    )
    r = upload(client, org, name, data)
    assert r.status_code == 200 and "未导入任何数据" in r.content.decode()
    return r, [row(), bad_dept, bad_two]


def test_failed_xlsx_comes_back_with_bad_cells_filled_and_commented(org, client):
    client.force_login(org.admin)
    r, _ = _bad_upload(client, org)
    response = client.get(_marked_link(r.content.decode()))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content))["名册"]
    assert ws["F3"].fill.fgColor.rgb.endswith(ERROR_FILL_COLOR)
    assert "本院没有名为“不存在科”的科室" in ws["F3"].comment.text
    assert ws["Q4"].comment is not None and ws["B4"].comment is not None
    assert ws["A2"].comment is None and ws["F2"].comment is None  # good cells untouched
    assert not ws["F2"].fill.fgColor.rgb.endswith(ERROR_FILL_COLOR)
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("-id").first()
    assert event.detail["kind"] == "roster_errors" and event.detail["count"] == 3
    assert people_of(org.h).count() == 0


def test_the_marked_file_fixed_imports(org, client):
    client.force_login(org.admin)
    r, _ = _bad_upload(client, org)
    wb = load_workbook(io.BytesIO(client.get(_marked_link(r.content.decode())).content))
    ws = wb["名册"]
    ws["F3"] = "护理部"
    ws["Q4"] = "13800138009"
    ws["B4"] = "女"
    buf = io.BytesIO()
    wb.save(buf)
    r = upload(client, org, "改正后.xlsx", buf.getvalue())
    assert r.status_code == 302, r.content.decode()[:3000]
    assert people_of(org.h).count() == 3


def test_failed_csv_comes_back_as_xlsx_marked(org, client):
    client.force_login(org.admin)
    r, _ = _bad_upload(client, org, "名册.csv", csv_bytes)
    ws = load_workbook(io.BytesIO(client.get(_marked_link(r.content.decode())).content)).active
    assert ws["A1"].value == "姓名" and ws["F3"].value == "不存在科"
    assert "科室" in ws["F3"].comment.text


def test_only_the_uploader_may_download_the_marked_file(org, client):
    client.force_login(org.admin)
    r, _ = _bad_upload(client, org)
    link = _marked_link(r.content.decode())
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    client.force_login(org.other_admin)  # another hospital's admin: their own hospital, not it
    response = client.get(link.replace(f"hospital={org.h.pk}", f"hospital={org.other.pk}"))
    assert response.status_code == 403
    for user in (org.secretary, org.member, org.city, org.auditor):
        client.force_login(user)
        assert client.get(link).status_code in (403, 404)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before


@pytest.mark.parametrize("token", ["", "\x00", "x" * 500, "../../etc/passwd", "A" * 30])
def test_a_bad_or_expired_token_goes_back_with_a_message(org, client, token):
    client.force_login(org.admin)
    response = client.get(
        reverse("org:roster_import_marked"), {"hospital": org.h.pk, "token": token}, follow=True
    )
    assert response.status_code == 200
    assert "文件已过期" in response.content.decode()
