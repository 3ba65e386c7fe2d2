"""``hongfan.core.notify.notify``: delivered on commit only, idempotent by key, and a failing
backend stops neither the other backends nor the caller."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction
from django.test import override_settings

from hongfan.core.notify import Message, NotifyBackend, is_local_path, is_safe_link, notify
from hongfan.notices.models import Notification
from hongfan.notices.tests.conftest import INBOX

pytestmark = pytest.mark.django_db

SENT: list[tuple[str, list[Message]]] = []


class ExplodingBackend(NotifyBackend):
    def send(self, messages: list[Message]) -> None:
        raise RuntimeError("gateway down")


class ExplodingBackgroundBackend(ExplodingBackend):
    background = True


class RecordingBackend(NotifyBackend):
    def send(self, messages: list[Message]) -> None:
        SENT.append(("inline", messages))


class RecordingBackgroundBackend(NotifyBackend):
    background = True

    def send(self, messages: list[Message]) -> None:
        SENT.append(("background", messages))


HERE = "hongfan.notices.tests.test_notify"


@pytest.fixture(autouse=True)
def _clear_sent():
    SENT.clear()
    yield
    SENT.clear()


def inbox_of(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def test_notification_reaches_the_inbox_only_when_the_transaction_commits(alice, bob, committed):
    with committed():
        queued = notify(
            recipients=[alice, bob],
            title="支部党员大会提醒",
            body="本月支部党员大会尚未召开",
            link="/orglife/",
            category="三会一课",
        )
        assert queued == 2
        assert inbox_of(alice) == [] and inbox_of(bob) == []
    (n,) = inbox_of(alice)
    assert (n.title, n.body, n.link, n.category, n.key, n.read_at) == (
        "支部党员大会提醒",
        "本月支部党员大会尚未召开",
        "/orglife/",
        "组织生活",  # the category's name before categories were data, mapped
        "",
        None,
    )
    assert len(inbox_of(bob)) == 1


def test_a_rolled_back_write_notifies_nobody(alice, committed):
    with committed() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(recipients=[alice], title="不会发出", body="")
            raise RuntimeError("the caller's write failed")
    assert callbacks == []
    assert inbox_of(alice) == []


def test_the_key_makes_a_notification_idempotent_per_recipient(alice, bob, committed):
    key = "orglife.reminder:7:2026-03"
    with committed():
        assert notify(recipients=[alice], title="提醒", body="", key=key) == 1
    with committed():
        # alice already has it; bob does not
        assert notify(recipients=[alice, bob], title="提醒", body="", key=key) == 1
    with committed():
        assert notify(recipients=[alice, bob], title="提醒", body="", key=key) == 0
    assert len(inbox_of(alice)) == 1
    assert len(inbox_of(bob)) == 1
    with committed():
        assert notify(recipients=[alice], title="下月提醒", body="", key=key + "x") == 1
    assert len(inbox_of(alice)) == 2


@override_settings(HONGFAN_NOTIFY_BACKENDS=[INBOX, f"{HERE}.RecordingBackend"])
def test_the_same_key_twice_in_one_transaction_is_delivered_once(alice, committed):
    with committed():
        assert notify(recipients=[alice], title="提醒", body="", key="k1") == 1
        assert notify(recipients=[alice], title="提醒", body="", key="k1") == 1
    assert len(inbox_of(alice)) == 1
    assert [len(messages) for _, messages in SENT] == [1]  # the second was dropped at commit


def test_the_database_refuses_a_second_notification_with_the_same_key(alice):
    from django.db import IntegrityError

    Notification.objects.create(recipient=alice, title="一", key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=alice, title="二", key="k")
    Notification.objects.create(recipient=alice, title="无键可重复")
    Notification.objects.create(recipient=alice, title="无键可重复")


def test_recipients_are_counted_once_and_inactive_users_are_skipped(alice, bob, committed):
    bob.is_active = False
    bob.save()
    with committed():
        assert notify(recipients=[alice, alice, bob, None], title="通知", body="") == 1
    assert len(inbox_of(alice)) == 1
    assert inbox_of(bob) == []


def test_nothing_to_send_registers_no_callback(committed):
    with committed() as callbacks:
        assert notify(recipients=[], title="通知", body="") == 0
    assert callbacks == []


@override_settings(
    HONGFAN_NOTIFY_BACKENDS=[
        f"{HERE}.ExplodingBackend",
        f"{HERE}.ExplodingBackgroundBackend",
        "hongfan.notices.backends.NoSuchBackend",
        INBOX,
        f"{HERE}.RecordingBackend",
        f"{HERE}.RecordingBackgroundBackend",
    ]
)
def test_a_failing_backend_is_logged_and_does_not_stop_the_others(alice, committed, caplog):
    with caplog.at_level(logging.ERROR, logger="hongfan.notify"), committed():
        assert notify(recipients=[alice], title="通知", body="正文") == 1
    assert len(inbox_of(alice)) == 1
    assert [kind for kind, _ in SENT] == ["inline", "background"]
    background = SENT[1][1][0]
    assert (background.user, background.title, background.body) == (alice, "通知", "正文")
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(failures) == 3
    assert any("ExplodingBackend failed" in r.getMessage() for r in failures)
    assert any("NoSuchBackend failed" in r.getMessage() for r in failures)


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "//evil.example/", "/\\evil.example", "ftp://x/", "/a b", "x/y"],
)
def test_notify_refuses_a_link_that_is_not_a_local_path_or_http_url(alice, link):
    with pytest.raises(ValueError):
        notify(recipients=[alice], title="通知", body="", link=link)
    assert not is_safe_link(link)


def test_links_that_are_safe():
    assert is_local_path("/points/me/?a=1#x")
    assert is_safe_link("https://hongfan.example.org/x")
    assert not is_local_path("https://hongfan.example.org/x")
    assert is_safe_link("")


def test_notify_needs_a_title_and_shortens_a_long_one(alice, committed):
    with pytest.raises(ValueError):
        notify(recipients=[alice], title="  ", body="")
    with committed():
        notify(recipients=[alice], title="长" * 300, body="")
    (n,) = inbox_of(alice)
    assert len(n.title) == 200 and n.title.endswith("…")


def test_users_without_a_person_still_get_the_inbox(committed):
    from hongfan.org.tests.factories import make_user

    lone = make_user("ntc_lone")
    with committed():
        assert notify(recipients=[lone], title="通知", body="") == 1
    assert len(inbox_of(lone)) == 1


def test_the_reminders_sent_as_sanhui_yike_move_to_orglife(alice):
    """notices' migration 0003: the category named before categories were data becomes
    组织生活, a message without one 系统; the others stay."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "hongfan.notices.migrations.0003_meeting_reminders_under_orglife"
    )
    old = Notification.objects.create(recipient=alice, title="提醒", category="三会一课")
    bare = Notification.objects.create(recipient=alice, title="通知", category="")
    points = Notification.objects.create(recipient=alice, title="积分", category="积分")
    migration.forwards(apps, None)
    assert [Notification.objects.get(pk=n.pk).category for n in (old, bare, points)] == [
        "组织生活",
        "系统",
        "积分",
    ]
