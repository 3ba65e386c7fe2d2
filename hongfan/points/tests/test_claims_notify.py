"""Messages about claims and appeals: a claim or an appeal filed reaches the secretary who
reviews it (the hospital admin when the claimant is the secretary), a decision reaches the
member; once each, nobody else, nothing from a rolled-back write."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from hongfan.accounts.models import User
from hongfan.notices.models import Notification
from hongfan.points.services import appeals as appeal_services
from hongfan.points.services import claims as claim_services
from hongfan.points.tests.test_claims import CW, award_entry, cw, media, submit

__all__ = ["cw", "media"]  # the fixtures of the claims tests, used here too

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


def inboxes(prefix: str) -> dict[str, list[tuple[str, str]]]:
    """{username: [(title, link)]} of the messages whose key starts with ``prefix``."""
    out: dict[str, list[tuple[str, str]]] = {}
    for n in Notification.objects.filter(key__startswith=prefix).select_related("recipient"):
        out.setdefault(n.recipient.username, []).append((n.title, n.link))
    return out


def username(access: Any) -> str:
    return User.objects.get(pk=access.user_id).username


def test_a_claim_filed_reaches_the_branch_secretary_only(cw: CW, media, committed):
    with committed():
        claim = submit(cw)
    assert inboxes(f"points.claim:{claim.pk}:") == {
        username(cw.w.sec_a): [("积分申报待审核", "/points/claims/review/")]
    }
    n = Notification.objects.get(key=f"points.claim:{claim.pk}:filed")
    assert cw.m.name in n.body and cw.rule.name in n.body and n.category == "积分"


def test_a_secretarys_own_claim_reaches_the_hospital_admin(cw: CW, media, committed):
    secretary = User.objects.get(pk=cw.w.sec_a.user_id)
    with committed():
        claim = submit(cw, access=cw.w.sec_a, person=secretary.person)
    assert inboxes(f"points.claim:{claim.pk}:") == {
        username(cw.w.admin): [("积分申报待审核", "/points/claims/review/")]
    }


@pytest.mark.parametrize(
    "approve,title,says", [(True, "积分申报已通过", "计2分"), (False, "积分申报被驳回", "证明不足")]
)
def test_a_claim_decided_reaches_the_member_once(cw: CW, media, committed, approve, title, says):
    with committed():
        claim = submit(cw)
        claim_services.claim_decide(
            access=cw.w.sec_a, claim=claim, approve=approve, reason="" if approve else "证明不足"
        )
    assert inboxes(f"points.claim:{claim.pk}:decided") == {
        username(cw.member): [(title, "/points/claims/mine/")]
    }
    assert says in Notification.objects.get(key=f"points.claim:{claim.pk}:decided").body


def test_a_decision_rolled_back_tells_nobody(cw: CW, media, committed):
    with committed():
        claim = submit(cw)
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        claim_services.claim_decide(access=cw.w.sec_a, claim=claim, approve=True)
        raise RuntimeError("the request failed after the decision")
    assert inboxes(f"points.claim:{claim.pk}:decided") == {}


def test_an_appeal_filed_reaches_the_secretary_and_its_decision_the_member(
    cw: CW, media, committed
):
    entry = award_entry(cw)
    with committed():
        appeal = appeal_services.appeal_submit(access=cw.member, entry=entry, reason="未参加")
    assert inboxes(f"points.appeal:{appeal.pk}:") == {
        username(cw.w.sec_a): [("积分申诉待处理", "/points/appeals/review/")]
    }
    with committed():
        appeal_services.appeal_decide(access=cw.w.sec_a, appeal=appeal, uphold=True)
    assert inboxes(f"points.appeal:{appeal.pk}:decided") == {
        username(cw.member): [("积分申诉成立", "/points/me/")]
    }
