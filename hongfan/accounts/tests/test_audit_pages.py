"""The auditor's pages: the security audit trail and the data-change log show who acted by
name and what was done in Chinese (no key=value, no internal ids), filter, sort, page and
export through the shared table; the export is itself audited."""

from __future__ import annotations

import ast
import io
import pathlib

import pytest
from auditlog.models import LogEntry
from openpyxl import load_workbook

from hongfan.core.audit import audit_log
from hongfan.core.audit_text import LABELS, describe, describe_text
from hongfan.core.exports import XLSX_CONTENT_TYPE
from hongfan.core.models import AuditAction, AuditEvent

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    ws = load_workbook(io.BytesIO(response.content)).active
    return list(ws.iter_rows(values_only=True))


def test_audit_trail_names_the_actor_and_reads_the_detail_in_chinese(client_for, users):
    hosp = users["hosp"]
    hosp.first_name = "周党委"
    hosp.save(update_fields=["first_name"])
    audit_log(
        action=AuditAction.EXPORT,
        user=hosp,
        hospital_id=1,
        actor_id=hosp.pk,
        kind="roster",
        count=12,
        masked=False,
        person_id=987654,
        filters={"branch": 41, "status": "active", "q": ""},
    )
    html = client_for("audit").get("/audit/").content.decode()
    assert "周党委" in html
    assert "内容：</span>人员名册" in html and "条数：</span>12" in html
    assert "已脱敏：</span>否" in html and "状态：在职" in html
    assert "kind=" not in html and "count=" not in html and "masked" not in html
    assert "987654" not in html and "roster" not in html and "支部：41" not in html


def test_every_audit_detail_key_written_has_a_chinese_label():
    """Read every audit_log(...) call of the project: each detail keyword has a label."""
    known = {"action", "request", "user", "actor_id", "username", "target", "hospital_id"}
    known |= {"success"}
    missing = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name not in ("audit_log", "audit"):
                continue
            for kw in node.keywords:
                if kw.arg and kw.arg not in known and kw.arg not in LABELS:
                    missing.add(f"{path.name}:{kw.arg}")
    assert not missing, missing


def test_describe_leaves_out_ids_and_unknown_keys_and_reads_codes():
    pairs = describe(
        {"what": "study_hours", "branch": 7, "year": 2026, "zzz": "x", "sort": "-name"}
    )
    assert pairs == [("内容", "学习学时"), ("年度", "2026"), ("排序", "按姓名降序")]
    assert describe_text({"reason": "wrong_old_password"}) == "原因：原密码错误"
    assert describe(None) == [] and describe({"fields": ["id_number", "mobile"]}) == [
        ("字段", "身份证号、手机号")
    ]


def test_audit_trail_filters_by_name_action_and_days_and_ignores_bad_input(client_for, users):
    member = users["member"]
    audit_log(action=AuditAction.LOGIN, user=member)
    audit_log(action=AuditAction.EXPORT, user=users["hosp"], what="points_ranking")
    client = client_for("audit")
    name = member.display_name
    html = client.get("/audit/", {"username": name, "action": "login"}).content.decode()
    assert name in html and "积分排名" not in html
    for bad in (
        {"username": "\x00"},
        {"date_from": "2026-13-45"},
        {"action": "nosuch"},
        {"sort": "\x00"},
        {"sort": "detail"},
        {"page": "9" * 40},
        {"page": "-1"},
        {"success": "maybe"},
    ):
        assert client.get("/audit/", bad).status_code == 200, bad
    # a malformed date is ignored on its own: the name still filters
    html = client.get(
        "/audit/", {"username": name, "date_from": "x", "action": "login"}
    ).content.decode()
    assert name in html and "积分排名" not in html


def test_audit_trail_sorts_by_user_and_exports_the_filtered_rows_audited(client_for, users):
    for who in ("member", "sec", "hosp"):
        audit_log(action=AuditAction.LOGIN, user=users[who])
    client = client_for("audit")
    rows = _sheet(client.get("/audit/", {"action": "login", "sort": "user", "export": "xlsx"}))
    assert rows[0] == ("时间", "用户", "来源", "操作", "对象", "详情", "结果")
    assert {r[3] for r in rows[1:]} == {"登录"}
    usernames = [users[w].username for w in ("member", "sec", "hosp")]
    ours = [
        next(u for u in usernames if u in r[1])
        for r in rows[1:]
        if any(u in r[1] for u in usernames)
    ]
    assert ours == sorted(usernames)  # by user name
    logins = AuditEvent.objects.filter(action=AuditAction.LOGIN).count()
    assert len(rows) == 1 + logins
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("-id").first()
    assert event is not None and event.user == users["audit"]
    assert event.detail["what"] == "audit_trail" and event.detail["count"] == logins


