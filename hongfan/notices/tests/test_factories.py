"""The notices factory builds valid rows, and the inbox lists what it makes at a cost that does
not grow with the number of notifications."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hongfan.notices.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

INBOX_URL = reverse("notices:inbox")


def test_notices_factories_build_valid_rows():
    for row in (NotificationFactory(), NotificationFactory(read=True, key="")):
        row.full_clean()


def test_the_inbox_lists_a_factory_made_notification_to_its_recipient_only(client_for, users):
    mine = NotificationFactory(recipient=users["member"], title="请参加十二月主题党日")
    theirs = NotificationFactory(recipient=users["sec"], title="书记的待办")
    response = client_for("member").get(INBOX_URL)
    html = response.content.decode()
    assert "请参加十二月主题党日" in html and "书记的待办" not in html
    listed = [n.pk for n in response.context["page"]]
    assert mine.pk in listed and theirs.pk not in listed
    assert response.context["unread"] >= 1


def test_a_read_notification_from_the_factory_is_not_counted_unread(client_for, users):
    client = client_for("member")
    before = client.get(INBOX_URL).context["unread"]
    NotificationFactory(recipient=users["member"], read=True)
    assert client.get(INBOX_URL).context["unread"] == before
    NotificationFactory(recipient=users["member"])
    assert client.get(INBOX_URL).context["unread"] == before + 1


def test_the_inbox_costs_the_same_with_thirty_more_notifications(
    client_for, users, django_assert_max_num_queries
):
    member = users["member"]
    NotificationFactory.create_batch(3, recipient=member)
    client = client_for("member")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(INBOX_URL).status_code == 200
        return len(ctx)

    count()  # warm up (the first request of a session does a few more)
    before = count()
    NotificationFactory.create_batch(15, recipient=member)
    NotificationFactory.create_batch(15, recipient=member, read=True)
    assert count() == before
    with django_assert_max_num_queries(15):
        client.get(INBOX_URL)
