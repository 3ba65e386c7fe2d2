"""Request middleware of the ground floor."""

from __future__ import annotations

import ipaddress
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import Token

from django.http import HttpRequest, HttpResponse

from hongfan.core.logging import request_id_var


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


# --- Request id and access line (issue 11: structured logs) ---------------------------------

REQUEST_ID_HEADER = "X-Request-ID"
# What an incoming id may look like (nginx's $request_id is 32 hex digits): anything else,
# or none, gets a fresh one; the charset keeps a forged header from breaking a log line.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
# The monitor's probe every few seconds is not worth a line when all is well.
_QUIET_PATHS = ("/healthz",)

access_logger = logging.getLogger("hongfan.access")


def request_id_from(request: HttpRequest) -> str:
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    if _VALID_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)  # absent when a response came before auth
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def log_access(request: HttpRequest, status: int, started: float) -> None:
    """One line per request: method, path without its query string, status, duration,
    the acting user's id (never a name) and the client's address, each in its own field."""
    ms = round((time.perf_counter() - started) * 1000, 1)
    quiet = request.path in _QUIET_PATHS and status < 400
    user_id = _user_id(request)
    ip = request.META.get("REMOTE_ADDR", "")
    access_logger.log(
        logging.DEBUG if quiet else logging.INFO,
        "%s %s %s %sms user=%s ip=%s",
        request.method,
        request.path,
        status,
        ms,
        user_id if user_id is not None else "-",
        ip,
        extra={
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": ms,
            "user_id": user_id,
            "ip": ip,
        },
    )


class RequestIdMiddleware:
    """Gives each request an id: a valid ``X-Request-ID`` from nginx, else a new one. It is
    on every log record made while the request is served (``core.logging``), in the
    response's ``X-Request-ID`` header and on the 500 page (错误编号), so that a support
    call finds the lines. Then writes the request's access line.

    First in MIDDLEWARE (after ``ProxyClientAddressMiddleware``, so the line has the
    client's address), so that every other middleware's records carry the id. Sync only:
    under ASGI Django runs it in a thread like the middleware after it, and the id still
    reaches every record (the context is copied into the thread)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid, token, started = self.begin(request)
        try:
            response = self.get_response(request)
            return self.end(request, response, rid, started)
        finally:
            request_id_var.reset(token)

    def begin(self, request: HttpRequest) -> tuple[str, Token[str], float]:
        rid = request_id_from(request)
        request.request_id = rid  # type: ignore[attr-defined]
        return rid, request_id_var.set(rid), time.perf_counter()

    def end(
        self, request: HttpRequest, response: HttpResponse, rid: str, started: float
    ) -> HttpResponse:
        response[REQUEST_ID_HEADER] = rid
        log_access(request, response.status_code, started)
        return response
