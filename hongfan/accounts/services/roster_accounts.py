"""Accounts made in bulk from the roster (花名册): the system admin picks a hospital or a
branch, and everyone there without an account gets one waiting for activation. The user
name is the 工号 where the roster has one, else the name in pinyin (``zhangsan``, then
``zhangsan2`` …): never the mobile, which would put the number in clear on every page that
lists accounts and in the audit trail (people activate and may log in with the mobile and a
code anyway). Each is made by ``users.user_create``, so whatever that service does for a new
account happens for each of them too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from hongfan.accounts import selectors
from hongfan.accounts.models import User
from hongfan.accounts.services.users import user_create
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.pinyin import name_letters
from hongfan.core.roles import Role

NO_MOBILE = "花名册中没有手机号，无法短信激活"
TAKEN = "工号已被其他账号用作用户名"


@dataclass
class RosterAccounts:
    created: list[User] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (姓名, why)


def roster_username(person: Any) -> str:
    """The wished user name of a person's account: the 工号 where the roster has one, else
    the name in pinyin, letters only (``user`` for a name with none)."""
    number = (getattr(person, "employee_number", "") or "").strip()
    if number:
        return number
    return "".join(c for c in name_letters(person.name) if "a" <= c <= "z")[:30] or "user"


def _free(wished: str, taken: set[str], numbered: bool) -> str | None:
    """``wished`` if nobody has it, else (for a pinyin name) the first free ``wished2``,
    ``wished3`` …; None for a 工号 already in use."""
    if wished not in taken:
        return wished
    if not numbered:
        return None
    n = 2
    while f"{wished}{n}" in taken:
        n += 1
    return f"{wished}{n}"


@transaction.atomic
def roster_accounts_create(
    *, access: Access, hospital: Any, branch: Any = None, request: HttpRequest | None = None
) -> RosterAccounts:
    if not access.has(Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以创建账号")
    if branch is not None and branch.hospital_id != hospital.pk:
        raise ValidationError({"branch": "该支部不属于所选医院"})
    result = RosterAccounts()
    people = selectors.people_without_account(access=access, hospital=hospital, branch=branch)
    wished = {p.pk: roster_username(p) for p in people}
    taken = selectors.usernames_starting(access=access, prefixes=set(wished.values()))
    for person in people:
        numbered = not (getattr(person, "employee_number", "") or "").strip()
        username = _free(wished[person.pk], taken, numbered)
        if not person.mobile:
            result.skipped.append((person.name, NO_MOBILE))
        elif username is None:
            result.skipped.append((person.name, TAKEN))
        else:
            result.created.append(
                user_create(
                    access=access,
                    username=username,
                    display_name=person.name,
                    password=None,
                    person=person,
                    request=request,
                )
            )
            taken.add(username)
    if result.created:
        ids = [u.pk for u in result.created]
        transaction.on_commit(lambda: _enqueue_activation_texts(ids), robust=True)
    audit_log(
        action=AuditAction.USER_CHANGED,
        request=request,
        hospital_id=hospital.pk,
        change="bulk_created",
        branch=branch.name if branch is not None else "",
        created=len(result.created),
        skipped=len(result.skipped),
    )
    return result


def activation_text(*, username: str) -> str:
    return (
        f"【红帆】已为您开通红帆党建账号，用户名{username}。请打开红帆登录页，点“激活账号”，"
        "用本手机号获取验证码激活并设置密码。"
    )


def activation_texts_send(*, user_ids: list[int]) -> int:
    """Tell each newly opened, still inactive account's person how to activate it, by SMS
    to the roster's mobile (the worker's side; slow gateways stay out of the request).
    Returns how many texts went out."""
    from hongfan.notices.services import sms_send

    sent = 0
    for user in selectors.activation_pending(user_ids=user_ids):
        mobile = user.person.mobile if user.person is not None else ""
        if mobile and sms_send(mobile=mobile, text=activation_text(username=user.username)):
            sent += 1
    return sent


def _enqueue_activation_texts(user_ids: list[int]) -> None:
    from hongfan.accounts.tasks import send_activation_texts

    send_activation_texts(user_ids)
