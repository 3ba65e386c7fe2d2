"""The home page's tasks of the hours part: a member's shift today or tomorrow, and the
organiser's hours waiting to be confirmed; the 服务 tab."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hongfan.core.todos import todos_for
from hongfan.org.tests.factories import primary, sec_branch
from hongfan.service.services.hours import hours_confirm
from hongfan.service.services.signup import signup_create, signup_mark
from hongfan.service.tests.factories_hours import demo_access, make_activity

pytestmark = pytest.mark.django_db


def _titles(username: str) -> list[str]:
    return [t.title for t in todos_for(demo_access(username), timezone.localdate())]


def test_a_member_sees_the_shift_they_signed_up_for_tomorrow() -> None:
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    a = make_activity(primary(), starts_at=start + timedelta(days=1), title="明日义诊")
    far = make_activity(primary(), starts_at=start + timedelta(days=5), title="下周义诊")
    member = demo_access("member")
    signup_create(access=member, shift=a.shifts.get(), now=start - timedelta(hours=1))
    signup_create(access=member, shift=far.shifts.get(), now=start - timedelta(hours=1))
    titles = _titles("member")
    assert "志愿服务：明日义诊" in titles and "志愿服务：下周义诊" not in titles


def test_the_organiser_is_asked_to_confirm_hours_until_they_do() -> None:
    start = timezone.now() - timedelta(hours=5)
    a = make_activity(primary(), branch=sec_branch(), starts_at=start, title="巡诊待确认")
    sec = demo_access("sec")
    row = signup_create(
        access=demo_access("member"), shift=a.shifts.get(), now=start - timedelta(days=1)
    )
    signup_mark(access=sec, signup=row, action="in", now=start)
    assert any("巡诊待确认" in t or t == "志愿服务时长待确认" for t in _titles("sec"))
    hours_confirm(access=sec, activity=a)
    assert not any("巡诊待确认" in t for t in _titles("sec"))


def test_members_get_the_service_tab(client_for: Any) -> None:
    html = client_for("member").get(reverse("service:volunteer")).content.decode()
    assert f'<a class="hf-tab active" href="{reverse("service:volunteer")}"' in html


def test_the_table_keeps_its_query_count(
    client_for: Any, django_assert_max_num_queries: Any
) -> None:
    c = client_for("hosp")
    with django_assert_max_num_queries(20):
        assert c.get(reverse("service:hours_table")).status_code == 200
