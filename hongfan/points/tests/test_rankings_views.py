"""The rankings page and its export read their parameters through RankingQuery (shared with
the API): bad input is read as the default, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HUGE = "9" * 40
# each is read as if it were not given
IGNORED = [
    {"period": "\x00"},
    {"period": HUGE},
    {"period": "weekly"},
    {"period": "季度"},
    {"at": "\x00"},
    {"at": HUGE},
    {"at": "2025-13-45"},
    {"at": "2025-02-30"},
    {"at": "99999-01-01"},
    {"at": "²"},
    {"scope": "\x00"},
    {"scope": HUGE},
    {"scope": "nation"},
    {"branch": "\x00"},
    {"branch": "abc"},
    {"branch": "²"},
    {"branch": "-1"},
    {"hospital": "\x00"},
    {"hospital": "abc"},
]


def _content(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("params", IGNORED)
def test_bad_ranking_parameters_are_read_as_the_default_page(client_for, params):
    client = client_for("hosp")
    default = client.get(reverse("points:rankings"))
    response = client.get(reverse("points:rankings"), params)
    assert response.status_code == 200
    assert response.context["period"] == default.context["period"] == "quarter"
    assert response.context["start"] == default.context["start"]
    assert response.context["scope"] == "hospital"
    assert response.context["hospital"] == default.context["hospital"]
    assert response.context["branch"] is None
    assert [r.person_id for r in response.context["rows"]] == [
        r.person_id for r in default.context["rows"]
    ]


@pytest.mark.parametrize("params", IGNORED)
def test_bad_ranking_parameters_never_break_the_export(client_for, params):
    response = client_for("hosp").get(reverse("points:rankings_export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("name", ["branch", "hospital"])
@pytest.mark.parametrize("url", ["points:rankings", "points:rankings_export"])
def test_a_branch_or_hospital_too_large_to_be_an_id_is_not_found(client_for, name, url):
    response = client_for("hosp").get(reverse(url), {name: "9" * 40})
    assert response.status_code == 404


def test_a_secretary_gets_their_own_branch_whatever_the_scope_says(client_for):
    client = client_for("sec")
    default = client.get(reverse("points:rankings"))
    assert default.status_code == 200 and default.context["branch"] is not None
    response = client.get(reverse("points:rankings"), {"scope": "nation\x00", "branch": "x"})
    assert response.status_code == 200
    assert response.context["branch"] == default.context["branch"]


def test_the_page_keeps_the_period_and_scope_asked_for(client_for):
    response = client_for("city").get(
        reverse("points:rankings"), {"period": "year", "at": "2025-05-06", "scope": "city"}
    )
    assert response.status_code == 200
    assert response.context["period"] == "year"
    assert str(response.context["start"]) == "2025-01-01"
    assert response.context["scope"] == "city"
    assert response.context["hospital"] is None
    assert 'name="scope" value="city"' in _content(response)
