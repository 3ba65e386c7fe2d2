"""Data changes are recorded by django-auditlog — who changed what — without personal data."""

from __future__ import annotations

import json
from datetime import date

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.forms.models import model_to_dict

from hongfan.core.models import AuditEvent
from hongfan.org.models import Person
from hongfan.org.tests.factories import make_person, sec_branch, unused_id_number, unused_mobile
from hongfan.org.tests.role_rows import person_payload
from hongfan.tests.test_role_matrix import targets


def entries_for(person: Person) -> list[LogEntry]:
    ct = ContentType.objects.get_for_model(Person)
    return list(LogEntry.objects.filter(content_type=ct, object_pk=str(person.pk)))


def as_text(entry: LogEntry) -> str:
    return json.dumps(model_to_dict(entry), ensure_ascii=False, default=str) + entry.changes_str


def test_editing_a_person_is_logged_without_id_number_or_mobile(client_for, users):
    t = targets()
    person = t.person
    old = Person.objects.get(pk=person.pk)
    new_id = unused_id_number(person.birth_date, person.gender)
    new_mobile = unused_mobile()
    data = {**person_payload(t), "post": "护士长", "id_number": new_id, "mobile": new_mobile}
    response = client_for("hosp").post(
        f"/org/people/{person.pk}/edit/", data, REMOTE_ADDR="10.8.8.8"
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Person.objects.get(pk=person.pk)
    assert new.id_number == new_id and new.mobile == new_mobile

    logged = entries_for(person)
    assert logged, "no data-change entry for the edit"
    entry = max(logged, key=lambda e: (e.timestamp, e.pk))
    assert entry.actor_id == users["hosp"].pk
    assert entry.remote_addr == "10.8.8.8"
    changes = entry.changes_dict
    assert changes["post"][1] == "护士长"
    secrets = {
        old.id_number,
        old.mobile,
        new_id,
        new_mobile,
        old.id_number_enc,
        old.mobile_enc,
        new.id_number_enc,
        new.mobile_enc,
        old.id_number_hash,
        new.id_number_hash,
        new.mobile_hash,
    }
    for e in logged:
        text = as_text(e)
        assert not any(s and s in text for s in secrets), "personal data in the change log"
        assert not any("id_number" in k or "mobile" in k for k in e.changes_dict)

    event = AuditEvent.objects.filter(action="data_changed", target_id=str(person.pk)).get()
    assert set(event.detail["fields"]) >= {"post", "id_number", "mobile"}
    assert not any(s and s in json.dumps(event.detail) for s in secrets)


def test_changing_only_the_mobile_leaves_no_personal_data_in_the_change_log(client_for):
    person = make_person(branch=sec_branch(), birth_date=date(1990, 1, 1))
    before = {e.pk for e in entries_for(person)}
    old_mobile, old_enc = person.mobile, person.mobile_enc
    new_mobile = unused_mobile()
    person.mobile = new_mobile
    person.save()
    for e in entries_for(person):
        if e.pk in before:
            continue
        text = as_text(e)
        for secret in (old_mobile, new_mobile, old_enc, person.mobile_enc, person.mobile_hash):
            assert secret not in text


def test_adding_a_person_through_the_form_is_logged_without_personal_data(client_for, users):
    t = targets()
    birth = date(1994, 9, 9)
    number, mobile = unused_id_number(birth, "M"), unused_mobile()
    response = client_for("hosp").post(
        "/org/people/new/",
        {
            "name": "审计测试",
            "gender": "M",
            "ethnicity": "汉族",
            "birth_date": birth.isoformat(),
            "department": t.department.pk,
            "political_status": "masses",
            "id_number": number,
            "mobile": mobile,
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(name="审计测试", hospital=t.hospital)
    logged = entries_for(person)
    assert logged and logged[0].action == LogEntry.Action.CREATE
    assert logged[0].actor_id == users["hosp"].pk
    for e in logged:
        text = as_text(e)
        for secret in (number, mobile, person.id_number_enc, person.mobile_enc):
            assert secret not in text


def test_the_auditor_sees_data_changes_without_personal_data(client_for):
    t = targets()
    data = {**person_payload(t), "post": "副主任", "mobile": unused_mobile()}
    client_for("hosp").post(f"/org/people/{t.person.pk}/edit/", data)
    page = client_for("audit").get("/audit/changes/").content.decode()
    assert t.person.name in page
    assert "post" in page  # the changed field is named
    assert data["mobile"] not in page
