"""The WeChat backends (企业微信 application messages, 公众号 template messages) against a
fake WeChat API on 127.0.0.1: the access token is fetched once and cached, fetched again
when it expires or WeChat calls it invalid; a refused message is logged by its error code
only (no openid, name or number in the log) and the others are still delivered; a timeout
is logged and stops neither the other backends nor the caller."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from hongfan.core import notify as notify_module
from hongfan.core.notify import Message, notify, register_wechat_ids
from hongfan.notices.backends import WechatOfficialBackend, WechatWorkBackend
from hongfan.notices.models import Notification
from hongfan.notices.tests.conftest import INBOX, person_user

pytestmark = pytest.mark.django_db

WORK = "hongfan.notices.backends.WechatWorkBackend"
MP = "hongfan.notices.backends.WechatOfficialBackend"


class FakeWechat:
    """What the fake API remembers and how it answers."""

    def __init__(self) -> None:
        self.token_requests: list[dict[str, list[str]]] = []
        self.sends: list[dict[str, Any]] = []  # the JSON of each accepted message
        self.refused: set[str] = set()  # recipients answered with errcode 40003
        self.valid = ""  # the token the API accepts now
        self.expires_in = 7200
        self.delay = 0.0
        self.token_error = 42001  # the answer to a token it no longer takes
        self.issued = 0
        self.lock = threading.Lock()

    def issue(self) -> str:
        with self.lock:
            self.issued += 1
            self.valid = f"TOKEN-{self.issued}"
            return self.valid


@pytest.fixture
def wechat() -> Iterator[tuple[FakeWechat, str]]:
    state = FakeWechat()

    class Handler(BaseHTTPRequestHandler):
        def answer(self, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except BrokenPipeError:  # the client gave up (the timeout test)
                pass

        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            if url.path in ("/cgi-bin/gettoken", "/cgi-bin/token"):
                state.token_requests.append(parse_qs(url.query))
                token = state.issue()
                self.answer({"errcode": 0, "access_token": token, "expires_in": state.expires_in})
            else:
                self.answer({"errcode": 404})

        def do_POST(self) -> None:  # noqa: N802
            if state.delay:
                time.sleep(state.delay)
            url = urlsplit(self.path)
            token = parse_qs(url.query).get("access_token", [""])[0]
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            if token != state.valid:
                self.answer({"errcode": state.token_error, "errmsg": "invalid access_token"})
            elif body["touser"] in state.refused:
                hint = f"invalid openid {body['touser']}"
                self.answer({"errcode": 40003, "errmsg": hint})
            else:
                state.sends.append({"path": url.path, **body})
                self.answer({"errcode": 0, "errmsg": "ok"})

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def bound_ids() -> Iterator[dict[int, str]]:
    """The accounts app's lookup of bound WeChat identities, replaced by a fake: whoever is
    in the dict has one (the same for both kinds, prefixed by the kind)."""
    ids: dict[int, str] = {}
    before = notify_module._lookups.wechat_ids
    register_wechat_ids(
        lambda user_ids, kind: {u: f"{kind}-{ids[u]}" for u in user_ids if u in ids}
    )
    cache.clear()
    yield ids
    register_wechat_ids(before)
    cache.clear()


def work_settings(url: str, **more: Any) -> Any:
    return override_settings(
        HONGFAN_WECHAT_API_URL=url,
        HONGFAN_WECHAT_CORP_ID="ww-corp",
        HONGFAN_WECHAT_CORP_SECRET="s3cret",
        HONGFAN_WECHAT_AGENT_ID="1000002",
        HONGFAN_SITE_URL="https://hf.example.org",
        **more,
    )


def mp_settings(url: str, **more: Any) -> Any:
    return override_settings(
        HONGFAN_WECHAT_API_URL=url,
        HONGFAN_WECHAT_APP_ID="wx-app",
        HONGFAN_WECHAT_APP_SECRET="s3cret",
        HONGFAN_WECHAT_TEMPLATE_ID="TPL-1",
        HONGFAN_SITE_URL="https://hf.example.org",
        **more,
    )


def msg(user: Any, title: str = "会议通知：支部党员大会") -> Message:
    return Message(
        user=user,
        title=title,
        body="12月05日 14:30，三楼会议室，学习贯彻全会精神",
        link="/orglife/7/",
        category="组织生活",
    )


@pytest.fixture
def three(bound_ids: dict[int, str]) -> list[Any]:
    users = [person_user(f"ntc_wx{i}") for i in range(3)]
    for u in users:
        bound_ids[u.pk] = f"id{u.pk}"
    return users


# --- 企业微信 -------------------------------------------------------------------------------


def test_work_messages_fetch_one_token_and_send_a_text_card_each(wechat, three):
    state, url = wechat
    with work_settings(url):
        WechatWorkBackend().send([msg(u) for u in three])
    assert state.token_requests == [{"corpid": ["ww-corp"], "corpsecret": ["s3cret"]}]
    assert [s["touser"] for s in state.sends] == [f"work-id{u.pk}" for u in three]
    first = state.sends[0]
    assert first["path"] == "/cgi-bin/message/send"
    assert first["msgtype"] == "textcard" and first["agentid"] == "1000002"
    assert first["textcard"] == {
        "title": "会议通知：支部党员大会",
        "description": "12月05日 14:30，三楼会议室，学习贯彻全会精神",
        "url": "https://hf.example.org/orglife/7/",
        "btntxt": "查看",
    }


@pytest.mark.skipif(
    bool(settings.HONGFAN_REDIS_URL),
    reason="moves the clock of Django's memory cache; Redis expires the key by its own TTL",
)
def test_the_token_is_cached_between_batches_until_it_expires(wechat, three):
    state, url = wechat
    with work_settings(url):
        WechatWorkBackend().send([msg(three[0])])
        WechatWorkBackend().send([msg(three[1])])  # a later batch, a new backend: the cache
        assert len(state.token_requests) == 1
        # two hours later the cached token has expired (kept 5 minutes less than WeChat says)
        later = time.time() + 7200 - 299
        with patch("django.core.cache.backends.locmem.time.time", return_value=later):
            WechatWorkBackend().send([msg(three[2])])
    assert len(state.token_requests) == 2
    assert len(state.sends) == 3


@pytest.mark.parametrize("errcode", [42001, 40014])
def test_a_token_wechat_calls_invalid_is_fetched_again_and_the_message_sent(wechat, three, errcode):
    state, url = wechat
    with work_settings(url):
        WechatWorkBackend().send([msg(three[0])])
        state.valid = "ROTATED"  # WeChat no longer takes the cached token
        state.token_error = errcode
        WechatWorkBackend().send([msg(three[1])])
    assert len(state.token_requests) == 2
    assert [s["touser"] for s in state.sends] == [f"work-id{three[0].pk}", f"work-id{three[1].pk}"]


def test_a_refused_message_is_logged_by_code_only_and_the_others_still_go(wechat, three, caplog):
    state, url = wechat
    state.refused.add(f"work-id{three[1].pk}")
    with work_settings(url), caplog.at_level(logging.INFO, logger="hongfan.notify"):
        WechatWorkBackend().send([msg(u) for u in three])
    assert [s["touser"] for s in state.sends] == [
        f"work-id{three[0].pk}",
        f"work-id{three[2].pk}",
    ]
    assert "errcode 40003" in caplog.text
    assert "2 sent, 1 refused" in caplog.text
    person = three[1].person
    for private in (f"id{three[1].pk}", person.name, person.mobile, "s3cret", state.valid):
        assert private not in caplog.text


def test_a_timeout_is_logged_and_the_batch_stops_without_raising(wechat, three, caplog):
    state, url = wechat
    with work_settings(url, HONGFAN_WECHAT_TIMEOUT=1):
        WechatWorkBackend().token()  # the token answers at once; the messages hang
        state.delay = 1.5
        started = time.monotonic()
        with caplog.at_level(logging.INFO, logger="hongfan.notify"):
            WechatWorkBackend().send([msg(u) for u in three])
    assert time.monotonic() - started < 6  # at most three timeouts, then the batch stops
    assert "could not be reached" in caplog.text
    assert "0 sent, 0 refused, 3 not reached of 3" in caplog.text


def test_through_notify_the_others_still_deliver_when_wechat_times_out(
    wechat, three, committed, caplog
):
    state, url = wechat
    state.delay = 1.5
    with work_settings(url, HONGFAN_WECHAT_TIMEOUT=1, HONGFAN_NOTIFY_BACKENDS=[WORK, INBOX]):
        with committed():
            assert notify(recipients=three[:1], title="会议取消", body="", category="组织生活")
    assert Notification.objects.filter(recipient=three[0], title="会议取消").count() == 1
    assert "could not be reached" in caplog.text


def test_recipients_without_a_bound_identity_or_who_turned_wechat_off_get_nothing(
    wechat, three, bound_ids, committed
):
    from hongfan.notices.models import NotificationPreference

    state, url = wechat
    del bound_ids[three[0].pk]
    NotificationPreference.objects.create(
        user=three[1], category="积分", channel="wechat", level="off"
    )
    with work_settings(url, HONGFAN_NOTIFY_BACKENDS=[INBOX, WORK]), committed():
        notify(recipients=three, title="积分申报已通过", body="计2分", category="积分")
    assert [s["touser"] for s in state.sends] == [f"work-id{three[2].pk}"]
    assert Notification.objects.filter(title="积分申报已通过").count() == 3


# --- 公众号 ---------------------------------------------------------------------------------


def test_official_account_sends_a_template_message_to_the_openid(wechat, three):
    state, url = wechat
    with mp_settings(url):
        WechatOfficialBackend().send([msg(three[0])])
    assert state.token_requests == [
        {"grant_type": ["client_credential"], "appid": ["wx-app"], "secret": ["s3cret"]}
    ]
    (sent,) = state.sends
    assert sent["path"] == "/cgi-bin/message/template/send"
    assert sent["touser"] == f"mp-id{three[0].pk}"
    assert sent["template_id"] == "TPL-1"
    assert sent["url"] == "https://hf.example.org/orglife/7/"
    assert sent["data"]["first"] == {"value": "会议通知：支部党员大会"}
    assert sent["data"]["keyword1"] == {"value": "组织生活"}
    assert sent["data"]["remark"] == {"value": "12月05日 14:30，三楼会议室，学习贯彻全会精神"}


def test_official_account_fills_the_fields_of_a_library_template(wechat, three):
    state, url = wechat
    fields = "thing1:title,thing2:body,time3:time"
    with mp_settings(url, HONGFAN_WECHAT_TEMPLATE_FIELDS=fields):
        WechatOfficialBackend().send([msg(three[0])])
    (sent,) = state.sends
    assert sorted(sent["data"]) == ["thing1", "thing2", "time3"]
    assert sent["data"]["thing1"] == {"value": "会议通知：支部党员大会"}
    # a "thing" field takes 20 characters at most: longer text is cut
    assert sent["data"]["thing2"] == {"value": "12月05日 14:30，三楼会议室，…"}
    assert len(sent["data"]["thing2"]["value"]) == 20


@pytest.mark.parametrize("fields", ["thing1", "thing1:name", "x y:title", ""])
def test_a_malformed_template_field_list_is_a_configuration_error(wechat, fields):
    _, url = wechat
    with (
        mp_settings(url, HONGFAN_WECHAT_TEMPLATE_FIELDS=fields),
        pytest.raises(ImproperlyConfigured, match="HONGFAN_WECHAT_TEMPLATE_FIELDS"),
    ):
        WechatOfficialBackend()


# --- configuration --------------------------------------------------------------------------


def test_a_wechat_backend_without_its_credentials_fails_the_system_check():
    with override_settings(HONGFAN_NOTIFY_BACKENDS=[INBOX, WORK, MP]):
        errors = [e for e in run_checks() if e.id == "notices.E001"]
    assert len(errors) == 2
    assert "HONGFAN_WECHAT_CORP_ID" in errors[0].msg
    assert "HONGFAN_WECHAT_APP_ID" in errors[1].msg
