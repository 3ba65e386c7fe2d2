# ruff: noqa: F811  (the roster tests' fixtures, imported, are each test's arguments)
"""The full (unmasked) roster export can be edited and imported again: with 按身份证号更新
已在册人员, a row of someone already on the roster corrects their data (recorded in the
data-change log, field by field), an unchanged file changes nothing, and a change of branch
or political status is refused with a Chinese message (those have their own steps)."""

from __future__ import annotations

import io

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook

from hongfan.core.access import access_for
from hongfan.org.imports import roster_parsing
from hongfan.org.models import Person
from hongfan.org.services import roster
from hongfan.org.tests.test_roster import org, staff  # noqa: F401

LABELS = [c.label for c in roster_parsing.COLUMNS]


def _full_export(client, org) -> bytes:
    client.force_login(org.admin)
    r = client.post(
        f"{reverse('org:roster_export_full')}?hospital={org.h.pk}", {"reason": "核对后重新导入"}
    )
    assert r.status_code == 200
    return b"".join(r.streaming_content)


def _edit(data: bytes, name: str, column: str, value: str) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb["名册"]
    col = LABELS.index(column) + 1
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == name:
            ws.cell(row=row, column=col, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _import(org, data: bytes, **kw):
    return roster.roster_import(
        access=access_for(org.admin), hospital=org.h, filename="完整名册.xlsx", data=data, **kw
    )


def test_the_unchanged_full_export_imports_again_changing_nothing(org, client, staff):
    data = _full_export(client, org)
    before = list(Person.objects.filter(hospital=org.h).order_by("pk").values())
    result = _import(org, data, update_existing=True)
    assert (result.count, result.updated, result.unchanged) == (0, 0, 3)
    assert list(Person.objects.filter(hospital=org.h).order_by("pk").values()) == before


def test_without_the_option_people_on_the_roster_are_refused(org, client, staff):
    data = _full_export(client, org)
    try:
        _import(org, data)
    except roster_parsing.RosterInvalid as exc:
        assert {e.column for e in exc.errors} == {"身份证号"}
        assert all("按身份证号更新已在册人员" in e.message for e in exc.errors)
    else:
        raise AssertionError("imported people already on the roster without the option")


def test_an_edited_full_export_corrects_the_person_and_logs_the_change(org, client, staff):
    data = _edit(_full_export(client, org), "赵敏", "岗位/职务", "护士长")
    data = _edit(data, "赵敏", "手机号", "13700001111")
    r = client.post(
        f"{reverse('org:roster_import')}?hospital={org.h.pk}",
        {"file": _upload(data), "update_existing": "on"},
        REMOTE_ADDR="10.9.9.9",
    )
    assert r.status_code == 302
    zhao = Person.objects.get(hospital=org.h, name="赵敏")
    assert zhao.post == "护士长" and zhao.mobile == "13700001111"
    ct = ContentType.objects.get_for_model(Person)
    entry = LogEntry.objects.filter(content_type=ct, object_pk=str(zhao.pk)).latest("timestamp")
    assert entry.actor_id == org.admin.pk and entry.remote_addr == "10.9.9.9"
    assert entry.changes_dict["post"][1] == "护士长"
    assert "13700001111" not in str(entry.changes) and "mobile_enc" not in entry.changes_dict
    assert Person.objects.filter(hospital=org.h).count() == 3


def test_a_change_of_branch_or_political_status_is_refused_and_changes_nothing(org, client, staff):
    data = _edit(_full_export(client, org), "钱进", "所在支部", org.b1.name)
    data = _edit(data, "赵敏", "政治面貌", "中共预备党员")
    data = _edit(data, "赵敏", "岗位/职务", "不应保存")
    before = list(Person.objects.filter(hospital=org.h).order_by("pk").values())
    try:
        _import(org, data, update_existing=True)
    except roster_parsing.RosterInvalid as exc:
        found = {(e.column, e.message.split("：")[0]) for e in exc.errors}
        assert ("所在支部", "与系统中不同") in found and ("政治面貌", "与系统中不同") in found
        assert any("组织关系转接" in e.message for e in exc.errors)
    else:
        raise AssertionError("a branch change went through the import")
    assert list(Person.objects.filter(hospital=org.h).order_by("pk").values()) == before


def test_someone_who_left_cannot_be_changed_by_import(org, client, staff):
    data = _full_export(client, org)
    Person.objects.filter(name="赵敏").update(status="left")
    try:
        _import(org, data, update_existing=True)
    except roster_parsing.RosterInvalid as exc:
        assert any("已离开本院" in e.message for e in exc.errors)
    else:
        raise AssertionError("a person who left was changed by import")


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("完整名册.xlsx", data)
