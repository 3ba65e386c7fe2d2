"""Self-study entries: a member logs time, the secretary confirms or turns it down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from hongfan.core.dates import today
from hongfan.study.choices import LogStatus
from hongfan.study.models import StudyCompletion
from hongfan.study.services import logs as log_services
from hongfan.study.tests.conftest import refused

pytestmark = pytest.mark.django_db


# --- self-study entries ------------------------------------------------------------------------------


def test_a_member_logs_time_and_the_secretary_confirms_it_which_finishes_the_item(world):
    member_person = world.a[1]
    member = world.member(member_person)
    item = world.item(expected_minutes=30)
    log = log_services.log_submit(
        access=member, item=item, minutes=25, studied_on=today(), note="认真学习"
    )
    assert log.status == LogStatus.PENDING
    assert not StudyCompletion.objects.filter(item=item).exists()
    decision = log_services.log_decide(access=world.sec, log=log, confirm=True)
    assert decision.log.status == LogStatus.CONFIRMED
    completion = StudyCompletion.objects.get(person=member_person, item=item)
    assert completion.points_entry is not None and completion.points_entry.rule.code == "STUDY-ITEM"
    assert "已计" in decision.message


def test_a_secretary_cannot_confirm_their_own_entry_nor_another_branch(world):
    sec_log = log_services.log_submit(
        access=world.sec, item=world.item(), minutes=10, studied_on=today()
    )
    refused(
        lambda: log_services.log_decide(access=world.sec, log=sec_log, confirm=True),
        says="不能确认本人",
        exc=PermissionDenied,
    )
    other = world.member(world.b[1])
    log_b = log_services.log_submit(access=other, item=world.item(), minutes=10, studied_on=today())
    refused(
        lambda: log_services.log_decide(access=world.sec, log=log_b, confirm=True),
        says="没有权限",
        exc=PermissionDenied,
    )
    # the hospital admin confirms both
    log_services.log_decide(access=world.admin, log=sec_log, confirm=True)
    log_services.log_decide(access=world.admin, log=log_b, confirm=True)


def test_rejecting_needs_a_reason_and_a_decided_entry_is_not_decided_again(world):
    member = world.member(world.a[1])
    log = log_services.log_submit(access=member, item=world.item(), minutes=10, studied_on=today())
    refused(
        lambda: log_services.log_decide(access=world.sec, log=log, confirm=False), says="须填写理由"
    )
    log_services.log_decide(access=world.sec, log=log, confirm=False, reason="时长与内容不符")
    log.refresh_from_db()
    assert (
        log.status == LogStatus.REJECTED
        and not StudyCompletion.objects.filter(item=log.item).exists()
    )
    refused(lambda: log_services.log_decide(access=world.sec, log=log, confirm=True), says="已处理")


@pytest.mark.parametrize(
    "kwargs,says",
    [
        ({"minutes": 0}, "学习时长应为1"),
        ({"minutes": 601}, "学习时长应为1"),
        ({"minutes": "半小时"}, "整数分钟"),
        ({"studied_on": today() + timedelta(days=1)}, "不能晚于今天"),
        ({"studied_on": today() - timedelta(days=3)}, "不能早于资料发布日期"),
        ({"note": "很" * 201}, "不能超过200字"),
    ],
)
def test_bad_self_study_entries_are_refused(world, kwargs, says):
    member = world.member(world.a[1])
    item = world.item()
    values = {"minutes": 20, "studied_on": today(), "note": ""}
    values.update(kwargs)
    refused(lambda: log_services.log_submit(access=member, item=item, **values), says=says)


def test_one_pending_entry_per_item_and_day_and_at_most_16_hours_a_day(world):
    member = world.member(world.a[1])
    item, other = world.item(expected_minutes=600), world.item(expected_minutes=600)
    log_services.log_submit(access=member, item=item, minutes=600, studied_on=today())
    refused(
        lambda: log_services.log_submit(access=member, item=item, minutes=10, studied_on=today()),
        says="已有一条待确认",
    )
    refused(
        lambda: log_services.log_submit(access=member, item=other, minutes=400, studied_on=today()),
        says="合计不能超过16小时",
    )


def test_a_member_cannot_log_an_item_meant_for_another_branch(world):
    item_b = world.item(branch=world.branch_b)
    member = world.member(world.a[1])
    refused(
        lambda: log_services.log_submit(access=member, item=item_b, minutes=10, studied_on=today()),
        says="没有权限",
        exc=PermissionDenied,
    )


def test_only_active_members_study(world):
    hospital_admin_without_person = world.admin
    item = world.item()
    refused(
        lambda: log_services.log_submit(
            access=hospital_admin_without_person, item=item, minutes=10, studied_on=today()
        ),
        says="未关联党员",
        exc=PermissionDenied,
    )
