"""Structured logs: every request gets an id (nginx's when valid), returned in
``X-Request-ID``, on each of its log lines and on the 500 page; one access line per
request without the query string or a name; a huey task's lines carry its id; JSON in
production; ID numbers and mobiles masked whatever logs them."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path
from huey.contrib.djhuey import HUEY

from hongfan.core.logging import JsonFormatter, TextFormatter, mask_pii
from hongfan.core.testing.logs import captured_logs

ROOT = Path(__file__).resolve().parents[3]
HEX32 = re.compile(r"[0-9a-f]{32}")
ID_NUMBER = "37080219880612003X"
MOBILE = "13912345678"

# --- a URLconf of its own: the real one plus a page that fails -------------------------------

boom_log = logging.getLogger("hongfan.tests.boom")


def boom(request: HttpRequest) -> HttpResponse:
    boom_log.warning("about to fail for %s", request.GET.get("who", ""))
    raise ValueError(f"cannot handle {request.POST.get('id_number', '')}")


def quiet(request: HttpRequest) -> HttpResponse:
    boom_log.info("a line inside the request")
    return HttpResponse("ok")


urlpatterns = [path("boom/", boom), path("quiet/", quiet), path("", include("hongfan.urls"))]
handler500 = "hongfan.core.views.server_error"


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# --- the request id ------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_each_request_gets_a_fresh_id_on_its_response_and_its_log_lines(db):
    client = Client()
    with captured_logs(formatter=JsonFormatter()) as logs:
        first = client.get("/quiet/")
        second = client.get("/quiet/")
    ids = [first["X-Request-ID"], second["X-Request-ID"]]
    assert all(HEX32.fullmatch(i) for i in ids) and ids[0] != ids[1]
    inside = [r for r in json_lines(logs.text) if r["logger"] == "hongfan.tests.boom"]
    assert [r["request_id"] for r in inside] == ids


@pytest.mark.urls(__name__)
def test_a_valid_id_from_nginx_is_kept_and_a_forged_one_replaced(db):
    nginx = "4f2a9c0e8b1d4e6fa3c5b7d9e1f30a2b"
    assert Client().get("/quiet/", HTTP_X_REQUEST_ID=nginx)["X-Request-ID"] == nginx
    for forged in ["short", "a b c d e f g h", "x" * 200, "ok-id\nFAKE LINE", "<script>1</script>"]:
        got = Client().get("/quiet/", HTTP_X_REQUEST_ID=forged)["X-Request-ID"]
        assert HEX32.fullmatch(got), forged


def test_outside_a_request_records_say_so(db):
    with captured_logs() as logs:
        logging.getLogger("hongfan.tests").warning("no request here")
    assert "[-] no request here" in logs.text


# --- the access line -----------------------------------------------------------------------


def test_one_access_line_per_request_without_query_string_or_name(client_for, users):
    client = client_for("member")
    with captured_logs(formatter=JsonFormatter()) as logs:
        response = client.get(f"/?q={MOBILE}&name=张三", REMOTE_ADDR="10.1.2.3")
    access = [r for r in json_lines(logs.text) if r["logger"] == "hongfan.access"]
    assert len(access) == 1
    line = access[0]
    assert line["method"] == "GET" and line["path"] == "/"
    assert line["status"] == response.status_code
    assert line["user_id"] == users["member"].pk
    assert line["ip"] == "10.1.2.3"
    assert isinstance(line["duration_ms"], int | float)
    assert line["request_id"] == response["X-Request-ID"]
    text = json.dumps(access)
    assert "member" not in text and "张三" not in text and "q=" not in text
    assert users["member"].person.name not in logs.text


def test_an_anonymous_request_has_no_user_id(db):
    with captured_logs(formatter=JsonFormatter()) as logs:
        Client().get("/accounts/login/")
    (line,) = [r for r in json_lines(logs.text) if r["logger"] == "hongfan.access"]
    assert line["user_id"] is None and line["status"] == 200


def test_healthz_is_logged_only_when_it_fails_and_then_with_its_request_id(db, settings):
    import hongfan.core.tasks  # noqa: F401

    hongfan.core.tasks.heartbeat()
    with captured_logs(level=logging.INFO, formatter=JsonFormatter()) as logs:
        settings.HEALTH_MIN_FREE_MB = 1
        Client().get("/healthz")
        assert logs.text == ""
        settings.HEALTH_MIN_FREE_MB = 10**9
        failing = Client().get("/healthz")
    lines = json_lines(logs.text)
    assert {(r["logger"], r["request_id"]) for r in lines} == {
        ("hongfan.access", failing["X-Request-ID"]),
        ("django.request", failing["X-Request-ID"]),  # logged after the middleware returned
    }


# --- failures: logged with the id, shown to the user -------------------------------------------


@pytest.mark.urls(__name__)
def test_a_server_error_shows_its_number_and_is_logged_with_it_masked(db, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    with captured_logs(formatter=JsonFormatter()) as logs:
        response = client.post(f"/boom/?who={MOBILE}", {"id_number": ID_NUMBER})
    rid = response["X-Request-ID"]
    assert response.status_code == 500
    page = response.content.decode()
    assert f"错误编号：{rid}" in page
    lines = json_lines(logs.text)
    errors = [r for r in lines if r["level"] == "ERROR" and r["logger"] == "django.request"]
    assert len(errors) == 1 and errors[0]["request_id"] == rid
    assert "ValueError" in errors[0]["exc_info"]
    assert all(r["request_id"] == rid for r in lines)
    assert ID_NUMBER not in logs.text and MOBILE not in logs.text
    assert "370802********003X" in logs.text and "139****5678" in logs.text
    assert ID_NUMBER in logs.raw  # the net caught what the page let through


# --- huey tasks --------------------------------------------------------------------------------


def test_a_tasks_lines_carry_its_id_and_the_request_id_returns_after(db):
    import hongfan.core.tasks  # noqa: F401 (registers the hooks, as the worker's autoload does)
    from hongfan.core.logging import request_id_var

    @HUEY.task(name="core_test_logging_task")
    def noisy() -> None:
        logging.getLogger("hongfan.tests.task").warning("inside the task")

    token = request_id_var.set("outer-request-0001")
    try:
        with captured_logs(formatter=JsonFormatter()) as logs:
            result = noisy()
            logging.getLogger("hongfan.tests.task").warning("after the task")
    finally:
        request_id_var.reset(token)
        HUEY._registry.unregister(noisy.task_class)
    by_message = {r["message"]: r["request_id"] for r in json_lines(logs.text)}
    assert by_message["inside the task"] == result.id
    assert by_message["after the task"] == "outer-request-0001"


# --- formats -----------------------------------------------------------------------------------


def record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("hongfan.x", logging.INFO, __file__, 1, msg, args, None)


def test_json_lines_carry_time_level_logger_message_and_request_id_only():
    line = json.loads(JsonFormatter().format(record("hello %s", "世界")))
    assert set(line) == {"time", "level", "logger", "message", "request_id"}
    assert line["message"] == "hello 世界" and line["level"] == "INFO"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", line["time"])


def test_extra_fields_a_library_attaches_stay_out_of_json_lines():
    rec = record("Internal Server Error: /x")
    rec.request = f"<WSGIRequest: GET '/x?mobile={MOBILE}'>"
    rec.params = [ID_NUMBER]
    line = JsonFormatter().format(rec)
    assert "WSGIRequest" not in line and "params" not in line


def test_text_lines_show_the_request_id_in_brackets():
    rec = record("hello")
    rec.request_id = "abcdef0123456789"
    assert TextFormatter().format(rec).endswith("INFO hongfan.x [abcdef0123456789] hello")


def settings_in(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HONGFAN_")}
    code = "import hongfan.settings as s; print(s.LOGGING['handlers']['console']['formatter'])"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_json_by_default_in_production_text_elsewhere_and_a_bad_value_stops_the_start():
    prod = {
        "HONGFAN_ENV": "prod",
        "HONGFAN_SECRET_KEY": "k3y-" + "x7Yq" * 14,
        "HONGFAN_PII_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "HONGFAN_PII_HASH_KEY": "hash-key-of-a-real-hospital-2026",
        "HONGFAN_AUDIT_CHAIN_KEY": "chain-key-of-a-real-hospital-2026",
    }
    assert settings_in(**prod).stdout.strip() == "json"
    assert settings_in(HONGFAN_ENV="dev").stdout.strip() == "text"
    assert settings_in(HONGFAN_ENV="test", HONGFAN_LOG_FORMAT="json").stdout.strip() == "json"
    bad = settings_in(HONGFAN_ENV="test", HONGFAN_LOG_FORMAT="xml")
    assert bad.returncode != 0 and "HONGFAN_LOG_FORMAT must be json or text" in bad.stderr


# --- the net -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        (f"id {ID_NUMBER}.", "id 370802********003X."),
        ("id=110105199001010123&x", "id=110105********0123&x"),
        (f"tel:{MOBILE}", "tel:139****5678"),
        (f"+86{MOBILE} / 86-{MOBILE}", "+86139****5678 / 86-139****5678"),
        (f'{{"mobile": "{MOBILE}"}}', '{"mobile": "139****5678"}'),
        (f"手机{MOBILE}，身份证{ID_NUMBER}", "手机139****5678，身份证370802********003X"),
    ],
)
def test_the_net_masks_id_numbers_and_mobiles(text: str, expected: str):
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "验证码 123456",  # a code is not a mobile
        "12345678901",  # 12… is no mobile prefix
        "request 9f3a13912345678be0c41d2e6a7b8c9d",  # digits inside a hex id
        "order 139123456789",  # twelve digits
        "took 1234.5ms",
    ],
)
def test_the_net_leaves_other_numbers_alone(text: str):
    assert mask_pii(text) == text


@pytest.mark.urls(__name__)
def test_under_asgi_the_request_gets_its_id_too(db):
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    nginx = "4f2a9c0e8b1d4e6fa3c5b7d9e1f30a2b"
    with captured_logs(formatter=JsonFormatter()) as logs:
        response = async_to_sync(AsyncClient().get)("/quiet/", headers={"X-Request-ID": nginx})
    assert response.status_code == 200 and response["X-Request-ID"] == nginx
    mine = [
        r for r in json_lines(logs.text) if r["logger"] in {"hongfan.tests.boom", "hongfan.access"}
    ]
    assert [r["request_id"] for r in mine] == [nginx, nginx]
