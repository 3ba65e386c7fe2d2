"""points' rows of the role matrix (hongfan/tests/test_role_matrix.py merges them into its
table, as it does those of study, recognition and orglife): every 积分 URL × every demo
role — the ledger, claims, appeals, rankings, rules and the points API — allowed, 403, 404
or sent to log in, and a denied write changes nothing.

The targets are rows of the demo's 济宁市第三人民医院 (``t``, the matrix's ``Targets``), and
a pending claim (with a photo) and a pending appeal of the demo member, made on first use
inside the test's transaction (the matrix keeps media files in a temporary folder)."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile

from hongfan.accounts.models import User
from hongfan.core.dates import today
from hongfan.core.testing.role_matrix import DONE, FORBIDDEN, MISSING, OK, Row, only, roles
from hongfan.org.models import Person
from hongfan.points.models import PointAppeal, PointClaim, PointEntry, PointRule

TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGPYLiMDRAwQCgAcngO9jmnoLQAAAABJRU5ErkJggg=="
)


def demo_member(t: Any) -> Person:
    return User.objects.get(username="member").person


def points_claim(t: Any) -> PointClaim:
    """A pending claim (with a photo) of the demo member, in sec's branch."""
    member = demo_member(t)
    claim = PointClaim.objects.filter(person=member, status="pending").order_by("pk").first()
    if claim is None:
        claim = PointClaim(
            hospital=t.hospital,
            person=member,
            rule=PointRule.objects.get(hospital=t.hospital, code="ORG-LECTURE"),
            occurred_on=today(),
            description="矩阵测试申报",
        )
        claim.photo.save("matrix.png", ContentFile(TINY_PNG), save=False)
        claim.save()
    return claim


def member_entry(t: Any) -> PointEntry:
    """An award of the demo member's own, not reversed and not under appeal."""
    entry = (
        PointEntry.objects.filter(person=demo_member(t), kind="award", reversed_by__isnull=True)
        .exclude(appeals__status="pending")
        .order_by("pk")
        .first()
    )
    assert entry is not None, "the demo city gives every member some points"
    return entry


def points_appeal(t: Any) -> PointAppeal:
    member = demo_member(t)
    appeal = PointAppeal.objects.filter(person=member, status="pending").order_by("pk").first()
    if appeal is None:
        appeal = PointAppeal.objects.create(
            entry=member_entry(t), person=member, reason="矩阵测试申诉"
        )
    return appeal


def points_rule(t: Any) -> PointRule:
    return PointRule.objects.get(hospital=t.hospital, code="ORG-MEETING")


def points_entry(t: Any) -> PointEntry:
    entry = PointEntry.objects.filter(person=t.person, kind="award").order_by("pk").first()
    assert entry is not None, "the demo city gives every member some points"
    return entry


PERSON = lambda t: [t.person.pk]  # noqa: E731
# A branch-level record in 济宁市第三人民医院 that only its hospital admin may change.
ADMIN_ONLY = roles(FORBIDDEN, hosp=OK, hosp2=MISSING)
ADMIN_ONLY_WRITE = {**ADMIN_ONLY, "hosp": DONE}
# A record of sec's branch: its secretary and the hospital admin manage it.
MANAGED = roles(FORBIDDEN, hosp=OK, sec=OK, hosp2=MISSING)
MANAGED_WRITE = {**MANAGED, "hosp": DONE, "sec": DONE}
# A hospital-wide list for managers: each admin sees their own hospital.
MANAGER_LIST = roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, hosp2=OK)
API_LIST = {**MANAGER_LIST, "anonymous": FORBIDDEN}

