from __future__ import annotations

import string
from typing import Any

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
