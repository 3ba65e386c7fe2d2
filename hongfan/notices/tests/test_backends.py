"""The delivery backends: e-mail (Django's locmem outbox in tests), SMS to the Person's
encrypted mobile (logged masked in development, POSTed to a gateway in production)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from hongfan.core.notify import Message, notify
from hongfan.core.pii import mask_mobile
from hongfan.notices.backends import (
    EmailBackend,
    HttpSmsBackend,
    InboxBackend,
    LogSmsBackend,
    SmsBackend,
    scrub,
)
from hongfan.notices.checks import check_notify_backends
from hongfan.notices.models import Notification
from hongfan.notices.tests.conftest import INBOX, person_user

pytestmark = pytest.mark.django_db

EMAIL = "hongfan.notices.backends.EmailBackend"
LOG_SMS = "hongfan.notices.backends.LogSmsBackend"
HTTP_SMS = "hongfan.notices.backends.HttpSmsBackend"


def msg(user: Any, **kw: Any) -> Message:
    values = {"title": "支部党员大会提醒", "body": "请于本月底前召开", "link": ""}
    values.update(kw)
    return Message(user=user, **values)


# --- inbox ---------------------------------------------------------------------------------


def test_inbox_backend_writes_rows_and_skips_a_key_already_there(alice, bob):
    InboxBackend().send([msg(alice, key="k"), msg(bob, key="k")])
    InboxBackend().send([msg(alice, key="k"), msg(alice, key="")])
    assert Notification.objects.filter(recipient=alice).count() == 2
    assert Notification.objects.filter(recipient=bob).count() == 1


# --- e-mail --------------------------------------------------------------------------------


@override_settings(
    HONGFAN_NOTIFY_BACKENDS=[INBOX, EMAIL], HONGFAN_SITE_URL="https://hf.example.org/"
)
def test_email_goes_to_users_with_an_address_after_commit(alice, bob, committed, mailoutbox):
    with committed():
        notify(recipients=[alice, bob], title="积分申报已通过", body="获得2分", link="/points/me/")
        assert mailoutbox == []
    (mail,) = mailoutbox  # bob has no e-mail address: skipped silently
    assert mail.to == ["alice@example.org"]
    assert mail.subject == "【红帆】积分申报已通过"
    assert mail.body == "获得2分\n\nhttps://hf.example.org/points/me/"
    assert Notification.objects.filter(recipient=bob).count() == 1  # the inbox still has it


def test_email_without_a_site_url_leaves_out_a_local_link(alice, mailoutbox):
    EmailBackend().send([msg(alice, link="/points/me/")])
    assert mailoutbox[0].body == "请于本月底前召开"


# --- SMS: the mobile comes from the user's Person -------------------------------------------


class RecordingSms(SmsBackend):
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send_sms(self, mobile: str, text: str) -> None:
        if mobile.endswith("0000"):
            raise OSError("gateway refused")
        self.sent.append((mobile, text))


def test_sms_goes_to_the_mobile_of_the_linked_person(alice, bob):
    from hongfan.org.tests.factories import make_user

    no_mobile = person_user("ntc_nomobile", mobile=False)
    no_person = make_user("ntc_noperson")
    backend = RecordingSms()
    backend.send([msg(u) for u in (alice, bob, no_mobile, no_person)])
    assert sorted(m for m, _ in backend.sent) == sorted([alice.person.mobile, bob.person.mobile])
    assert backend.sent[0][1] == "【红帆】支部党员大会提醒：请于本月底前召开"


def test_sms_text_is_cut_to_one_message_and_keeps_the_link(alice):
    with override_settings(HONGFAN_SITE_URL="https://hf.example.org"):
        text = LogSmsBackend().text(msg(alice, body="很长" * 200, link="/orglife/"))
    assert len(text) <= 140
    assert text.endswith("… https://hf.example.org/orglife/")


def test_one_failing_number_is_logged_masked_and_the_others_are_sent(alice, bob, caplog):
    bob.person.mobile = "13900000000"
    bob.person.save()
    backend = RecordingSms()
    with caplog.at_level(logging.INFO, logger="hongfan.notify"):
        backend.send([msg(bob), msg(alice)])
    assert [m for m, _ in backend.sent] == [alice.person.mobile]
    assert "139****0000" in caplog.text
    assert "13900000000" not in caplog.text


def test_log_sms_backend_logs_a_masked_number_and_never_the_full_one(alice, caplog):
    mobile = alice.person.mobile
    id_number = alice.person.id_number
    with caplog.at_level(logging.INFO, logger="hongfan.notify"):
        LogSmsBackend().send([msg(alice, body=f"核对身份证{id_number}，电话{mobile}")])
    assert mask_mobile(mobile) in caplog.text
    assert mobile not in caplog.text
    assert id_number not in caplog.text
    assert "支部党员大会提醒" in caplog.text


def test_scrub_masks_mobiles_and_id_numbers():
    assert scrub("13812348000 与 11010519900101012X") == "138****8000 与 110105********012X"
    assert scrub("订单号 202611250000000000001") == "订单号 202611250000000000001"


@override_settings(HONGFAN_NOTIFY_BACKENDS=[INBOX, LOG_SMS])
def test_log_sms_through_notify_runs_in_the_worker_task(alice, committed, caplog):
    with caplog.at_level(logging.INFO, logger="hongfan.notify"), committed():
        notify(recipients=[alice], title="账号已开通", body="", category="账号")
    assert f"SMS to {mask_mobile(alice.person.mobile)}" in caplog.text


# --- SMS over HTTP, against a local server --------------------------------------------------


class Gateway:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200


@pytest.fixture
def gateway() -> Iterator[tuple[Gateway, str]]:
    state = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            state.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "json": json.loads(self.rfile.read(length).decode("utf-8")),
                }
            )
            self.send_response(state.status)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_http_sms_backend_posts_json_with_the_bearer_token(alice, gateway):
    state, url = gateway
    with override_settings(HONGFAN_SMS_URL=url, HONGFAN_SMS_TOKEN="t0ken"):
        HttpSmsBackend().send_sms(alice.person.mobile, "【红帆】测试")
    (request,) = state.requests
    assert request["path"] == "/sms/send"
    assert request["headers"]["Authorization"] == "Bearer t0ken"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["json"] == {"mobile": alice.person.mobile, "text": "【红帆】测试"}


def test_http_sms_through_notify_after_commit(alice, bob, gateway, committed, caplog):
    state, url = gateway
    with (
        override_settings(
            HONGFAN_NOTIFY_BACKENDS=[INBOX, HTTP_SMS], HONGFAN_SMS_URL=url, HONGFAN_SMS_TOKEN="x"
        ),
        committed(),
    ):
        notify(
            recipients=[alice, bob], title="会议取消", body="", category="组织生活", important=True
        )
        assert state.requests == []
    assert sorted(r["json"]["mobile"] for r in state.requests) == sorted(
        [alice.person.mobile, bob.person.mobile]
    )
    assert alice.person.mobile not in caplog.text


def test_http_sms_gateway_error_is_logged_masked(alice, gateway, caplog):
    state, url = gateway
    state.status = 500
    with override_settings(HONGFAN_SMS_URL=url), caplog.at_level(logging.INFO, "hongfan.notify"):
        HttpSmsBackend().send([msg(alice)])
    assert len(state.requests) == 1
    assert f"SMS to {mask_mobile(alice.person.mobile)} failed" in caplog.text
    assert alice.person.mobile not in caplog.text


def test_http_sms_backend_has_a_five_second_timeout():
    assert HttpSmsBackend.timeout == 5


@pytest.mark.parametrize("url", ["", "sms.example.org/send", "ftp://sms.example.org/", "http://"])
def test_http_sms_backend_needs_a_well_formed_url(url):
    with override_settings(HONGFAN_SMS_URL=url), pytest.raises(ImproperlyConfigured):
        HttpSmsBackend()


@pytest.mark.parametrize("name", ["HONGFAN_SMS_URL", "HONGFAN_SITE_URL"])
def test_a_malformed_url_in_the_environment_stops_the_start_up(monkeypatch, name):
    from hongfan.settings import _http_url

    monkeypatch.setenv(name, "not a url")
    with pytest.raises(ImproperlyConfigured):
        _http_url(name)
    monkeypatch.setenv(name, "https://sms.example.org/send")
    assert _http_url(name) == "https://sms.example.org/send"
    monkeypatch.delenv(name)
    assert _http_url(name) == ""


# --- configuration check -------------------------------------------------------------------


def test_the_system_check_reports_a_backend_that_cannot_be_loaded():
    with override_settings(HONGFAN_NOTIFY_BACKENDS=[INBOX, "hongfan.notices.backends.Nope"]):
        ids = [m.id for m in check_notify_backends()]
    assert ids == ["notices.E001"]
    with override_settings(HONGFAN_NOTIFY_BACKENDS=["hongfan.notices.models.Notification"]):
        ids = [m.id for m in check_notify_backends()]
    assert ids == ["notices.E001", "notices.W001"]
    assert check_notify_backends() == []
