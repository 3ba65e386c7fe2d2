"""Reads of the development steps: the steps due on the secretary's and the admin's to-do
list (with counts), the board's late and overdue flags, and the daily reminder to the
secretary (once per step and due date)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hongfan.accounts.models import User
from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.core.todos import todos_for
from hongfan.notices.models import Notification
from hongfan.org.models import Development
from hongfan.org.rules import DevDates
from hongfan.org.selectors import development as selectors
from hongfan.org.services import development as services
from hongfan.org.tests.factories import (
    make_development,
    make_person,
    other_branch,
    primary,
    sec_branch,
)


def _applicant(branch, days_ago: int) -> Development:
    person = make_person(branch.hospital, birth_date=date(1997, 3, 3))
    return make_development(person, branch, DevDates(applied_on=today() - timedelta(days_ago)))


def _due(user: str, **kw) -> list[selectors.DueStep]:
    return selectors.development_steps_due(
        access=access_for(User.objects.get(username=user)), day=today(), **kw
    )


def test_a_talk_due_within_a_fortnight_is_on_the_secretarys_list(db):
    dev = _applicant(sec_branch(), 20)
    found = [d for d in _due("sec") if d.development.pk == dev.pk]
    assert [(d.plan.rule.kind, d.plan.latest, d.plan.overdue) for d in found] == [
        ("talk", dev.applied_on + timedelta(days=30), False)
    ]


def test_a_talk_due_later_is_not_yet_on_the_list(db):
    dev = _applicant(sec_branch(), 5)
    assert dev.pk not in {d.development.pk for d in _due("sec")}


def test_the_secretary_sees_only_their_branch_and_the_admin_the_whole_hospital(db):
    mine = _applicant(sec_branch(), 45)
    theirs = _applicant(other_branch(), 45)
    sec = {d.development.pk for d in _due("sec")}
    hosp = {d.development.pk for d in _due("hosp")}
    hosp2 = {d.development.pk for d in _due("hosp2")}
    assert mine.pk in sec and theirs.pk not in sec
    assert {mine.pk, theirs.pk} <= hosp
    assert not {mine.pk, theirs.pk} & hosp2


def test_the_to_do_list_counts_the_overdue_and_the_coming_due_steps(db):
    _applicant(sec_branch(), 45)
    _applicant(sec_branch(), 20)
    sec = access_for(User.objects.get(username="sec"))
    todos = {t.title: t for t in todos_for(sec, today()) if t.source.startswith("org.")}
    overdue, soon = todos["发展党员步骤已逾期"], todos["发展党员步骤即将到期"]
    due = _due("sec")
    assert overdue.count == sum(1 for d in due if d.plan.overdue) >= 1
    assert soon.count == sum(1 for d in due if not d.plan.overdue) >= 1
    assert overdue.urgency == "overdue" and soon.urgency == "soon"
    assert "/org/development/" in overdue.url


def test_the_hospital_admin_gets_the_same_to_do_for_the_hospital(db):
    _applicant(other_branch(), 45)
    hosp = access_for(User.objects.get(username="hosp"))
    titles = {t.title for t in todos_for(hosp, today())}
    assert "发展党员步骤已逾期" in titles


def test_the_board_flags_a_step_done_late_and_an_overdue_one(db, sec):
    late = _applicant(sec_branch(), 40)
    services.development_step_record(
        access=sec, development=late, kind="talk", done_on=today(), late_reason="外出进修"
    )
    overdue = _applicant(sec_branch(), 45)
    board = selectors.development_board(access=sec, hospital=primary(), branch=sec_branch())
    rows = {r.development.pk: r for _, _, rs in board.columns for r in rs}
    assert rows[late.pk].late == 1 and not rows[late.pk].overdue
    assert [p.rule.kind for p in rows[overdue.pk].overdue] == ["talk"]
    assert overdue.pk in {r.development.pk for r in board.overdue}


def test_the_board_reads_a_bounded_number_of_queries(db, hosp, django_assert_max_num_queries):
    for _ in range(5):
        _applicant(sec_branch(), 45)
    with django_assert_max_num_queries(8):
        selectors.development_board(access=hosp, hospital=primary())


# --- reminders -------------------------------------------------------------------------------


def test_the_secretary_is_reminded_a_few_days_before_a_step_is_due_once(
    db, django_capture_on_commit_callbacks
):
    dev = _applicant(sec_branch(), 28)  # the talk is due in two days
    sec = User.objects.get(username="sec")
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.development_reminders_send(today=today())
    assert dev.pk in {s.development_id for s in sent}
    note = Notification.objects.get(recipient=sec, key__startswith=f"org.development:{dev.pk}:")
    assert note.category == "发展党员"
    assert dev.person.name in note.title and "还有2天" in note.title
    assert note.link == f"/org/development/{dev.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        again = services.development_reminders_send(today=today())
    assert dev.pk not in {s.development_id for s in again}
    assert Notification.objects.filter(key=note.key).count() == 1


def test_no_reminder_for_a_step_due_in_ten_days(db, django_capture_on_commit_callbacks):
    dev = _applicant(sec_branch(), 20)
    with django_capture_on_commit_callbacks(execute=True):
        services.development_reminders_send(today=today())
    assert not Notification.objects.filter(key__startswith=f"org.development:{dev.pk}:").exists()


def test_a_new_due_date_is_a_new_reminder(db, sec, django_capture_on_commit_callbacks):
    """The key holds the due date: the next 思想汇报's deadline is reminded again."""
    person = make_person(primary(), birth_date=date(1994, 1, 1))
    activist = today() - timedelta(days=88)
    dev = make_development(
        person,
        sec_branch(),
        DevDates(
            applied_on=activist - timedelta(days=40),
            talked_on=activist - timedelta(days=20),
            activist_on=activist,
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.development_reminders_send(today=today())
    keys = set(
        Notification.objects.filter(key__contains=f":{dev.pk}:thought_report:").values_list(
            "key", flat=True
        )
    )
    assert len(keys) == 1
    services.development_step_record(
        access=sec, development=dev, kind="thought_report", done_on=today()
    )
    later = today() + timedelta(days=89)
    with django_capture_on_commit_callbacks(execute=True):
        services.development_reminders_send(today=later)
    keys2 = set(
        Notification.objects.filter(key__contains=f":{dev.pk}:thought_report:").values_list(
            "key", flat=True
        )
    )
    assert len(keys2) == 2


@pytest.mark.parametrize("days", [0, 3])
def test_the_periodic_task_sends_the_reminders(db, days, django_capture_on_commit_callbacks):
    from hongfan.org.tasks import remind_development_steps

    dev = _applicant(sec_branch(), 30 - days)
    with django_capture_on_commit_callbacks(execute=True):
        remind_development_steps.call_local()
    assert Notification.objects.filter(key__startswith=f"org.development:{dev.pk}:talk:").exists()
