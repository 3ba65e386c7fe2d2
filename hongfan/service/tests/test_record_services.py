"""Recording what an activity did: figures, households (encrypted, masked), follow-ups as
to-dos, photos."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.core.todos import todos_for
from hongfan.service.models import Household, ServiceRecord
from hongfan.service.selectors.record import households_of
from hongfan.service.services.record import household_add, household_followed_up, record_save
from hongfan.service.tests.factories_activities import acc, plan, state
from hongfan.service.tests.test_brand_selectors import held

pytestmark = pytest.mark.django_db


def refused(call: Any, says: str, exc: type = ValidationError) -> None:
    before = state()
    with pytest.raises(exc) as info:
        call()
    text = (
        " ".join(info.value.messages)
        if isinstance(info.value, ValidationError)
        else str(info.value)
    )
    assert says in text, text
    assert state() == before


def test_a_record_of_a_free_clinic_keeps_its_figures_and_counts() -> None:
    a = held(plan())
    record_save(
        access=acc("sec"), activity=a, people_served=120, referrals=3, materials=200,
        medicine_value=Decimal("850.5"), counts={"blood_pressure": 90, "glucose": 40}, summary="顺利",
    )  # fmt: skip
    r = ServiceRecord.objects.get(activity=a)
    assert (r.people_served, r.referrals, r.medicine_value) == (120, 3, Decimal("850.50"))
    assert {c.kind: c.count for c in r.counts.all()} == {"blood_pressure": 90, "glucose": 40}
    record_save(access=acc("sec"), activity=a, people_served=100, counts={"ecg": 5})
    assert {c.kind: c.count for c in r.counts.all()} == {"ecg": 5}


def test_bad_figures_and_a_future_activity_are_refused() -> None:
    a = held(plan())
    refused(
        lambda: record_save(
            access=acc("sec"), activity=a, people_served=10, referrals=11, counts={}
        ),
        "转诊人数不能多于服务人数",
    )
    refused(
        lambda: record_save(access=acc("sec"), activity=a, people_served=10**12, counts={}),
        "0至100000",
    )
    refused(
        lambda: record_save(access=acc("sec"), activity=a, people_served=1, counts={"x": 1}),
        "服务项目不正确",
    )
    future = plan()
    refused(
        lambda: record_save(access=acc("sec"), activity=future, people_served=1, counts={}), "草稿"
    )
    refused(
        lambda: record_save(access=acc("hosp2"), activity=a, people_served=1, counts={}),
        "只能组织本支部",
        PermissionDenied,
    )


def test_a_household_is_encrypted_at_rest_and_masked_on_screen() -> None:
    a = held(plan(kind="home_visit"))
    h = household_add(
        access=acc("sec"), activity=a, name="王秀英", mobile="13912345678",
        address="新驿镇东王村12号", what_done="测血压",
    )  # fmt: skip
    with connection.cursor() as c:
        c.execute("select name, mobile, address from service_household where id = %s", [h.pk])
        raw = c.fetchone()
    assert "王秀英" not in raw[0] and "13912345678" not in raw[1] and "东王村" not in raw[2]
    line = households_of(a)[0]
    assert line.name == "王**" and line.mobile == "139****5678" and "12号" not in line.address


def test_a_household_needs_a_name_what_was_done_and_a_due_date_for_a_follow_up() -> None:
    a = held(plan(kind="home_visit"))
    refused(
        lambda: household_add(access=acc("sec"), activity=a, name="", what_done="x"),
        "请填写户主姓名",
    )
    refused(
        lambda: household_add(
            access=acc("sec"), activity=a, name="张三", what_done="x", mobile="12ab"
        ),
        "11位数字",
    )
    refused(
        lambda: household_add(
            access=acc("sec"), activity=a, name="张三", what_done="x", follow_up_needed=True
        ),
        "随访日期",
    )
    clinic = held(plan())
    refused(
        lambda: household_add(access=acc("sec"), activity=clinic, name="张三", what_done="x"),
        "只有送医上门",
    )


def test_a_follow_up_due_is_a_task_on_the_secretarys_home_page_until_done() -> None:
    a = held(plan(kind="home_visit"))
    h = household_add(
        access=acc("sec"), activity=a, name="李桂兰", what_done="测血糖",
        follow_up_needed=True, follow_up_due=today() + timedelta(days=1),
    )  # fmt: skip
    sec = access_for(User.objects.get(username="sec"))
    tasks = [t for t in todos_for(sec, today()) if t.source == "service.follow_ups"]
    assert tasks and tasks[0].count >= 1
    household_followed_up(access=acc("sec"), household=h)
    assert Household.objects.get(pk=h.pk).followed_up_at is not None
    refused(lambda: household_followed_up(access=acc("sec"), household=h), "已记录随访")
    assert timezone.now()
