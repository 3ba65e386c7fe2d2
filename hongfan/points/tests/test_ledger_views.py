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
