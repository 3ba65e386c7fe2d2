"""The audit trail is tamper-evident (each row chained to the previous one by a keyed
hash; ``auditverify`` names the first broken link), exportable, and kept 180+ days."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from hongfan.core.audit import audit_log, chain_verify, data_created_many
from hongfan.core.models import AuditAction, AuditEvent, AuditSeal


def raw(sql: str, params: list) -> None:
    """What someone with database access but without the chain key would do."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def write_some(n: int = 5) -> list[AuditEvent]:
    return [audit_log(action=AuditAction.EXPORT, username=f"u{i}", what="roster") for i in range(n)]


def seal_of(event: AuditEvent) -> AuditSeal:
    return AuditSeal.objects.get(source="event", row_id=event.pk)


def verify_fails_at() -> tuple[int, str, int | None]:
    report = chain_verify(batch_size=3)  # several batches
    assert report.first_break is not None
    b = report.first_break
    return b.seq, b.kind, b.row_id


def test_a_clean_chain_verifies_and_prints_its_head(db):
    events = write_some()
    out = StringIO()
    call_command("auditverify", batch_size=2, stdout=out)
    assert "审计链完整" in out.getvalue()
    assert seal_of(events[-1]).hash in out.getvalue()


def test_data_changes_bulk_and_single_are_chained_too(db, users):
    ct = ContentType.objects.get_for_model(AuditEvent)
    LogEntry.objects.create(
        content_type=ct, object_pk="1", object_repr="x", action=0, changes={"a": ["1", "2"]}
    )
    data_created_many(list(apps.get_model("org", "Department").objects.order_by("pk")[:3]))
    assert AuditSeal.objects.filter(source="change").count() == LogEntry.objects.count()
    assert chain_verify().first_break is None


def test_changing_a_rows_detail_is_reported_at_its_link(db):
    events = write_some()
    raw(
        f"UPDATE {AuditEvent._meta.db_table} SET detail = %s WHERE id = %s",
        ['{"what": "nothing"}', events[2].pk],
    )
    assert verify_fails_at() == (seal_of(events[2]).seq, "row_changed", events[2].pk)
    with pytest.raises(CommandError, match=f"第 {seal_of(events[2]).seq} 环.*记录被修改"):
        call_command("auditverify", stdout=StringIO())


def test_deleting_a_row_is_reported_at_its_link(db):
    events = write_some()
    raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[1].pk])
    assert verify_fails_at() == (seal_of(events[1]).seq, "row_deleted", events[1].pk)


def test_editing_a_seal_is_reported_as_a_changed_seal(db):
    events = write_some()
    seal = seal_of(events[3])
    raw(f"UPDATE {AuditSeal._meta.db_table} SET hash = %s WHERE id = %s", ["0" * 64, seal.pk])
    assert verify_fails_at() == (seal.seq, "seal_changed", events[3].pk)


def test_a_row_slipped_in_without_a_seal_is_reported(db):
    write_some(2)
    raw(
        f"INSERT INTO {AuditEvent._meta.db_table} (at, username, action, target_type, target_id,"
        " target_repr, detail, success) VALUES (%s, 'x', 'login', '', '', '', '{}', %s)",
        [timezone.now(), True],
    )
    assert verify_fails_at()[1] == "row_inserted"


def test_deleting_the_last_rows_and_seals_is_caught_by_the_head(db):
    events = write_some(3)
    seal = seal_of(events[-1])
    raw(f"DELETE FROM {AuditSeal._meta.db_table} WHERE id = %s", [seal.pk])
    raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[-1].pk])
    assert verify_fails_at()[1] == "head_mismatch"


def test_no_path_deletes_a_data_change_younger_than_the_retention(db):
    ct = ContentType.objects.get_for_model(AuditEvent)
    entry = LogEntry.objects.create(content_type=ct, object_pk="1", object_repr="x", action=0)
    with pytest.raises(PermissionError, match="180"), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError), transaction.atomic():
        call_command("auditlogflush", "--yes", "--before-date", "2999-01-01")
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    old = timezone.now() - timedelta(days=181)
    LogEntry.objects.filter(pk=entry.pk).update(timestamp=old)  # as if written 181 days ago
    raw(
        f"UPDATE {AuditSeal._meta.db_table} SET at = %s WHERE source = 'change' AND row_id = %s",
        [old, entry.pk],
    )
    LogEntry.objects.filter(pk=entry.pk).delete()  # past the retention: allowed
    report = chain_verify()
    assert report.first_break is None and report.pruned == 1


def test_audit_events_and_seals_cannot_be_deleted_at_all(db):
    write_some(1)
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError), transaction.atomic():
        AuditSeal.objects.all().delete()


def test_the_export_holds_the_chain_and_reverifies(db, tmp_path):
    events = write_some(3)
    today = timezone.localdate().isoformat()
    target = tmp_path / "audit.jsonl"
    call_command(
        "auditexport", "--from", today, "--to", today, "-o", str(target), stderr=StringIO()
    )
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    by_row = {(x["source"], x["row_id"]): x for x in lines}
    last = by_row[("event", events[-1].pk)]
    assert last["hash"] == seal_of(events[-1]).hash and last["content"]["username"] == "u2"
    csv_target = tmp_path / "audit.csv"
    call_command(
        "auditexport",
        "--from",
        today,
        "--to",
        today,
        "--format",
        "csv",
        "-o",
        str(csv_target),
        stderr=StringIO(),
    )
    assert "prev_hash" in csv_target.read_text(encoding="utf-8").splitlines()[0]
    with pytest.raises(CommandError, match="日期格式"):
        call_command("auditexport", "--from", "2024-02-30", "--to", today)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_do_not_fork_the_chain():
    errors: list[BaseException] = []

    def writer(tag: str) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    audit_log(action=AuditAction.EXPORT, username=f"{tag}{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(t,)) for t in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert chain_verify().first_break is None
    seqs = list(AuditSeal.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
