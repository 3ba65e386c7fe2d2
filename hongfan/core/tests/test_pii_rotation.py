"""Key rotation of personal data (密评): keys carry an id, ``rotatepiikey`` re-encrypts every
encrypted column under the current key, resumably, and ``--check`` says when the old key
may go. The records are org's people, reached through the app registry (core sits below
org in the layers)."""

from __future__ import annotations

import base64
import logging
import os
from io import StringIO
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from hongfan.core import pii
from hongfan.core.tests.test_settings import run

ID = "11010519491231002X"
MOBILE = "13812348000"
OLD = settings.PII_ENCRYPTION_KEY  # the key the demo city was built under, id k1
NEW = base64.b64encode(b"n" * 32).decode()
ROTATED = {
    "PII_KEYS": [("k2", NEW), ("k1", OLD)],
    "PII_CURRENT_KEY_ID": "k2",
    "PII_ENCRYPTION_KEY": NEW,
}
NEW_ONLY = {"PII_KEYS": [("k2", NEW)], "PII_CURRENT_KEY_ID": "k2", "PII_ENCRYPTION_KEY": NEW}


def Person() -> Any:  # noqa: N802 - reads as the model
    return apps.get_model("org", "Person")


def legacy_token(value: str, key_b64: str = OLD) -> str:
    """A token as written before key ids existed (``v1:<b64>``, associated data ``v1``)."""
    nonce = os.urandom(12)
    sealed = AESGCM(base64.b64decode(key_b64)).encrypt(nonce, value.encode(), b"v1")
    return "v1:" + base64.b64encode(nonce + sealed).decode()


def plain_values() -> dict[int, tuple[str, str]]:
    return {p.pk: (p.id_number, p.mobile) for p in Person().objects.all()}


def make_some_legacy(n: int = 7) -> list[int]:
    pks = list(Person().objects.order_by("pk").values_list("pk", flat=True)[:n])
    for pk in pks:
        Person().objects.filter(pk=pk).update(
            id_number_enc=legacy_token(ID), mobile_enc=legacy_token(MOBILE)
        )
    return pks


def stale_total(model: str = "") -> int:
    """Values not under the current key (of one model, e.g. "org.Person", or of all)."""
    return sum(row["stale"] for row in pii.key_census() if model in ("", row["model"]))


def test_every_encrypted_column_is_discovered_without_a_list():
    found = {(m._meta.label, name) for m, names in pii.encrypted_fields() for name in names}
    assert {("org.Person", "id_number_enc"), ("org.Person", "mobile_enc")} <= found


def test_new_tokens_name_their_key_and_old_v1_tokens_still_decrypt(db):
    assert pii.encrypt(ID).startswith("v2:k1:")
    assert pii.decrypt(legacy_token(ID)) == ID
    with override_settings(**ROTATED):
        assert pii.encrypt(ID).startswith("v2:k2:")
        assert pii.decrypt(legacy_token(ID)) == ID  # k1 still decrypts
        assert pii.decrypt(pii.encrypt(MOBILE)) == MOBILE


def test_a_token_cannot_be_moved_under_another_key_id():
    with override_settings(PII_KEYS=[("k1", OLD), ("k3", OLD)]):
        token = pii.encrypt(ID)  # v2:k1:…
        moved = "v2:k3:" + token.split(":", 2)[2]  # same key material, other id
        with pytest.raises(Exception) as exc:
            pii.decrypt(moved)
        assert type(exc.value).__name__ == "InvalidTag"


def test_rotation_moves_every_field_and_the_old_key_can_then_go(db):
    make_some_legacy()
    before = plain_values()
    assert stale_total() > 0
    out = StringIO()
    with override_settings(**ROTATED):
        assert stale_total("org.Person") == len(before) * 2 - sum(  # every filled value is stale
            1 for i, m in before.values() for v in (i, m) if not v
        )
        call_command("rotatepiikey", batch_size=50, stdout=out)
        assert stale_total() == 0
    assert "旧密钥可以移除" in out.getvalue()
    with override_settings(**NEW_ONLY):  # k1 removed from the ring
        assert plain_values() == before
        for enc_id, enc_mobile in Person().objects.values_list("id_number_enc", "mobile_enc"):
            assert enc_id.startswith("v2:k2:")
            assert enc_mobile == "" or enc_mobile.startswith("v2:k2:")


