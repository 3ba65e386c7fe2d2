"""Reads of the rule catalogue: a hospital's rules (or the city's defaults) with their
versions, one rule, and the active rules a module awards under."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from hongfan.core.access import Access
from hongfan.core.dates import today
from hongfan.org.models import Hospital
from hongfan.points.models import PointRule


def rule_catalogue(*, access: Access, hospital: Hospital | None) -> list[PointRule]:
    """A hospital's rules (its admins, city) or the city's defaults (hospital None)."""
    if hospital is None:
        if not access.is_city and not access.hospital_ids:
            raise PermissionDenied("没有权限查看积分目录")
        qs = PointRule.objects.filter(authority__isnull=False)
    else:
        if not (
            access.reads_hospital(hospital.pk)
            or access.person_hospital_id == hospital.pk
            or hospital.pk in access.branch_hospital_ids
        ):
            raise Http404("医院不存在")
        qs = PointRule.objects.filter(hospital=hospital)
    rules = list(qs.prefetch_related("versions").order_by("category", "code"))
    day = today()
    for r in rules:
        versions = sorted(r.versions.all(), key=lambda v: v.effective_from, reverse=True)
        r.current = next((v for v in versions if v.effective_from <= day), None)  # type: ignore[attr-defined]
        r.upcoming = next((v for v in versions if v.effective_from > day), None)  # type: ignore[attr-defined]
        r.history = versions  # type: ignore[attr-defined]
    return rules


def rule_get(*, access: Access, pk: int) -> PointRule:
    access.require_business()
    rule = PointRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404("积分规则不存在")
    if rule.hospital_id is None:
        if not (access.is_city or access.hospital_ids):
            raise Http404("积分规则不存在")
    elif not (
        access.reads_hospital(rule.hospital_id)
        or rule.hospital_id in access.branch_hospital_ids
        or rule.hospital_id == access.person_hospital_id
    ):
        raise Http404("积分规则不存在")
    return rule


def active_rules(hospital_id: int, codes: list[str]) -> dict[str, PointRule]:
    """The hospital's active rules of these codes (what a module awards under), by code;
    a code the hospital has not adopted is missing from the result."""
    return {
        r.code: r
        for r in PointRule.objects.filter(hospital_id=hospital_id, code__in=codes, active=True)
    }


def rules_active(*, access: Access, hospital: Hospital) -> QuerySet[PointRule]:
    """The hospital's active rules (a form's choices)."""
    return PointRule.objects.filter(hospital=hospital, active=True)


def rule_lookup(*, access: Access, pk: int) -> PointRule | None:
    """A rule by id, or None (the service checks it may be claimed)."""
    return PointRule.objects.filter(pk=pk).first()
