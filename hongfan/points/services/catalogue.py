"""Writes of the rule catalogue: a rule and its first version, a new version from a date,
the city's default catalogue and its copy into a hospital."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.org.models import Authority, Hospital
from hongfan.points import rules as codes
from hongfan.points.choices import RuleCategory
from hongfan.points.models import PointRule, PointRuleVersion

VERSION_FIELDS = (
    "points",
    "daily_cap",
    "monthly_cap",
    "quarterly_cap",
    "yearly_cap",
    "needs_approval",
)


def _validate_version(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    points = values.get("points")
    if points is None or points == 0:
        errors["points"] = "分值不能为0"
    for f, label in (
        ("daily_cap", "每日上限"),
        ("monthly_cap", "每月上限"),
        ("quarterly_cap", "每季度上限"),
        ("yearly_cap", "每年上限"),
    ):
        v = values.get(f)
        if v is not None and v < 0:
            errors[f] = f"{label}不能为负数"
    return errors


def _deduction_error(category: str, values: dict[str, Any]) -> dict[str, str]:
    if category == RuleCategory.DEDUCTION and values.get("points") and values["points"] > 0:
        return {"points": "扣分类规则的分值应为负数"}
    return {}


def _version_create(
    access: Access, rule: PointRule, effective_from: date, values: dict[str, Any]
) -> PointRuleVersion:
    return PointRuleVersion.objects.create(
        rule=rule,
        effective_from=effective_from,
        created_by_id=access.user_id,
        **{f: values.get(f) for f in VERSION_FIELDS if f in values},
    )


def _rule_write_allowed(access: Access, rule_hospital_id: int | None) -> None:
    if rule_hospital_id is None:
        if not access.is_city:
            raise PermissionDenied("市级默认积分目录由市卫健委维护")
    elif not access.administers_hospital(rule_hospital_id):
        raise PermissionDenied("积分规则由医院党委维护")


@transaction.atomic
def point_rule_create(
    *,
    access: Access,
    hospital: Hospital | None,
    authority: Authority | None,
    code: str,
    name: str,
    category: str,
    effective_from: date,
    values: dict[str, Any],
    request: HttpRequest | None = None,
) -> PointRule:
    _rule_write_allowed(access, hospital.pk if hospital else None)
    code, name = code.strip().upper(), name.strip()
    errors = _validate_version(values)
    if not code:
        errors["code"] = "请填写编码"
    if not name:
        errors["name"] = "请填写名称"
    if category not in RuleCategory.values:
        errors["category"] = "无效类别"
    else:
        errors.update(_deduction_error(category, values))
    if hospital is None and authority is None:
        errors["code"] = "须指定所属医院或市卫健委"
    owner = {"hospital": hospital} if hospital else {"authority": authority}
    if code and PointRule.objects.filter(code=code, **owner).exists():
        errors["code"] = "已有相同编码的积分规则"
    if errors:
        raise ValidationError(errors)
    rule = PointRule.objects.create(code=code, name=name, category=category, **owner)
    _version_create(access, rule, effective_from, values)
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=rule,
        hospital_id=hospital.pk if hospital else None,
    )
    return rule


@transaction.atomic
def point_rule_revise(
    *,
    access: Access,
    rule: PointRule,
    effective_from: date,
    values: dict[str, Any],
    name: str | None = None,
    active: bool | None = None,
    request: HttpRequest | None = None,
) -> PointRuleVersion:
    """Change a rule's numbers from a date: a new version; earlier entries keep theirs."""
    _rule_write_allowed(access, rule.hospital_id)
    errors = _validate_version(values) | _deduction_error(rule.category, values)
    latest = rule.versions.order_by("-effective_from").first()
    if latest is not None and effective_from < latest.effective_from:
        errors["effective_from"] = (
            f"新版本的生效日期不能早于当前版本（{latest.effective_from:%Y-%m-%d}）"
        )
    if PointRuleVersion.objects.filter(rule=rule, effective_from=effective_from).exists():
        errors["effective_from"] = "该生效日期已有一个版本"
    if errors:
        raise ValidationError(errors)
    if name is not None and name.strip():
        rule.name = name.strip()
    if active is not None:
        rule.active = active
    rule.save(update_fields=["name", "active"])
    version = _version_create(access, rule, effective_from, values)
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=rule,
        hospital_id=rule.hospital_id,
        version=str(effective_from),
    )
    return version


