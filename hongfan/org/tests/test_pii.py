"""身份证号 and 手机号 of a person at rest: encrypted, hashed for lookups, masked on screen
(the mechanism is hongfan.core.pii; the records are org's people)."""

from __future__ import annotations

import base64
import hashlib
from datetime import date

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from hongfan.core import pii
from hongfan.core.models import AuditEvent
from hongfan.org.models import Person
from hongfan.org.tests.factories import make_person, primary, sec_branch

ID = "11010519491231002X"
MOBILE = "13812348000"


def test_encryption_round_trips_chinese_and_ascii():
    for value in (ID, MOBILE, "张三 13812348000"):
        assert pii.decrypt(pii.encrypt(value)) == value


def test_empty_values_stay_empty():
    assert pii.encrypt("") == ""
    assert pii.decrypt("") == ""
    assert pii.keyed_hash("") == ""


def test_ciphertext_hides_the_value_and_differs_each_time():
    first, second = pii.encrypt(ID), pii.encrypt(ID)
    assert first != ID and ID not in first
    assert first.startswith("v2:k1:")  # the key id is named (issue 11)
    assert first != second  # random nonce
    assert pii.decrypt(first) == pii.decrypt(second) == ID


def test_a_tampered_ciphertext_is_refused():
    token = pii.encrypt(ID)
    header, _, body = token.rpartition(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 0x01
    with pytest.raises(InvalidTag):
        pii.decrypt(header + ":" + base64.b64encode(bytes(raw)).decode())


def test_ciphertext_moved_to_another_version_label_is_refused():
    token = pii.encrypt(ID)
    with pytest.raises(InvalidTag):
        pii.decrypt("v1:" + token.split(":", 2)[2])


def test_ciphertext_cannot_be_read_with_another_key():
    token = pii.encrypt(ID)
    other = base64.b64encode(b"k" * 32).decode()
    with override_settings(PII_ENCRYPTION_KEY=other), pytest.raises(InvalidTag):
        pii.decrypt(token)


def test_a_key_of_the_wrong_length_is_a_configuration_error():
    with override_settings(PII_ENCRYPTION_KEY=base64.b64encode(b"short").decode()):
        with pytest.raises(ImproperlyConfigured):
            pii.encrypt(ID)


def test_keyed_hash_is_stable_keyed_and_not_a_plain_hash():
    assert pii.keyed_hash(ID) == pii.keyed_hash(ID)
    assert pii.keyed_hash(ID) != pii.keyed_hash(MOBILE)
    assert pii.keyed_hash(ID) != hashlib.sha256(ID.encode()).hexdigest()
    with override_settings(PII_HASH_KEY="another-key"):
        other = pii.keyed_hash(ID)
    assert other != pii.keyed_hash(ID)


def test_id_numbers_are_masked_as_first_six_and_last_four():
    assert pii.mask_id_number("110105199001010123") == "110105********0123"
    assert pii.mask_id_number(ID) == "110105********002X"
    assert pii.mask_id_number("") == ""


def test_mobiles_are_masked_as_first_three_and_last_four():
    assert pii.mask_mobile("13812348000") == "138****8000"
    assert pii.mask_mobile("") == ""


def test_short_values_are_masked_completely():
    assert pii.mask_id_number("1234") == "****"
    assert pii.mask_mobile("12345") == "*****"


def test_a_person_row_holds_no_plain_id_number_or_mobile(db):
    person = make_person(primary(), birth_date=date(1949, 12, 31))
    person.id_number = ID
    person.mobile = MOBILE
    person.save()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Person._meta.db_table} WHERE id = %s", [person.pk])
        row = cursor.fetchone()
    raw = " ".join(str(v) for v in row)
    for secret in (ID, MOBILE, "49123100", "12348000"):
        assert secret not in raw
    stored = Person.objects.get(pk=person.pk)
    assert stored.id_number_enc != ID and stored.mobile_enc != MOBILE
    assert stored.id_number == ID and stored.mobile == MOBILE
    assert stored.id_number_hash == pii.keyed_hash(ID)
    assert stored.id_number_masked == "110105********002X"
    assert stored.mobile_masked == "138****8000"


def test_person_page_and_api_show_only_masked_values(client_for):
    person = make_person(branch=sec_branch(), birth_date=date(1949, 12, 31))
    person.id_number = ID
    person.mobile = MOBILE
    person.save()
    client = client_for("hosp")
    page = client.get(f"/org/people/{person.pk}/").content.decode()
    api = client.get(f"/api/org/people/{person.pk}/").json()
    assert ID not in page and MOBILE not in page
    assert "110105********002X" in page and "138****8000" in page
    assert api["id_number"] == "110105********002X"
    assert api["mobile"] == "138****8000"
    roster = client.get("/org/people/", {"q": person.name}).content.decode()
    assert ID not in roster and MOBILE not in roster


def test_people_can_be_found_by_exact_id_number_without_decrypting(client_for):
    person = make_person(branch=sec_branch(), birth_date=date(1949, 12, 31))
    person.id_number = ID
    person.save()
    page = client_for("hosp").get("/org/people/", {"q": ID.lower()}).content.decode()
    assert person.name in page


def test_revealing_on_the_person_page_shows_the_value_and_audits_who_and_where(client_for, users):
    person = make_person(branch=sec_branch(), birth_date=date(1949, 12, 31))
    person.id_number = ID
    person.save()
    response = client_for("hosp").post(
        f"/org/people/{person.pk}/reveal/id_number/", REMOTE_ADDR="10.6.6.6"
    )
    assert response.status_code == 200
    assert ID in response.content.decode()
    event = AuditEvent.objects.get(action="reveal", target_id=str(person.pk))
    assert (event.user_id, event.ip, event.success) == (users["hosp"].pk, "10.6.6.6", True)
    assert ID not in str(event.detail)


def test_a_secretary_cannot_reveal_and_the_refusal_is_audited(client_for):
    person = make_person(branch=sec_branch(), birth_date=date(1949, 12, 31))
    person.id_number = ID
    person.save()
    response = client_for("sec").post(f"/org/people/{person.pk}/reveal/id_number/")
    assert response.status_code == 403
    assert ID not in response.content.decode()
    assert AuditEvent.objects.get(action="reveal", target_id=str(person.pk)).success is False
    assert AuditEvent.objects.filter(action="denied", username="sec").exists()
