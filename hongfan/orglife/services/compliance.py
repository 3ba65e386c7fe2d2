"""The stored compliance tallies (what the city summary sums)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied

from hongfan.core.access import Access
from hongfan.org.choices import BranchKind
from hongfan.org.models import Branch
from hongfan.orglife.choices import Compliance
from hongfan.orglife.models import ComplianceTally
from hongfan.orglife.selectors.compliance import BranchCompliance, compliance


def tallies_save(rows: list[BranchCompliance], year: int, today: date) -> None:
    """Store branches' tallies (one upsert)."""
    ComplianceTally.objects.bulk_create(
        [
            ComplianceTally(
                branch=row.branch,
                hospital_id=row.branch.hospital_id,
                year=year,
                computed_on=today,
                done=row.tally.get(Compliance.DONE, 0),
                due=row.tally.get(Compliance.DUE, 0),
                overdue=row.tally.get(Compliance.OVERDUE, 0),
                upcoming=row.tally.get(Compliance.UPCOMING, 0),
                not_applicable=row.tally.get(Compliance.NOT_APPLICABLE, 0),
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["branch", "year"],
        update_fields=[
            "hospital",
            "computed_on",
            "done",
            "due",
            "overdue",
            "upcoming",
            "not_applicable",
        ],
    )


def tallies_refresh(branches: list[Branch], year: int, today: date) -> None:
    """Judge branches again (grouped by city) and store their tallies."""
    by_authority: dict[int, list[Branch]] = defaultdict(list)
    for b in branches:
        by_authority[b.hospital.authority_id].append(b)
    for authority_id, group in by_authority.items():
        _reqs, rows = compliance(group, year, today, authority_id, cells=False)
        tallies_save(rows, year, today)


def tallies_refresh_stale(*, access: Access, year: int, today: date) -> int:
    """Judge again, in one pass, every branch whose tally of ``year`` is missing or was not
    computed today (before the city summary reads them); returns how many were judged."""
    access.require_business()
    if not access.is_city:
        raise PermissionDenied("只有市卫健委可以查看全市汇总")
    branches = Branch.objects.filter(active=True, kind=BranchKind.BRANCH)
    fresh = set(
        ComplianceTally.objects.filter(year=year, computed_on=today).values_list(
            "branch_id", flat=True
        )
    )
    stale = (
        [b for b in branches.select_related("hospital").order_by("pk") if b.pk not in fresh]
        if len(fresh) < branches.count()
        else []
    )
    if stale:
        tallies_refresh(stale, year, today)
    return len(stale)
