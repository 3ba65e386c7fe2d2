"""The JSON API a mobile client or WeChat mini-program uses for points."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hongfan.accounts.models import User
from hongfan.org.models import Hospital
from hongfan.points.models import PointEntry, PointTotal

pytestmark = pytest.mark.django_db


def test_member_reads_own_totals_equal_to_the_ledger(client_for):
    member = User.objects.get(username="member")
    data = client_for("member").get("/api/points/me/").json()
    assert data["person_id"] == member.person_id
    year_total = (
        PointTotal.objects.filter(person_id=member.person_id, rule__isnull=True, period="year")
        .order_by("-period_start")
        .first()
    )
    expected = year_total.points if year_total else Decimal(0)
    assert Decimal(data["year"]) == expected
    assert data["rank_hospital"] >= 1 and data["rank_branch"] >= 1


def test_member_ledger_lists_only_their_own_entries(client_for):
    member = User.objects.get(username="member")
    response = client_for("member").get("/api/points/me/ledger/")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids, "the demo gives the member some points"
    owners = set(PointEntry.objects.filter(pk__in=ids).values_list("person_id", flat=True))
    assert owners == {member.person_id}


def test_secretary_ranking_is_their_branch_and_admin_ranking_is_the_hospital(client_for):
    sec = User.objects.get(username="sec")
    branch_id = sec.role_assignments.get(role="branch_secretary").branch_id
    rows = client_for("sec").get("/api/points/rankings/").json()["members"]
    names = {r["branch"] for r in rows}
    assert len(names) <= 1
    hosp_rows = client_for("hosp").get("/api/points/rankings/?period=year").json()
    assert hosp_rows["branches"], "hospital rankings include branches by average"
    ranks = [r["rank"] for r in hosp_rows["members"]]
    assert ranks == sorted(ranks)
    assert branch_id


def test_member_cannot_read_rankings_and_anonymous_gets_403(client_for):
    assert client_for("member").get("/api/points/rankings/").status_code == 403
    assert client_for("anonymous").get("/api/points/me/").status_code == 403


def test_city_ranking_only_for_the_city_admin(client_for):
    assert client_for("city").get("/api/points/rankings/?scope=city").status_code == 200
    assert client_for("hosp").get("/api/points/rankings/?scope=city").status_code == 403


def test_other_hospital_admin_cannot_rank_this_hospital(client_for):
    primary = Hospital.objects.get(name="济宁市第三人民医院")
    response = client_for("hosp2").get(f"/api/points/rankings/?hospital={primary.pk}")
    assert response.status_code == 404


def test_points_endpoints_are_in_the_openapi_schema(client_for):
    schema = client_for("hosp").get("/api/schema/?format=json").json()
    for path in ("/api/points/me/", "/api/points/me/ledger/", "/api/points/rankings/"):
        assert path in schema["paths"]


def test_ranking_export_is_an_audited_spreadsheet(client_for):
    from hongfan.core.models import AuditEvent

    before = AuditEvent.objects.filter(action="export").count()
    response = client_for("hosp").get("/points/rankings/export/?period=quarter")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="export").count() == before + 1


HUGE = "9" * 40
IGNORED = [
    {"period": "\x00"},
    {"period": HUGE},
    {"period": "weekly"},
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


@pytest.mark.parametrize("params", IGNORED)
def test_bad_ranking_parameters_are_read_as_the_default(client_for, params):
    client = client_for("hosp")
    default = client.get("/api/points/rankings/").json()
    response = client.get("/api/points/rankings/", params)
    assert response.status_code == 200
    assert response.json() == default
    assert default["period"] == "quarter"


@pytest.mark.parametrize("name", ["branch", "hospital"])
def test_a_branch_or_hospital_too_large_to_be_an_id_is_not_found_by_the_api(client_for, name):
    response = client_for("hosp").get("/api/points/rankings/", {name: HUGE})
    assert response.status_code == 404


def test_the_api_reads_the_period_asked_for(client_for):
    data = client_for("hosp").get("/api/points/rankings/?period=month&at=2025-05-06").json()
    assert data["period"] == "month"
    assert data["start"] == "2025-05-01"


def test_the_api_imports_no_html_view():
    import ast
    from pathlib import Path

    import hongfan.points.api.views as api_views

    tree = ast.parse(Path(api_views.__file__).read_text(encoding="utf-8"))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in modules if m and m.startswith("hongfan.points.views")}
