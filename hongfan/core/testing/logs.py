"""Capturing what the logs would hold: every record of every logger, at a chosen level,
formatted by the configured console handler's filters and formatter (settings.LOGGING),
so that a test reads the lines an operator's log file would get."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Captured:
    """``text``: the lines as configured (masked); ``raw``: the same records before any
    filter ran (``name message`` and traceback), to find code that relies on the net."""

    stream: io.StringIO = field(default_factory=io.StringIO)
    raw_records: list[tuple[str, str]] = field(default_factory=list)  # (logger, text)

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    @property
    def raw(self) -> str:
        return "\n".join(f"{name} {text}" for name, text in self.raw_records)

    @property
    def lines(self) -> list[str]:
        return [line for line in self.text.splitlines() if line.strip()]


class _RawHandler(logging.Handler):
    def __init__(self, into: list[tuple[str, str]]) -> None:
        super().__init__()
        self.into = into
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append((record.name, self.format(record)))


def console_handler() -> logging.Handler:
    return next(h for h in logging.getLogger().handlers if h.name == "console")


@contextmanager
def captured_logs(
    level: int = logging.DEBUG, formatter: logging.Formatter | None = None
) -> Iterator[Captured]:
    console = console_handler()
    captured = Captured()
    raw = _RawHandler(captured.raw_records)
    handler = logging.StreamHandler(captured.stream)
    for f in console.filters:
        handler.addFilter(f)
    handler.setFormatter(formatter or console.formatter)
    # Every logger: the root, and each named one that does not pass records up (huey).
    loggers = [logging.getLogger()] + [
        lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    saved = {lg: lg.level for lg in loggers}
    console_level = console.level
    try:
        console.setLevel(logging.CRITICAL + 1)  # quiet on stderr meanwhile
        for lg in loggers:
            if lg.level != logging.NOTSET or lg is logging.getLogger():
                lg.setLevel(level)
        for lg in loggers:
            if lg is logging.getLogger() or console in lg.handlers:
                lg.handlers.insert(0, raw)  # first: it sees records before any filter
                lg.addHandler(handler)
        yield captured
    finally:
        for lg in loggers:
            for h in (raw, handler):
                if h in lg.handlers:
                    lg.removeHandler(h)
            lg.setLevel(saved[lg])
        console.setLevel(console_level)
