"""The client's address behind the reverse proxy: what the audit trail, the lockout and the
login throttle count by."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from hongfan.core.audit import client_ip
from hongfan.core.middleware import ProxyClientAddressMiddleware


def seen(**meta: str) -> str | None:
    request = RequestFactory().get("/", **meta)
    got: dict[str, str | None] = {}

    def view(r: HttpRequest) -> HttpResponse:
        got["ip"] = client_ip(r)
        return HttpResponse()

    ProxyClientAddressMiddleware(view)(request)
    return got["ip"]


def test_the_address_the_proxy_appended_is_the_clients():
    assert seen(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.8.3.21") == "10.8.3.21"


def test_addresses_the_client_claims_before_the_proxys_entry_are_not_trusted():
    forged = "1.1.1.1, 10.8.3.21"  # the client sent "1.1.1.1"; nginx appended its address
    assert seen(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forged) == "10.8.3.21"


@pytest.mark.parametrize("header", ["", "not-an-address", "10.8.3.21, <script>", "\x00"])
def test_without_a_usable_entry_the_proxys_own_address_stays(header: str):
    assert seen(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=header) == "127.0.0.1"


def test_ipv6_clients_are_kept_in_canonical_form():
    assert seen(REMOTE_ADDR="::1", HTTP_X_FORWARDED_FOR="2001:DB8::0:1") == "2001:db8::1"
