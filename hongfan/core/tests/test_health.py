"""``/healthz`` for monitoring: no login, no cookie, 200 when the database, the migrations,
the task queue, the worker and the disks are fine, 503 naming the one that is not."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from huey.contrib.djhuey import HUEY

from hongfan.core import health
from hongfan.core.tasks import heartbeat

CHECKS = {"database", "migrations", "queue", "worker", "disk"}


@pytest.fixture(autouse=True)
def fresh(db: None, settings) -> Iterator[None]:
    settings.DEBUG = False
    settings.HEALTH_MIN_FREE_MB = 1
    health.forget_migrations()
    HUEY.delete(health.HEARTBEAT_KEY)
    heartbeat()  # immediate mode: the worker's minute beat, run here
    yield
    health.forget_migrations()
    HUEY.delete(health.HEARTBEAT_KEY)


def probe(client: Client | None = None, **extra: str):
    response = (client or Client()).get("/healthz", **extra)
    return response, response.json()


def test_all_well_answers_200_with_every_check_timed():
    response, body = probe()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    for name, check in body["checks"].items():
        assert check["status"] == "ok", (name, check)
        assert isinstance(check["detail"], str) and check["detail"]
        assert isinstance(check["ms"], int | float) and check["ms"] >= 0


def test_it_needs_no_login_sets_no_cookie_and_is_not_cached(client_for):
    response, _ = probe()
    assert response.status_code == 200
    assert response.cookies == {}
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    # a logged-in browser on it does not get its session touched either
    member = client_for("member")
    response, _ = probe(member)
    assert response.status_code == 200 and response.cookies == {}


def test_it_reveals_no_path_host_or_secret(settings):
    settings.HEALTH_MIN_FREE_MB = 10**9  # every disk "low": the details list them all
    response, body = probe()
    text = response.content.decode()
    for secret in (str(settings.MEDIA_ROOT), str(settings.BASE_DIR), settings.SECRET_KEY):
        assert secret not in text
    assert "media" in body["checks"]["disk"]["detail"]


def test_a_monitor_every_ten_seconds_is_never_refused():
    client = Client()
    assert {probe(client)[0].status_code for _ in range(30)} == {200}


def test_an_unapplied_migration_fails_it():
    MigrationRecorder.Migration.objects.filter(app="core").order_by("-id").first().delete()
    response, body = probe()
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["migrations"] == {
        **body["checks"]["migrations"],
        "status": "fail",
        "detail": "1 unapplied",
    }
    assert body["checks"]["database"]["status"] == "ok"


def test_the_migration_answer_is_kept_a_minute(monkeypatch):
    probe()
    calls = []
    monkeypatch.setattr(health, "unapplied_migrations", lambda: calls.append(1) or 0)
    probe()
    assert calls == []
    health.forget_migrations()
    probe()
    assert calls == [1]


def test_too_little_free_disk_fails_it(settings):
    settings.HEALTH_MIN_FREE_MB = 10**9
    response, body = probe()
    assert response.status_code == 503
    assert body["checks"]["disk"]["status"] == "fail"
    assert body["checks"]["disk"]["detail"].startswith("low:")


def test_the_backup_directory_is_watched_when_configured(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "not-made-yet"
    _, body = probe()
    assert "backups" in body["checks"]["disk"]["detail"]


def test_a_stale_worker_heartbeat_fails_it(settings):
    settings.HEALTH_WORKER_STALE_MINUTES = 5
    HUEY.put(health.HEARTBEAT_KEY, time.time() - 6 * 60)
    response, body = probe()
    assert response.status_code == 503
    assert body["checks"]["worker"] == {**body["checks"]["worker"], "status": "fail"}
    assert "stale" in body["checks"]["worker"]["detail"]
    HUEY.put(health.HEARTBEAT_KEY, time.time() - 4 * 60)
    assert probe()[0].status_code == 200


def test_a_worker_never_seen_fails_it():
    HUEY.delete(health.HEARTBEAT_KEY)
    response, body = probe()
    assert response.status_code == 503
    assert body["checks"]["worker"]["detail"] == "never seen"


def test_an_unreachable_queue_fails_it_naming_only_the_error_class(monkeypatch):
    def down() -> int:
        raise ConnectionError("redis://:s3cret@10.0.0.5:6379 refused")

    monkeypatch.setattr(HUEY, "pending_count", down)
    response, body = probe()
    assert response.status_code == 503
    assert body["checks"]["queue"]["status"] == "fail"
    assert body["checks"]["queue"]["detail"] == "error: ConnectionError"
    assert "s3cret" not in response.content.decode()


def test_a_database_that_does_not_answer_fails_it(monkeypatch):
    def broken() -> health.Check:
        from django.db import OperationalError

        raise OperationalError("unable to open database file")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response, body = probe()
    assert response.status_code == 503
    assert body["checks"]["database"]["detail"] == "error: OperationalError"


def test_the_heartbeat_is_due_every_minute_in_the_worker():
    for minute in (0, 1, 37):
        due = HUEY.read_periodic(datetime(2026, 3, 2, 8, minute))
        assert heartbeat.task_class in [type(t) for t in due]
