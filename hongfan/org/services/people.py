"""Writes on people: create, update, transfer, leave, reveal. Keyword-only, typed, atomic,
validated, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from hongfan.core import pii
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import today
from hongfan.core.idcard import (
    birth_date_from_id,
    id_number_error,
    mobile_error,
    normalise_id_number,
    normalise_mobile,
)
from hongfan.core.locks import lock_first
from hongfan.core.pii import keyed_hash
from hongfan.org.choices import MEMBER_STATUSES, DevelopmentStatus, PersonStatus, PoliticalStatus
from hongfan.org.models import Branch, Development, Hospital, PartyGroup, Person, Transfer
from hongfan.org.rules import RuleNumbers, joining_age_error
from hongfan.org.selectors.structure import org_rule_for

PERSON_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "education",
    "department",
    "post",
    "title",
    "is_middle_cadre",
    "is_department_head",
    "is_senior_expert",
    "political_status",
    "joined_on",
    "full_member_on",
    "branch",
    "party_group",
)


def _can_write_person(access: Access, hospital_id: int, branch_id: int | None) -> bool:
    return access.administers_hospital(hospital_id) or (
        branch_id is not None and branch_id in access.branch_ids
    )


def person_validate(  # noqa: C901
    person: Person, *, id_number: str | None, mobile: str | None, day: date, rule: RuleNumbers
) -> dict[str, str]:
    """{field: Chinese message} for every rule ``person`` breaks; ``rule`` is the city's
    OrgRule version in force (the minimum age to join)."""
    errors: dict[str, str] = {}
    if not person.name or not person.name.strip():
        errors["name"] = "请填写姓名"
    if person.birth_date and person.birth_date > day:
        errors["birth_date"] = "出生日期不能晚于今天"
    if person.joined_on and person.joined_on > day:
        errors["joined_on"] = "入党日期不能晚于今天"
    if person.full_member_on and person.full_member_on > day:
        errors["full_member_on"] = "转正日期不能晚于今天"
    if person.joined_on and person.birth_date and "joined_on" not in errors:
        if person.joined_on < person.birth_date:
            errors["joined_on"] = "入党日期不能早于出生日期"
        elif msg := joining_age_error(
            birth_date=person.birth_date, joined_on=person.joined_on, rule=rule
        ):
            errors["joined_on"] = msg
    if person.full_member_on and person.joined_on and person.full_member_on < person.joined_on:
        errors["full_member_on"] = "转正日期不能早于入党日期"
    if person.political_status in MEMBER_STATUSES:
        if person.branch_id is None:
            errors["branch"] = "党员必须编入一个党支部"
        if person.joined_on is None:
            errors["joined_on"] = "党员须填写入党日期"
    if (
        person.political_status == PoliticalStatus.MEMBER
        and person.joined_on
        and not person.full_member_on
    ):
        errors["full_member_on"] = "正式党员须填写转正日期"
    if person.department is not None and person.department.hospital_id != person.hospital_id:
        errors["department"] = "科室不属于本院"
    if person.branch is not None and person.branch.hospital_id != person.hospital_id:
        errors["branch"] = "支部不属于本院"
    if person.party_group is not None and person.party_group.branch_id != person.branch_id:
        errors["party_group"] = "党小组不属于所选支部"
    if id_number is not None and id_number != "":
        msg = id_number_error(id_number)
        if msg:
            errors["id_number"] = msg
        else:
            clash = Person.objects.filter(
                hospital_id=person.hospital_id, id_number_hash=keyed_hash(id_number)
            )
            if person.pk:
                clash = clash.exclude(pk=person.pk)
            if clash.exists():
                errors["id_number"] = "本院已有相同身份证号的职工"
            elif person.birth_date and birth_date_from_id(id_number) != person.birth_date:
                errors["birth_date"] = "出生日期与身份证号不一致"
    if mobile is not None and mobile != "":
        msg = mobile_error(mobile)
        if msg:
            errors["mobile"] = msg
    return errors


def _changed_fields(before: dict[str, Any], after: Person) -> list[str]:
    return [
        f
        for f in PERSON_FIELDS
        if before.get(f)
        != getattr(after, f + ("_id" if f in {"department", "branch", "party_group"} else ""))
    ]


@transaction.atomic
def person_create(
    *,
    access: Access,
    hospital: Hospital,
    data: dict[str, Any],
    id_number: str = "",
    mobile: str = "",
    request: HttpRequest | None = None,
) -> Person:
    branch = data.get("branch")
    if not _can_write_person(access, hospital.pk, branch.pk if branch else None):
        raise PermissionDenied("没有权限在此新增人员")
    id_number = normalise_id_number(id_number)
    mobile = normalise_mobile(mobile)
    person = Person(hospital=hospital, **{k: v for k, v in data.items() if k in PERSON_FIELDS})
    errors = person_validate(
        person,
        id_number=id_number,
        mobile=mobile,
        day=today(),
        rule=org_rule_for(hospital.authority_id),
    )
    if errors:
        raise ValidationError(errors)
    person.id_number = id_number
    person.mobile = mobile
    person.full_clean(exclude=["id_number_enc", "mobile_enc"])
    person.save()
    audit_log(
        actor_id=access.user_id, action=AuditAction.DATA_CREATED, request=request, target=person
    )
    return person


@transaction.atomic
def person_update(
    *,
    access: Access,
    person: Person,
    data: dict[str, Any],
    id_number: str | None = None,
    mobile: str | None = None,
    request: HttpRequest | None = None,
) -> Person:
    if not _can_write_person(access, person.hospital_id, person.branch_id):
        raise PermissionDenied("没有权限修改此人员")
    if (
        "branch" in data
        and data["branch"] != person.branch
        and not access.administers_hospital(person.hospital_id)
    ):
        raise PermissionDenied("调整所在支部请使用“组织关系转接”，由医院党委办理")
    before = {
        f: getattr(person, f + ("_id" if f in {"department", "branch", "party_group"} else ""))
        for f in PERSON_FIELDS
    }
    old_branch = person.branch
    for key, value in data.items():
        if key in PERSON_FIELDS:
            setattr(person, key, value)
    if id_number is not None:
        id_number = normalise_id_number(id_number)
    if mobile is not None:
        mobile = normalise_mobile(mobile)
    errors = person_validate(
        person,
        id_number=id_number if id_number != person.id_number else None,
        mobile=mobile,
        day=today(),
        rule=org_rule_for(person.hospital.authority_id),
    )
    if errors:
        raise ValidationError(errors)
    if id_number is not None and id_number != person.id_number:
        person.id_number = id_number
    if mobile is not None and mobile != person.mobile:
        person.mobile = mobile
    person.full_clean(exclude=["id_number_enc", "mobile_enc"])
    person.save()
    if old_branch != person.branch:
        Transfer.objects.create(
            person=person,
            from_branch=old_branch,
            to_branch=person.branch,
            transferred_on=today(),
            reason="编辑人员信息时调整",
            actor_id=access.user_id,
        )
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CHANGED,
        request=request,
        target=person,
        fields=_changed_fields(before, person)
        + (["id_number"] if id_number else [])
        + (["mobile"] if mobile else []),
    )
    return person


@transaction.atomic
def person_transfer(
    *,
    access: Access,
    person: Person,
    to_branch: Branch,
    on: date,
    reason: str,
    request: HttpRequest | None = None,
) -> Transfer:
    if not access.administers_hospital(person.hospital_id):
        raise PermissionDenied("组织关系转接由医院党委办理")
    errors: dict[str, str] = {}
    if to_branch.hospital_id != person.hospital_id or not to_branch.active:
        errors["to_branch"] = "只能转入本院在用的党支部"
    elif to_branch.pk == person.branch_id:
        errors["to_branch"] = "转入支部与当前支部相同"
    if on > today():
        errors["on"] = "转接日期不能晚于今天"
    if not reason or not reason.strip():
        errors["reason"] = "请填写转接原因"
    if person.status != PersonStatus.ACTIVE:
        errors["to_branch"] = "此人已离开，不能转接"
    if errors:
        raise ValidationError(errors)
    lock_first(Person.objects.filter(pk=person.pk))
    transfer = Transfer.objects.create(
        person=person,
        from_branch=person.branch,
        to_branch=to_branch,
        transferred_on=on,
        reason=reason.strip(),
        actor_id=access.user_id,
    )
    person.branch = to_branch
    person.party_group = None
    person.save(update_fields=["branch", "party_group", "updated_at"])
    Development.objects.filter(person=person, status=DevelopmentStatus.ACTIVE).update(
        branch=to_branch
    )
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CHANGED,
        request=request,
        target=person,
        change="transfer",
        to_branch=to_branch.pk,
        from_branch=transfer.from_branch_id,
    )
    return transfer


@transaction.atomic
def person_mark_left(
    *, access: Access, person: Person, on: date, reason: str, request: HttpRequest | None = None
) -> Person:
    if not access.administers_hospital(person.hospital_id):
        raise PermissionDenied("人员离开由医院党委办理")
    errors: dict[str, str] = {}
    if person.status == PersonStatus.LEFT:
        errors["on"] = "此人已标记为离开"
    if on > today():
        errors["on"] = "离开日期不能晚于今天"
    if not reason or not reason.strip():
        errors["reason"] = "请填写离开原因"
    if errors:
        raise ValidationError(errors)
    person.status = PersonStatus.LEFT
    person.left_on = on
    person.left_reason = reason.strip()
    person.save(update_fields=["status", "left_on", "left_reason", "updated_at"])
    Transfer.objects.create(
        person=person,
        from_branch=person.branch,
        to_branch=None,
        transferred_on=on,
        reason=f"离开：{reason.strip()}",
        actor_id=access.user_id,
    )
    Branch.objects.filter(secretary=person).update(secretary=None)
    PartyGroup.objects.filter(leader=person).update(leader=None)
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CHANGED,
        request=request,
        target=person,
        change="left",
    )
    return person


def person_reveal(
    *, access: Access, person: Person, field: str, request: HttpRequest | None = None
) -> str:
    """Return the plain 身份证号 / 手机号, writing an audit row either way."""
    allowed = access.administers_hospital(person.hospital_id) or access.person_id == person.pk
    if field not in {"id_number", "mobile"}:
        raise ValidationError("无效字段")
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.REVEAL,
        request=request,
        target=person,
        field=field,
        success=allowed,
    )
    if not allowed:
        raise PermissionDenied("没有查看完整敏感信息的权限")
    token = person.id_number_enc if field == "id_number" else person.mobile_enc
    # A value under a key that is no longer configured shows a placeholder (and logs the
    # key id), not a server error.
    return pii.masked(token, lambda plain: plain, where=f"person.{field}")
