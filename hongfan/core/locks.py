"""Row locks for services that read, check and write in one transaction.

Every writer locks through these, so that concurrent writers take their locks in the same
order (by primary key: no deadlock between two transactions locking the same rows) and
lock only the rows of the model asked for (``of=("self",)``: a ``select_related`` join is
read, not locked). PostgreSQL locks the rows until the transaction ends; SQLite ignores
``select_for_update`` (its IMMEDIATE transactions already serialise writers).

Call them inside ``transaction.atomic()``: outside one, PostgreSQL refuses a lock.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

_M = TypeVar("_M", bound=models.Model)


def _queryset(source: type[_M] | models.QuerySet[_M]) -> models.QuerySet[_M]:
    if isinstance(source, models.QuerySet):
        return source
    return source._default_manager.all()


def lock_rows(source: type[_M] | models.QuerySet[_M]) -> list[_M]:
    """The rows of a queryset (or every row of a model), locked in pk order."""
    return list(_queryset(source).select_for_update(of=("self",)).order_by("pk"))


def lock_first(source: type[_M] | models.QuerySet[_M]) -> _M | None:
    """The row of the queryset with the lowest pk, locked; None when it has none (a row
    about to be created is then not locked: pair it with a unique constraint)."""
    return _queryset(source).select_for_update(of=("self",)).order_by("pk").first()


def lock_one(source: type[_M] | models.QuerySet[_M], pk: Any) -> _M:
    """One row by its pk, read again and locked (``DoesNotExist`` when it is gone). Pass a
    queryset to read related rows along (``Meeting.objects.select_related("branch")``)."""
    return _queryset(source).select_for_update(of=("self",)).get(pk=pk)