def test_an_interrupted_rotation_resumes_where_it_stopped(db):
    make_some_legacy()
    before = plain_values()
    batches = []

    def stop_after_first_batch(done: int, unreadable: int) -> None:
        batches.append(done)
        raise KeyboardInterrupt

    with override_settings(**ROTATED):
        stale_at_start = stale_total("org.Person")
        with pytest.raises(KeyboardInterrupt):
            pii.rotate_model(
                Person(),
                ["id_number_enc", "mobile_enc"],
                batch_size=10,
                progress=stop_after_first_batch,
            )
        assert 0 < batches[0] <= 20
        assert (
            stale_total("org.Person") == stale_at_start - batches[0]
        )  # the first batch was committed
        out = StringIO()
        call_command("rotatepiikey", batch_size=10, stdout=out)
        assert stale_total() == 0
        # The second run only re-encrypted what the first had left.
        assert f"重新加密 {stale_at_start - batches[0]} 个值" in out.getvalue()
        again = StringIO()
        call_command("rotatepiikey", stdout=again)
        assert "重新加密 0 个值" in again.getvalue()
    with override_settings(**NEW_ONLY):
        assert plain_values() == before


def test_check_reports_values_left_under_an_old_key_and_fails(db):
    pks = make_some_legacy(3)
    with override_settings(**ROTATED):
        call_command("rotatepiikey", stdout=StringIO())
        Person().objects.filter(pk=pks[0]).update(mobile_enc=legacy_token(MOBILE))
        out = StringIO()
        with pytest.raises(CommandError, match="仍有 1 个值在旧密钥下"):
            call_command("rotatepiikey", "--check", stdout=out)
        report = out.getvalue()
        assert "org.Person.mobile_enc" in report and "旧密钥剩余 1（k1/v1: 1" in report
        assert "org.Person.id_number_enc" in report and "旧密钥剩余 0" in report
        assert Person().objects.get(pk=pks[0]).mobile_enc.startswith("v1:")  # check changes nothing


def test_a_value_under_an_unknown_key_shows_a_placeholder_and_logs_no_value(
    client_for, users, caplog
):
    hospital_id = (
        apps.get_model("accounts", "RoleAssignment")
        .objects.filter(user=users["hosp"], hospital__isnull=False)
        .values_list("hospital_id", flat=True)
        .first()
    )
    person = Person().objects.filter(hospital_id=hospital_id).order_by("pk").first()
    with override_settings(PII_KEYS=[("k9", NEW)], PII_CURRENT_KEY_ID="k9", PII_ENCRYPTION_KEY=NEW):
        lost = pii.encrypt(ID)  # under k9, which the running site does not hold
    Person().objects.filter(pk=person.pk).update(id_number_enc=lost)
    client = client_for("hosp")
    with caplog.at_level(logging.ERROR, logger="hongfan.core.pii"):
        page = client.get(f"/org/people/{person.pk}/")
        revealed = client.post(f"/org/people/{person.pk}/reveal/id_number/")
    assert page.status_code == 200 and revealed.status_code == 200
    assert pii.UNREADABLE in page.content.decode()
    assert pii.UNREADABLE in revealed.content.decode()
    assert "k9" in caplog.text and ID not in caplog.text
    with pytest.raises(pii.UnreadableToken, match="k9"):
        pii.decrypt(lost)
    with pytest.raises(CommandError, match="无法解密"):
        call_command("rotatepiikey", stdout=StringIO())


# Start-up in production (a fresh Python each, as a server would).
K1 = base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
K2 = base64.b64encode(b"fedcba9876543210fedcba9876543210").decode()
KEYS = "import django; django.setup(); from django.conf import settings; print(settings.PII_CURRENT_KEY_ID, [k for k, _ in settings.PII_KEYS])"


def test_production_starts_with_a_key_ring_current_key_first():
    result = run(KEYS, HONGFAN_PII_KEY=None, HONGFAN_PII_KEYS=f"k2:{K2},k1:{K1}")
    assert result.returncode == 0, result.stderr
    assert "k2 ['k2', 'k1']" in result.stdout


def test_the_legacy_single_key_is_key_k1():
    result = run(KEYS, HONGFAN_PII_KEY=K1)
    assert result.returncode == 0, result.stderr
    assert "k1 ['k1']" in result.stdout


@pytest.mark.parametrize(
    "ring,single,says",
    [
        (f"k2:{K2},k2:{K1}", None, "names the key id 'k2' twice"),
        (f"k2:{K2},k1:short", None, "HONGFAN_PII_KEYS (k1) must"),
        (f"{K2}", None, "must read id:key"),
        (f"k2:{K2}", K1, "does not hold it as k1"),
        ("k2:ZGV2LW9ubHktcGlpLWtleS1ob25nZmFuLTMyYnl0ZXM=", None, "real secret in production"),
    ],
)
def test_production_refuses_a_malformed_or_development_key_ring(ring, single, says):
    result = run("import django; django.setup()", HONGFAN_PII_KEY=single, HONGFAN_PII_KEYS=ring)
    assert result.returncode != 0
    assert says in result.stderr
