"""Writes of the city's rules of 组织生活: the minimum frequencies and how each kind of
meeting is run, each a new version from a date."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.org.models import Authority
from hongfan.orglife.choices import MeetingKind, QuorumOf, RequirementPeriod
from hongfan.orglife.models import ComplianceTally, MeetingRequirement, MeetingRule

DEFAULT_REQUIREMENTS: list[tuple[str, bool, str, int]] = [
    (MeetingKind.GENERAL, False, RequirementPeriod.QUARTER, 1),
    (MeetingKind.COMMITTEE, False, RequirementPeriod.MONTH, 1),
    (MeetingKind.GROUP, False, RequirementPeriod.MONTH, 1),
    (MeetingKind.LECTURE, False, RequirementPeriod.QUARTER, 1),
    (MeetingKind.LECTURE, True, RequirementPeriod.YEAR, 1),
    (MeetingKind.THEME_DAY, False, RequirementPeriod.MONTH, 1),
    (MeetingKind.LIFE, False, RequirementPeriod.YEAR, 1),
    (MeetingKind.APPRAISAL, False, RequirementPeriod.YEAR, 1),
]


@transaction.atomic
def meeting_requirements_seed(*, authority: Authority, effective_from: date) -> int:
    """The minimum frequencies of DOMAIN.md for a city (idempotent)."""
    made = 0
    for kind, by_secretary, period, count in DEFAULT_REQUIREMENTS:
        if not MeetingRequirement.objects.filter(
            authority=authority, kind=kind, by_secretary=by_secretary
        ).exists():
            MeetingRequirement.objects.create(
                authority=authority,
                kind=kind,
                by_secretary=by_secretary,
                period=period,
                min_count=count,
                effective_from=effective_from,
            )
            made += 1
    return made


@transaction.atomic
def meeting_requirement_revise(
    *,
    access: Access,
    authority: Authority,
    kind: str,
    by_secretary: bool,
    period: str,
    min_count: int,
    effective_from: date,
    active: bool = True,
    request: HttpRequest | None = None,
) -> MeetingRequirement:
    """A new version of a frequency rule from a date (the city admin's)."""
    if not access.is_city:
        raise PermissionDenied("只有市卫健委管理员可以修改组织生活频次要求")
    errors: dict[str, str] = {}
    if kind not in MeetingKind.values or kind == MeetingKind.TALK:
        errors["kind"] = "请选择会议类型"
    if period not in RequirementPeriod.values:
        errors["period"] = "请选择周期"
    if not isinstance(min_count, int) or min_count < 1 or min_count > 31:
        errors["min_count"] = "每周期次数须在1到31之间"
    if by_secretary and kind != MeetingKind.LECTURE:
        errors["by_secretary"] = "只有党课可以要求由书记讲授"
    if errors:
        raise ValidationError(errors)
    # Stored tallies were judged by the old rule: the city summary judges again on read.
    ComplianceTally.objects.filter(hospital__authority=authority).delete()
    row, _ = MeetingRequirement.objects.update_or_create(
        authority=authority,
        kind=kind,
        by_secretary=by_secretary,
        effective_from=effective_from,
        defaults={"period": period, "min_count": min_count, "active": active},
    )
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=row,
        kind=kind,
        period=period,
        min_count=min_count,
        effective_from=effective_from.isoformat(),
    )
    return row


CHECKIN_WINDOW_MAX = 240  # minutes before the start / after the end


@transaction.atomic
def meeting_rule_revise(
    *,
    access: Access,
    authority: Authority,
    kind: str,
    checkin_before_minutes: int,
    checkin_after_minutes: int,
    quorum_of: str,
    effective_from: date,
    request: HttpRequest | None = None,
) -> MeetingRule:
    """A new version, from a date, of how a kind of meeting is run in a city (the city
    admin's): the QR check-in window and the quorum. Meetings already scheduled keep their
    window; those scheduled or moved from then on take the new one."""
    if not access.is_city:
        raise PermissionDenied("只有市卫健委管理员可以修改会议规则")
    errors: dict[str, str] = {}
    if kind not in MeetingKind.values:
        errors["kind"] = "请选择会议类型"
    for field, value in (
        ("checkin_before_minutes", checkin_before_minutes),
        ("checkin_after_minutes", checkin_after_minutes),
    ):
        if not isinstance(value, int) or not 0 <= value <= CHECKIN_WINDOW_MAX:
            errors[field] = f"须在0到{CHECKIN_WINDOW_MAX}分钟之间"
    if quorum_of not in QuorumOf.values:
        errors["quorum_of"] = "请选择法定人数的计算方式"
    if errors:
        raise ValidationError(errors)
    row, _ = MeetingRule.objects.update_or_create(
        authority=authority,
        kind=kind,
        effective_from=effective_from,
        defaults={
            "checkin_before_minutes": checkin_before_minutes,
            "checkin_after_minutes": checkin_after_minutes,
            "quorum_of": quorum_of,
        },
    )
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=row,
        kind=kind,
        checkin_before_minutes=checkin_before_minutes,
        checkin_after_minutes=checkin_after_minutes,
        quorum_of=quorum_of,
        effective_from=effective_from.isoformat(),
    )
    return row
