"""The huey set-up: a SQLite queue under var/, tasks at once in tests, and every app's
tasks.py (periodic reminders included) loaded by the worker."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
from datetime import datetime

import pytest
from django.apps import apps
from django.conf import settings
from django.utils.module_loading import autodiscover_modules
from huey import crontab
from huey.api import PeriodicTask, TaskWrapper
from huey.contrib.djhuey import HUEY, db_periodic_task


def settings_in(env: dict[str, str]) -> dict:
    """hongfan.settings as a fresh process with ``env`` would read it."""
    code = (
        "import json, hongfan.settings as s; "
        "print(json.dumps({k: v for k, v in s.HUEY.items() if k != 'consumer'}))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HONGFAN_HUEY") and k != "HONGFAN_REDIS_URL"  # the SQLite default
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout)


def test_huey_is_a_sqlite_queue_under_var_run_at_once_in_tests():
    assert "huey.contrib.djhuey" in settings.INSTALLED_APPS
    # make test-redis runs this with HONGFAN_REDIS_URL (core/tests/test_redis.py checks it)
    assert type(HUEY).__name__ == ("RedisHuey" if settings.HONGFAN_REDIS_URL else "SqliteHuey")
    test = settings_in({"HONGFAN_ENV": "test"})
    assert test["huey_class"] == "huey.SqliteHuey"
    assert test["filename"] == str(settings.BASE_DIR / "var" / "huey.sqlite3")
    assert test["immediate"] is True
    assert settings_in({"HONGFAN_ENV": "dev"})["immediate"] is False


def test_the_worker_loads_every_apps_tasks_module_and_its_periodic_tasks():
    autodiscover_modules("tasks")  # what `manage.py run_huey` does at start-up
    registered = HUEY._registry._registry
    assert "hongfan.notices.tasks.deliver_in_background" in registered
    periodic = set(HUEY._registry._periodic_tasks)
    for config in apps.get_app_configs():
        name = f"{config.name}.tasks"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, TaskWrapper) and value.huey is HUEY:
                assert value.task_class in registered.values(), f"{name}: {value.name}"
                if issubclass(value.task_class, PeriodicTask):
                    assert value.task_class in periodic, f"{name}: {value.name}"


def test_a_db_periodic_task_is_scheduled_by_the_consumer():
    @db_periodic_task(crontab(hour="8", minute="0"), name="notices_test_daily")
    def daily() -> None:
        pass

    try:
        due = HUEY.read_periodic(datetime(2026, 3, 2, 8, 0))
        assert "notices_test_daily" in [t.name for t in due]
        assert "notices_test_daily" not in [
            t.name for t in HUEY.read_periodic(datetime(2026, 3, 2, 9, 0))
        ]
    finally:
        HUEY._registry.unregister(daily.task_class)


@pytest.mark.django_db
def test_deliver_in_background_rebuilds_messages_from_ids(alice):
    from hongfan.notices.models import Notification
    from hongfan.notices.tasks import deliver_in_background

    rows = [
        {"user_id": alice.pk, "title": "后台", "body": "", "link": "", "category": "", "key": ""},
        {
            "user_id": 999_999_999,
            "title": "无此人",
            "body": "",
            "link": "",
            "category": "",
            "key": "",
        },
    ]
    deliver_in_background("hongfan.notices.backends.InboxBackend", rows)
    assert list(Notification.objects.filter(recipient=alice).values_list("title", flat=True)) == [
        "后台"
    ]
