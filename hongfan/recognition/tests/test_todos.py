"""recognition's source of today's tasks (core.todos): the 季度之星 of a member's hospital in
public notice (公示), until the notice ends; nobody of another hospital is told."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from hongfan.core import todos
from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.org.tests.factories import primary
from hongfan.recognition.models import StarSelection, StarStatus


def _tasks(user, day=None):
    found = todos.todos_for(access_for(user), day or today())
    return [t for t in found if t.source == "recognition.star_notice"]


def test_a_member_is_told_of_the_stars_in_notice_until_it_ends(users):
    StarSelection.objects.filter(hospital=primary(), status=StarStatus.NOTICE).delete()
    s = StarSelection.objects.create(
        hospital=primary(),
        year=2001,
        quarter=1,
        status=StarStatus.NOTICE,
        notice_start=today(),
        notice_end=today() + timedelta(days=5),
    )
    [task] = _tasks(users["member"])
    assert task.title == "2001年第1季度之星公示中"
    assert task.url == reverse("recognition:star_detail", args=[s.pk])
    assert task.due == s.notice_end
    assert _tasks(users["member"], today() + timedelta(days=6)) == []
    for name in ("hosp2", "city", "hosp"):
        assert _tasks(users[name]) == []
