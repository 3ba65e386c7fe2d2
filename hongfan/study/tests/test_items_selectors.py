"""What study material a member sees, their progress, and its cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from hongfan.core.dates import today
from hongfan.org.models import Person
from hongfan.study.selectors import items as item_selectors
from hongfan.study.services import items as item_services

pytestmark = pytest.mark.django_db


def test_a_member_sees_hospital_items_and_their_branchs_not_others(world):
    everyone = world.item()
    mine = world.item(branch=world.branch_a)
    theirs = world.item(branch=world.branch_b)
    withdrawn = world.item()
    item_services.item_withdraw(access=world.admin, item=withdrawn)
    person = Person.objects.get(pk=world.a[1].pk)
    seen = {i.pk for i in item_selectors.items_for_member(person)}
    assert {everyone.pk, mine.pk} <= seen
    assert theirs.pk not in seen and withdrawn.pk not in seen
    member = world.member(world.a[1])
    assert item_selectors.item_get(access=member, pk=mine.pk) == mine
    with pytest.raises(PermissionDenied):
        item_selectors.item_get(access=member, pk=theirs.pk)
    with pytest.raises(Http404):
        item_selectors.item_get(access=member, pk=withdrawn.pk)
    assert item_selectors.item_get(access=world.admin, pk=withdrawn.pk) == withdrawn


def test_required_items_past_their_due_date_are_overdue(world):
    item = world.item(required=True, due_on=today())
    person = Person.objects.get(pk=world.a[1].pk)
    type(item).objects.filter(pk=item.pk).update(due_on=today() - timedelta(days=1))
    item.refresh_from_db()
    (progress,) = item_selectors.item_progress(person, [item])
    assert progress.overdue and not progress.finished


def test_my_items_cost_the_same_whatever_the_number_of_items(world, django_assert_max_num_queries):
    person = Person.objects.get(pk=world.a[1].pk)
    for _ in range(3):
        world.item()
    with django_assert_max_num_queries(4):
        few = item_selectors.item_progress(person, list(item_selectors.items_for_member(person)))
    for _ in range(10):
        world.item()
    with django_assert_max_num_queries(4):
        many = item_selectors.item_progress(person, list(item_selectors.items_for_member(person)))
    assert len(many) == len(few) + 10


def test_member_progress_is_item_progress_in_one_query(world, django_assert_num_queries):
    """我的学习's one-query ``member_progress`` gives what ``item_progress`` gives: the same
    items in the same order, minutes confirmed and pending, and the completion."""
    from hongfan.study.choices import LogMethod
    from hongfan.study.services import logs as log_services

    person = Person.objects.get(pk=world.a[1].pk)
    member = world.member(world.a[1])
    items = [world.item(required=bool(n % 2)) for n in range(5)]
    other = world.item(branch=world.branch_a)
    logs = [
        log_services.log_submit(access=member, item=item, minutes=10 + n, studied_on=today())
        for n, item in enumerate(items[:4])
    ]
    log_services.log_decide(access=world.admin, log=logs[0], confirm=True)
    item_services.item_finish(
        access=None, person=person, item=other, method=LogMethod.READ, log=None, day=today()
    )
    # another member's logs and completions do not count
    someone = Person.objects.get(pk=world.a[2].pk)
    item_services.item_finish(
        access=None, person=someone, item=items[1], method=LogMethod.READ, log=None, day=today()
    )
    old = item_selectors.item_progress(person, list(item_selectors.items_for_member(person)))
    with django_assert_num_queries(1):
        new = item_selectors.member_progress(person)
    assert [p.item.pk for p in new] == [p.item.pk for p in old]
    for a, b in zip(new, old, strict=True):
        assert (a.confirmed_minutes, a.pending_minutes) == (b.confirmed_minutes, b.pending_minutes)
        assert a.finished == b.finished
        if b.completion is not None:
            assert a.completion is not None
            assert (a.completion.pk, a.completion.completed_on, a.completion.points_entry_id) == (
                b.completion.pk,
                b.completion.completed_on,
                b.completion.points_entry_id,
            )
    assert any(p.pending_minutes for p in new) and any(p.confirmed_minutes for p in new)
    assert any(p.finished for p in new)
