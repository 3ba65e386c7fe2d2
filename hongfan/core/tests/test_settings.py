"""Start-up in production: bad secrets stop it with a clear error; good ones pass Django's
deployment checks without a warning. Each case starts a fresh Python, as a server would."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD = {
    "HONGFAN_ENV": "prod",
    "HONGFAN_SECRET_KEY": "k3y-" + "x7Yq" * 14,
    "HONGFAN_PII_KEY": base64.b64encode(b"0123456789abcdef0123456789abcdef").decode(),
    "HONGFAN_PII_HASH_KEY": "hash-key-of-a-real-hospital-2026",
    "HONGFAN_AUDIT_CHAIN_KEY": "audit-chain-key-of-a-real-hospital-2026",
    "HONGFAN_ALLOWED_HOSTS": "hongfan.example.org",
}


def run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HONGFAN_", "DATABASE"))}
    clean |= {"DJANGO_SETTINGS_MODULE": "hongfan.settings"} | GOOD | env
    clean = {k: v for k, v in clean.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


START = "import django; django.setup(); print('started')"


def test_production_starts_with_good_secrets():
    result = run(START)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    "value,says",
    [
        ("not base64 at all!", "HONGFAN_PII_KEY must be base64"),
        (base64.b64encode(b"too short").decode(), "HONGFAN_PII_KEY must decode to 32 bytes"),
        ("ZGV2LW9ubHktcGlpLWtleS1ob25nZmFuLTMyYnl0ZXM=", "HONGFAN_PII_KEY must be set"),
    ],
    ids=["malformed", "wrong-length", "the-development-key"],
)
def test_a_bad_personal_data_key_stops_the_production_start_up(value: str, says: str):
    result = run(START, HONGFAN_PII_KEY=value)
    assert result.returncode != 0 and "started" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr and says in result.stderr


def test_a_short_hash_key_stops_the_start_up():
    result = run(START, HONGFAN_PII_HASH_KEY="short")
    assert result.returncode != 0
    assert "HONGFAN_PII_HASH_KEY must be at least 16 characters" in result.stderr


def test_production_settings_pass_the_deployment_checks_without_a_warning():
    result = run(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


SHOW = (
    "import django; django.setup(); from django.conf import settings as s;"
    "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)"
)


def test_hsts_and_the_https_redirect_are_on_when_cookies_are_secure():
    result = run(SHOW)
    assert result.stdout.split() == ["31536000", "True", "True"], result.stderr


def test_an_intranet_on_plain_http_sends_no_hsts():
    result = run(SHOW, HONGFAN_SECURE_COOKIES="false")
    assert result.stdout.split() == ["0", "False", "False"], result.stderr


def test_hsts_header_is_sent_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


MIDDLEWARE_FIRST = (
    "import django; django.setup(); from django.conf import settings as s;"
    "print(s.MIDDLEWARE[0], s.SECURE_PROXY_SSL_HEADER)"
)


def test_behind_the_proxy_the_client_address_comes_from_its_header():
    result = run(MIDDLEWARE_FIRST, HONGFAN_BEHIND_PROXY="true")
    assert result.stdout.split()[0] == "hongfan.core.middleware.ProxyClientAddressMiddleware"
    assert "HTTP_X_FORWARDED_PROTO" in result.stdout


def test_exposed_directly_the_forwarded_header_is_ignored():
    result = run(MIDDLEWARE_FIRST)
    assert "ProxyClientAddressMiddleware" not in result.stdout
