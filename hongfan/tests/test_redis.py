"""Redis at city scale (docs/decisions/0013-redis-at-city-scale.md).

The configuration tests run everywhere. The rest need the real Redis named by
``HONGFAN_REDIS_URL`` (``make test-redis``, CI's ``redis`` stage, which points it at db 15) and
are skipped without it: the cache seen from two processes, a session kept across requests and
across a loss of Redis, the login lockout and its unlock, and ``manage.py run_huey`` taking a
notification out of the Redis queue and putting it in a member's inbox.

The worker test runs on committed data (``transaction=True``), whose teardown flushes the
database and with it the session's demo city: ``_restore_demo_city`` rebuilds it once after
this module, as hongfan/points/tests/test_concurrency.py does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import axes.utils
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from hongfan.core.env import env_redis_url
from hongfan.core.testing.demo import restore_after_module

ROOT = Path(settings.BASE_DIR)
PASSWORD = "Hongfan@2026"
LOCKED = "连续登录失败次数过多，账号已锁定"

if os.environ.get("HONGFAN_REDIS_TESTS_REQUIRED") and not settings.HONGFAN_REDIS_URL:
    # make test-redis (CI's redis stage) must run these, never skip them quietly
    raise RuntimeError("HONGFAN_REDIS_TESTS_REQUIRED is set but HONGFAN_REDIS_URL is not")

needs_redis = pytest.mark.skipif(
    not settings.HONGFAN_REDIS_URL,
    reason="needs a Redis: set HONGFAN_REDIS_URL (make test-redis; CI's redis stage does)",
)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(extra)
    return env


def _python(code: str, **extra: str) -> str:
    """Run ``code`` in a fresh Django process with this environment (and ``extra``)."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=_env(**extra),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_without_the_allowed_forms_the_redis_url_stops_the_start_up(monkeypatch):
    for bad in [
        "http://127.0.0.1:6379/0",
        "redis://:6379/0",
        "redis://127.0.0.1:63790000/0",
        "redis://127.0.0.1:abc/0",
        "redis://127.0.0.1:6379/first",
        "redis://127.0.0.1 :6379/0",
        "unix://",
    ]:
        monkeypatch.setenv("HONGFAN_REDIS_URL", bad)
        with pytest.raises(ImproperlyConfigured, match="HONGFAN_REDIS_URL must look like"):
            env_redis_url("HONGFAN_REDIS_URL")
    monkeypatch.setenv("HONGFAN_REDIS_URL", "redis://:s3cret@127.0.0.1:6379/x")
    with pytest.raises(ImproperlyConfigured) as raised:
        env_redis_url("HONGFAN_REDIS_URL")
    assert "s3cret" not in str(raised.value)  # the message never repeats a password
    for good in ["redis://127.0.0.1:6379/0", "rediss://:pw@redis.example:6380/2", "redis://r"]:
        monkeypatch.setenv("HONGFAN_REDIS_URL", good)
        assert env_redis_url("HONGFAN_REDIS_URL") == good


