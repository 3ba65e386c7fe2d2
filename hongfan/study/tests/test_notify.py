"""Messages about study: required material and a new exam reach the members they are meant
for (the hospital's, or one branch's), once each; not the masses, not the admins, and
nothing for optional material or from a rolled-back publication."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.db import transaction

from hongfan.accounts.models import User
from hongfan.notices.models import Notification
from hongfan.org.choices import PoliticalStatus
from hongfan.org.tests.factories import make_person
from hongfan.study.tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def people(world: World) -> World:
    """Every member of the world has an account, and so has someone of the masses."""
    for p in world.a[1:] + world.b:
        world.member(p)
    masses = make_person(
        world.hospital, branch=world.branch_a, political_status=PoliticalStatus.MASSES
    )
    User.objects.create(username="study_masses", person=masses)
    return world


def received(key: str) -> Counter[int]:
    return Counter(
        Notification.objects.filter(key=key).values_list("recipient__person_id", flat=True)
    )


def once(people: list[Any]) -> Counter[int]:
    return Counter(p.pk for p in people)


def test_required_material_for_the_hospital_reaches_every_member_once(people: World, committed):
    with committed():
        item = people.item(required=True, due_on=date(2099, 6, 30), title="学习二十届四中全会精神")
    assert received(f"study.item:{item.pk}:published") == once(people.a + people.b)
    n = Notification.objects.filter(key=f"study.item:{item.pk}:published").first()
    assert n.title == "必学内容：学习二十届四中全会精神"
    assert "06月30日前" in n.body and n.link == f"/study/items/{item.pk}/"
    assert n.category == "学习"


def test_required_material_for_a_branch_reaches_that_branch_only(people: World, committed):
    with committed():
        item = people.item(required=True, branch=people.branch_a, access=people.sec)
    assert received(f"study.item:{item.pk}:published") == once(people.a)


def test_optional_material_sends_nothing(people: World, committed):
    before = Notification.objects.count()
    with committed():
        people.item(required=False)
    assert Notification.objects.count() == before


def test_a_publication_rolled_back_tells_nobody(people: World, committed):
    before = Notification.objects.count()
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        people.item(required=True)
        raise RuntimeError("failed after the write")
    assert Notification.objects.count() == before


def test_a_new_exam_reaches_those_who_may_take_it(people: World, committed):
    people.questions()
    with committed():
        exam = people.exam(branch=people.branch_b, title="党章知识测试")
    assert received(f"study.exam:{exam.pk}:opened") == once(people.b)
    n = Notification.objects.filter(key=f"study.exam:{exam.pk}:opened").first()
    assert n.title == "考试：党章知识测试" and "限2次" in n.body
    assert n.link == f"/study/exams/{exam.pk}/"
