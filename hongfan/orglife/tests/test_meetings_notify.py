"""Messages about meetings: everyone on the roster hears, once, when a meeting is scheduled,
moved or cancelled; nobody else; a rolled-back write tells nobody; SMS goes only for a
change or a cancellation unless the member chose otherwise."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.notices.backends import SmsBackend
from hongfan.notices.models import Notification, NotificationPreference
from hongfan.org.models import Person
from hongfan.org.tests.factories import make_person
from hongfan.orglife.choices import MeetingKind
from hongfan.orglife.models import Meeting
from hongfan.orglife.services.attendance import attendance_add
from hongfan.orglife.services.meetings import (
    meeting_cancel,
    meeting_update,
    notify_scheduled,
)
from hongfan.orglife.tests.conftest import Unit, schedule

pytestmark = pytest.mark.django_db

INBOX = "hongfan.notices.backends.InboxBackend"


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def accounts(unit: Unit) -> dict[int, User]:
    """Every person of the unit's branch (and of the other branch's secretary) has a login."""
    users = {}
    for p in unit.people:
        users[p.pk] = User.objects.filter(person=p).first() or User.objects.create(
            username=f"oln{p.pk}", person=p
        )
    return users


def later(days: int = 2) -> Any:
    return timezone.now() + timedelta(days=days)


def received(key: str) -> Counter[int]:
    """How many messages of ``key`` each person received."""
    return Counter(
        Notification.objects.filter(key=key).values_list("recipient__person_id", flat=True)
    )


def planned(unit: Unit, committed: Any, kind: str = MeetingKind.GENERAL, **kw: Any) -> Meeting:
    with committed():
        return schedule(unit, kind, starts=later(), place="三楼会议室", **kw)


def test_scheduling_a_meeting_tells_everyone_on_its_roster_once(unit, accounts, committed):
    m = planned(unit, committed)
    assert received(f"orglife.meeting:{m.pk}:scheduled") == {p.pk: 1 for p in unit.people}
    n = Notification.objects.filter(recipient=accounts[unit.full[3].pk]).get()
    assert n.title == "会议通知：支部党员大会"
    assert "三楼会议室" in n.body and "学习贯彻全会精神" in n.body
    assert (n.link, n.category) == (f"/orglife/{m.pk}/", "组织生活")
    # nobody outside the roster: the other branch's secretary, the hospital admin
    others = [unit.other_sec.user_id, unit.admin.user_id]
    assert not Notification.objects.filter(recipient_id__in=others).exists()
    # a retry of the same event sends nothing more
    with committed():
        assert notify_scheduled(m) == 0
    assert received(f"orglife.meeting:{m.pk}:scheduled") == {p.pk: 1 for p in unit.people}


def test_a_committee_meeting_tells_the_committee_only(unit, accounts, committed):
    m = planned(unit, committed, MeetingKind.COMMITTEE)
    assert received(f"orglife.meeting:{m.pk}:scheduled") == {p.pk: 1 for p in unit.committee}


def test_a_scheduling_rolled_back_tells_nobody(unit, accounts, committed):
    before = Notification.objects.count()
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        schedule(unit, starts=later())
        raise RuntimeError("the request failed after the write")
    assert Notification.objects.count() == before


def test_moving_a_meeting_tells_the_roster_once_per_change(unit, accounts, committed):
    m = planned(unit, committed)
    with committed():
        meeting_update(access=unit.sec, meeting=m, place="党员活动室")
    (change,) = {n.key for n in Notification.objects.filter(title__startswith="会议变更")}
    assert received(change) == {p.pk: 1 for p in unit.people}
    n = Notification.objects.get(key=change, recipient=accounts[unit.full[3].pk])
    assert "党员活动室" in n.body and n.link == f"/orglife/{m.pk}/"
    # a later change is a new message; an edit of the agenda alone is none
    with committed():
        hour = timedelta(hours=1)
        meeting_update(
            access=unit.sec, meeting=m, starts_at=m.starts_at + hour, ends_at=m.ends_at + hour
        )
        meeting_update(access=unit.sec, meeting=m, agenda="一、学习；二、讨论")
    assert Notification.objects.filter(title__startswith="会议变更").count() == 2 * len(unit.people)


def test_cancelling_a_meeting_tells_the_roster_with_the_reason(unit, accounts, committed):
    m = planned(unit, committed)
    with committed():
        meeting_cancel(access=unit.sec, meeting=m, reason="与医院检查冲突")
    assert received(f"orglife.meeting:{m.pk}:cancelled") == {p.pk: 1 for p in unit.people}
    n = Notification.objects.get(
        key=f"orglife.meeting:{m.pk}:cancelled", recipient=accounts[unit.full[0].pk]
    )
    assert n.title == "会议取消：支部党员大会" and "与医院检查冲突" in n.body


def test_someone_added_to_the_roster_hears_of_the_meeting_once(unit, accounts, committed):
    m = planned(unit, committed)
    newcomer: Person = make_person(branch=unit.branch, political_status="member")
    User.objects.create(username="ol_newcomer", person=newcomer)
    with committed():
        attendance_add(access=unit.sec, meeting=m, person=newcomer)
    expected = {p.pk: 1 for p in unit.people} | {newcomer.pk: 1}
    assert received(f"orglife.meeting:{m.pk}:scheduled") == expected


class RecordingSms(SmsBackend):
    sent: ClassVar[list[tuple[str, str]]] = []

    def send_sms(self, mobile: str, text: str) -> None:
        self.sent.append((mobile, text))


@override_settings(HONGFAN_NOTIFY_BACKENDS=[INBOX, f"{__name__}.RecordingSms"])
def test_sms_goes_for_a_cancellation_not_for_a_new_meeting_unless_chosen(unit, accounts, committed):
    RecordingSms.sent.clear()
    member, keen = unit.full[3], unit.full[4]
    NotificationPreference.objects.create(
        user=accounts[member.pk], category="组织生活", channel="sms", level="off"
    )
    NotificationPreference.objects.create(
        user=accounts[keen.pk], category="组织生活", channel="sms", level="all"
    )
    m = planned(unit, committed)
    # a new meeting: SMS only to the member who asked for all of 组织生活
    assert [mobile for mobile, _ in RecordingSms.sent] == [keen.mobile]
    RecordingSms.sent.clear()
    with committed():
        meeting_cancel(access=unit.sec, meeting=m, reason="改期")
    # a cancellation: everyone on the roster, but the member who turned SMS off
    assert sorted(mobile for mobile, _ in RecordingSms.sent) == sorted(
        p.mobile for p in unit.people if p.pk != member.pk and p.mobile
    )
    assert all(text.startswith("【红帆】会议取消") for _, text in RecordingSms.sent)
    RecordingSms.sent.clear()