@transaction.atomic
def point_rules_copy_defaults(
    *, access: Access | None, hospital: Hospital, request: HttpRequest | None = None
) -> int:
    """Copy the city's default catalogue into a hospital (rules it lacks, by code)."""
    if access is not None and not access.administers_hospital(hospital.pk):
        raise PermissionDenied("积分规则由医院党委维护")
    have = set(PointRule.objects.filter(hospital=hospital).values_list("code", flat=True))
    copied = 0
    for city_rule in PointRule.objects.filter(
        authority_id=hospital.authority_id, active=True
    ).prefetch_related("versions"):
        if city_rule.code in have:
            continue
        rule = PointRule.objects.create(
            hospital=hospital,
            code=city_rule.code,
            name=city_rule.name,
            category=city_rule.category,
            copied_from=city_rule,
        )
        PointRuleVersion.objects.bulk_create(
            [
                PointRuleVersion(
                    rule=rule,
                    effective_from=v.effective_from,
                    **{f: getattr(v, f) for f in VERSION_FIELDS},
                )
                for v in city_rule.versions.all()
            ]
        )
        copied += 1
    if copied:
        audit_log(
            action=AuditAction.DATA_CREATED,
            request=request,
            actor_id=access.user_id if access else None,
            hospital_id=hospital.pk,
            copied_rules=copied,
        )
    return copied


DEFAULT_CATALOGUE: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        codes.ORG_MEETING,
        "参加组织生活（三会一课、主题党日）",
        RuleCategory.ORG_LIFE,
        {"points": 2, "daily_cap": 4, "monthly_cap": 16, "needs_approval": False},
    ),
    (
        codes.ORG_LECTURE,
        "讲授党课",
        RuleCategory.ORG_LIFE,
        {"points": 5, "quarterly_cap": 10, "needs_approval": True},
    ),
    (
        codes.STUDY_ITEM,
        "完成一项学习内容",
        RuleCategory.STUDY,
        {"points": 1, "daily_cap": 5, "needs_approval": False},
    ),
    (
        codes.STUDY_QUIZ,
        "参加答题并合格",
        RuleCategory.STUDY,
        {"points": 2, "daily_cap": 4, "needs_approval": False},
    ),
    (
        codes.VOL_HOUR,
        "志愿服务（每小时）",
        RuleCategory.VOLUNTEER,
        {"points": 1, "daily_cap": 8, "yearly_cap": 100, "needs_approval": True},
    ),
    (
        codes.PUBLIC_PRAISE,
        "患者表扬、锦旗",
        RuleCategory.PUBLIC,
        {"points": 3, "monthly_cap": 15, "needs_approval": True},
    ),
    (
        codes.POST_DUTY,
        "党员先锋岗、示范岗值守",
        RuleCategory.POST,
        {"points": 2, "daily_cap": 2, "monthly_cap": 20, "needs_approval": True},
    ),
    (
        codes.POST_MERIT,
        "岗位建功（技术创新、急难险重任务）",
        RuleCategory.POST,
        {"points": 5, "quarterly_cap": 15, "needs_approval": True},
    ),
    (
        codes.ORG_APPRAISAL_EXCELLENT,
        "民主评议党员评为优秀",
        RuleCategory.ORG_LIFE,
        {"points": 5, "yearly_cap": 5, "needs_approval": False},
    ),
    (
        codes.DED_APPRAISAL,
        "民主评议党员评为不合格",
        RuleCategory.DEDUCTION,
        {"points": -10, "yearly_cap": 10, "needs_approval": False},
    ),
    (
        codes.DED_ABSENT,
        "无故缺席组织生活",
        RuleCategory.DEDUCTION,
        {"points": -3, "needs_approval": False},
    ),
    (
        codes.DED_COMPLAINT,
        "经核实的患者投诉",
        RuleCategory.DEDUCTION,
        {"points": -5, "needs_approval": False},
    ),
]


@transaction.atomic
def point_rules_seed_city(*, authority: Authority, effective_from: date) -> int:
    """The city's default catalogue (idempotent by code)."""
    made = 0
    for code, name, category, values in DEFAULT_CATALOGUE:
        rule, created = PointRule.objects.get_or_create(
            authority=authority, code=code, defaults={"name": name, "category": category}
        )
        if created:
            PointRuleVersion.objects.create(
                rule=rule,
                effective_from=effective_from,
                **{
                    k: Decimal(v) if isinstance(v, int) and not isinstance(v, bool) else v
                    for k, v in values.items()
                },
            )
            made += 1
    return made
