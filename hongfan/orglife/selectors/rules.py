"""Reads of the city's rules of 组织生活: how each kind of meeting is run (the QR check-in
window, the quorum) and how often it must be held, each in force by date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from hongfan.core.access import Access
from hongfan.org.models import Authority
from hongfan.orglife.choices import MeetingKind, QuorumOf, RequirementPeriod
from hongfan.orglife.models import Meeting, MeetingRequirement, MeetingRule

# How each kind of meeting is run when a city has set nothing else (DOMAIN.md): the QR code
# works from 30 minutes before the start until 30 minutes after the end; 支部党员大会,
# 支委会 and 民主评议党员 need more than half of those with a vote.
DEFAULT_MEETING_RULES: dict[str, tuple[int, int, str]] = {
    kind: (
        30,
        30,
        QuorumOf.VOTERS
        if kind in {MeetingKind.GENERAL, MeetingKind.COMMITTEE, MeetingKind.APPRAISAL}
        else QuorumOf.NONE,
    )
    for kind in MeetingKind.values
}


def _default_rule(authority_id: int, kind: str) -> MeetingRule:
    before, after, quorum = DEFAULT_MEETING_RULES[kind]
    return MeetingRule(
        authority_id=authority_id,
        kind=kind,
        checkin_before_minutes=before,
        checkin_after_minutes=after,
        quorum_of=quorum,
        effective_from=date(2000, 1, 1),
    )


def meeting_rule_for(authority_id: int, kind: str, day: date) -> MeetingRule:
    """The rule of a kind of meeting in force on ``day`` in a city (the latest version from
    that day or before), or the default (unsaved) when the city has set none."""
    row = MeetingRule.objects.filter(authority_id=authority_id, kind=kind).in_force_on(day)
    return row or _default_rule(authority_id, kind)


def meeting_rules_in_force(authority_id: int, day: date) -> list[MeetingRule]:
    """Every kind's rule in force on ``day`` (defaults where the city has set none)."""
    latest = MeetingRule.objects.filter(authority_id=authority_id).in_force_by(day, "kind")
    return [latest.get(k) or _default_rule(authority_id, k) for k in MeetingKind.values]


def meeting_rule_of(meeting: Meeting) -> MeetingRule:
    """The rule a meeting is run by: its city's, in force on its day."""
    return meeting_rule_for(meeting.hospital.authority_id, meeting.kind, meeting.day)


@dataclass(frozen=True)
class Requirement:
    kind: str
    by_secretary: bool
    period: str
    min_count: int

    @property
    def key(self) -> str:
        return f"{self.kind}{'-sec' if self.by_secretary else ''}"

    @property
    def label(self) -> str:
        name = MeetingKind(self.kind).label
        return "书记讲党课" if self.by_secretary else name

    @property
    def rule_text(self) -> str:
        return f"{RequirementPeriod(self.period).label}至少{self.min_count}次"


def requirements_for(authority_id: int, year: int) -> list[Requirement]:
    """The frequency rules of a year: per kind, the version in force on 1 January (a rule
    changed during the year applies from the next year's calendar, so that a year's
    periods are judged by one rule)."""
    latest = MeetingRequirement.objects.filter(authority_id=authority_id).in_force_by(
        date(year, 1, 1), "kind", "by_secretary"
    )
    out = [
        Requirement(r.kind, r.by_secretary, r.period, r.min_count)
        for r in latest.values()
        if r.active
    ]
    order = {k: i for i, k in enumerate(MeetingKind.values)}
    return sorted(out, key=lambda r: (order[r.kind], r.by_secretary))


def city_authority(*, access: Access) -> Authority:
    """The city whose rules of organisational life the city admin sets."""
    access.require_business()
    if not access.is_city:
        raise PermissionDenied("只有市卫健委管理员可以修改组织生活频次要求")
    authority = Authority.objects.order_by("pk").first()
    if authority is None:
        raise Http404("没有市卫健委")
    return authority


def requirement_versions(authority: Authority) -> QuerySet[MeetingRequirement]:
    """Every version of a city's frequency rules, by kind, newest first."""
    return MeetingRequirement.objects.filter(authority=authority).order_by(
        "kind", "by_secretary", "-effective_from"
    )
