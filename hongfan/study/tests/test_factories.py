"""The study factories build valid rows; an item they make reaches the member, a log reaches
the secretary's queue; and the study list pages cost the same whatever the number of rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hongfan.org.tests.factories import other_branch, sec_branch
from hongfan.study.choices import LogStatus
from hongfan.study.tests.factories import (
    ExamFactory,
    QuestionFactory,
    StudyItemFactory,
    StudyLogFactory,
    StudyTopicFactory,
)

pytestmark = pytest.mark.django_db


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_study_factories_build_valid_rows():
    topic = StudyTopicFactory()
    rows = [
        topic,
        StudyItemFactory(),
        StudyItemFactory(video=True, mandatory=True, branch=sec_branch()),
        StudyLogFactory(),
        StudyLogFactory(status=LogStatus.CONFIRMED),
        QuestionFactory(topic=topic),
        ExamFactory(topics=[topic]),
    ]
    for row in rows:
        row.full_clean()


def test_a_hospital_item_from_the_factory_appears_for_a_member(client_for):
    StudyItemFactory(title="学习新修订的《中国共产党纪律处分条例》", mandatory=True)
    html = client_for("member").get(reverse("study:mine")).content.decode()
    assert "学习新修订的《中国共产党纪律处分条例》" in html


def test_an_item_for_another_branch_does_not_appear_for_the_member(users, client_for):
    elsewhere = other_branch()
    assert elsewhere.pk != users["member"].person.branch_id
    StudyItemFactory(title="只发给其他支部的资料", branch=elsewhere)
    html = client_for("member").get(reverse("study:mine")).content.decode()
    assert "只发给其他支部的资料" not in html


def test_a_members_log_from_the_factory_waits_in_the_secretarys_queue(client_for):
    log = StudyLogFactory(item__branch=sec_branch())
    html = client_for("sec").get(reverse("study:review")).content.decode()
    assert log.person.name in html and log.item.title in html


def _items(n: int) -> None:
    StudyItemFactory.create_batch(n)


def _items_for_member(n: int) -> None:
    StudyItemFactory.create_batch(n, mandatory=True)


def _logs(n: int) -> None:
    StudyLogFactory.create_batch(n, item__branch=sec_branch())


def _exams(n: int) -> None:
    ExamFactory.create_batch(n, topics=[StudyTopicFactory()])


def _questions(n: int) -> None:
    QuestionFactory.create_batch(n)


@pytest.mark.parametrize(
    ("username", "url_name", "add", "ceiling"),
    [
        ("hosp", "study:items", _items, 12),
        ("sec", "study:items", _items, 14),  # a secretary's pages also count the 待办 badge
        ("member", "study:mine", _items_for_member, 14),  # 21 before round 2
        ("sec", "study:review", _logs, 14),
        ("hosp", "study:exams", _exams, 14),
        ("member", "study:exams", _exams, 11),
        ("hosp", "study:questions", _questions, 13),
    ],
)
def test_a_study_list_page_costs_the_same_with_twenty_more_rows(
    username: str,
    url_name: str,
    add: Callable[[int], None],
    ceiling: int,
    client_for,
    django_assert_max_num_queries,
):
    add(3)
    client = client_for(username)
    url = reverse(url_name)
    count_queries(client, url)  # warm up (the first request of a session does a few more)
    before = count_queries(client, url)
    add(20)
    assert count_queries(client, url) == before
    with django_assert_max_num_queries(ceiling):
        client.get(url)
