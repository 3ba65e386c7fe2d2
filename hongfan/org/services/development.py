"""Writes on 发展党员 (developing new Party members): start, update, stop; record a step
with its document, choose the two 入党介绍人; remind secretaries of steps coming due."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import today
from hongfan.core.locks import lock_one
from hongfan.core.notify import DEVELOPMENT, notify
from hongfan.core.uploads import FILE_TYPES, UploadRefused, upload_check
from hongfan.org.choices import (
    DevelopmentStatus,
    DevelopmentStepKind,
    PersonStatus,
    PoliticalStatus,
)
from hongfan.org.models import (
    Authority,
    Branch,
    Development,
    DevelopmentDocument,
    DevelopmentStep,
    DevelopmentStepRule,
    Person,
)
from hongfan.org.rules import (
    STEP_FIELDS,
    DevDates,
    StepPlan,
    StepRule,
    development_errors,
    development_stage,
    step_check,
)
from hongfan.org.selectors.development import (
    introducer_options,
    plan_of,
    step_rules_for,
)
from hongfan.org.selectors.structure import org_rule_for

logger = logging.getLogger("hongfan.org")

# A step's document: a PDF, a Word file or a photo (by content; photos re-encoded).
DOCUMENT_TYPES = {k: v for k, v in FILE_TYPES.items() if k != "xlsx"}
DOCUMENT_ACCEPTS = "PDF、Word文档或照片（JPEG、PNG、WebP）"
DOCUMENTS_PER_STEP = 10
REMIND_DAYS = 3  # secretaries are told this many days before a step is due
REMIND_OVERDUE_DAYS = 30  # and of a step overdue by up to this many days, once


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
    DevelopmentStep.objects.create(
        development=dev,
        kind=DevelopmentStepKind.APPLICATION,
        label=DevelopmentStepKind.APPLICATION.label,
        done_on=applied_on,
        recorded_by_id=access.user_id,
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
    _person_follows(dev)
    return _dev_changed(access, dev, request, None, stage=dev.stage)


def _person_follows(dev: Development) -> None:
    """The person's political status and dates follow the development's stage."""
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
    if dev.person.political_status == PoliticalStatus.APPLICANT:
        dev.person.political_status = PoliticalStatus.MASSES
        dev.person.save(update_fields=["political_status", "updated_at"])
    return _dev_changed(access, dev, request, ["status", "note"], change="stopped")


# --- steps -------------------------------------------------------------------------------


def _require_manager(access: Access, dev: Development) -> None:
    if not access.manages_branch(dev.branch_id, dev.hospital_id):
        raise PermissionDenied("没有权限修改此发展记录")


def _plan_for(dev: Development, kind: str, day: date) -> tuple[StepPlan, list[StepPlan]]:
    rules = step_rules_for(dev.hospital.authority_id, day)
    steps = list(DevelopmentStep.objects.filter(development=dev).order_by("done_on", "pk"))
    plans = plan_of(dev, steps, rules, day=day)
    for p in plans:
        if p.rule.kind == kind:
            return p, plans
    raise ValidationError({"kind": "没有这个步骤"})


def _document_save(
    *, access: Access, step: DevelopmentStep, upload: UploadedFile
) -> DevelopmentDocument:
    if DevelopmentDocument.objects.filter(step=step).count() >= DOCUMENTS_PER_STEP:
        raise ValidationError({"file": f"每个步骤最多{DOCUMENTS_PER_STEP}份材料"})
    try:
        checked = upload_check(upload, DOCUMENT_TYPES, noun="材料", accepts=DOCUMENT_ACCEPTS)
    except UploadRefused as exc:
        raise ValidationError({"file": str(exc)}) from None
    row = DevelopmentDocument(
        step=step,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by_id=access.user_id,
    )
    row.file.save(f"{secrets.token_hex(12)}.{checked.kind}", checked.content, save=False)
    row.save()
    return row


@transaction.atomic
def development_step_record(  # noqa: C901
    *,
    access: Access,
    development: Development,
    kind: str,
    done_on: date,
    late_reason: str = "",
    note: str = "",
    hours: int | None = None,
    upload: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> DevelopmentStep:
    """Record a step as done on the day it really happened: never in the future, never
    before the rule allows (refused, naming the rule); after its deadline it is recorded
    as late, with the reason given. The development's dates, stage and the person's
    political status follow."""
    _require_manager(access, development)
    dev = lock_one(Development.objects.select_related("person", "hospital"), development.pk)
    if dev.status != DevelopmentStatus.ACTIVE:
        raise ValidationError({"done_on": "此发展记录已结束，不能再登记"})
    day = today()
    plan, plans = _plan_for(dev, kind, day)
    rule = plan.rule
    anchor = next((p.rule.label for p in plans if p.rule.kind == rule.after), "递交入党申请书")
    check = step_check(plan, done_on=done_on, today=day, anchor_label=anchor)
    if check.error:
        raise ValidationError({"done_on": check.error})
    late_reason = late_reason.replace("\x00", "").strip()
    note = note.replace("\x00", "").strip()
    errors: dict[str, str] = {}
    if check.late and not late_reason:
        errors["late_reason"] = (
            f"此步骤应于{check.due_on:%Y-%m-%d}前办理，已逾期，请如实填写逾期原因（按实际日期登记）"
        )
    if len(late_reason) > 200:
        errors["late_reason"] = "逾期原因不能超过200字"
    if len(note) > 200:
        errors["note"] = "备注不能超过200字"
    org_rule = org_rule_for(dev.hospital.authority_id, day)
    if kind == DevelopmentStepKind.TRAINING:
        if hours is None or hours < org_rule.dev_training_min_hours:
            errors["hours"] = (
                f"发展对象须经不少于3天（{org_rule.dev_training_min_hours}学时）的集中培训，"
                f"本次填写{hours or 0}学时"
            )
        elif hours > 500:
            errors["hours"] = "学时不能超过500"
    needs_introducers = (DevelopmentStepKind.VOLUNTEER_FORM, DevelopmentStepKind.BRANCH_MEETING)
    if kind in needs_introducers and not (dev.introducer_1_id and dev.introducer_2_id):
        errors["done_on"] = "须先确定两名入党介绍人（正式党员）"
    if errors:
        raise ValidationError(errors)
    step = DevelopmentStep(
        development=dev,
        kind=kind,
        label=rule.label,
        done_on=done_on,
        due_on=check.due_on,
        late=check.late,
        late_reason=late_reason if check.late else "",
        hours=hours if kind == DevelopmentStepKind.TRAINING else None,
        note=note,
        recorded_by_id=access.user_id,
    )
    step.full_clean(exclude=["development", "recorded_by"])
    step.save()
    if upload is not None:
        _document_save(access=access, step=step, upload=upload)
    field = STEP_FIELDS.get(DevelopmentStepKind(kind))
    if field is not None and getattr(dev, field) is None:
        setattr(dev, field, done_on)
    if kind == DevelopmentStepKind.TRAINING:
        dev.training_hours = hours or 0
    dev.stage = development_stage(
        DevDates(
            applied_on=dev.applied_on,
            activist_on=dev.activist_on,
            candidate_on=dev.candidate_on,
            probation_on=dev.probation_on,
            full_on=dev.full_on,
        )
    )
    if dev.full_on:
        dev.status = DevelopmentStatus.COMPLETED
    _person_follows(dev)
    dev.save()
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CREATED,
        request=request,
        target=dev,
        hospital_id=dev.hospital_id,
        step=rule.label,
        done_on=done_on.isoformat(),
        late=check.late,
    )
    return step


@transaction.atomic
def development_document_add(
    *, access: Access, step: DevelopmentStep, upload: UploadedFile
) -> DevelopmentDocument:
    """Add a document to a step already recorded (a scan handed in later)."""
    dev = step.development
    _require_manager(access, dev)
    lock_one(Development, dev.pk)
    row = _document_save(access=access, step=step, upload=upload)
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CREATED,
        target=dev,
        hospital_id=dev.hospital_id,
        document=step.label,
    )
    return row


@transaction.atomic
def development_introducers_set(
    *,
    access: Access,
    development: Development,
    first: Person,
    second: Person,
    request: HttpRequest | None = None,
) -> Development:
    """Choose the two 入党介绍人: full members (正式党员) of the development's hospital."""
    _require_manager(access, development)
    dev = lock_one(Development.objects.select_related("person"), development.pk)
    if dev.status != DevelopmentStatus.ACTIVE:
        raise ValidationError({"introducer_1": "此发展记录已结束，不能再修改"})
    allowed = set(introducer_options(access=access, development=dev).values_list("pk", flat=True))
    errors: dict[str, str] = {}
    for name, person in (("introducer_1", first), ("introducer_2", second)):
        if person.pk not in allowed:
            errors[name] = f"{person.name}不是本院在职的正式党员，不能作为入党介绍人"
    if first.pk == second.pk:
        errors["introducer_2"] = "两名入党介绍人不能是同一人"
    if errors:
        raise ValidationError(errors)
    dev.introducer_1 = first
    dev.introducer_2 = second
    dev.introducers = f"{first.name}、{second.name}"[:60]
    return _dev_changed(
        access, dev, request, ["introducer_1", "introducer_2", "introducers"], change="introducers"
    )


