"""Pages of compliance beyond the role matrix: the hospital's matrix of branches."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hongfan.orglife.tests.conftest import Unit

pytestmark = pytest.mark.django_db


def test_the_matrix_shows_every_branch_of_the_hospital(unit: Unit, client_for):
    r = client_for("hosp").get(reverse("orglife:matrix"))
    assert r.status_code == 200
    assert f'data-branch="{unit.branch.pk}"' in r.content.decode()


def test_the_matrix_counts_branch_and_group_meetings_in_one_query(
    unit: Unit, client_for, django_assert_max_num_queries
):
    from django.utils import timezone

    from hongfan.orglife.choices import MeetingKind, MeetingStatus
    from hongfan.orglife.models import Meeting
    from hongfan.orglife.selectors.compliance import _held
    from hongfan.orglife.tests.conftest import meeting

    general = meeting(unit)
    group = meeting(unit, MeetingKind.GROUP, party_group=unit.groups[0])
    Meeting.objects.filter(pk__in=[general.pk, group.pk]).update(status=MeetingStatus.HELD)
    local = timezone.localtime(general.starts_at)
    before = _held([unit.branch.pk], local.year)
    assert before.counts[(unit.branch.pk, MeetingKind.GENERAL, False)][local.month - 1] >= 1
    assert before.group_counts[unit.groups[0].pk][local.month - 1] == 1
    assert (unit.branch.pk, MeetingKind.GROUP, False) not in before.counts
    client = client_for("hosp")
    client.get(reverse("orglife:matrix"))  # warm up the session
    with django_assert_max_num_queries(15):  # 16 before the group meetings joined the count
        r = client.get(reverse("orglife:matrix"), {"year": local.year})
    assert f'data-branch="{unit.branch.pk}"' in r.content.decode()
