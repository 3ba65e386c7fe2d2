"""Writes on 发展党员 (developing new Party members): start, update, stop."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import today
from hongfan.org.choices import DevelopmentStatus, PersonStatus, PoliticalStatus
from hongfan.org.models import Branch, Development, Person
from hongfan.org.rules import DevDates, development_errors, development_stage
from hongfan.org.selectors.structure import org_rule_for


@transaction.atomic
def development_start(
    *,
    access: Access,
    person: Person,
    branch: Branch,
    applied_on: date,
    introducers: str = "",
    request: HttpRequest | None = None,
) -> Development:
    if not access.manages_branch(branch.pk, branch.hospital_id):
        raise PermissionDenied("没有权限为此支部登记入党申请")
    errors: dict[str, str] = {}
    if branch.hospital_id != person.hospital_id:
        errors["branch"] = "支部不属于此人所在医院"
    if person.is_member:
        errors["person"] = "此人已是党员"
    if Development.objects.filter(person=person).exists():
        errors["person"] = "此人已有发展记录"
    if person.status != PersonStatus.ACTIVE:
        errors["person"] = "此人已离开本院"
    if errors:
        raise ValidationError(errors)
    rule = org_rule_for(branch.hospital.authority_id)
    dates = DevDates(applied_on=applied_on)
    errors = development_errors(dates, birth_date=person.birth_date, rule=rule, today=today())
    if errors:
        raise ValidationError(errors)
    dev = Development.objects.create(
        person=person,
        hospital_id=person.hospital_id,
        branch=branch,
        applied_on=applied_on,
        introducers=introducers,
    )
    if person.political_status == PoliticalStatus.MASSES:
        person.political_status = PoliticalStatus.APPLICANT
        person.save(update_fields=["political_status", "updated_at"])
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CREATED,
        request=request,
        target=dev,
        hospital_id=dev.hospital_id,
    )
    return dev


@transaction.atomic
def development_update(
    *,
    access: Access,
    development: Development,
    dates: DevDates,
    introducers: str | None = None,
    request: HttpRequest | None = None,
) -> Development:
    dev = development
    if not access.manages_branch(dev.branch_id, dev.hospital_id):
        raise PermissionDenied("没有权限修改此发展记录")
    if dev.status != DevelopmentStatus.ACTIVE:
        raise ValidationError({"full_on": "此发展记录已结束，不能再修改"})
    rule = org_rule_for(dev.hospital.authority_id)
    errors = development_errors(
        dates,
        birth_date=dev.person.birth_date,
        rule=rule,
        today=today(),
        previous_extension=dev.extension_months,
    )
    if errors:
        raise ValidationError(errors)
    for name, value in vars(dates).items():
        setattr(dev, name, value)
    if introducers is not None:
        dev.introducers = introducers
    dev.stage = development_stage(dates)
    person = dev.person
    if dev.full_on:
        dev.status = DevelopmentStatus.COMPLETED
        person.political_status = PoliticalStatus.MEMBER
        person.joined_on = dev.probation_on
        person.full_member_on = dev.full_on
        person.branch = person.branch or dev.branch
    elif dev.probation_on:
        person.political_status = PoliticalStatus.PROBATIONARY
        person.joined_on = dev.probation_on
        person.branch = person.branch or dev.branch
    else:
        person.political_status = PoliticalStatus.APPLICANT
    person.save(
        update_fields=["political_status", "joined_on", "full_member_on", "branch", "updated_at"]
    )
    dev.save()
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CHANGED,
        request=request,
        target=dev,
        hospital_id=dev.hospital_id,
        stage=dev.stage,
    )
    return dev


@transaction.atomic
def development_stop(
    *, access: Access, development: Development, reason: str, request: HttpRequest | None = None
) -> Development:
    dev = development
    if not access.manages_branch(dev.branch_id, dev.hospital_id):
        raise PermissionDenied("没有权限修改此发展记录")
    if not reason.strip():
        raise ValidationError({"reason": "请填写终止原因"})
    if dev.status != DevelopmentStatus.ACTIVE:
        raise ValidationError({"reason": "此发展记录已结束"})
    dev.status = DevelopmentStatus.STOPPED
    dev.note = reason.strip()[:200]
    dev.save(update_fields=["status", "note", "updated_at"])
    if dev.person.political_status == PoliticalStatus.APPLICANT:
        dev.person.political_status = PoliticalStatus.MASSES
        dev.person.save(update_fields=["political_status", "updated_at"])
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CHANGED,
        request=request,
        target=dev,
        hospital_id=dev.hospital_id,
        change="stopped",
    )
    return dev
