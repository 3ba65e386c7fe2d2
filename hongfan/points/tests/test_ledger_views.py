"""The ledger's pages read their GET parameters leniently: bad input is ignored, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hongfan.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("raw", ["\x00", "9" * 40, "²", "١٢", "abc", "-1", ""])
def test_a_bad_person_for_the_award_form_is_ignored(client_for, raw):
    response = client_for("hosp").get(reverse("points:award"), {"person": raw})
    assert response.status_code == 200
    assert response.context["form"].initial.get("person") is None


def test_the_award_form_starts_with_the_person_asked_for(client_for):
    member = User.objects.get(username="member")
    response = client_for("hosp").get(reverse("points:award"), {"person": str(member.person_id)})
    assert response.status_code == 200
    assert response.context["form"].initial["person"] == member.person_id


@pytest.mark.parametrize("raw", ["\x00", "9" * 40, "²", "abc"])
def test_a_bad_page_of_my_points_is_never_a_500(client_for, raw):
    assert client_for("member").get(reverse("points:mine"), {"page": raw}).status_code == 200


def test_my_points_page_takes_few_queries_and_shows_the_rollups_figures(
    client_for, django_assert_max_num_queries
):
    """我的积分: the page's own part is a handful of queries (the person, the capped rules'
    versions, the totals, the rank count, the members count, the ledger's count and page),
    and its figures are those of the rollups, ``member_rank`` and the members counts."""
    from decimal import Decimal

    from hongfan.core.dates import today
    from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
    from hongfan.org.models import Person
    from hongfan.points.choices import Period
    from hongfan.points.models import PointAppeal, PointEntry, PointTotal
    from hongfan.points.periods import period_start
    from hongfan.points.selectors.standings import member_rank

    member = User.objects.get(username="member")
    person = member.person
    entries = list(PointEntry.objects.filter(person=person).order_by("-occurred_on", "-id")[:3])
    appealed = entries[0]
    PointAppeal.objects.create(entry=appealed, person=person, reason="不是我")
    client = client_for("member")
    client.get(reverse("points:mine"))  # warm the per-process memos
    with django_assert_max_num_queries(13):  # 24 before; 6 or so of them every page's
        response = client.get(reverse("points:mine"))
    assert response.status_code == 200
    d = response.context["d"]
    day = today()
    q_start = period_start(Period.QUARTER, day)

    def total(period: str) -> Decimal:
        row = PointTotal.objects.filter(
            person=person, rule__isnull=True, period=period, period_start=period_start(period, day)
        ).first()
        return row.points if row else Decimal(0)

    assert (d.today_total, d.month, d.quarter, d.year) == (
        total(Period.DAY),
        total(Period.MONTH),
        total(Period.QUARTER),
        total(Period.YEAR),
    )
    assert d.rank_branch == member_rank(
        hospital_id=person.hospital_id,
        person=person,
        period=Period.QUARTER,
        start=q_start,
        branch_id=person.branch_id,
    )
    assert d.rank_hospital == member_rank(
        hospital_id=person.hospital_id, person=person, period=Period.QUARTER, start=q_start
    )
    members = Person.objects.filter(
        status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
    )
    assert d.branch_size == members.filter(branch_id=person.branch_id).count()
    assert d.hospital_size == members.filter(hospital_id=person.hospital_id).count()
    shown = {e.pk: e for e in response.context["page"]}
    assert shown[appealed.pk].appeal_open and not shown[entries[1].pk].appeal_open
    assert not any(e.is_reversed for e in shown.values())
    html = response.content.decode()
    assert html.count("申诉中") == 1
    assert f"全院第{d.rank_hospital}/{d.hospital_size}名" in html
