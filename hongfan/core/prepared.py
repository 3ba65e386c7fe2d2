"""Reads that every request makes, compiled to SQL by the ORM once per process.

Building and compiling a queryset costs some 800 Python function calls, running its SQL some
60. A read of the same shape on every page (the user's roles, the 消息 badge) is therefore
written as an ordinary queryset with placeholder arguments, compiled once per database alias
(so the SQL is the ORM's own, for whichever database is configured) and then run with the
request's arguments. Rows come back as the database gives them (no field converters), so
use it for integers and strings, not dates or booleans.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# Placeholders the arguments are compiled with: numbers no real argument takes.
_PLACEHOLDER = -7_300_000_001


class PreparedQuery:
    """``PreparedQuery(lambda user_id: Model.objects.filter(...).values_list(...))``, then
    ``rows(user_id)`` returns the rows (tuples) of that query for ``user_id``."""

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self._build = build
        self._compiled: dict[tuple[str, int], tuple[str, list[Any]]] = {}
        self._lock = threading.Lock()

    def _compile(self, using: str, arity: int) -> tuple[str, list[Any]]:
        placeholders = [_PLACEHOLDER - i for i in range(arity)]
        query = self._build(*placeholders).query
        sql, params = query.get_compiler(using=using).as_sql()
        # each parameter is either an argument (its index) or a constant of the query
        slots: list[Any] = []
        for value in params:
            if isinstance(value, int) and value in placeholders:
                slots.append(("arg", placeholders.index(value)))
            else:
                slots.append(("const", value))
        if sum(1 for kind, _ in slots if kind == "arg") != arity:
            raise ValueError("every argument of a prepared query must be a query parameter")
        return sql, slots

    def rows(self, *args: int, using: str = DEFAULT_DB_ALIAS) -> list[tuple[Any, ...]]:
        key = (using, len(args))
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or self._compile(using, len(args))
                self._compiled[key] = compiled
        sql, slots = compiled
        params = [args[v] if kind == "arg" else v for kind, v in slots]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