def test_a_malformed_redis_url_stops_manage_py_with_a_clear_message():
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_env(HONGFAN_REDIS_URL="redis//127.0.0.1:6379/0"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "ImproperlyConfigured: HONGFAN_REDIS_URL must look like" in done.stderr


def test_the_url_switches_queue_cache_and_sessions_and_its_absence_keeps_sqlite():
    show = (
        "from django.conf import settings as s; from huey.contrib.djhuey import HUEY;"
        "print(type(HUEY).__name__, HUEY.name, s.CACHES['default']['BACKEND'],"
        " s.SESSION_ENGINE, s.AXES_HANDLER)"
    )
    on = _python(
        show,
        HONGFAN_REDIS_URL="redis://127.0.0.1:6379/14",
        HONGFAN_REDIS_PREFIX="city-a",
        HONGFAN_HUEY_IMMEDIATE="false",
    ).split()
    assert on == [
        "RedisHuey",
        "city-a",
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
        "axes.handlers.database.AxesDatabaseHandler",
    ]
    off = _python(show, HONGFAN_REDIS_URL="", HONGFAN_HUEY_IMMEDIATE="false").split()
    assert off == [
        "SqliteHuey",
        "hongfan",
        "django.core.cache.backends.locmem.LocMemCache",
        "hongfan.accounts.backends",  # Django's database sessions, the read prepared
        "axes.handlers.database.AxesDatabaseHandler",
    ]


# --- against the real Redis ------------------------------------------------------------------


@needs_redis
def test_the_cache_is_shared_between_two_processes():
    key = f"test-redis-{uuid.uuid4().hex}"
    try:
        cache.set(key, "从网页进程写入", 60)
        seen = _python(
            "from django.core.cache import cache;"
            f"print(cache.get({key!r})); cache.set({key + '-back'!r}, '从另一进程写入', 60)"
        )
        assert seen == "从网页进程写入"
        assert cache.get(key + "-back") == "从另一进程写入"
    finally:
        cache.delete_many([key, key + "-back"])


@pytest.fixture
def member_password(db) -> Iterator[str]:
    from hongfan.accounts.models import User

    user = User.objects.get(username="member")
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    axes.utils.reset()
    yield PASSWORD
    axes.utils.reset()


def _login(client: Client, username: str, password: str, ip: str = "10.9.8.7") -> Any:
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@needs_redis
def test_a_session_made_at_login_is_read_from_redis_and_outlives_losing_it(member_password):
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.contrib.sessions.models import Session

    client = Client()
    assert _login(client, "member", member_password).status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert cache.get(KEY_PREFIX + key) is not None  # the next request reads it from Redis
    assert Session.objects.filter(session_key=key).exists()  # and its copy in the database
    page = client.get("/points/me/")
    assert page.status_code == 200
    assert page.wsgi_request.user.username == "member"
    cache.delete(KEY_PREFIX + key)  # what a Redis restart or an eviction does to it
    page = client.get("/points/me/")
    assert page.status_code == 200
    assert page.wsgi_request.user.username == "member"  # still signed in
    client.post("/accounts/logout/")
    assert cache.get(KEY_PREFIX + key) is None
    assert not Session.objects.filter(session_key=key).exists()


@needs_redis
def test_lockout_after_the_policy_failures_listed_and_lifted_by_the_security_admin(
    member_password, client_for
):
    for _ in range(5):
        _login(Client(), "member", "Wrong#pass1")
    refused = _login(Client(), "member", member_password)
    assert refused.status_code != 302
    assert LOCKED in refused.content.decode()
    security = client_for("security")
    listing = security.get("/security/unlock/").content.decode()
    assert "<td>member</td>" in listing  # 账号解锁 lists it
    assert security.post("/security/unlock/", {"username": "member"}).status_code == 302
    assert _login(Client(), "member", member_password).status_code == 302
    assert "<td>member</td>" not in security.get("/security/unlock/").content.decode()


# --- the worker takes a notification out of Redis ------------------------------------------------


@pytest.fixture(scope="module")
def _restore_demo_city(django_db_blocker: Any) -> Iterator[None]:
    yield from restore_after_module(django_db_blocker)


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(found: Callable[[], bool], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if found():
            return True
        time.sleep(0.2)
    return found()


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_a_queued_reminder_through_redis(_restore_demo_city, tmp_path):
    from huey.contrib.djhuey import HUEY

    from hongfan.accounts.models import User
    from hongfan.core.notify import Message, message_to_dict
    from hongfan.notices.models import Notification
    from hongfan.notices.tasks import deliver_in_background

    user = User.objects.create_user(username=f"w{uuid.uuid4().hex[:8]}", password=PASSWORD)
    title = "提醒：本月主题党日尚未召开"
    row = message_to_dict(Message(user=user, title=title, body="请于月底前召开。", key="t-1"))
    immediate = HUEY.immediate
    HUEY.immediate = False  # the real Redis queue instead of running the task here
    try:
        HUEY.flush()
        deliver_in_background("hongfan.notices.backends.InboxBackend", [row])
        assert len(HUEY) == 1  # waiting in Redis
        assert not Notification.objects.filter(recipient=user).exists()
        log = (tmp_path / "worker.log").open("w")
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "run_huey", "--workers", "1", "--no-periodic"],
            cwd=ROOT,
            env=_env(DATABASE_URL=_database_url(), HONGFAN_HUEY_IMMEDIATE="false"),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            delivered = _wait_for(
                lambda: Notification.objects.filter(recipient=user, title=title).exists(), 60
            )
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            log.close()
        assert delivered, (tmp_path / "worker.log").read_text()[-3000:]
        assert len(HUEY) == 0
    finally:
        HUEY.flush()
        HUEY.immediate = immediate