# --- reminders (run daily: hongfan/org/tasks.py) -----------------------------------------


@dataclass(frozen=True)
class StepReminder:
    development_id: int
    kind: str
    due_on: date
    recipients: int


def development_reminders_send(*, today: date, days: int = REMIND_DAYS) -> list[StepReminder]:
    """Tell the secretaries of each branch (its hospital's admins when it has none) of the
    development steps due within ``days`` days — or overdue by up to
    ``REMIND_OVERDUE_DAYS`` — once per step and due date (the notification's key)."""
    from hongfan.accounts.models import User  # accounts sits beside org in its layer
    from hongfan.core.access import Access as _Access
    from hongfan.core.roles import Role
    from hongfan.org.selectors.development import development_steps_due

    city = _Access(user_id=None, roles=frozenset({Role.CITY_ADMIN}))
    due = development_steps_due(access=city, day=today, within=days)
    due = [d for d in due if d.plan.latest and (d.plan.latest - today).days >= -REMIND_OVERDUE_DAYS]
    if not due:
        return []
    secretaries: dict[int, list[User]] = {}
    admins: dict[int, list[User]] = {}
    for user in (
        User.objects.filter(
            is_active=True,
            role_assignments__role__in=[Role.BRANCH_SECRETARY, Role.HOSPITAL_ADMIN],
        )
        .distinct()
        .prefetch_related("role_assignments")
    ):
        for ra in user.role_assignments.all():
            if ra.role == Role.BRANCH_SECRETARY and ra.branch_id:
                secretaries.setdefault(ra.branch_id, []).append(user)
            elif ra.role == Role.HOSPITAL_ADMIN and ra.hospital_id:
                admins.setdefault(ra.hospital_id, []).append(user)
    sent: list[StepReminder] = []
    for d in due:
        dev, plan = d.development, d.plan
        assert plan.latest is not None
        users = secretaries.get(dev.branch_id) or admins.get(dev.hospital_id, [])
        left = (plan.latest - today).days
        when = f"还有{left}天" if left > 0 else ("今天到期" if left == 0 else f"已逾期{-left}天")
        n = notify(
            recipients=users,
            title=f"发展党员：{dev.person.name}“{plan.rule.label}”{when}",
            body=(
                f"{dev.branch.name}的{dev.person.name}（{dev.get_stage_display()}）"
                f"应于{plan.latest:%Y年%m月%d日}前完成“{plan.rule.label}”，{when}。"
                "办理后请按实际日期登记并上传材料。"
            ),
            link=reverse("org:development_edit", args=[dev.pk]),
            category=DEVELOPMENT,
            key=f"org.development:{dev.pk}:{plan.rule.kind}:{plan.latest.isoformat()}",
        )
        if n:
            sent.append(StepReminder(dev.pk, plan.rule.kind, plan.latest, n))
    return sent


