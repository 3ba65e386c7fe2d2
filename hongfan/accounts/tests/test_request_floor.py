"""What every logged-in page pays per request (the floor), and that each saving is correct:
the security policy comes from the cache yet an edit takes effect on the next request, the
session is written at most once a minute yet the idle timeout still logs out, the roles and
the person are one query yet a role granted or revoked shows on the next request, and the
消息 badge counts a notification that has just arrived."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hongfan.accounts.models import RoleAssignment, SecurityPolicy, User
from hongfan.accounts.policy import get_policy, policy_changed
from hongfan.accounts.tests.test_sessions import Time, alive, login
from hongfan.core.access import access_for
from hongfan.core.roles import Role
from hongfan.notices.models import Notification

POLICY_FORM = {
    "lockout_failures": 5,
    "lockout_minutes": 30,
    "ip_throttle_failures": 30,
    "ip_throttle_window_minutes": 15,
    "password_min_length": 8,
    "password_min_classes": 3,
    "password_max_age_days": 90,
    "session_idle_minutes": 30,
    "admin_session_hours": 8,
    "member_idle_minutes": 120,
    "member_session_hours": 12,
    "remember_device_days": 7,
    "sms_per_mobile_hour": 5,
    "sms_per_ip_hour": 60,
    "require_2fa_for_admins": "on",
}


@pytest.fixture
def moved(monkeypatch) -> Time:
    return Time(monkeypatch)


def test_the_policy_is_read_from_the_cache_after_the_first_request(db):
    get_policy()
    with CaptureQueriesContext(connection) as ctx:
        policy = get_policy()
    assert len(ctx.captured_queries) == 0
    assert policy.pk == SecurityPolicy.objects.order_by("pk").first().pk


def test_a_policy_saved_is_read_at_once(db):
    policy = get_policy()
    policy.lockout_failures = 7
    policy.save()
    assert get_policy().lockout_failures == 7


def test_a_policy_changed_by_update_is_read_after_policy_changed(db):
    get_policy()
    SecurityPolicy.objects.update(lockout_failures=9)
    policy_changed()
    assert get_policy().lockout_failures == 9


def test_a_policy_edited_on_the_page_takes_effect_on_the_next_request(db, client_for, moved):
    member = login("member")
    assert alive(member)  # the policy is now cached (member idle 120 minutes)
    response = client_for("security").post(
        "/security/policy/", {**POLICY_FORM, "member_idle_minutes": 5}
    )
    assert response.status_code in (200, 302)
    assert get_policy().member_idle_minutes == 5
    moved.advance(minutes=6)
    assert not alive(member)


def test_a_page_view_within_a_minute_does_not_write_the_session(db, moved):
    member = login("member")
    assert alive(member)
    moved.advance(minutes=0.5)
    with CaptureQueriesContext(connection) as ctx:
        assert alive(member)
    # The database backend reads the session row; cached_db (with Redis) reads the cache.
    # Either way nothing is written (the write a minute later, below, proves the check).
    session_sql = [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]]
    assert all(sql.startswith("SELECT") for sql in session_sql)
    moved.advance(minutes=1)
    with CaptureQueriesContext(connection) as ctx:
        assert alive(member)
    assert any(
        "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
        for q in ctx.captured_queries
    )


def test_the_idle_timeout_still_logs_out_when_views_are_not_written(db, moved):
    """Views every 40 seconds write the session every other time: the idle time counts
    from the last write, so the member is still logged out within a minute of the limit."""
    member = login("member")
    for _ in range(6):
        moved.advance(minutes=40 / 60)
        assert alive(member)
    moved.advance(minutes=120 + 1)
    assert not alive(member)


def test_the_roles_and_the_person_are_one_query(db):
    sec = User.objects.get(username="sec")
    with CaptureQueriesContext(connection) as ctx:
        access = access_for(sec)
    assert len(ctx.captured_queries) == 1
    secretary = RoleAssignment.objects.filter(user=sec, role=Role.BRANCH_SECRETARY)
    assert access.branch_ids == {ra.branch_id for ra in secretary}
    assert access.branch_hospital_ids == {ra.branch.hospital_id for ra in secretary}
    assert access.person_id == sec.person_id
    assert access.person_hospital_id == sec.person.hospital_id
    assert access.person_branch_id == (
        sec.person.branch_id if Role.MEMBER in access.roles else None
    )


def test_a_user_without_roles_or_person_has_an_empty_access(db):
    user = User.objects.create_user(username="nobody-floor", password="x")
    access = access_for(user)
    assert access.roles == frozenset() and access.person_id is None
    assert access.person_hospital_id is None and access.branch_ids == frozenset()


def test_a_role_granted_or_revoked_shows_on_the_next_request(db, client_for):
    member = User.objects.get(username="member")
    client = client_for("member")
    assert "支部书记" not in client.get("/").content.decode()
    branch_id = member.person.branch_id
    grant = RoleAssignment.objects.create(
        user=member, role=Role.BRANCH_SECRETARY, branch_id=branch_id
    )
    assert "支部书记" in client.get("/").content.decode()
    grant.delete()
    assert "支部书记" not in client.get("/").content.decode()


def test_the_unread_badge_counts_a_notification_that_has_just_arrived(db, client_for):
    member = User.objects.get(username="member")
    Notification.objects.filter(recipient=member).update(read_at="2026-01-01T00:00:00Z")
    client = client_for("member")
    assert "消息 1<" not in client.get("/accounts/security/").content.decode()
    Notification.objects.create(recipient=member, title="新消息")
    assert "消息 1<" in client.get("/accounts/security/").content.decode()


@pytest.mark.parametrize("username", ["member", "sec"])
def test_a_bare_logged_in_page_pays_four_queries_besides_its_own(
    db, client_for, username, django_assert_max_num_queries
):
    """Session, user, roles with the person, the 消息 badge; the security page adds its
    WeChat binding and its 2FA device (and a secretary's 待办 badge counts the to-dos)."""
    client = client_for(username)
    client.get("/accounts/security/")
    extra = 4 if username == "sec" else 0
    with django_assert_max_num_queries(4 + 2 + extra):
        assert client.get("/accounts/security/").status_code == 200


# --- the session and the user, read by prepared queries ---------------------------------------


def test_the_session_and_its_user_are_two_queries_and_give_the_same_user(db):
    """The session row and the user come from queries compiled once per process; the user
    is the same as Django's own load gives, field for field."""
    from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user
    from django.contrib.auth.backends import ModelBackend
    from django.test import RequestFactory

    from hongfan.accounts.backends import SessionStore, SessionUserBackend

    client = login("member")
    key = client.cookies["sessionid"].value
    session = SessionStore(key)
    assert session[BACKEND_SESSION_KEY] == "hongfan.accounts.backends.SessionUserBackend"
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as ctx:
        request.session = SessionStore(key)
        user = get_user(request)
    assert len(ctx.captured_queries) == 2
    expected = ModelBackend().get_user(session[SESSION_KEY])
    assert user == expected and user.is_authenticated
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert SessionUserBackend().get_user("no number") is None
    assert SessionUserBackend().get_user(10**12) is None


def test_a_deactivated_account_and_an_expired_or_unknown_session_are_logged_out(db):
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = login("member")
    assert alive(client)
    User.objects.filter(username="member").update(is_active=False)
    assert not alive(client)
    User.objects.filter(username="member").update(is_active=True)
    if settings.SESSION_ENGINE == "hongfan.accounts.backends":
        # database sessions: a row past its expiry date (with Redis, cached_db reads the
        # cached copy, which expires by itself)
        client = login("member")
        Session.objects.filter(session_key=client.cookies["sessionid"].value).update(
            expire_date=timezone.now()
        )
        assert not alive(client)
    client = login("member")
    client.cookies["sessionid"] = "x" * 32  # unknown
    assert not alive(client)


def test_a_session_made_before_names_djangos_backend_and_still_holds(db):
    """Sessions made before the prepared read name ModelBackend: they stay logged in."""
    from django.contrib.auth import BACKEND_SESSION_KEY

    from hongfan.accounts.backends import SessionStore

    client = login("member")
    key = client.cookies["sessionid"].value
    session = SessionStore(key)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert alive(client)
