"""Reads that every request makes, compiled to SQL by the ORM once per process.

Building and compiling a queryset costs some 800 Python function calls (a few thousand for
one with subqueries), running its SQL some 60. A read of the same shape on every page (the
user's roles, the 消息 badge, a member's study hours) is therefore written as an ordinary
queryset with placeholder arguments, compiled once per database alias and thread (so the SQL
is the ORM's own, for whichever database is configured) and then run with the request's
arguments.

Arguments are integers, strings, decimals, dates or datetimes, each of which must reach the SQL as a parameter
(compiling refuses a query where one does not, e.g. a ``None`` that becomes ``IS NULL``): a
date or datetime is adapted for the database as the ORM adapted the placeholder. Rows come
back as tuples, through the ORM's converters when ``convert=True`` (dates, booleans,
durations, decimals), else as the database gives them (integers and strings); with
``objects=True`` as the model instances the queryset gives (``select_related`` included).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

# Placeholders the arguments are compiled with: values no real argument takes.
_PLACEHOLDER = -7_300_000_001


def _placeholder(kind: type, i: int) -> Any:
    if kind is str:
        return f"\x1fprepared-placeholder-{i}\x1f"
    if kind is Decimal:
        return Decimal(_PLACEHOLDER - i) - Decimal("0.37")
    if kind is datetime:
        return datetime(1001, 1, 1 + i, 1, 2, 3, 456789, tzinfo=UTC)
    if kind is date:
        return date(1001, 2, 1 + i)
    return _PLACEHOLDER - i


def _kind(value: Any) -> type:
    if isinstance(value, str):
        return str
    if isinstance(value, Decimal):
        return Decimal
    if isinstance(value, datetime):
        return datetime
    if isinstance(value, date):
        return date
    return int


class PreparedQuery:
    """``PreparedQuery(lambda user_id: Model.objects.filter(...).values_list(...))``, then
    ``rows(user_id)`` returns the rows (tuples) of that query for ``user_id``."""

    def __init__(
        self, build: Callable[..., QuerySet[Any]], *, convert: bool = False, objects: bool = False
    ) -> None:
        self._build = build
        self._convert = convert or objects
        self._objects = objects
        # per thread: a compiler (and its converters) belongs to one thread's connection
        self._local = threading.local()

    def _compile(self, using: str, kinds: tuple[type, ...]) -> tuple[Any, ...]:
        placeholders = [_placeholder(kind, i) for i, kind in enumerate(kinds)]
        compiler = self._build(*placeholders).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        ops = connections[using].ops
        # how each placeholder may reach the parameters: itself, or adapted for a column
        forms: dict[Any, tuple[int, Callable[[Any], Any] | None]] = {}
        for i, (kind, value) in enumerate(zip(kinds, placeholders, strict=True)):
            forms[value] = (i, None)
            if kind is datetime:
                forms[ops.adapt_datetimefield_value(value)] = (i, ops.adapt_datetimefield_value)
            elif kind is date:
                forms[ops.adapt_datefield_value(value)] = (i, ops.adapt_datefield_value)
        # each parameter is either an argument (its index and adapter) or a constant
        slots: list[tuple[bool, Any, Callable[[Any], Any] | None]] = []
        used = set()
        for value in params:
            try:
                form = forms.get(value)
            except TypeError:  # an unhashable constant
                form = None
            if form is not None:
                slots.append((True, form[0], form[1]))
                used.add(form[0])
            else:
                slots.append((False, value, None))
        if used != set(range(len(kinds))):
            raise ValueError("every argument of a prepared query must be a query parameter")
        converters = None
        if self._convert:
            fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
            converters = compiler.get_converters(fields)
        builder = self._instances_builder(compiler, using) if self._objects else None
        return sql, slots, compiler, converters, builder

    @staticmethod
    def _instances_builder(compiler: Any, using: str) -> Callable[[list[Any]], list[Any]]:
        """Model instances from converted rows, as the ORM's ``ModelIterable`` makes them:
        the model's columns, its ``select_related`` objects and its annotations."""
        select, klass_info = compiler.select, compiler.klass_info
        annotations = dict(compiler.annotation_col_map or {})
        model = klass_info["model"]
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [f[0].target.attname for f in select[first:last]]
        populators = get_related_populators(klass_info, select, using)  # type: ignore[call-arg]

        def instances(rows: list[Any]) -> list[Any]:
            out = []
            for row in rows:
                obj = model.from_db(using, names, row[first:last])
                for populator in populators:
                    populator.populate(row, obj)
                for name, position in annotations.items():
                    setattr(obj, name, row[position])
                out.append(obj)
            return out

        return instances

    def rows(self, *args: Any, using: str = DEFAULT_DB_ALIAS) -> list[Any]:
        """The rows (tuples) of the query for ``args``; model instances with ``objects=True``."""
        kinds = tuple(_kind(a) for a in args)
        cache: dict[tuple[str, tuple[type, ...]], tuple[Any, ...]] | None
        cache = getattr(self._local, "compiled", None)
        if cache is None:
            cache = self._local.compiled = {}
        key = (using, kinds)
        compiled = cache.get(key)
        if compiled is None:
            compiled = cache[key] = self._compile(using, kinds)
        sql, slots, compiler, converters, builder = compiled
        params = [
            (adapt(args[v]) if adapt else args[v]) if is_arg else v for is_arg, v, adapt in slots
        ]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [tuple(r) for r in compiler.apply_converters(rows, converters)]
        return builder(rows) if builder else rows