@pytest.mark.parametrize("role", ["sysadmin", "security", "hosp", "member"])
def test_only_the_auditor_exports_the_trail(client_for, role):
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    assert client_for(role).get("/audit/", {"export": "xlsx"}).status_code == 403
    assert client_for(role).get("/audit/changes/", {"export": "xlsx"}).status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before


def test_data_changes_show_names_chinese_fields_and_no_ids(client_for, users):
    from hongfan.org.models import Person

    hosp = users["hosp"]
    hosp.first_name = "周党委"
    hosp.save(update_fields=["first_name"])
    person = Person.objects.get(pk=users["member"].person_id)
    from auditlog.context import set_actor

    with set_actor(hosp):
        person.post = "党建联络员"
        person.save()
    client = client_for("audit")
    html = client.get("/audit/changes/", {"model": "org.person"}).content.decode()
    assert "周党委" in html and "职工" in html
    assert "岗位/职务：</span>" in html and "→ 党建联络员" in html
    table = html[html.index("<tbody") : html.index("</tbody>")]
    assert "post" not in table and "name_key" not in table and "updated_at" not in table
    rows = _sheet(
        client.get("/audit/changes/", {"model": "org.person", "action": "1", "export": "xlsx"})
    )
    assert rows[0][:6] == ("时间", "操作人", "来源", "数据类型", "对象", "动作")
    assert any("党建联络员" in (r[6] or "") and "周党委" in r[1] for r in rows[1:])
    assert all(r[5] == "修改" for r in rows[1:])
    assert Person.objects.filter(pk=person.pk, post="党建联络员").exists()
    for bad in ({"model": "\x00"}, {"model": "no.such"}, {"action": "9"}, {"sort": "changes"}):
        assert client.get("/audit/changes/", bad).status_code == 200


def test_roster_import_writes_each_new_person_to_the_data_change_log(client_for, users):
    """The import writes with bulk_create, which django-auditlog does not see: each person
    it adds must still appear in the data-change log, by the importer, without PII."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hongfan.org.models import Department, Person
    from hongfan.org.tests.factories import unused_id_number

    hosp = users["hosp"]
    hospital = hosp.person.hospital
    department = Department.objects.filter(hospital=hospital).first()
    from datetime import date

    ids = [unused_id_number(date(1991, 3, 3), "M"), unused_id_number(date(1992, 4, 4), "F")]
    text = "姓名,性别,出生日期,科室,政治面貌,身份证号\n" + "".join(
        f"{name},{g},{b},{department.name},群众,{i}\n"
        for name, g, b, i in (
            ("导入甲", "男", "1991-03-03", ids[0]),
            ("导入乙", "女", "1992-04-04", ids[1]),
        )
    )
    before = LogEntry.objects.count()
    upload = SimpleUploadedFile("roster.csv", text.encode("utf-8"), "text/csv")
    r = client_for("hosp").post(
        f"/org/roster/import/?hospital={hospital.pk}", {"file": upload}, REMOTE_ADDR="10.1.2.3"
    )
    assert r.status_code == 302, r.content.decode()[:500]
    added = list(Person.objects.filter(name__in=["导入甲", "导入乙"]))
    assert len(added) == 2
    entries = LogEntry.objects.filter(object_pk__in=[str(p.pk) for p in added])
    assert LogEntry.objects.count() == before + 2 and entries.count() == 2
    assert {e.actor_id for e in entries} == {hosp.pk}
    assert {e.remote_addr for e in entries} == {"10.1.2.3"}
    assert all(e.action == LogEntry.Action.CREATE for e in entries)
    for e, p in ((e, Person.objects.get(pk=e.object_pk)) for e in entries):
        assert e.changes_dict["name"][1] == p.name
        text = str(e.changes)
        assert p.id_number not in text and "id_number" not in text and "name_key" not in text
    html = client_for("audit").get("/audit/changes/", {"model": "org.person"}).content.decode()
    assert "导入甲" in html and "导入乙" in html


@pytest.mark.parametrize("url", ["/audit/", "/audit/changes/"])
def test_audit_pages_queries_do_not_grow_with_rows(
    client_for, users, url, django_assert_max_num_queries
):
    from hongfan.org.models import Person

    for who in ("member", "sec", "hosp", "city"):
        audit_log(action=AuditAction.LOGIN, user=users[who], kind="roster", count=3)
    for person in Person.objects.all()[:20]:
        person.post = f"{person.post}·改"
        person.save()
    client = client_for("audit")
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(url, {"export": "xlsx"}).status_code == 200
