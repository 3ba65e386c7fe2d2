"""Binding a WeChat identity and logging in inside WeChat, against a fake WeChat on
127.0.0.1 (its token URL answers an openid for each code it knows)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.test import Client

from hongfan.accounts.models import User, WechatBinding
from hongfan.accounts.selectors import wechat_ids
from hongfan.core.models import AuditEvent

PASSWORD = "Hongfan@2026"
WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI"
)


class FakeWechat:
    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        self.requests: list[dict[str, list[str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                query = parse_qs(urlsplit(self.path).query)
                fake.requests.append(query)
                code = query.get("code", [""])[0]
                ok = query.get("appid") == ["wx-test"] and query.get("secret") == ["s3cret"]
                if ok and code in fake.codes:
                    body = {"openid": fake.codes.pop(code), "access_token": "t", "expires_in": 7200}
                else:
                    body = {"errcode": 40029, "errmsg": "invalid code"}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def wechat(settings) -> Iterator[FakeWechat]:
    fake = FakeWechat()
    settings.HONGFAN_WECHAT_LOGIN = True
    settings.HONGFAN_WECHAT_APP_ID = "wx-test"
    settings.HONGFAN_WECHAT_APP_SECRET = "s3cret"
    settings.HONGFAN_WECHAT_AUTHORIZE_URL = f"{fake.base}/connect/oauth2/authorize"
    settings.HONGFAN_WECHAT_TOKEN_URL = f"{fake.base}/sns/oauth2/access_token"
    yield fake
    fake.close()


def authorise(client: Client, fake: FakeWechat, openid: str, response) -> Any:
    """Play WeChat: the browser was sent to the authorize URL; come back with a code."""
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}" == fake.base
    query = parse_qs(target.query)
    assert query["scope"] == ["snsapi_base"] and query["appid"] == ["wx-test"]
    assert urlsplit(query["redirect_uri"][0]).path == "/accounts/wechat/callback/"
    code = f"code-{openid}"
    fake.codes[code] = openid
    return client.get("/accounts/wechat/callback/", {"code": code, "state": query["state"][0]})


def wechat_client() -> Client:
    return Client(HTTP_USER_AGENT=WECHAT_UA)


def user_of(client: Client) -> str | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk).username if pk else None


CHECKIN = "/notices/"  # a login_required page standing in for the 签到 link


def test_a_logged_in_member_binds_wechat_from_account_security(db, wechat, client_for, users):
    client = client_for("member")
    page = client.get("/accounts/security/").content.decode()
    assert "绑定" in page and "未绑定" in page
    done = authorise(client, wechat, "openid-m", client.get("/accounts/wechat/"))
    assert done.status_code == 302 and done["Location"] == "/accounts/security/"
    assert WechatBinding.objects.get(user=users["member"]).openid == "openid-m"
    assert AuditEvent.objects.filter(action="wechat_bound", username="member").exists()
    assert "已绑定" in client.get("/accounts/security/").content.decode()


def test_inside_wechat_a_bound_member_lands_logged_in_on_the_page(db, wechat, users):
    WechatBinding.objects.create(user=users["member"], openid="openid-m")
    client = wechat_client()
    to_login = client.get(CHECKIN)
    assert to_login.status_code == 302 and to_login["Location"].startswith("/accounts/login/")
    to_wechat = client.get(to_login["Location"])
    assert to_wechat["Location"].startswith("/accounts/wechat/?next=")
    back = authorise(client, wechat, "openid-m", client.get(to_wechat["Location"]))
    assert back.status_code == 302 and back["Location"] == CHECKIN
    assert user_of(client) == "member"
    assert client.get(CHECKIN).status_code == 200
    login = AuditEvent.objects.filter(action="login", username="member").latest("pk")
    assert login.detail == {"via": "wechat"}


def test_an_unbound_wechat_logs_in_once_and_is_then_bound(db, wechat, users):
    client = wechat_client()
    start = client.get(f"/accounts/login/?next={CHECKIN}")
    back = authorise(client, wechat, "openid-new", client.get(start["Location"]))
    assert back.status_code == 302 and "direct=1" in back["Location"]
    assert user_of(client) is None
    page = client.get(back["Location"]).content.decode()
    assert "首次在微信中使用红帆" in page and "登录后，此微信将与账号绑定" in page
    done = client.post(
        "/accounts/login/", {"username": "member", "password": PASSWORD, "next": CHECKIN}
    )
    assert done.status_code == 302 and done["Location"] == CHECKIN
    assert WechatBinding.objects.get(openid="openid-new").user == users["member"]
    # next time inside WeChat: straight in
    again = wechat_client()
    start = again.get(f"/accounts/login/?next={CHECKIN}")
    authorise(again, wechat, "openid-new", again.get(start["Location"]))
    assert user_of(again) == "member"


def test_an_openid_binds_only_one_account_and_an_account_only_one_openid(
    db, wechat, client_for, users
):
    WechatBinding.objects.create(user=users["sec"], openid="openid-s")
    client = client_for("member")
    done = authorise(client, wechat, "openid-s", client.get("/accounts/wechat/"))
    assert "该微信已绑定其他账号" in client.get(done["Location"]).content.decode()
    assert not WechatBinding.objects.filter(user=users["member"]).exists()
    client = client_for("sec")
    done = authorise(client, wechat, "openid-other", client.get("/accounts/wechat/"))
    assert "该账号已绑定微信" in client.get(done["Location"]).content.decode()
    assert WechatBinding.objects.get(user=users["sec"]).openid == "openid-s"


def test_a_member_unbinds_wechat(db, wechat, client_for, users):
    WechatBinding.objects.create(user=users["member"], openid="openid-m")
    client = client_for("member")
    response = client.post("/accounts/wechat/unbind/")
    assert response.status_code == 302
    assert not WechatBinding.objects.filter(user=users["member"]).exists()
    assert AuditEvent.objects.filter(action="wechat_unbound", username="member").exists()
    again = client.post("/accounts/wechat/unbind/")
    assert "该账号未绑定微信" in client.get(again["Location"]).content.decode()


def test_a_forged_state_or_a_bad_code_logs_nobody_in(db, wechat, users):
    WechatBinding.objects.create(user=users["member"], openid="openid-m")
    client = wechat_client()
    start = client.get(client.get(f"/accounts/login/?next={CHECKIN}")["Location"])
    wechat.codes["code-x"] = "openid-m"
    forged = client.get("/accounts/wechat/callback/", {"code": "code-x", "state": "guess"})
    assert user_of(client) is None
    assert "微信授权已失效" in client.get(forged["Location"]).content.decode()
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    client.get("/accounts/wechat/callback/", {"code": "code-x", "state": state})  # state spent
    assert user_of(client) is None
    fresh = wechat_client()
    start = fresh.get(fresh.get("/accounts/login/")["Location"])
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    bad = fresh.get("/accounts/wechat/callback/", {"code": "unknown", "state": state})
    assert user_of(fresh) is None
    assert "暂时无法通过微信登录" in fresh.get(bad["Location"]).content.decode()


@pytest.mark.parametrize("code", ["a\x00b", "9" * 400, ""])
def test_bad_callback_input_is_answered_in_chinese(db, wechat, code):
    client = wechat_client()
    start = client.get(client.get("/accounts/login/")["Location"])
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get("/accounts/wechat/callback/", {"code": code, "state": state})
    assert response.status_code == 302
    assert "微信授权已失效" in client.get(response["Location"]).content.decode()
    assert wechat.requests == []


def test_an_unreachable_wechat_falls_back_to_the_login_page(db, wechat, settings):
    settings.HONGFAN_WECHAT_TOKEN_URL = "http://127.0.0.1:9/nothing"
    client = wechat_client()
    start = client.get(client.get("/accounts/login/")["Location"])
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get("/accounts/wechat/callback/", {"code": "c", "state": state})
    assert "暂时无法通过微信登录" in client.get(response["Location"]).content.decode()


def test_without_wechat_configured_the_login_page_is_shown_and_the_urls_are_404(db, settings):
    settings.HONGFAN_WECHAT_LOGIN = False
    client = wechat_client()
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accounts/wechat/").status_code == 404
    assert client.get("/accounts/wechat/callback/?code=a&state=b").status_code == 404


def test_outside_wechat_the_login_page_is_not_redirected(db, wechat):
    assert Client().get("/accounts/login/").status_code == 200


def test_logging_out_inside_wechat_does_not_log_straight_back_in(db, wechat, users):
    WechatBinding.objects.create(user=users["member"], openid="openid-m")
    client = wechat_client()
    client.force_login(users["member"])
    out = client.post("/accounts/logout/")
    assert client.get(out["Location"]).status_code == 200


def test_wechat_ids_gives_the_openids_of_bound_active_users(db, users):
    WechatBinding.objects.create(user=users["member"], openid="openid-m")
    WechatBinding.objects.create(user=users["sec"], openid="openid-s")
    User.objects.filter(pk=users["sec"].pk).update(is_active=False)
    found = wechat_ids([users["member"].pk, users["sec"].pk, users["hosp"].pk])
    assert found == {users["member"].pk: "openid-m"}
    assert wechat_ids([]) == {}


def test_wechat_ids_answers_only_for_official_account_openids(db, users):
    WechatBinding.objects.create(user=users["member"], openid="openid-m")
    assert wechat_ids({users["member"].pk}, "mp") == {users["member"].pk: "openid-m"}
    assert wechat_ids({users["member"].pk}, "work") == {}


def test_a_checkin_qr_scanned_inside_wechat_lands_logged_in_on_the_checkin_page(db, wechat, users):
    # orglife sits a layer above accounts: its model by name, not by import
    attendance = apps.get_model("orglife", "Attendance")
    row = (
        attendance.objects.filter(person=users["member"].person)
        .select_related("meeting")
        .order_by("-meeting__starts_at")
        .first()
    )
    assert row is not None
    meeting = row.meeting
    WechatBinding.objects.create(user=users["member"], openid="openid-m")
    url = f"/orglife/checkin/{meeting.pk}/{meeting.checkin_token}/"
    client = wechat_client()
    to_login = client.get(url)
    to_wechat = client.get(to_login["Location"])
    back = authorise(client, wechat, "openid-m", client.get(to_wechat["Location"]))
    assert back["Location"] == url
    page = client.get(url)
    assert page.status_code == 200
    assert meeting.topic in page.content.decode()
