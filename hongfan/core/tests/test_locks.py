"""core.locks: every writer locks rows the same way (only its own rows, in pk order)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import transaction
from django.db.models import QuerySet

from hongfan.core.locks import lock_first, lock_one, lock_rows
from hongfan.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    return [
        AuditEvent.objects.create(action=AuditAction.EXPORT, username=name)
        for name in ("丙", "甲", "乙")
    ]


@pytest.fixture
def spy():
    original = QuerySet.select_for_update
    with mock.patch.object(
        QuerySet, "select_for_update", autospec=True, side_effect=original
    ) as patched:
        yield patched


def _assert_locked_self_only(spy):
    assert spy.call_count == 1
    assert spy.call_args.kwargs == {"of": ("self",)}


def test_lock_rows_locks_only_the_models_rows_in_pk_order(events, spy):
    with transaction.atomic():
        rows = lock_rows(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("-at"))
    assert [r.pk for r in rows] == sorted(e.pk for e in events)
    _assert_locked_self_only(spy)


def test_lock_rows_takes_a_model_for_all_its_rows(events):
    with transaction.atomic():
        rows = lock_rows(AuditEvent)
    assert {e.pk for e in events} <= {r.pk for r in rows}


def test_lock_one_reads_the_row_again(events, spy):
    event = events[1]
    with transaction.atomic():
        fresh = lock_one(AuditEvent, event.pk)
    assert fresh.pk == event.pk and fresh is not event and fresh.username == "甲"
    _assert_locked_self_only(spy)


def test_lock_one_takes_a_queryset_and_a_missing_row_is_does_not_exist(events):
    with transaction.atomic():
        assert lock_one(AuditEvent.objects.select_related("user"), events[0].pk).username == "丙"
        with pytest.raises(AuditEvent.DoesNotExist):
            lock_one(AuditEvent, max(e.pk for e in events) + 1000)


def test_lock_first_is_the_lowest_pk_or_none(events, spy):
    with transaction.atomic():
        first = lock_first(AuditEvent.objects.filter(username__in=["甲", "乙"]))
        none = lock_first(AuditEvent.objects.filter(username="无此人"))
    assert first is not None and first.pk == events[1].pk
    assert none is None
    assert spy.call_count == 2 and all(c.kwargs == {"of": ("self",)} for c in spy.call_args_list)