@transaction.atomic
def development_extend(
    *,
    access: Access,
    development: Development,
    months: int,
    reason: str,
    request: HttpRequest | None = None,
) -> Development:
    """延长预备期: once, by the months the rule allows; the conversion steps move with it."""
    _require_manager(access, development)
    dev = lock_one(Development.objects.select_related("hospital"), development.pk)
    rule = org_rule_for(dev.hospital.authority_id)
    reason = reason.strip()
    errors: dict[str, str] = {}
    if dev.status != DevelopmentStatus.ACTIVE or dev.probation_on is None or dev.full_on:
        errors["months"] = "只有预备党员可以延长预备期"
    elif dev.extension_months:
        errors["months"] = "预备期只能延长一次，已延长的期限不能再改"
    elif not rule.dev_extension_min_months <= months <= rule.dev_extension_max_months:
        errors["months"] = (
            f"延长预备期须为{rule.dev_extension_min_months}—{rule.dev_extension_max_months}个月"
        )
    if not reason:
        errors["reason"] = "请填写延长预备期的原因（支部大会决议）"
    if errors:
        raise ValidationError(errors)
    dev.extension_months = months
    dev.note = f"延长预备期{months}个月：{reason}"[:200]
    return _dev_changed(
        access, dev, request, ["extension_months", "note"], change="extension", months=months
    )


