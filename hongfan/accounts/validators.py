from __future__ import annotations

import string
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError


def _classes(password: str) -> int:
    return sum(
        [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        ]
    )


class PolicyPasswordValidator:
    """Length and character classes from the security policy in force."""

    def validate(self, password: str, user: Any = None) -> None:
        from hongfan.accounts.policy import get_policy

        policy = get_policy()
        if len(password) < policy.password_min_length:
            raise ValidationError(
                f"密码至少需要{policy.password_min_length}个字符",
                code="password_too_short",
            )
        if _classes(password) < policy.password_min_classes:
            raise ValidationError(
                f"密码需包含大写字母、小写字母、数字、符号中的至少{policy.password_min_classes}类",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return "至少8位，且包含大写字母、小写字母、数字、符号中的至少3类"


class UsernameInPasswordValidator:
    """No password that contains the username, in any letter case (usernames of three or
    more characters: a two-letter username would forbid common letter pairs)."""

    MIN_USERNAME = 3

    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").strip().casefold()
        if len(username) >= self.MIN_USERNAME and username in password.casefold():
            raise ValidationError("密码不能包含用户名", code="password_contains_username")

    def get_help_text(self) -> str:
        return "密码不能包含用户名"


class PasswordHistoryValidator:
    """No password among the user's last ``count`` (the current one included).

    The hashes are kept in PasswordHistory, written by ``password_changed``, which Django
    calls whenever a user saved after ``set_password``. Callers that take an old password
    (the change form) must check it *before* running the validators: otherwise this
    message would tell a guesser whether a password was the user's.
    """

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        from hongfan.accounts.models import PasswordHistory

        recent = list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[
                : self.count
            ]
        )
        current = getattr(user, "password", "")
        if current and current not in recent:
            recent.insert(0, current)
        if any(check_password(password, encoded) for encoded in recent[: self.count]):
            raise ValidationError(
                f"新密码不能与最近{self.count}次使用过的密码相同", code="password_reused"
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None or not user.has_usable_password():
            return
        from hongfan.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        stale = PasswordHistory.objects.filter(user_id=user.pk).values_list("pk", flat=True)[
            self.count :
        ]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        return f"不能与最近{self.count}次使用过的密码相同"
