"""The rule catalogue page reads ``scope`` and ``hospital`` leniently: never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("raw", ["\x00", "9" * 40, "²", "nation"])
def test_a_bad_scope_is_the_hospitals_catalogue(client_for, raw):
    client = client_for("hosp")
    default = client.get(reverse("points:rules"))
    response = client.get(reverse("points:rules"), {"scope": raw})
    assert response.status_code == 200
    assert response.context["city"] is False
    assert response.context["hospital"] == default.context["hospital"]


@pytest.mark.parametrize("raw", ["\x00", "abc"])
def test_a_hospital_that_is_not_a_number_is_ignored(client_for, raw):
    assert client_for("hosp").get(reverse("points:rules"), {"hospital": raw}).status_code == 200


@pytest.mark.parametrize("raw", ["9" * 40, "²"])
def test_a_hospital_that_cannot_be_an_id_is_not_found(client_for, raw):
    assert client_for("hosp").get(reverse("points:rules"), {"hospital": raw}).status_code == 404
