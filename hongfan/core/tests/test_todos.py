"""core.todos: each app lends the home page its tasks; the home page shows the acting
user's, most pressing first, and the badge counts what waits on them."""

from __future__ import annotations

from datetime import date

import pytest

from hongfan.core import todos
from hongfan.core.access import Access
from hongfan.core.roles import Role

TODAY = date(2026, 12, 3)
SECRETARY = Access(1, roles=frozenset({Role.BRANCH_SECRETARY}), branch_ids=frozenset({7}))
MEMBER = Access(2, roles=frozenset({Role.MEMBER}), person_id=5, person_branch_id=7)


@pytest.fixture(autouse=True)
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, todos.TodoSource]:
    fresh: dict[str, todos.TodoSource] = {}
    monkeypatch.setattr(todos, "_sources", fresh)
    return fresh


def _claims(access: Access, today: date) -> list[todos.Todo]:
    return [todos.Todo("待审核的积分申报", "/points/review/", count=3)]


def _meeting(access: Access, today: date) -> list[todos.Todo]:
    return [
        todos.Todo("支部党员大会", "/orglife/1/checkin/", due=today, urgency=todos.SOON),
        todos.Todo("补记会议", "/orglife/2/", due=date(2026, 11, 30), urgency=todos.OVERDUE),
    ]


def test_a_secretary_gets_the_tasks_of_their_audience_most_pressing_first():
    todos.register(
        todos.TodoSource("points.claims", "branch", _claims, badge=True),
        todos.TodoSource("orglife.meetings", "branch", _meeting),
    )
    got = todos.todos_for(SECRETARY, TODAY)
    assert [t.title for t in got] == ["补记会议", "支部党员大会", "待审核的积分申报"]
    assert got[2].source == "points.claims"


def test_a_member_is_not_asked_for_a_secretarys_tasks():
    todos.register(todos.TodoSource("points.claims", "branch", _claims, badge=True))
    assert todos.todos_for(MEMBER, TODAY) == []
    assert todos.waiting_count(MEMBER, TODAY) == 0


def test_the_badge_counts_only_the_items_waiting_on_the_user():
    todos.register(
        todos.TodoSource("points.claims", "branch", _claims, badge=True),
        todos.TodoSource("orglife.meetings", "branch", _meeting),
    )
    assert todos.waiting_count(SECRETARY, TODAY) == 3


def test_a_task_with_nothing_behind_it_is_not_shown():
    todos.register(
        todos.TodoSource("x.none", "branch", lambda a, d: [todos.Todo("空", "/x/", count=0)])
    )
    assert todos.todos_for(SECRETARY, TODAY) == []


def test_a_source_can_narrow_its_audience():
    todos.register(
        todos.TodoSource("x.y", "branch", _claims, when=lambda a: 8 in a.branch_ids),
    )
    assert todos.todos_for(SECRETARY, TODAY) == []


def test_an_unknown_audience_or_urgency_is_refused():
    with pytest.raises(ValueError):
        todos.TodoSource("x", "everyone", _claims)
    with pytest.raises(ValueError):
        todos.Todo("t", "/x/", urgency="later")
    with pytest.raises(ValueError):
        todos.Todo("", "/x/")


def test_the_badge_is_offered_only_to_users_a_badge_source_asks_and_counted_once(db):
    # (db: the count is kept under the data stamp, which is read from the database)
    calls: list[int] = []

    def claims(access: Access, today: date) -> list[todos.Todo]:
        calls.append(1)
        return [todos.Todo("待审核的积分申报", "/points/review/", count=120)]

    todos.register(todos.TodoSource("points.claims", "branch", claims, badge=True))
    assert todos.waiting_counter(MEMBER, TODAY) is None
    counter = todos.waiting_counter(SECRETARY, TODAY)
    assert counter is not None and calls == []  # nothing asked until the badge is drawn
    assert str(counter) == "99+" and counter.count == 120 and bool(counter)
    assert calls == [1]


def test_a_page_that_collected_the_tasks_hands_them_to_the_badge():
    def claims(access: Access, today: date) -> list[todos.Todo]:
        raise AssertionError("asked twice")

    todos.register(todos.TodoSource("points.claims", "branch", claims, badge=True))
    known = [
        todos.Todo("待审核的积分申报", "/r/", count=2, source="points.claims"),
        todos.Todo("补记会议", "/m/", count=5, source="orglife.meetings"),
    ]
    counter = todos.waiting_counter(SECRETARY, TODAY, known=known)
    assert counter is not None and counter.count == 2


def test_a_failing_source_costs_its_own_tasks_and_is_logged(caplog):
    def broken(access: Access, today: date) -> list[todos.Todo]:
        raise RuntimeError("boom")

    todos.register(
        todos.TodoSource("orglife.broken", "branch", broken, badge=True),
        todos.TodoSource("points.claims", "branch", _claims, badge=True),
    )
    assert [t.title for t in todos.todos_for(SECRETARY, TODAY)] == ["待审核的积分申报"]
    assert todos.waiting_count(SECRETARY, TODAY) == 3
    assert "orglife.broken" in caplog.text
