"""The volunteer API: open activities with places left, sign up (waitlist position),
cancel, scan in (refusals as a 400 in Chinese, nothing changed), my hours."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hongfan.org.tests.factories import primary, sec_branch, second
from hongfan.service.models import Signup
from hongfan.service.services.hours import hours_confirm
from hongfan.service.services.signup import signup_create, signup_mark
from hongfan.service.tests.factories_hours import demo_access, make_activity

pytestmark = pytest.mark.django_db


def test_open_activities_show_places_left(client_for: Any) -> None:
    a = make_activity(primary(), capacity=3, title="世界卫生日义诊")
    make_activity(second(), title="外院义诊")
    data = client_for("member").get(reverse("api-service-activities")).json()
    mine = next(x for x in data if x["id"] == a.pk)
    assert mine["shifts"][0]["places_left"] == 3
    assert all(x["title"] != "外院义诊" for x in data)


def test_sign_up_then_waitlist_then_cancel(client_for: Any) -> None:
    a = make_activity(primary(), capacity=1)
    shift = a.shifts.get()
    signup_create(access=demo_access("sec"), shift=shift)
    c = client_for("member")
    r = c.post(reverse("api-service-signup", args=[shift.pk]), content_type="application/json")
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "waitlisted" and body["waitlist_position"] == 1
    again = c.post(reverse("api-service-signup", args=[shift.pk]), content_type="application/json")
    assert again.status_code == 400 and "已报名" in str(again.json())
    r = c.post(reverse("api-service-cancel", args=[body["id"]]), content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    listed = c.get(reverse("api-service-signups")).json()["results"]
    assert body["id"] not in [x["id"] for x in listed]


def test_scan_in_with_the_code_and_a_wrong_code_is_a_400(client_for: Any) -> None:
    start = timezone.now() - timedelta(minutes=5)
    a = make_activity(primary(), starts_at=start)
    row = signup_create(
        access=demo_access("member"), shift=a.shifts.get(), now=start - timedelta(days=1)
    )
    c = client_for("member")
    url = reverse("api-service-checkin", args=[a.pk])
    bad = c.post(url, {"token": "x"}, content_type="application/json")
    assert bad.status_code == 400 and "签到码无效" in str(bad.json())
    row.refresh_from_db()
    assert row.checked_in_at is None
    ok = c.post(url, {"token": a.checkin_token}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["checked_in_at"]


def test_my_hours(client_for: Any) -> None:
    start = timezone.now() - timedelta(hours=5)
    a = make_activity(primary(), branch=sec_branch(), starts_at=start)
    sec = demo_access("sec")
    row = signup_create(
        access=demo_access("member"), shift=a.shifts.get(), now=start - timedelta(days=1)
    )
    signup_mark(access=sec, signup=row, action="in", now=start)
    hours_confirm(access=sec, activity=a)
    data = client_for("member").get(reverse("api-service-hours")).json()
    assert float(data["year_hours"]) >= 3.0
    assert any(e["activity_title"] == a.title for e in data["entries"])


def test_the_city_has_no_volunteer_record(client_for: Any) -> None:
    assert client_for("city").get(reverse("api-service-hours")).status_code == 403
    assert Signup.objects.count() >= 0
