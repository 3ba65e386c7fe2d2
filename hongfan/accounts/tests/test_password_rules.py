"""Password rules beyond length and classes: no reuse of the last five, no username inside,
and the change form does not let a borrowed session guess the old password."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from hongfan.accounts import services
from hongfan.accounts.models import PasswordHistory, User
from hongfan.accounts.tests.conftest import PASSWORD
from hongfan.core.access import access_for
from hongfan.core.models import AuditEvent

REUSED = "新密码不能与最近5次使用过的密码相同"
HAS_USERNAME = "密码不能包含用户名"
TOO_MANY = "原密码输错次数过多，请30分钟后再试"
NEW = ["Xin#Mima2021", "Xin#Mima2022", "Xin#Mima2023", "Xin#Mima2024", "Xin#Mima2025"]


def change(client: Client, old: str, new: str):
    return client.post(
        "/accounts/password/", {"old_password": old, "new_password": new, "new_password2": new}
    )


def member(users) -> User:
    return User.objects.get(pk=users["member"].pk)


def change_five_times(user: User) -> None:
    old = PASSWORD
    for new in NEW:
        services.password_change(user=user, old_password=old, new_password=new)
        old = new


# --- the last five passwords ------------------------------------------------------------------


def test_a_password_among_the_last_five_is_refused_in_chinese(db, client_for, users):
    change_five_times(member(users))  # the last five: NEW[0] .. NEW[4] (the current one)
    response = change(client_for("member"), NEW[4], NEW[0])
    assert response.status_code == 200
    assert REUSED in response.content.decode()
    assert member(users).check_password(NEW[4])


def test_the_sixth_password_back_may_be_used_again(db, client_for, users):
    change_five_times(member(users))
    response = change(client_for("member"), NEW[4], PASSWORD)
    assert response.status_code == 302
    assert member(users).check_password(PASSWORD)


def test_a_refused_reuse_changes_nothing(db, users):
    user = member(users)
    change_five_times(user)
    before = (
        User.objects.filter(pk=user.pk).values().get(),
        list(PasswordHistory.objects.values()),
    )
    with pytest.raises(ValidationError) as exc:
        services.password_change(user=user, old_password=NEW[4], new_password=NEW[2])
    assert REUSED in " ".join(exc.value.messages)
    after = (User.objects.filter(pk=user.pk).values().get(), list(PasswordHistory.objects.values()))
    assert after == before


def test_the_current_password_counts_even_without_a_recorded_history(db, users):
    user = member(users)
    PasswordHistory.objects.filter(user=user).delete()  # an account older than the history
    with pytest.raises(ValidationError) as exc:
        validate_password(PASSWORD, user)
    assert REUSED in exc.value.messages


def test_a_wrong_old_password_does_not_reveal_whether_the_new_one_was_used(db, client_for, users):
    change_five_times(member(users))
    page = change(client_for("member"), "Guess#2026x", NEW[3]).content.decode()
    assert "原密码不正确" in page
    assert REUSED not in page


# --- the username inside the password --------------------------------------------------------


@pytest.mark.parametrize("password", ["Member#2026", "xMEMBERx#26", "2026@member"])
def test_a_password_containing_the_username_is_refused_in_any_case(db, users, password):
    with pytest.raises(ValidationError) as exc:
        validate_password(password, users["member"])
    assert HAS_USERNAME in exc.value.messages


def test_a_new_account_cannot_get_its_username_in_its_password(db, users):
    count = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            access=access_for(users["sysadmin"]),
            username="zhangwei",
            display_name="张伟",
            password="ZhangWei@2026",
        )
    assert HAS_USERNAME in " ".join(exc.value.messages)
    assert User.objects.count() == count


def test_changing_to_a_password_with_the_username_keeps_the_old_one(db, client_for, users):
    response = change(client_for("member"), PASSWORD, "Member@2027x")
    assert HAS_USERNAME in response.content.decode()
    assert member(users).check_password(PASSWORD)


# --- guessing the old password on the change form ---------------------------------------------


def test_five_wrong_old_passwords_make_the_change_form_refuse_for_a_while(db, client_for, users):
    client = client_for("member")
    for i in range(5):
        assert "原密码不正确" in change(client, f"Guess#{i}xx", NEW[0]).content.decode()
    response = change(client, PASSWORD, NEW[0])  # even the right one is refused now
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert member(users).check_password(PASSWORD)


def test_the_change_form_accepts_the_right_old_password_after_the_wait(
    db, client_for, users, clock
):
    client = client_for("member")
    for i in range(5):
        change(client, f"Guess#{i}xx", NEW[0])
    clock.advance(minutes=29)
    assert TOO_MANY.replace("30", "1") in change(client, PASSWORD, NEW[0]).content.decode()
    clock.advance(minutes=2)
    assert change(client, PASSWORD, NEW[0]).status_code == 302
    assert member(users).check_password(NEW[0])


def test_wrong_old_passwords_and_the_refusal_are_audited(db, client_for, users):
    client = client_for("member")
    for i in range(5):
        change(client, f"Guess#{i}xx", NEW[0])
    change(client, PASSWORD, NEW[0])
    events = AuditEvent.objects.filter(action="password_changed", username="member")
    assert [e.detail["reason"] for e in events.order_by("pk")] == ["wrong_old_password"] * 5 + [
        "throttled"
    ]
    assert not any(e.success for e in events)
    assert all("Guess" not in str(e.detail) for e in events)


def test_wrong_old_passwords_do_not_lock_the_account_for_logging_in(db, client_for):
    client = client_for("member")
    for i in range(6):
        change(client, f"Guess#{i}xx", NEW[0])
    fresh = Client()
    response = fresh.post("/accounts/login/", {"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in fresh.session


def test_one_members_wrong_guesses_do_not_hold_up_another_member(db, client_for, users):
    member_client = client_for("member")
    for i in range(5):
        change(member_client, f"Guess#{i}xx", NEW[0])
    response = change(client_for("sec"), PASSWORD, NEW[0])
    assert response.status_code == 302
    assert User.objects.get(pk=users["sec"].pk).check_password(NEW[0])
