"""The compliance calendar, the hospital matrix, the city summary and the reminders."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hongfan.notices.models import Notification
from hongfan.org.models import Hospital
from hongfan.org.tests.factories import make_branch, primary
from hongfan.orglife.choices import Compliance, MeetingKind, MeetingStatus
from hongfan.orglife.models import Meeting
from hongfan.orglife.selectors.compliance import (
    branch_compliance,
    city_summary,
    compliance,
    compliance_branches,
)
from hongfan.orglife.services.compliance import tallies_refresh_stale
from hongfan.orglife.services.meetings import meeting_close, meeting_schedule
from hongfan.orglife.services.reminders import send_reminders
from hongfan.orglife.services.rules import meeting_requirement_revise
from hongfan.orglife.tests.conftest import Unit, at
from hongfan.orglife.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db
YEAR = 2025
LATE = date(2025, 8, 20)  # "today" in these tests: Q1, Q2 over; August running


def held(u: Unit, kind: str, day: date, **kw) -> Meeting:
    """A held meeting without a roster (the calendar only counts meetings)."""
    kw.setdefault("status", MeetingStatus.HELD)
    return MeetingFactory(
        branch=u.branch,
        kind=kind,
        topic="测试",
        starts_at=at(day),
        ends_at=at(day, 16),
        roster=False,
        **kw,
    )


def cells(u: Unit, today: date = LATE) -> dict[str, list]:
    _reqs, row = branch_compliance(u.branch, YEAR, today)
    return {k: [c.status for c in v] for k, v in row.cells.items()}


def test_a_quarter_with_its_general_meeting_is_done_one_without_is_overdue(unit: Unit):
    held(unit, MeetingKind.GENERAL, date(2025, 2, 10))
    general = cells(unit)["general_meeting"]
    assert general == [Compliance.DONE, Compliance.OVERDUE, Compliance.DUE, Compliance.UPCOMING]


def test_planned_and_cancelled_meetings_do_not_count(unit: Unit):
    held(unit, MeetingKind.GENERAL, date(2025, 2, 10), status=MeetingStatus.PLANNED)
    held(unit, MeetingKind.GENERAL, date(2025, 2, 11), status=MeetingStatus.CANCELLED)
    assert cells(unit)["general_meeting"][0] == Compliance.OVERDUE


def test_monthly_kinds_are_judged_month_by_month(unit: Unit):
    held(unit, MeetingKind.THEME_DAY, date(2025, 7, 1))
    theme = cells(unit)["theme_day"]
    assert theme[6] == Compliance.DONE  # July
    assert theme[5] == Compliance.OVERDUE  # June
    assert theme[7] == Compliance.DUE  # August, running
    assert theme[8] == Compliance.UPCOMING


def test_the_secretarys_lecture_counts_separately(unit: Unit):
    held(unit, MeetingKind.LECTURE, date(2025, 3, 3), lecturer=unit.full[4])
    c = cells(unit)
    assert c["party_lecture"][0] == Compliance.DONE
    assert c["party_lecture-sec"] == [Compliance.DUE]
    held(unit, MeetingKind.LECTURE, date(2025, 5, 3), lecturer=unit.full[0], by_secretary=True)
    assert cells(unit)["party_lecture-sec"] == [Compliance.DONE]


def test_every_party_group_must_meet_for_the_group_cell(unit: Unit):
    g1, g2 = unit.groups
    held(unit, MeetingKind.GROUP, date(2025, 7, 9), party_group=g1)
    assert cells(unit)["group_meeting"][6] == Compliance.OVERDUE
    held(unit, MeetingKind.GROUP, date(2025, 7, 19), party_group=g2)
    assert cells(unit)["group_meeting"][6] == Compliance.DONE


def test_kinds_a_branch_cannot_hold_are_not_applicable(db):
    bare = make_branch(primary(), full=3)  # no committee, no groups
    _reqs, row = branch_compliance(bare, YEAR, LATE)
    assert {c.status for c in row.cells["committee_meeting"]} == {Compliance.NOT_APPLICABLE}
    assert {c.status for c in row.cells["group_meeting"]} == {Compliance.NOT_APPLICABLE}


def test_the_matrix_costs_the_same_queries_for_one_branch_or_many(unit: Unit):
    hospital = primary()
    one = [unit.branch]
    many = compliance_branches(hospital)
    assert len(many) > 3

    def queries(branches) -> int:
        with CaptureQueriesContext(connection) as ctx:
            compliance(branches, YEAR, LATE, hospital.authority_id)
        return len(ctx.captured_queries)

    assert queries(one) == queries(many)


def test_the_city_summary_counts_every_hospital(users):
    from hongfan.core.access import access_for

    city = access_for(users["city"])
    tallies_refresh_stale(access=city, year=date.today().year, today=date.today())
    rows = city_summary(access=city, year=date.today().year, today=date.today())
    assert {r.hospital.pk for r in rows} == set(Hospital.objects.values_list("pk", flat=True))
    demo = next(r for r in rows if r.hospital == primary())
    assert demo.branches > 0 and demo.done > 0  # the demo city holds a year of meetings
    assert demo.cells == demo.done + demo.overdue + demo.due


def test_a_secretary_is_reminded_once_before_a_period_ends(
    unit: Unit, django_capture_on_commit_callbacks
):
    from hongfan.accounts.models import User

    user = User.objects.get(pk=unit.sec.user_id)
    end_of_august = date(2025, 8, 26)
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_reminders(today=end_of_august)
    mine = [r for r in sent if r.branch_id == unit.branch.pk]
    assert {r.requirement for r in mine} >= {"theme_day", "committee_meeting", "group_meeting"}
    notes = Notification.objects.filter(recipient=user)
    assert notes.count() == len(mine)
    assert any("主题党日" in n.title for n in notes)
    with django_capture_on_commit_callbacks(execute=True):
        again = send_reminders(today=date(2025, 8, 27))  # the next day: nothing new
    assert not [r for r in again if r.branch_id == unit.branch.pk]
    assert Notification.objects.filter(recipient=user).count() == len(mine)


def test_no_reminder_when_the_meeting_was_held_or_the_end_is_far(
    unit: Unit, django_capture_on_commit_callbacks
):
    from hongfan.accounts.models import User

    user = User.objects.get(pk=unit.sec.user_id)
    held(unit, MeetingKind.THEME_DAY, date(2025, 8, 5))
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=date(2025, 8, 26))
    assert Notification.objects.filter(recipient=user).exists()
    assert not Notification.objects.filter(recipient=user, title__contains="主题党日").exists()
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=date(2025, 9, 2))  # September is young
    assert not Notification.objects.filter(recipient=user, title__contains="9月").exists()


def test_the_city_summary_sums_stored_tallies_refreshed_when_a_meeting_closes(
    unit: Unit, users, django_assert_max_num_queries
):
    from django.utils import timezone

    from hongfan.core.access import access_for
    from hongfan.orglife.models import ComplianceTally
    from hongfan.orglife.tests.conftest import ago

    city = access_for(users["city"])
    today = timezone.localdate()
    tallies_refresh_stale(access=city, year=today.year, today=today)
    first = {r.hospital.pk: r for r in city_summary(access=city, year=today.year, today=today)}
    assert ComplianceTally.objects.filter(year=today.year, branch=unit.branch).exists()
    with django_assert_max_num_queries(6):  # every tally fresh: no judging again
        assert tallies_refresh_stale(access=city, year=today.year, today=today) == 0
        city_summary(access=city, year=today.year, today=today)
    m = meeting_schedule(
        access=unit.sec,
        branch=unit.branch,
        kind=MeetingKind.THEME_DAY,
        topic="主题党日",
        starts_at=ago(minutes=30),
        ends_at=ago(minutes=1),
    )
    meeting_close(early=True, access=unit.sec, meeting=m, minutes="<p>开展志愿服务</p>")
    after = {r.hospital.pk: r for r in city_summary(access=city, year=today.year, today=today)}
    hospital = unit.branch.hospital_id
    if m.day.month == today.month:  # (a meeting a minute after midnight belongs to yesterday)
        assert after[hospital].done == first[hospital].done + 1


def test_changing_a_requirement_drops_the_stored_tallies(unit: Unit, users):
    from django.utils import timezone

    from hongfan.core.access import access_for
    from hongfan.orglife.models import ComplianceTally

    city = access_for(users["city"])
    today = timezone.localdate()
    tallies_refresh_stale(access=city, year=today.year, today=today)
    assert ComplianceTally.objects.exists()
    meeting_requirement_revise(
        access=city,
        authority=unit.branch.hospital.authority,
        kind=MeetingKind.THEME_DAY,
        by_secretary=False,
        period="quarter",
        min_count=1,
        effective_from=date(today.year + 1, 1, 1),
    )
    assert not ComplianceTally.objects.exists()


def test_committee_meetings_are_required_only_while_a_committee_is_in_office(db):
    from hongfan.org.models import BranchCommittee

    b = make_branch(primary(), full=7)
    BranchCommittee.objects.create(
        branch=b,
        elected_on=date(2025, 5, 10),
        term_start=date(2025, 5, 10),
        term_end=date(2028, 5, 9),
    )
    _reqs, row = branch_compliance(b, YEAR, LATE)
    committee = [c.status for c in row.cells["committee_meeting"]]
    assert committee[:4] == [Compliance.NOT_APPLICABLE] * 4  # January to April: no committee
    assert committee[4] == Compliance.OVERDUE  # May: elected on the 10th, no meeting held


def test_reading_the_city_summary_writes_nothing(users):
    """A selector reads: the stale tallies are judged by the service, not by the summary."""
    from hongfan.core.access import access_for
    from hongfan.orglife.models import ComplianceTally

    ComplianceTally.objects.all().delete()
    rows = city_summary(
        access=access_for(users["city"]), year=date.today().year, today=date.today()
    )
    assert not ComplianceTally.objects.exists()
    assert all(r.cells == 0 for r in rows)
