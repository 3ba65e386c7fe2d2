"""Finishing an item is recorded once (a double click, two tabs) and shows at once: the
page's 我的学习 gets the credited minutes in the answer, and 我的学习 is never served from a
stored copy."""

from __future__ import annotations

import time

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from hongfan.core.dates import today
from hongfan.points.models import PointEntry
from hongfan.study.choices import LogMethod, LogStatus
from hongfan.study.models import StudyCompletion, StudyLog
from hongfan.study.services import items as item_services

pytestmark = pytest.mark.django_db


def member_client(world, person) -> Client:
    world.member(person)
    client = Client()
    client.force_login(world.users[f"m{person.pk}"])
    return client


def token(item, person, seconds_ago=120) -> str:
    return item_services.read_token(
        item_id=item.pk, person_id=person.pk, opened_at=time.time() - seconds_ago
    )


def test_the_database_refuses_a_second_read_log_of_the_same_item(world):
    """Two requests that both passed the check before either wrote (two tabs on PostgreSQL)
    cannot both log the reading: the second insert is refused by the database."""
    person, item = world.a[1], world.item()
    values = {
        "hospital": world.hospital,
        "person": person,
        "item": item,
        "method": LogMethod.READ,
        "status": LogStatus.CONFIRMED,
        "minutes": 20,
        "studied_on": today(),
    }
    StudyLog.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        StudyLog.objects.create(**values)


def test_a_double_click_logs_once_and_pays_once(world):
    person, item = world.a[1], world.item()
    client = member_client(world, person)
    url = reverse("study:item_read", args=[item.pk])
    headers = {"Accept": "application/json"}
    first = client.post(url, {"token": token(item, person)}, headers=headers)
    second = client.post(url, {"token": token(item, person)}, headers=headers)
    assert first.status_code == second.status_code == 200
    assert StudyLog.objects.filter(person=person, item=item).count() == 1
    assert StudyCompletion.objects.filter(person=person, item=item).count() == 1
    assert PointEntry.objects.filter(person=person, source_type="study").count() == 1


def test_the_answer_to_the_page_carries_the_new_progress(world):
    person, item = world.a[1], world.item(expected_minutes=25)
    client = member_client(world, person)
    response = client.post(
        reverse("study:item_read", args=[item.pk]),
        {"token": token(item, person)},
        headers={"Accept": "application/json"},
    )
    data = response.json()
    assert data["ok"] and "已确认 25 分钟" in data["progress"] and "已完成" in data["progress"]


def test_my_study_is_never_served_from_a_stored_copy_and_shows_the_new_hours(world):
    person, item = world.a[1], world.item(expected_minutes=30)
    client = member_client(world, person)
    before = client.get(reverse("study:mine"))
    assert "no-store" in before["Cache-Control"]
    client.post(
        reverse("study:item_read", args=[item.pk]),
        {"token": token(item, person)},
        headers={"Accept": "application/json"},
    )
    after = client.get(reverse("study:mine")).content.decode()
    assert '<span class="fs-3 fw-bold text-danger">0.5</span>' in after
    page = client.get(reverse("study:item", args=[item.pk]))
    assert "no-store" in page["Cache-Control"]
    assert 'id="log-form"' not in page.content.decode()  # nothing left to log


def test_self_study_cannot_log_more_than_the_item_states(world):
    from hongfan.study.services import logs as log_services
    from hongfan.study.tests.conftest import refused

    member = world.member(world.a[1])
    item = world.item(expected_minutes=30)
    refused(
        lambda: log_services.log_submit(access=member, item=item, minutes=600, studied_on=today()),
        says="本资料计学时30分钟，已登记0分钟，最多还能登记30分钟",
    )
    log = log_services.log_submit(access=member, item=item, minutes=30, studied_on=today())
    log_services.log_decide(access=world.sec, log=log, confirm=True)
    refused(
        lambda: log_services.log_submit(access=member, item=item, minutes=5, studied_on=today()),
        says="本资料计学时30分钟，已全部登记",
    )
