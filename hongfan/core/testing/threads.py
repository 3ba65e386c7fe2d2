"""Races for the concurrency tests: the same work started in several threads at once, each
with its own database connection (closed after), as several gunicorn workers would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def in_threads(work: Callable[[int], list[Any]], n: int) -> list[Any]:
    """Run work(i) in n threads started together and return all their results (each
    returns a list). Any exception in a thread (e.g. "database is locked") fails the test,
    named; a thread that hangs fails it too."""
    barrier = threading.Barrier(n)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            out = work(i)
            with lock:
                results.extend(out)
        except BaseException as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not errors, [f"{type(e).__name__}: {e}" for e in errors]
    return results
