"""Writes on the organisation's structure: departments, branches, committees (支委会
换届), Party groups and the versioned rule numbers. Same shape as the other service modules."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import add_months, today
from hongfan.org.choices import BranchKind, PersonStatus, PoliticalStatus, SeatRole
from hongfan.org.models import (
    Authority,
    Branch,
    BranchCommittee,
    CommitteeSeat,
    Department,
    Hospital,
    OrgRule,
    PartyGroup,
    Person,
)
from hongfan.org.selectors.structure import org_rule_for

RULE_FIELDS = (
    "min_full_members",
    "committee_threshold",
    "split_threshold",
    "term_min_years",
    "term_max_years",
    "term_warning_days",
    "dev_min_age",
    "dev_talk_within_days",
    "dev_activist_min_months",
    "dev_training_min_hours",
    "dev_probation_months",
    "dev_extension_min_months",
    "dev_extension_max_months",
    "dev_conversion_grace_days",
    "appraisal_excellent_divisor",
)


def _admin(access: Access, hospital_id: int, what: str) -> None:
    if not access.administers_hospital(hospital_id):
        raise PermissionDenied(f"{what}由医院党委管理")


@transaction.atomic
def department_save(
    *,
    access: Access,
    hospital: Hospital,
    data: dict[str, Any],
    department: Department | None = None,
    request: HttpRequest | None = None,
) -> Department:
    _admin(access, hospital.pk, "科室设置")
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "请填写科室名称"})
    clash = Department.objects.filter(hospital=hospital, name=name)
    if department is not None:
        clash = clash.exclude(pk=department.pk)
    if clash.exists():
        raise ValidationError({"name": "本院已有同名科室"})
    dept = department or Department(hospital=hospital)
    dept.name = name
    dept.kind = data["kind"]
    dept.active = data.get("active", True)
    dept.full_clean(validate_unique=False)
    dept.save()
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CHANGED if department else AuditAction.DATA_CREATED,
        request=request,
        target=dept,
    )
    return dept


@transaction.atomic
def branch_save(  # noqa: C901
    *,
    access: Access,
    hospital: Hospital,
    data: dict[str, Any],
    branch: Branch | None = None,
    request: HttpRequest | None = None,
) -> Branch:
    _admin(access, hospital.pk, "支部设置")
    errors: dict[str, str] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = "请填写支部名称"
    else:
        clash = Branch.objects.filter(hospital=hospital, name=name)
        if branch is not None:
            clash = clash.exclude(pk=branch.pk)
        if clash.exists():
            errors["name"] = "本院已有同名支部"
    parent: Branch | None = data.get("parent")
    if parent is not None:
        if parent.hospital_id != hospital.pk or parent.kind != BranchKind.GENERAL_BRANCH:
            errors["parent"] = "上级只能是本院的党总支"
        elif branch is not None and parent.pk == branch.pk:
            errors["parent"] = "支部不能以自己为上级"
        elif data.get("kind") == BranchKind.GENERAL_BRANCH:
            errors["parent"] = "党总支不能再设上级党总支"
    departments: list[Department] = list(data.get("departments") or [])
    if any(d.hospital_id != hospital.pk for d in departments):
        errors["departments"] = "覆盖科室须为本院科室"
    secretary: Person | None = data.get("secretary")
    if secretary is not None:
        if secretary.hospital_id != hospital.pk or secretary.status != PersonStatus.ACTIVE:
            errors["secretary"] = "书记须为本院在职人员"
        elif secretary.political_status != PoliticalStatus.MEMBER:
            errors["secretary"] = "书记须为正式党员"
        elif branch is None or secretary.branch_id != branch.pk:
            errors["secretary"] = "书记须为本支部的党员（新建支部请先转入党员再指定书记）"
    founded = data.get("founded_on")
    if founded and founded > today():
        errors["founded_on"] = "成立日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    b = branch or Branch(hospital=hospital)
    b.name = name
    b.kind = data.get("kind") or BranchKind.BRANCH
    b.parent = parent
    b.secretary = secretary
    b.brand_name = (data.get("brand_name") or "").strip()
    b.founded_on = founded
    b.save()
    b.departments.set(departments)
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CHANGED if branch else AuditAction.DATA_CREATED,
        request=request,
        target=b,
        departments=[d.pk for d in departments],
    )
    return b


@transaction.atomic
def committee_elect(
    *,
    access: Access,
    branch: Branch,
    elected_on: date,
    term_start: date,
    term_end: date,
    seats: list[tuple[Person, str]],
    request: HttpRequest | None = None,
) -> BranchCommittee:
    """Record a committee election (换届): a new term with its seats."""
    _admin(access, branch.hospital_id, "支委会换届")
    rule = org_rule_for(branch.hospital.authority_id)
    errors: dict[str, str] = {}
    if elected_on > today():
        errors["elected_on"] = "选举日期不能晚于今天"
    if term_end <= term_start:
        errors["term_end"] = "任期止必须晚于任期起"
    elif not (
        add_months(term_start, 12 * rule.term_min_years) - date.resolution
        <= term_end
        <= add_months(term_start, 12 * rule.term_max_years)
    ):
        errors["term_end"] = f"支委会每届任期{rule.term_min_years}至{rule.term_max_years}年"
    if term_start < elected_on:
        errors["term_start"] = "任期应从选举之日或之后开始"
    people = [p for p, _ in seats]
    if len({p.pk for p in people}) != len(people):
        errors["seats"] = "同一人不能担任两个委员职务"
    roles = [r for _, r in seats]
    if roles.count(SeatRole.SECRETARY) != 1:
        errors["seats"] = "支委会须有且只有一名书记"
    for p, r in seats:
        if r not in SeatRole.values:
            errors["seats"] = "无效的委员职务"
        elif (
            p.branch_id != branch.pk
            or p.political_status != PoliticalStatus.MEMBER
            or p.status != PersonStatus.ACTIVE
        ):
            errors["seats"] = f"{p.name}不是本支部的正式党员，不能当选支部委员"
    full = Person.objects.filter(
        branch=branch, status=PersonStatus.ACTIVE, political_status=PoliticalStatus.MEMBER
    ).count()
    if full < rule.committee_threshold:
        errors.setdefault(
            "seats",
            f"正式党员{full}人，不足{rule.committee_threshold}人的支部不设支委会，"
            "只设书记（可在支部设置中指定）",
        )
    if errors:
        raise ValidationError(errors)
    committee = BranchCommittee.objects.create(
        branch=branch, elected_on=elected_on, term_start=term_start, term_end=term_end
    )
    CommitteeSeat.objects.bulk_create(
        [CommitteeSeat(committee=committee, person=p, role=r) for p, r in seats]
    )
    branch.secretary = next(p for p, r in seats if r == SeatRole.SECRETARY)
    branch.save(update_fields=["secretary"])
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CREATED,
        request=request,
        target=committee,
        hospital_id=branch.hospital_id,
        seats=len(seats),
    )
    return committee


@transaction.atomic
def party_group_save(
    *,
    access: Access,
    branch: Branch,
    name: str,
    leader: Person | None,
    group: PartyGroup | None = None,
    request: HttpRequest | None = None,
) -> PartyGroup:
    if not access.manages_branch(branch.pk, branch.hospital_id):
        raise PermissionDenied("没有权限管理此支部的党小组")
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "请填写党小组名称"
    elif (
        PartyGroup.objects.filter(branch=branch, name=name)
        .exclude(pk=group.pk if group else 0)
        .exists()
    ):
        errors["name"] = "本支部已有同名党小组"
    if leader is not None and (leader.branch_id != branch.pk or not leader.is_member):
        errors["leader"] = "组长须为本支部党员"
    if errors:
        raise ValidationError(errors)
    g = group or PartyGroup(branch=branch)
    g.name = name
    g.leader = leader
    g.save()
    if leader is not None and leader.party_group_id != g.pk:
        leader.party_group = g
        leader.save(update_fields=["party_group", "updated_at"])
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CHANGED if group else AuditAction.DATA_CREATED,
        request=request,
        target=g,
        hospital_id=branch.hospital_id,
    )
    return g


@transaction.atomic
def org_rule_publish(
    *,
    access: Access,
    authority: Authority,
    effective_from: date,
    values: dict[str, int],
    request: HttpRequest | None = None,
) -> OrgRule:
    """A new version of the rule numbers from a date; earlier records keep their version."""
    if not access.is_city:
        raise PermissionDenied("组织规则由市卫健委设定")
    errors: dict[str, str] = {}
    for key in RULE_FIELDS:
        v = values.get(key)
        if v is None or v < 0:
            errors[key] = "请填写不小于0的整数"
    if not errors:
        if values["term_min_years"] > values["term_max_years"]:
            errors["term_max_years"] = "任期上限不能小于下限"
        if values["dev_extension_min_months"] > values["dev_extension_max_months"]:
            errors["dev_extension_max_months"] = "延长预备期上限不能小于下限"
        if values["appraisal_excellent_divisor"] < 1:
            errors["appraisal_excellent_divisor"] = "优秀比例的分母至少为1"
        if values["min_full_members"] < 1:
            errors["min_full_members"] = "支部最少正式党员数至少为1"
        if values["committee_threshold"] < values["min_full_members"]:
            errors["committee_threshold"] = "应设支委会的人数不能少于支部最少人数"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            rule = OrgRule.objects.create(
                authority=authority,
                effective_from=effective_from,
                **{k: values[k] for k in RULE_FIELDS},
            )
    except IntegrityError as exc:
        raise ValidationError({"effective_from": "该生效日期已有一个规则版本"}) from exc
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CREATED,
        request=request,
        target=rule,
        effective_from=str(effective_from),
    )
    return rule
