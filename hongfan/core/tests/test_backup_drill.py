"""The restore drill (issue 11 §3): build data, back up, wipe, restore, and prove that the
points totals, the ledger check and a sample of pages are what they were. It runs on the
database the suite runs on (SQLite by default, PostgreSQL in CI's second run), through the
management commands an operator uses, with the backup encrypted.

Database notes (as in hongfan/points/tests/test_concurrency.py): a ``transaction=True``
test runs on committed data and the database is flushed at its teardown, so the demo city
is built again after this module for the tests that run later in the session. Core imports
no app: the test reaches the domain through model labels, URLs and commands only.
"""

from __future__ import annotations

import base64
import io
import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from hongfan.core.audit import chain_head
from hongfan.core.backup.services import backup_create, backup_restore
from hongfan.core.testing.demo import demo_city_present, restore_after_module, restore_demo_city

pytestmark = pytest.mark.django_db(transaction=True)

KEY = base64.b64encode(bytes(range(32))).decode()
# (who, page): what a member sees of their own record and what an administrator lists.
PAGES = [
    ("member", "/"),
    ("member", "/points/me/"),
    ("member", "/orglife/mine/"),
    ("member", "/study/"),
    ("hosp", "/points/rankings/"),
    ("hosp", "/org/people/"),
    ("hosp", "/orglife/"),
    ("sec", "/points/rankings/"),
]
_CSRF = re.compile(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]*"')


@pytest.fixture(scope="module", autouse=True)
def _restore_demo_city(django_db_blocker: Any) -> Iterator[None]:
    # A transactional test that ran before may have flushed the session's demo city.
    with django_db_blocker.unblock():
        if not demo_city_present():
            restore_demo_city()
    yield from restore_after_module(django_db_blocker)


def points_by_person() -> dict[int, tuple[Any, Any]]:
    """Each person's ledger sum and overall yearly totals (the rollups)."""
    entry = apps.get_model("points", "PointEntry")
    total = apps.get_model("points", "PointTotal")
    ledger = dict(entry.objects.values_list("person_id").annotate(s=Sum("points")))
    years = dict(
        total.objects.filter(rule__isnull=True, period="year")
        .values_list("person_id")
        .annotate(s=Sum("points"))
    )
    return {pk: (ledger.get(pk), years.get(pk)) for pk in set(ledger) | set(years)}


def ledger_check() -> str:
    out = io.StringIO()
    call_command("checkpoints", stdout=out)
    return out.getvalue()


def pages() -> dict[tuple[str, str], str]:
    users = get_user_model().objects
    seen = {}
    for who, url in PAGES:
        client = Client()
        client.force_login(users.get(username=who))
        response = client.get(url)
        assert response.status_code == 200, (who, url, response.status_code)
        seen[(who, url)] = _CSRF.sub(r"\1…\"", response.content.decode())
    return seen


