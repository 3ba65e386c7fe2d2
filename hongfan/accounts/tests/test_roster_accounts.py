"""Accounts from the roster: the system admin opens accounts for a branch or a hospital
(user name = mobile), people activate them by SMS code and set a password; the security
admin grants a role to many accounts at once; an account is linked to a person found by
name, never by a typed id."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client

from hongfan.accounts.models import RoleAssignment, SmsCode, User
from hongfan.accounts.services.roster_accounts import activation_texts_send
from hongfan.accounts.tests.sms import give_mobile
from hongfan.core.models import AuditEvent
from hongfan.core.pinyin import name_letters
from hongfan.core.roles import Role
from hongfan.org.models import Person
from hongfan.org.tests.factories import make_person, primary, sec_branch, second

NEW = "Xin#Mima2027"


def without_account(branch):
    return list(Person.objects.filter(branch=branch, status="active", user__isnull=True))


def test_the_system_admin_sees_who_has_no_account_in_a_branch(db, client_for):
    branch = sec_branch()
    people = without_account(branch)
    assert people
    response = client_for("sysadmin").get(
        "/system/users/roster/", {"hospital": branch.hospital_id, "branch": branch.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"尚无账号的职工（{len(people)}人）" in page
    assert people[0].name in page
    assert people[0].mobile not in page and people[0].mobile_masked in page


def test_accounts_are_opened_for_a_branch_waiting_for_activation(db, client_for):
    branch = sec_branch()
    nomobile = make_person(branch=branch, political_status="member", name="无手机")
    Person.objects.filter(pk=nomobile.pk).update(mobile_enc="", mobile_hash="")
    people = without_account(branch)
    response = client_for("sysadmin").post(
        "/system/users/roster/", {"hospital": branch.hospital_id, "branch": branch.pk}
    )
    assert response.status_code == 200
    page = response.content.decode()
    made = User.objects.filter(person__in=[p for p in people if p.pk != nomobile.pk])
    assert made.count() == len(people) - 1
    assert f"已开通 {len(people) - 1} 个账号" in page and "无手机：花名册中没有手机号" in page
    for user in made:
        # the name in pinyin, never the mobile (which would show in clear wherever
        # accounts are listed)
        assert user.username.startswith(name_letters(user.person.name))
        assert user.person.mobile not in user.username
        assert not user.is_active and user.activation_pending and not user.has_usable_password()
    assert not User.objects.filter(person=nomobile).exists()
    bulk = AuditEvent.objects.filter(action="user_changed", detail__change="bulk_created").get()
    assert bulk.detail["created"] == len(people) - 1 and bulk.hospital_id == branch.hospital_id
    assert (
        AuditEvent.objects.filter(detail__change="created_pending_activation").count()
        == len(people) - 1
    )
    # a second run finds nobody left but the person without a mobile
    again = client_for("sysadmin").post(
        "/system/users/roster/", {"hospital": branch.hospital_id, "branch": branch.pk}
    )
    assert "已开通 0 个账号" in again.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"hospital": "abc"},
        {"hospital": str(2**70)},
        {"hospital": "1\x002"},
        {"hospital": ""},
        "other-branch",
    ],
)
def test_bad_roster_input_is_refused_in_chinese_and_opens_nothing(db, client_for, data):
    if data == "other-branch":
        data = {"hospital": primary().pk, "branch": second().branches.order_by("pk").first().pk}
    before = User.objects.count()
    response = client_for("sysadmin").post("/system/users/roster/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "请选择医院" in page or "请选择该医院的支部" in page or "该支部不属于所选医院" in page
    assert User.objects.count() == before


@pytest.mark.parametrize("who", ["hosp", "security", "audit", "member"])
def test_only_the_system_admin_opens_accounts(db, client_for, who):
    branch = sec_branch()
    before = User.objects.count()
    response = client_for(who).post(
        "/system/users/roster/", {"hospital": branch.hospital_id, "branch": branch.pk}
    )
    assert response.status_code == 403
    assert User.objects.count() == before


# --- activation --------------------------------------------------------------------------------


@pytest.fixture
def pending(db, client_for) -> User:
    branch = sec_branch()
    person = make_person(branch=branch, political_status="member", name="新党员")
    give_mobile(person, "13955550000")
    client_for("sysadmin").post(
        "/system/users/roster/", {"hospital": branch.hospital_id, "branch": branch.pk}
    )
    return User.objects.get(person=person)


def activate(client: Client, code: str, password: str = NEW):
    return client.post(
        "/accounts/activate/",
        {
            "mobile": "13955550000",
            "code": code,
            "new_password": password,
            "new_password2": password,
            "action": "save",
        },
    )


def test_a_person_activates_their_account_by_sms_code(pending, outbox):
    assert pending.username.isascii() and "13955550000" not in pending.username
    client = Client()
    sent = client.post("/accounts/activate/", {"mobile": "13955550000", "action": "send"})
    assert "验证码已发送" in sent.content.decode()
    weak = activate(client, outbox.last_code("13955550000"), password="short")
    assert "密码至少需要8个字符" in weak.content.decode()
    done = activate(client, outbox.last_code("13955550000"))
    assert done.status_code == 302
    # no role yet (the security admin grants it): 账号安全, not a 403 page
    assert done["Location"] == "/accounts/security/"
    assert "安全管理员授予角色后" in client.get(done["Location"]).content.decode()
    pending.refresh_from_db()
    assert pending.is_active and not pending.activation_pending and pending.check_password(NEW)
    assert client.session.get("_auth_user_id") == str(pending.pk)
    assert AuditEvent.objects.filter(action="account_activated", success=True).exists()
    # and the code is spent
    assert "验证码已使用" in activate(Client(), outbox.last_code("13955550000")).content.decode()


def test_a_pending_account_cannot_log_in_before_activation(pending, outbox):
    client = Client()
    client.post("/accounts/login/?by=sms", {"by": "sms", "mobile": "13955550000", "action": "send"})
    assert outbox.sent() == []  # no login code for an account not yet activated
    assert SmsCode.objects.get().user is None


def test_a_disabled_account_cannot_be_activated_by_sms(pending, outbox, client_for):
    client_for("sysadmin").post(f"/system/users/{pending.pk}/active/", {"active": "0"})
    Client().post("/accounts/activate/", {"mobile": "13955550000", "action": "send"})
    assert outbox.sent() == []
    pending.refresh_from_db()
    assert not pending.is_active and not pending.activation_pending


def test_an_active_account_gets_no_activation_code(db, users, outbox):
    give_mobile(users["member"].person)
    Client().post("/accounts/activate/", {"mobile": "13912345678", "action": "send"})
    assert outbox.sent() == []


def test_the_login_page_links_to_activation_and_the_users_page_shows_pending(pending, client_for):
    assert "激活账号" in Client().get("/accounts/login/").content.decode()
    page = client_for("sysadmin").get("/system/users/", {"q": pending.username}).content.decode()
    assert "待激活" in page


# --- granting a role in bulk -------------------------------------------------------------------


def test_the_security_admin_grants_a_role_to_many_accounts(db, pending, client_for, users):
    other = User.objects.create(username="13955550001", first_name="另一位")
    other.person = make_person(branch=sec_branch(), political_status="member")
    other.save()
    security = client_for("security")
    page = security.get("/security/roles/bulk/", {"q": "1395555"}).content.decode()
    assert "13955550001" in page
    User.objects.filter(pk=pending.pk).update(is_active=True, activation_pending=False)
    assert RoleAssignment.objects.filter(user=users["member"], role=Role.MEMBER).exists()
    response = security.post(
        "/security/roles/bulk/?q=1395555",
        {"users": [pending.pk, other.pk, users["member"].pk], "role": Role.MEMBER},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user__in=[pending, other], role=Role.MEMBER).count() == 2
    after = security.get(response["Location"]).content.decode()
    assert "已为2个账号授予角色：党员/职工，1个账号原已有此角色" in after, re.findall(
        r"alert[^>]*>([^<]*)", after
    )
    assert AuditEvent.objects.filter(action="role_granted").count() >= 2


def test_a_bulk_grant_with_one_refusal_grants_nothing(db, client_for, users):
    loose = User.objects.create(username="no-person", first_name="无职工")
    target = User.objects.create(username="has-person", first_name="有职工")
    target.person = make_person(branch=sec_branch(), political_status="member")
    target.save()
    response = client_for("security").post(
        "/security/roles/bulk/", {"users": [target.pk, loose.pk], "role": Role.MEMBER}
    )
    assert response.status_code == 200
    assert "无职工（no-person）：该账号未关联职工" in response.content.decode()
    assert not RoleAssignment.objects.filter(user__in=[target, loose]).exists()


@pytest.mark.parametrize(
    "users_value", [[str(2**70)], ["abc"], ["1\x002"], []], ids=["huge", "text", "nul", "none"]
)
def test_bad_bulk_grant_input_is_refused_in_chinese(db, client_for, users_value):
    before = RoleAssignment.objects.count()
    response = client_for("security").post(
        "/security/roles/bulk/", {"users": users_value, "role": Role.MEMBER}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "请至少选择一个账号" in page or "所选账号不存在" in page
    assert RoleAssignment.objects.count() == before


@pytest.mark.parametrize("who", ["sysadmin", "hosp", "audit", "member"])
def test_only_the_security_admin_grants_in_bulk(db, client_for, users, who):
    before = RoleAssignment.objects.count()
    response = client_for(who).post(
        "/security/roles/bulk/", {"users": [users["member"].pk], "role": Role.CITY_ADMIN}
    )
    assert response.status_code == 403
    assert RoleAssignment.objects.count() == before


# --- linking an account to a person ------------------------------------------------------------


def test_a_person_is_found_by_name_for_a_new_account(db, client_for):
    person = make_person(branch=sec_branch(), name="检索测试人")
    found = client_for("sysadmin").get("/system/users/people/", {"q": "检索测试"}).json()
    assert [r["value"] for r in found["results"]] == [person.pk]
    assert "检索测试人（" in found["results"][0]["text"]
    assert client_for("sysadmin").get("/system/users/people/", {"q": "\x00"}).json() == {
        "results": []
    }
    assert client_for("hosp").get("/system/users/people/", {"q": "检索"}).status_code == 403


def test_the_users_page_links_a_person_chosen_by_search(db, client_for):
    person = make_person(branch=sec_branch(), name="关联测试人")
    client = client_for("sysadmin")
    page = client.get("/system/users/").content.decode()
    assert 'data-search="/system/users/people/"' in page and "关联职工编号" not in page
    response = client.post(
        "/system/users/",
        {
            "username": "linked",
            "display_name": "关联测试人",
            "password": NEW,
            "person": person.pk,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="linked").person == person


@pytest.mark.parametrize("value", ["abc", str(2**70), "1\x002", "taken"])
def test_a_person_that_cannot_be_chosen_is_refused_in_chinese(db, client_for, users, value):
    if value == "taken":
        value = str(users["member"].person_id)
    response = client_for("sysadmin").post(
        "/system/users/",
        {"username": "linked", "display_name": "某人", "password": NEW, "person": value},
    )
    assert response.status_code == 200
    assert "请从搜索结果中选择职工" in response.content.decode()
    assert not User.objects.filter(username="linked").exists()


def test_a_role_without_a_scope_is_not_granted_twice(db, users):
    """Before: the unique constraint let a second 党员/职工 row in (NULL scopes differ)."""
    from hongfan.accounts import services
    from hongfan.core.access import access_for

    security = access_for(users["security"])
    before = RoleAssignment.objects.filter(user=users["member"]).count()
    with pytest.raises(Exception, match="该用户已有此角色"):
        services.role_grant(access=security, user=users["member"], role=Role.MEMBER)
    assert RoleAssignment.objects.filter(user=users["member"]).count() == before


def test_an_account_enabled_by_hand_before_activation_can_log_in_by_sms(
    pending, outbox, client_for
):
    client_for("sysadmin").post(f"/system/users/{pending.pk}/active/", {"active": "1"})
    pending.refresh_from_db()
    assert pending.is_active and not pending.activation_pending
    client = Client()
    client.post("/accounts/login/?by=sms", {"by": "sms", "mobile": "13955550000", "action": "send"})
    response = client.post(
        "/accounts/login/?by=sms",
        {"by": "sms", "mobile": "13955550000", "code": outbox.last_code("13955550000")},
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(pending.pk)


def test_namesakes_get_numbered_pinyin_user_names_and_never_their_mobile(db, client_for):
    branch = sec_branch()
    User.objects.create(username="zhangweiguo", is_active=True)  # an older account
    first = make_person(branch=branch, political_status="member", name="张卫国")
    second_one = make_person(branch=branch, political_status="member", name="张卫国")
    give_mobile(first, "13955550101")
    give_mobile(second_one, "13955550102")
    client_for("sysadmin").post(
        "/system/users/roster/", {"hospital": branch.hospital_id, "branch": branch.pk}
    )
    names = sorted(
        User.objects.filter(person__in=[first, second_one]).values_list("username", flat=True)
    )
    assert names == ["zhangweiguo2", "zhangweiguo3"]


def test_people_opened_from_the_roster_are_told_by_sms_how_to_activate(
    db, client_for, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="hongfan.notify")
    branch = sec_branch()
    person = make_person(branch=branch, political_status="member", name="新党员")
    give_mobile(person, "13955550000")
    with django_capture_on_commit_callbacks(execute=True):
        client_for("sysadmin").post(
            "/system/users/roster/", {"hospital": branch.hospital_id, "branch": branch.pk}
        )
    user = User.objects.get(person=person)
    texts = [
        r.getMessage()
        for r in caplog.records
        if r.name == "hongfan.notify" and "139****0000" in r.getMessage()
    ]
    assert len(texts) == 1
    assert user.username in texts[0] and "激活账号" in texts[0]
    # an account already activated is not told again
    User.objects.filter(pk=user.pk).update(is_active=True, activation_pending=False)
    assert activation_texts_send(user_ids=[user.pk]) == 0
