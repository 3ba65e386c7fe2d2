"""Writes of the city's volunteer rule (志愿服务规则): a new version from a date — the
young staff's yearly target, the age limit, the star thresholds, the QR check-in window
and the most hours a day. Earlier days keep the version then in force."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.org.models import Authority
from hongfan.service.models import VolunteerRule

RULE_FIELDS = (
    "yearly_target_hours",
    "young_age_max",
    "star_thresholds",
    "checkin_before_minutes",
    "checkin_after_minutes",
    "max_hours_per_day",
)


def _check(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, label, lo, hi in (
        ("yearly_target_hours", "青年职工年度目标", 1, 1000),
        ("young_age_max", "青年职工年龄上限", 18, 60),
        ("checkin_before_minutes", "开始前可签到", 0, 240),
        ("checkin_after_minutes", "结束后可签到", 0, 240),
    ):
        v = values.get(key)
        if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
            errors[key] = f"{label}应为{lo}—{hi}的整数"
    per_day = values.get("max_hours_per_day")
    if not isinstance(per_day, Decimal) or not Decimal(1) <= per_day <= Decimal(24):
        errors["max_hours_per_day"] = "每日最多计时应在1到24小时之间"
    stars = values.get("star_thresholds")
    if (
        not isinstance(stars, list)
        or len(stars) != 5
        or any(not isinstance(s, int) or isinstance(s, bool) or not 1 <= s <= 100000 for s in stars)
        or stars != sorted(set(stars))
    ):
        errors["star_thresholds"] = "星级门槛应为5个从小到大、互不相同的整数（小时）"
    return errors


@transaction.atomic
def volunteer_rule_publish(
    *,
    access: Access,
    authority: Authority,
    effective_from: date,
    values: dict[str, Any],
    request: HttpRequest | None = None,
) -> VolunteerRule:
    if not access.is_city:
        raise PermissionDenied("志愿服务规则由市卫健委设定")
    errors = _check(values)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            rule = VolunteerRule.objects.create(
                authority=authority,
                effective_from=effective_from,
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
