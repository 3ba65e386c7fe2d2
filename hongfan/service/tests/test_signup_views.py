"""The volunteer's phone pages: the list with places left, sign up and cancel with a
Chinese message, the QR check-in page, and the lead's roster."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.org.tests.factories import primary, sec_branch, second
from hongfan.service.choices import SignupStatus
from hongfan.service.models import Signup
from hongfan.service.services.signup import signup_create
from hongfan.service.tests.factories_hours import demo_access, make_activity

pytestmark = pytest.mark.django_db


def member_person() -> Any:
    return User.objects.get(username="member").person


def test_the_volunteer_page_lists_open_activities_with_places_left(client_for: Any) -> None:
    a = make_activity(primary(), title="重阳节敬老义诊", capacity=4)
    make_activity(second(), title="外院活动")
    html = client_for("member").get(reverse("service:volunteer")).content.decode()
    assert "重阳节敬老义诊" in html and "剩余4个名额" in html
    assert "外院活动" not in html
    assert f'action="{reverse("service:signup_create", args=[a.shifts.get().pk])}"' in html


def test_the_volunteer_page_keeps_its_query_count_as_activities_grow(
    client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(6):
        make_activity(primary(), starts_at=timezone.now() + timedelta(days=3 + i), shifts=2)
    c = client_for("member")
    with django_assert_max_num_queries(16):
        assert c.get(reverse("service:volunteer")).status_code == 200


def test_signing_up_on_the_phone_says_so_and_a_full_shift_puts_you_on_the_waitlist(
    client_for: Any,
) -> None:
    a = make_activity(primary(), capacity=1)
    shift = a.shifts.get()
    signup_create(access=demo_access("sec"), shift=shift)
    r = client_for("member").post(reverse("service:signup_create", args=[shift.pk]), follow=True)
    html = r.content.decode()
    assert "你已进入候补，排第1位" in html
    assert "候补第1位" in html  # in 我的报名


def test_a_refused_signup_shows_the_reason_and_changes_nothing(client_for: Any) -> None:
    a = make_activity(primary(), signup_deadline=timezone.now() - timedelta(minutes=1))
    r = client_for("member").post(
        reverse("service:signup_create", args=[a.shifts.get().pk]), follow=True
    )
    assert "报名已于" in r.content.decode()
    assert not Signup.objects.filter(activity=a).exists()


def test_another_hospitals_shift_is_not_there(client_for: Any) -> None:
    a = make_activity(second())
    r = client_for("member").post(reverse("service:signup_create", args=[a.shifts.get().pk]))
    assert r.status_code == 404
    assert not Signup.objects.filter(activity=a).exists()


def test_cancelling_on_the_phone(client_for: Any) -> None:
    a = make_activity(primary())
    row = signup_create(access=demo_access("member"), shift=a.shifts.get())
    r = client_for("member").post(reverse("service:signup_cancel", args=[row.pk]), follow=True)
    assert "已取消报名" in r.content.decode()
    row.refresh_from_db()
    assert row.status == SignupStatus.CANCELLED


def _started() -> tuple[Any, Signup]:
    start = timezone.now() - timedelta(minutes=5)
    a = make_activity(primary(), branch=sec_branch(), starts_at=start, title="社区健康巡诊")
    row = signup_create(
        access=demo_access("member"), shift=a.shifts.get(), now=start - timedelta(days=1)
    )
    return a, row


def test_the_qr_page_checks_the_volunteer_in_with_one_tap(client_for: Any) -> None:
    a, row = _started()
    url = reverse("service:checkin", args=[a.pk, a.checkin_token])
    c = client_for("member")
    assert "请确认签到" in c.get(url).content.decode()
    html = c.post(url, {"action": "in"}, follow=True).content.decode()
    assert "已签到" in html and "服务结束，签退" in html
    row.refresh_from_db()
    assert row.checked_in_at is not None
    again = c.post(url, {"action": "in"}).content.decode()
    assert "无需重复签到" in again


def test_a_wrong_code_is_a_404_that_tells_nothing(client_for: Any) -> None:
    a, _ = _started()
    r = client_for("member").get(reverse("service:checkin", args=[a.pk, "nope"]))
    assert r.status_code == 404 and "社区健康巡诊" not in r.content.decode()


def test_the_lead_page_lists_the_volunteers_and_the_qr_code(client_for: Any) -> None:
    a, row = _started()
    html = client_for("sec").get(reverse("service:roster", args=[a.pk])).content.decode()
    assert member_person().name in html and "<svg" in html and "未签到" in html
    r = client_for("sec").post(
        reverse("service:signup_mark", args=[row.pk]), {"action": "in"}, follow=True
    )
    assert "已签到" in r.content.decode()
    row.refresh_from_db()
    assert row.checkin_method == "lead"


def test_a_volunteer_cannot_open_the_lead_page_or_mark_others(client_for: Any) -> None:
    a, row = _started()
    c = client_for("member")
    assert c.get(reverse("service:roster", args=[a.pk])).status_code == 403
    assert (
        c.post(reverse("service:signup_mark", args=[row.pk]), {"action": "in"}).status_code == 403
    )
    row.refresh_from_db()
    assert row.checked_in_at is None


def test_the_activity_panel_partial_offers_sign_up_and_the_organiser_links(
    client_for: Any, rf: Any
) -> None:
    from django.template.loader import render_to_string

    from hongfan.core.access import access_for

    a = make_activity(primary(), branch=sec_branch(), capacity=2)
    for username, want in (("member", "报名"), ("sec", "确认服务时长")):
        user = User.objects.get(username=username)
        request = rf.get("/")
        request.user = user
        html = render_to_string(
            "service/partials/_activity_signups.html",
            {"activity": a, "request": request, "access": access_for(user)},
            request=request,
        )
        assert want in html, username