# --- the city's step rules ---------------------------------------------------------------

STEP_RULE_FIELDS = (
    "earliest_amount",
    "earliest_unit",
    "latest_amount",
    "latest_unit",
    "repeat_months",
    "needs_document",
    "active",
)


def _step_rule_errors(rule: StepRule, new: dict[str, Any]) -> dict[str, str]:
    kind, label = rule.kind, rule.label
    errors: dict[str, str] = {}
    latest = new.get("latest_amount")
    if not 0 <= int(new.get("earliest_amount") or 0) <= 400:
        errors[f"{kind}__earliest_amount"] = f"“{label}”的最短间隔须在0—400之间"
    if latest is not None and not 1 <= latest <= 400:
        errors[f"{kind}__latest_amount"] = f"“{label}”的办理时限须在1—400之间，或留空"
    repeat = int(new.get("repeat_months") or 0)
    if not 0 <= repeat <= 24:
        errors[f"{kind}__repeat_months"] = f"“{label}”的重复周期须在0—24个月之间"
    elif rule.repeats and not repeat:
        errors[f"{kind}__repeat_months"] = f"“{label}”是定期步骤，须填写重复周期"
    elif not rule.repeats and repeat:
        errors[f"{kind}__repeat_months"] = f"“{label}”只办理一次，不能设重复周期"
    return errors


@transaction.atomic
def development_step_rules_publish(
    *,
    access: Access,
    authority: Authority,
    effective_from: date,
    values: dict[str, dict[str, Any]],
    request: HttpRequest | None = None,
) -> list[DevelopmentStepRule]:
    """A new version, from ``effective_from`` (today or later: what was due stays due), of
    each step whose numbers the city changed; the other steps keep their version."""
    if not access.is_city:
        raise PermissionDenied("发展党员步骤规则由市卫健委设定")
    if effective_from < today():
        raise ValidationError({"effective_from": "新版本只能从今天或以后生效"})
    current = {r.kind: r for r in step_rules_for(authority.pk, effective_from)}
    errors: dict[str, str] = {}
    changed: list[DevelopmentStepRule] = []
    for kind, new in values.items():
        rule = current.get(kind)
        if rule is None:
            errors["__all__"] = "没有这个步骤"
            continue
        errors.update(_step_rule_errors(rule, new))
        merged = {f: new.get(f, getattr(rule, f)) for f in STEP_RULE_FIELDS}
        if any(merged[f] != getattr(rule, f) for f in STEP_RULE_FIELDS):
            changed.append(
                DevelopmentStepRule(
                    authority=authority,
                    effective_from=effective_from,
                    kind=kind,
                    label=rule.label,
                    stage=rule.stage,
                    order=rule.order,
                    after=rule.after,
                    counts_extension=rule.counts_extension,
                    repeat_until=rule.repeat_until,
                    paper=rule.paper,
                    **merged,
                )
            )
    if errors:
        raise ValidationError(errors)
    if not changed:
        raise ValidationError({"effective_from": "没有改动任何步骤的规则"})
    if DevelopmentStepRule.objects.filter(
        authority=authority, effective_from=effective_from, kind__in=[r.kind for r in changed]
    ).exists():
        raise ValidationError({"effective_from": "该生效日期已有这些步骤的规则版本，请换一个日期"})
    rows = DevelopmentStepRule.objects.bulk_create(changed)
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CREATED,
        request=request,
        target=authority,
        what="development_step_rules",
        effective_from=effective_from.isoformat(),
        steps=[r.label for r in rows],
    )
    return rows


def _dev_changed(
    access: Access,
    dev: Development,
    request: HttpRequest | None,
    fields: list[str] | None,
    **detail: Any,
) -> Development:
    """Save ``fields`` of a development record (all of them for None) and write its
    DATA_CHANGED audit row with ``detail``: the tail every change service shares."""
    dev.save(update_fields=None if fields is None else [*fields, "updated_at"])
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CHANGED,
        request=request,
        target=dev,
        hospital_id=dev.hospital_id,
        **detail,
    )
    return dev
