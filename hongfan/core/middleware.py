"""Request middleware of the ground floor."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ProxyClientAddressMiddleware:
    """Behind one trusted reverse proxy (nginx with ``proxy_set_header X-Forwarded-For
    $proxy_add_x_forwarded_for``), the client's address is the last entry of
    X-Forwarded-For: the one the proxy itself appended. It becomes ``REMOTE_ADDR``, so the
    audit trail, the lockout and the per-address login throttle see the member's address
    instead of the proxy's (which would slow a whole hospital together). Entries before
    it are the client's own claims and are never trusted. Installed only when
    ``HONGFAN_BEHIND_PROXY`` is set; directly exposed, the header is ignored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            try:
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(last))
            except ValueError:
                pass  # not an address: keep the proxy's
        return self.get_response(request)
