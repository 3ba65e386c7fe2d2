"""Logging of the ground floor: a request id on every record, JSON or plain lines, and a
safety net that masks anything looking like an ID number or a mobile.

Settings wire these into ``LOGGING`` (hongfan/settings.py). The request id comes from
``core.middleware.RequestIdMiddleware`` for a request and from the task id for a huey task
(``core.tasks``); records made outside both carry ``-``.

The masking is a net, not the rule: code never logs a full ID number or mobile
(ARCHITECTURE.md "Personal data"), and ``hongfan/tests/test_log_privacy.py`` checks a
realistic run's logs. The net catches what slips through: a value in an exception
message, a path, a query parameter of Django's own lines. It masks the whole formatted
line, tracebacks included, as ``core.pii`` masks on pages.
"""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from hongfan.core.pii import mask_id_number, mask_mobile

NO_REQUEST = "-"
request_id_var: ContextVar[str] = ContextVar("hongfan_request_id", default=NO_REQUEST)

# 18 characters, the last may be X; 1[3-9] and nine digits, optionally after +86 / 86.
# Bounded by anything but an ASCII letter or digit, so that a hex request id, a hash or a
# ciphertext that happens to hold a run of digits is left alone.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z+])(\+?86[- ]?)?(1[3-9]\d{9})(?![0-9A-Za-z])")


def mask_pii(text: str) -> str:
    """``text`` with every ID number and mobile in it masked as on the pages."""
    if not any(c.isdigit() for c in text):
        return text
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    return _MOBILE.sub(lambda m: (m.group(1) or "") + mask_mobile(m.group(2)), text)


def current_request_id() -> str:
    """The id of the request (or task) being served, ``-`` outside both."""
    return request_id_var.get()


def _stamp(record: logging.LogRecord) -> None:
    """Give ``record`` its ``request_id``: the current request's or task's; for Django's
    lines about a response (logged after the middleware returned), the request's own."""
    if not hasattr(record, "request_id"):
        rid = getattr(getattr(record, "request", None), "request_id", None)
        record.request_id = rid if isinstance(rid, str) else request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (the current request's or task's)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _stamp(record)
        return True


class PiiFilter(logging.Filter):
    """Masks ID numbers and mobiles in a record's message and arguments (rendered into the
    message) and in its traceback text. The formatters below mask the final line again,
    so whatever a record carries, nothing unmasked is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: logging reports it, we pass it on
            return True
        masked = mask_pii(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_pii(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_pii(record.stack_info)
        return True


class TextFormatter(logging.Formatter):
    """Plain lines (development, tests): time, level, logger, request id, message."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None, **kwargs: Any) -> None:
        super().__init__(
            fmt or "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            datefmt,
            **kwargs,
        )

    def format(self, record: logging.LogRecord) -> str:
        _stamp(record)
        return mask_pii(super().format(record))


# The fields a JSON line may carry: the record's own, and the access line's (see
# core.middleware). Anything else a library attaches (Django's ``request``, whose text
# holds the query string; a database log's ``params``) stays out.
JSON_FIELDS = (
    "time",
    "level",
    "logger",
    "message",
    "request_id",
    "method",
    "path",
    "status",
    "duration_ms",
    "user_id",
    "ip",
    "task",
    "exc_info",
    "stack_info",
)


class JsonFormatter(_JsonFormatter):
    """One JSON object a line (production): ``time level logger message request_id`` and,
    on access lines, ``method path status duration_ms user_id ip``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("json_ensure_ascii", False)  # Chinese as text, and maskable
        super().__init__(*args, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        _stamp(record)
        return mask_pii(super().format(record))

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """ISO 8601 with milliseconds and the offset: 2026-03-02T08:00:00.123+08:00."""
        moment = datetime.fromtimestamp(record.created).astimezone()
        return moment.isoformat(timespec="milliseconds")

    def formatException(self, ei: Any) -> str:  # type: ignore[override]
        return mask_pii(str(super().formatException(ei)))

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {k: log_data[k] for k in JSON_FIELDS if k in log_data}