def media_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_backup_wiped_and_restored_gives_back_the_same_points_checks_pages_and_files(
    settings: Any, tmp_path: Path
):
    settings.HONGFAN_BACKUP_KEY = KEY
    settings.HONGFAN_BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "claims" / "2026").mkdir(parents=True)
    (settings.MEDIA_ROOT / "claims" / "2026" / "义诊照片.jpg").write_bytes(b"\xff\xd8photo")
    (settings.MEDIA_ROOT / "meetings").mkdir()
    (settings.MEDIA_ROOT / "meetings" / "record.pdf").write_bytes(b"%PDF-1.4 minutes")

    totals, check, before, files = (
        points_by_person(),
        ledger_check(),
        pages(),
        media_files(settings.MEDIA_ROOT),
    )
    assert len(totals) > 50 and "all totals equal the ledger" in check

    out = io.StringIO()
    call_command("backup", stdout=out)
    assert "encrypted     yes" in out.getvalue()
    latest = apps.get_model("core", "AuditEvent").objects.latest("pk")
    assert latest.action == "backup" and latest.detail["file"].endswith(".hfbak")
    seq, head = chain_head()  # the backup's own row, after the snapshot
    seq, head = seq - 1, apps.get_model("core", "AuditSeal").objects.get(seq=seq - 1).hash
    assert seq > 0 and f"audit chain   head {seq} {head}" in out.getvalue()
    (made,) = settings.HONGFAN_BACKUP_DIR.glob("hongfan-*.hfbak")

    call_command("flush", interactive=False, verbosity=0)
    for path in settings.MEDIA_ROOT.rglob("*.jpg"):
        path.unlink()
    assert apps.get_model("org", "Person").objects.count() == 0
    assert points_by_person() == {}

    out = io.StringIO()
    call_command("restore", str(made), "--yes", stdout=out)
    assert "row counts equal the backup's manifest" in out.getvalue()
    # The audit trail came back whole: the chain verifies and, before the restore's own
    # row, ends where the backup's log said; the backup's row (written after the snapshot)
    # is not in it.
    events = apps.get_model("core", "AuditEvent").objects.order_by("-pk")
    assert [e.action for e in events[:1]] == ["restore"]
    assert events[0].detail["file"] == made.name
    assert not events.filter(action="backup").exists()
    assert apps.get_model("core", "AuditSeal").objects.get(seq=seq).hash == head
    assert chain_head()[0] == seq + 1
    call_command("auditverify", stdout=io.StringIO())

    assert points_by_person() == totals
    assert ledger_check() == check
    assert media_files(settings.MEDIA_ROOT) == files
    after = pages()
    for key, html in before.items():
        assert after[key] == html, f"{key} renders differently after the restore"


def test_a_backup_taken_while_the_server_writes_is_one_consistent_moment(
    settings: Any, tmp_path: Path
):
    """A writer commits pairs of rows (one transaction each) during the backup: the backup
    holds whole pairs only, and as many rows as its manifest says."""
    settings.MEDIA_ROOT = tmp_path / "media"
    stop, written = threading.Event(), [0]
    expires = timezone.now() + timedelta(days=1)

    def writer() -> None:
        try:
            while not stop.is_set() or written[0] < 20:
                n = written[0]
                with transaction.atomic():
                    for half in "ab":
                        Session.objects.create(
                            session_key=f"drill{n:08d}{half}", session_data="x", expire_date=expires
                        )
                written[0] += 1
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 5:  # writing before the backup starts
            threading.Event().wait(0.01)
        made = backup_create(directory=tmp_path, key=None)
    finally:
        stop.set()
        thread.join()
    assert written[0] >= 20

    backup_restore(path=made.path, key=None)
    drill = Session.objects.filter(session_key__startswith="drill").count()
    assert drill % 2 == 0 and 10 <= drill < 2 * written[0] + 1
    assert Session.objects.count() == made.manifest.counts["sessions.Session"]


def test_a_backup_from_an_older_version_is_restored_then_migrated(settings: Any, tmp_path: Path):
    settings.MEDIA_ROOT = tmp_path / "media"
    table = apps.get_model("recognition", "StarTieChoice")._meta.db_table
    call_command("migrate", "recognition", "0003", verbosity=0)
    try:
        made = backup_create(directory=tmp_path, key=None)
    finally:
        call_command("migrate", verbosity=0)
    assert "0004_star_tie_choice" not in made.manifest.migrations["recognition"]
    people = apps.get_model("org", "Person").objects.count()

    out = io.StringIO()
    call_command("restore", str(made.path), "--yes", stdout=out)

    assert "migrated to this version" in out.getvalue()
    with connection.cursor() as cursor:
        assert table in connection.introspection.table_names(cursor)
    assert apps.get_model("org", "Person").objects.count() == people
    out = io.StringIO()
    call_command("migrate", "--check", stdout=out)  # nothing left to apply
