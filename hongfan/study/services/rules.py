"""Writes of the yearly study-hour targets (学时目标): a new version from a date."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.org.models import Authority
from hongfan.study.models import StudyRule

RULE_FIELDS = ("member_target_hours", "committee_target_hours", "read_min_seconds")


@transaction.atomic
def study_rule_publish(
    *,
    access: Access,
    authority: Authority,
    effective_from: date,
    values: dict[str, Any],
    request: HttpRequest | None = None,
) -> StudyRule:
    """A new version of the yearly targets from a date; earlier years keep theirs."""
    if not access.is_city:
        raise PermissionDenied("学习学时规则由市卫健委设定")
    errors: dict[str, str] = {}
    for key, label, lo, hi in (
        ("member_target_hours", "党员年度学习目标", 1, 1000),
        ("committee_target_hours", "支部书记、支委年度学习目标", 1, 1000),
        ("read_min_seconds", "读完全文最短停留", 10, 3600),
    ):
        v = values.get(key)
        if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
            errors[key] = f"{label}应为{lo}—{hi}的整数"
    if not errors and values["committee_target_hours"] < values["member_target_hours"]:
        errors["committee_target_hours"] = "支部书记、支委的学习目标不应低于普通党员"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            rule = StudyRule.objects.create(
                authority=authority,
                effective_from=effective_from,
                created_by_id=access.user_id,
                **{k: values[k] for k in RULE_FIELDS},
            )
    except IntegrityError as exc:
        raise ValidationError({"effective_from": "该生效日期已有一个规则版本"}) from exc
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=rule,
        effective_from=str(effective_from),
    )
    return rule
