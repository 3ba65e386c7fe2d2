"""Reminders to branch secretaries before a period ends without its required meeting.

Run daily (hongfan/orglife/tasks.py through huey, or ``manage.py sendreminders`` from cron).
Each (branch, requirement, period) is reminded once: the notification key makes a second
run on the same or a later day a no-op."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse

from hongfan.accounts.models import User
from hongfan.core.notify import notify
from hongfan.core.roles import Role
from hongfan.org.models import Hospital
from hongfan.orglife.choices import Compliance
from hongfan.orglife.selectors.compliance import compliance, compliance_branches
from hongfan.orglife.services.compliance import tallies_save

REMIND_DAYS = 7  # remind when a period ends within this many days


@dataclass(frozen=True)
class Reminder:
    branch_id: int
    requirement: str
    period: str
    ends_on: date
    recipients: int


def _period_end(year: int, last_month: int) -> date:
    return (
        date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)
    ) - timedelta(days=1)


def send_reminders(*, today: date, days: int = REMIND_DAYS) -> list[Reminder]:  # noqa: C901
    """Notify the secretaries of every branch whose current period of a required meeting
    ends within ``days`` days and is not done yet."""
    secretaries: dict[int, list[User]] = {}
    for user in (
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.BRANCH_SECRETARY,
            role_assignments__branch__isnull=False,
        )
        .distinct()
        .prefetch_related("role_assignments")
    ):
        for ra in user.role_assignments.all():
            if ra.role == Role.BRANCH_SECRETARY and ra.branch_id:
                secretaries.setdefault(ra.branch_id, []).append(user)
    sent: list[Reminder] = []
    for hospital in Hospital.objects.order_by("pk"):
        branches = compliance_branches(hospital)
        if not branches:
            continue
        reqs, rows = compliance(branches, today.year, today, hospital.authority_id)
        tallies_save(rows, today.year, today)  # the daily run also refreshes the city summary
        for row in rows:
            users = secretaries.get(row.branch.pk, [])
            if not users:
                continue
            for r in reqs:
                for cell in row.cells[r.key]:
                    if cell.status != Compliance.DUE:
                        continue
                    ends = _period_end(today.year, cell.last_month)
                    left = (ends - today).days
                    if left > days:
                        continue
                    what = f"{cell.label}{r.label}"
                    n = notify(
                        recipients=users,
                        title=f"{row.branch.name}：{what}尚未召开",
                        body=(
                            f"按规定{r.label}{r.rule_text}。本期（{cell.label}）将于"
                            f"{ends:%m月%d日}结束，还剩{left}天，尚未记录。请及时安排并录入会议记录。"
                        ),
                        link=reverse("orglife:calendar", args=[row.branch.pk]),
                        category="组织生活",
                        key=f"orglife.remind:{row.branch.pk}:{r.key}:{today.year}-{cell.first_month:02d}",
                    )
                    if n:
                        sent.append(Reminder(row.branch.pk, r.key, cell.label, ends, n))
    return sent
