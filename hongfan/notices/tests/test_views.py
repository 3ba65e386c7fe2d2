"""The 消息 pages: only the recipient sees or marks a notification, the read view never
redirects off the site, and the menu shows the unread count with one query."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hongfan.notices.models import Notification

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "city", "hosp", "sec", "member", "hosp2", "audit", "security", "sysadmin"]
INBOX_URL = "/notices/"


@pytest.fixture(autouse=True)
def _empty_inboxes(db):
    """The demo city's own messages (e.g. the 会议通知 of its 主题党日) are set aside: these
    tests count what they write themselves."""
    Notification.objects.all().delete()


def note(user, title: str = "通知", **kw) -> Notification:
    return Notification.objects.create(recipient=user, title=title, **kw)


def state() -> list[tuple]:
    return list(Notification.objects.order_by("pk").values_list("pk", "recipient_id", "read_at"))


def test_urls():
    assert reverse("notices:inbox") == "/notices/"
    assert reverse("notices:read", args=[3]) == "/notices/3/read/"
    assert reverse("notices:read_all") == "/notices/read-all/"


# --- the role table, in detail (the matrix's rows are in role_rows.py) -------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_logged_in_role_has_an_inbox(role, client_for):
    response = client_for(role).get(INBOX_URL)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_only_the_recipient_can_mark_a_notification_read(role, client_for, users):
    target = note(users["member"], link="/points/me/")
    before = state()
    response = client_for(role).post(reverse("notices:read", args=[target.pk]))
    if role == "member":
        assert response.status_code == 302 and response["Location"] == "/points/me/"
        target.refresh_from_db()
        assert target.read_at is not None
        return
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 404
    assert state() == before


@pytest.mark.parametrize("role", ROLES)
def test_read_all_marks_only_my_own(role, client_for, users):
    mine = note(users["member"])
    response = client_for(role).post(reverse("notices:read_all"))
    mine.refresh_from_db()
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
        assert mine.read_at is None
    else:
        assert response.status_code == 302 and response["Location"] == INBOX_URL
        assert (mine.read_at is not None) == (role == "member")


@pytest.mark.parametrize("name", ["notices:read", "notices:read_all"])
def test_marking_read_needs_a_post(name, client_for, users):
    target = note(users["member"])
    args = [target.pk] if name == "notices:read" else []
    assert client_for("member").get(reverse(name, args=args)).status_code == 405
    target.refresh_from_db()
    assert target.read_at is None


# --- the inbox --------------------------------------------------------------------------------


def test_inbox_lists_only_my_notifications_unread_first_then_newest(client_for, users):
    member, sec = users["member"], users["sec"]
    now = timezone.now()
    old_unread = note(member, "旧的未读")
    new_read = note(member, "新的已读", read_at=now)
    newest_unread = note(member, "最新未读")
    theirs = note(sec, "书记的消息")
    Notification.objects.filter(pk=old_unread.pk).update(created_at=now - timedelta(days=3))
    Notification.objects.filter(pk=new_read.pk).update(created_at=now - timedelta(days=1))
    response = client_for("member").get(INBOX_URL)
    listed = [n.pk for n in response.context["page"]]
    assert listed == [newest_unread.pk, old_unread.pk, new_read.pk]
    assert theirs.pk not in listed
    assert "书记的消息" not in response.content.decode()
    assert response.context["unread"] == 2


def test_inbox_is_paged_by_fifty(client_for, users):
    member = users["member"]
    Notification.objects.bulk_create(
        [Notification(recipient=member, title=f"第{i}条") for i in range(55)]
    )
    client = client_for("member")
    assert len(client.get(INBOX_URL).context["page"]) == 50
    assert len(client.get(INBOX_URL + "?page=2").context["page"]) == 5
    assert len(client.get(INBOX_URL + "?page=x").context["page"]) == 50


def test_inbox_query_count_does_not_grow_with_notifications(
    client_for, users, django_assert_max_num_queries
):
    member = users["member"]
    client = client_for("member")
    note(member, link="/points/me/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(INBOX_URL).status_code == 200
        return len(ctx)

    count()  # warm up (the first request of a session does a few more)
    before = count()
    Notification.objects.bulk_create(
        [Notification(recipient=member, title=f"第{i}条", link="/org/") for i in range(40)]
    )
    assert count() == before
    with django_assert_max_num_queries(15):
        client.get(INBOX_URL)


def test_inbox_shows_links_safely(client_for, users):
    member = users["member"]
    local = note(member, "本地", link="/points/me/")
    note(member, "外部", link="https://www.example.org/news")
    note(member, "脚本", link="javascript:alert(1)")  # never made by notify; still not rendered
    html = client_for("member").get(INBOX_URL).content.decode()
    assert reverse("notices:read", args=[local.pk]) in html
    assert 'href="https://www.example.org/news"' in html
    assert "javascript:" not in html


def test_body_is_escaped(client_for, users):
    note(users["member"], "标题", body="<script>alert(1)</script>\n第二行")
    html = client_for("member").get(INBOX_URL).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html and "<br>第二行" in html


# --- marking read and where it goes -----------------------------------------------------------


@pytest.mark.parametrize(
    "link,goes_to",
    [
        ("/points/me/", "/points/me/"),
        ("/orglife/3/?tab=minutes", "/orglife/3/?tab=minutes"),
        ("", INBOX_URL),
        ("https://evil.example/", INBOX_URL),
        ("//evil.example/", INBOX_URL),
        ("/\\evil.example/", INBOX_URL),
        ("/\t/evil.example/", INBOX_URL),
        ("javascript:alert(1)", INBOX_URL),
        ("http://testserver/points/me/", INBOX_URL),
    ],
)
def test_read_redirects_only_to_a_local_path(link, goes_to, client_for, users):
    target = note(users["member"], link=link)
    response = client_for("member").post(reverse("notices:read", args=[target.pk]))
    assert response.status_code == 302
    assert response["Location"] == goes_to
    target.refresh_from_db()
    assert target.read_at is not None


def test_reading_twice_keeps_the_first_read_time(client_for, users):
    first = timezone.now() - timedelta(days=2)
    target = note(users["member"], read_at=first)
    client_for("member").post(reverse("notices:read", args=[target.pk]))
    target.refresh_from_db()
    assert target.read_at == first


def test_another_users_notification_is_a_404_and_stays_unread(client_for, users):
    theirs = note(users["sec"], link="/points/me/")
    before = state()
    response = client_for("member").post(reverse("notices:read", args=[theirs.pk]))
    assert response.status_code == 404
    assert state() == before
    assert client_for("member").post(reverse("notices:read", args=[999_999_999])).status_code == 404


def test_read_all_marks_every_unread_of_mine_and_says_how_many(client_for, users):
    member, sec = users["member"], users["sec"]
    earlier = timezone.now() - timedelta(days=1)
    already = note(member, read_at=earlier)
    note(member)
    note(member)
    other = note(sec)
    response = client_for("member").post(reverse("notices:read_all"), follow=True)
    assert "已将2条消息标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    already.refresh_from_db()
    other.refresh_from_db()
    assert already.read_at == earlier
    assert other.read_at is None


# --- the menu badge -----------------------------------------------------------------------------


def _notice_queries(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "notices_notification" in q["sql"]]


def test_the_menu_shows_my_unread_count_with_one_query(client_for, users):
    member = users["member"]
    for _ in range(3):
        note(member)
    note(member, read_at=timezone.now())
    note(users["sec"])
    client = client_for("member")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("workdays:year", args=[2026]))
    assert response.status_code == 200
    assert response.context["nav_unread"].count == 3
    assert len(_notice_queries(ctx)) == 1
    html = response.content.decode()
    assert f'href="{INBOX_URL}"' in html
    assert ">3</span>" in html  # the badge in the menu
    assert "消息 3</a>" in html  # and the one beside the menu button on a phone


def test_the_menu_has_no_badge_when_everything_is_read(client_for, users):
    note(users["member"], read_at=timezone.now())
    response = client_for("member").get(reverse("workdays:year", args=[2026]))
    html = response.content.decode()
    assert "消息</a>" in html
    assert "未读消息" not in html


def test_the_badge_caps_at_99(client_for, users):
    member = users["member"]
    Notification.objects.bulk_create(
        [Notification(recipient=member, title="x") for _ in range(120)]
    )
    response = client_for("member").get(reverse("workdays:year", args=[2026]))
    assert str(response.context["nav_unread"]) == "99+"


def test_anonymous_pages_have_no_badge_and_no_count_query(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert response.context["nav_unread"] is None
    assert _notice_queries(ctx) == []
