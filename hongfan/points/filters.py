"""One FilterSet per list: the review queues of claims and appeals (积分审核) share
ReviewFilter; the rankings page, its export and the rankings API share RankingQuery (a
ranking is not a filtered queryset, so a form reads its parameters)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from hongfan.core.access import Access, hospital_for
from hongfan.core.dates import today
from hongfan.core.forms import LenientText, TextFilter
from hongfan.org.models import Branch, Hospital
from hongfan.org.selectors import structure as org_structure_selectors
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.points.choices import Period
from hongfan.points.periods import period_start

STATUS_TABS = [("pending", "待审核"), ("decided", "已审核"), ("all", "全部")]


class ReviewFilter(django_filters.FilterSet):
    """The tab of a review queue: pending oldest first (the default, and for a value not
    known), decided newest first, or all."""

    status = TextFilter(label="状态")

    def status_value(self) -> str:
        data = self.form.cleaned_data if self.form.is_valid() else {}
        status = data.get("status") or "pending"
        return status if status in {"pending", "decided", "all"} else "pending"

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        status = self.status_value()
        if status == "pending":
            return queryset.filter(status="pending").order_by("created_at", "id")
        if status == "decided":
            return queryset.exclude(status="pending").order_by("-decided_at", "-id")
        return queryset


RANKING_PERIODS = (Period.MONTH, Period.QUARTER, Period.YEAR)


@dataclass(frozen=True)
class RankingAsked:
    """The ranking a request asks for: a period and its first day, and whose ranking — the
    city (``hospital`` None), a hospital (``branch`` None) or a branch."""

    period: str
    start: date
    scope: str  # "city" or "hospital"
    hospital: Hospital | None
    branch: Branch | None


class RankingQuery(forms.Form):
    """The GET parameters of a ranking, read once for the rankings page, its export and the
    API: ``period`` (month, quarter or year; a quarter for anything else), ``at`` (an ISO
    date in the period; today when missing, malformed or later), ``scope=city``, ``branch``
    and (read by ``hospital_for``) ``hospital``. Bad input is read as the default, never a
    500; a branch or hospital that is not there (or too large to be an id) is a 404."""

    period = LenientText(required=False)
    at = LenientText(required=False)
    scope = LenientText(required=False)
    branch = LenientText(required=False)

    def __init__(self, request: Any) -> None:
        super().__init__(getattr(request, "query_params", request.GET))
        self.request = request

    def _text(self, name: str) -> str:
        data = self.cleaned_data if self.is_valid() else {}
        return str(data.get(name) or "")

    def period_and_start(self) -> tuple[str, date]:
        period = self._text("period")
        if period not in RANKING_PERIODS:
            period = Period.QUARTER
        try:
            at = date.fromisoformat(self._text("at"))
        except ValueError:
            at = today()
        return period, period_start(period, min(at, today()))

    def scope_value(self) -> str:
        return "city" if self._text("scope") == "city" else "hospital"

    def branch_id(self) -> int | None:
        """The branch asked for: ASCII digits (a number too large is looked up, and not
        found); anything else asks for none."""
        raw = self._text("branch")
        return int(raw) if raw.isascii() and raw.isdigit() else None

    def ranking(self, access: Access) -> RankingAsked:
        """The ranking asked for, in scope: the city's (``scope=city``; the standings refuse
        it to anyone but the city), a hospital's (``hospital_for``), or a branch's; a
        secretary without the hospital's rights gets their own branch."""
        period, start = self.period_and_start()
        scope = self.scope_value()
        if scope == "city":
            return RankingAsked(period, start, scope, None, None)
        hospital = hospital_for(self.request, access, hospitals=hospital_choices(access=access))
        branch_id = self.branch_id()
        if branch_id is not None:
            branch = org_structure_selectors.branch_get(access, branch_id)
        elif access.reads_hospital(hospital.pk):
            branch = None
        elif access.branch_ids:
            branch = org_structure_selectors.secretary_branch(access=access)
        else:
            raise PermissionDenied("没有权限查看积分排名")
        return RankingAsked(period, start, scope, hospital, branch)