TABLE: dict[str, Row] = {
    "points:mine": Row(get=roles(FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=OK)),
    "points:person": Row(get={**MANAGED, "city": OK}, args=PERSON),
    "points:claim_new": Row(
        get=roles(FORBIDDEN, hosp=OK, sec=OK, member=OK),
        post=roles(FORBIDDEN, hosp=DONE, sec=DONE, member=DONE),
        payload=lambda t: {
            "rule": PointRule.objects.get(hospital=t.hospital, code="ORG-LECTURE").pk,
            "occurred_on": today().isoformat(),
            "quantity": "1",
            "description": "矩阵测试：讲授党课",
        },
    ),
    "points:claims_mine": Row(get=roles(FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=OK)),
    "points:claim_review": Row(get=roles(FORBIDDEN, hosp=OK, sec=OK, hosp2=OK)),
    "points:claim_decide": Row(
        post=roles(FORBIDDEN, hosp=DONE, sec=DONE, hosp2=MISSING),
        payload=lambda t: {"action": "approve", "reason": "属实"},
        args=lambda t: [points_claim(t).pk],
    ),
    "points:claim_photo": Row(
        get=roles(FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=MISSING),
        args=lambda t: [points_claim(t).pk],
    ),
    "points:appeal_new": Row(
        get=roles(FORBIDDEN, member=OK, hosp2=MISSING),
        post=roles(FORBIDDEN, member=DONE, hosp2=MISSING),
        payload=lambda t: {"reason": "矩阵测试申诉"},
        args=lambda t: [member_entry(t).pk],
    ),
    "points:appeal_review": Row(get=roles(FORBIDDEN, hosp=OK, sec=OK, hosp2=OK)),
    "points:appeal_decide": Row(
        post=roles(FORBIDDEN, hosp=DONE, sec=DONE, hosp2=MISSING),
        payload=lambda t: {"action": "dismiss", "reason": "矩阵测试"},
        args=lambda t: [points_appeal(t).pk],
    ),
    "points:rankings": Row(get=MANAGER_LIST),
    "points:rankings_export": Row(get=MANAGER_LIST),
    "api-points-me": Row(
        get=roles(FORBIDDEN, anonymous=FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=OK)
    ),
    "api-points-ledger": Row(
        get=roles(FORBIDDEN, anonymous=FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=OK)
    ),
    "api-points-rankings": Row(get=API_LIST),
    "api-points-claims": Row(
        get=roles(FORBIDDEN, anonymous=FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=OK)
    ),
    "api-points-claim-review": Row(
        get=roles(FORBIDDEN, anonymous=FORBIDDEN, hosp=OK, sec=OK, hosp2=OK)
    ),
    "api-points-claim-decide": Row(
        post=roles(FORBIDDEN, anonymous=FORBIDDEN, hosp=OK, sec=OK, hosp2=MISSING),
        payload=lambda t: {"approve": "false", "reason": "矩阵测试：证据不足"},
        args=lambda t: [points_claim(t).pk],
    ),
    "points:rules": Row(
        get={**MANAGER_LIST, "member": OK},
        post=roles(FORBIDDEN, hosp=DONE, hosp2=DONE, sec=FORBIDDEN),
        payload=lambda t: {
            "code": "TEST-NEW",
            "name": "测试规则",
            "category": "other",
            "effective_from": today().isoformat(),
            "points": "1",
        },
    ),
    "points:rule_edit": Row(
        get=ADMIN_ONLY,
        post=ADMIN_ONLY_WRITE,
        payload=lambda t: {
            "effective_from": (today() + timedelta(days=1)).isoformat(),
            "points": "3",
            "daily_cap": "6",
        },
        args=lambda t: [points_rule(t).pk],
    ),
    "points:copy_defaults": Row(post=roles(FORBIDDEN, hosp=DONE, hosp2=DONE), payload=lambda t: {}),
    "points:award": Row(
        get=only(hosp=True, sec=True, hosp2=True),
        post=only(DONE, hosp=True, sec=True, hosp2=OK),
        payload=lambda t: {
            "person": t.person.pk,
            "rule": points_rule(t).pk,
            "occurred_on": today().isoformat(),
            "quantity": "1",
            "reason": "矩阵测试",
        },
    ),
    "points:reverse": Row(
        post={**MANAGED_WRITE, "city": FORBIDDEN},
        payload=lambda t: {"reason": "录入错误"},
        args=lambda t: [points_entry(t).pk],
    ),
}
