"""Versioned rules: a rule's numbers change from a date on, and the version in force on a day
is the latest whose ``effective_from`` is on or before it.

A versioned model inherits ``EffectiveDated`` (an abstract base: core holds no domain
models) and reads its versions through one query:

    OrgRule.objects.filter(authority_id=…).in_force_on(day)       # one version or None
    rule.versions.in_force_on(day)                                 # related managers too
    MeetingRule.objects.filter(…).in_force_by(day, "kind")         # per key, one query
"""

from __future__ import annotations

from datetime import date
from typing import Any, Generic, TypeVar

from django.db import models

_M = TypeVar("_M", bound=models.Model)


class EffectiveDatedQuerySet(models.QuerySet[_M], Generic[_M]):
    """The versions of a rule, and which of them is in force on a day."""

    def in_force(self, day: date) -> EffectiveDatedQuerySet[_M]:
        """The versions in force on ``day`` or before it, the one in force first."""
        return self.filter(effective_from__lte=day).order_by("-effective_from")

    def in_force_on(self, day: date) -> _M | None:
        """The version in force on ``day`` (one query), None when none had begun."""
        return self.in_force(day).first()

    def in_force_by(self, day: date, *keys: str) -> dict[Any, _M]:
        """For every value of ``keys`` (a value, or a tuple of values for several keys) the
        version in force on ``day``, in one query. The result is ordered by the keys."""
        if not keys:
            raise ValueError("in_force_by needs at least one key")
        rows = self.filter(effective_from__lte=day).order_by(*keys, "-effective_from")
        latest: dict[Any, _M] = {}
        for row in rows:
            values = tuple(getattr(row, key) for key in keys)
            latest.setdefault(values[0] if len(keys) == 1 else values, row)
        return latest


class EffectiveDated(models.Model):
    """A version of a rule's numbers, in force from ``effective_from`` until the next
    version begins. Subclasses add the rule's key (the city, the rule) and a unique
    constraint on it with ``effective_from``."""

    effective_from = models.DateField("生效日期")

    objects = EffectiveDatedQuerySet.as_manager()

    class Meta:
        abstract = True
