"""Messages about 季度之星: the list published for 公示 reaches the hospital's members, the
confirmation reaches the stars themselves; once each, nobody of another hospital."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any
from unittest.mock import patch

import pytest

from hongfan.accounts.models import User
from hongfan.notices.models import Notification
from hongfan.org.choices import MEMBER_STATUSES
from hongfan.points.tests.conftest import World
from hongfan.recognition.models import QuarterStar
from hongfan.recognition.services import stars as star_services
from hongfan.recognition.tests.test_stars import OPEN, create, give, pick, ranked

__all__ = ["give", "ranked"]  # the fixtures of the stars tests, used here too

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def everyone(ranked: World) -> World:
    """Every person of the test hospital has an account."""
    for p in ranked.a + ranked.b:
        if not User.objects.filter(person=p).exists():
            User.objects.create(username=f"star_{p.pk}", person=p)
    return ranked


def received(key: str) -> Counter[int]:
    return Counter(
        Notification.objects.filter(key=key).values_list("recipient__person_id", flat=True)
    )


def test_the_notice_reaches_the_members_and_the_confirmation_the_stars(everyone, committed):
    w = everyone
    sel = create(w, quota=3, **OPEN)
    star_services.star_selection_draft(access=w.admin, selection=sel)
    pick(w, sel, w.a[1])  # a[1] and a[2] tie on 40 for the last place: the admin decides
    with committed():
        star_services.star_selection_publish(access=w.admin, selection=sel, start=date(2026, 11, 2))
    members = [p for p in w.a + w.b if p.political_status in MEMBER_STATUSES]
    assert received(f"recognition.stars:{sel.pk}:notice") == Counter(p.pk for p in members)
    n = Notification.objects.filter(key=f"recognition.stars:{sel.pk}:notice").first()
    assert n.title == "2026年第三季度“季度之星”名单公示"
    assert "共3人" in n.body and "公示期至" in n.body
    assert (n.link, n.category) == ("/points/stars/", "季度之星")
    with (
        committed(),
        patch("hongfan.recognition.services.stars.today", return_value=date(2026, 11, 20)),
    ):
        star_services.star_selection_confirm(access=w.admin, selection=sel)
    stars = QuarterStar.objects.filter(selection=sel).values_list("person_id", flat=True)
    assert received(f"recognition.stars:{sel.pk}:confirmed") == Counter(stars)
    assert len(stars) == 3
    n = Notification.objects.filter(key=f"recognition.stars:{sel.pk}:confirmed").first()
    assert n.title == "您当选2026年第三季度“季度之星”"
