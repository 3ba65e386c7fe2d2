"""core.prepared: a read compiled once per process and run with each request's arguments
gives what the queryset itself gives, for integer, date and datetime arguments."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db.models import Count, DateField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from hongfan.core.prepared import PreparedQuery

pytestmark = pytest.mark.django_db


def _sessions(after: datetime, before: datetime):
    return (
        Session.objects.filter(expire_date__gt=after, expire_date__lt=before)
        .order_by("session_key")
        .values_list("session_key", "expire_date")
    )


def _days(since: date):
    return (
        Session.objects.annotate(day=Cast("expire_date", DateField()))
        .filter(day__gte=since)
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )


@pytest.fixture
def sessions() -> list[Session]:
    now = timezone.now().replace(microsecond=0)
    return [
        Session.objects.create(
            session_key=f"prepared{n:02}", session_data="x", expire_date=now + timedelta(days=n)
        )
        for n in range(6)
    ]


def test_datetime_arguments_give_what_the_queryset_gives(sessions):
    prepared = PreparedQuery(_sessions, convert=True)
    now = timezone.now()
    for after, before in [
        (now, now + timedelta(days=3)),
        (now - timedelta(days=1), now + timedelta(days=30)),
        (now + timedelta(days=40), now + timedelta(days=50)),
    ]:
        expected = list(_sessions(after, before))
        assert prepared.rows(after, before) == expected
    assert all(isinstance(d, datetime) for _, d in prepared.rows(now, now + timedelta(days=9)))


def test_date_arguments_and_converted_dates(sessions):
    prepared = PreparedQuery(_days, convert=True)
    today = timezone.localdate()
    for since in (today, today + timedelta(days=2), today + timedelta(days=99)):
        assert prepared.rows(since) == list(_days(since))


def test_an_argument_that_is_no_parameter_is_refused():
    prepared = PreparedQuery(
        lambda n: Session.objects.filter(Q(session_key="a") | Q(pk__in=[])).values_list("pk")
    )
    with pytest.raises(ValueError, match="every argument"):
        prepared.rows(3)


def test_objects_are_the_instances_the_queryset_gives_with_their_related_objects():
    from django.contrib.auth.models import Permission
    from django.db.models import Value

    def build(content_type_id: int):
        return (
            Permission.objects.select_related("content_type")
            .filter(content_type_id=content_type_id)
            .annotate(mark=Value(7))
            .order_by("codename")
        )

    prepared = PreparedQuery(build, objects=True)
    some = Permission.objects.order_by("pk").first()
    assert some is not None
    got = prepared.rows(some.content_type_id)
    expected = list(build(some.content_type_id))
    assert got == expected and got
    for a, b in zip(got, expected, strict=True):
        assert (a.codename, a.name, a.mark) == (b.codename, b.name, b.mark)
        assert a.content_type.model == b.content_type.model  # loaded with it, no query
        assert a._state.db == "default" and not a._state.adding
    assert prepared.rows(10**9) == []
