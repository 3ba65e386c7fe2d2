"""Claims through the JSON API: a member submits, the secretary decides."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hongfan.core.dates import today
from hongfan.org.models import Hospital
from hongfan.points.models import PointClaim, PointEntry, PointRule

pytestmark = pytest.mark.django_db

TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGPYLiMDRAwQCgAcngO9jmnoLQAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _rule(code="ORG-LECTURE"):
    return PointRule.objects.get(
        hospital=Hospital.objects.get(name="济宁市第三人民医院"), code=code
    )


def test_member_claims_with_a_photo_and_the_secretary_approves(client_for):
    member = client_for("member")
    response = member.post(
        "/api/points/claims/",
        {
            "rule": _rule().pk,
            "occurred_on": today().isoformat(),
            "quantity": "1",
            "description": "为科室讲授党课",
            "photo": SimpleUploadedFile("lecture.png", TINY_PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 201, response.content
    claim_id = response.json()["id"]
    assert response.json()["has_photo"] is True
    queue = client_for("sec").get("/api/points/claims/review/").json()["results"]
    assert claim_id in [c["id"] for c in queue]
    decided = client_for("sec").post(
        f"/api/points/claims/{claim_id}/decide/",
        {"approve": True, "reason": "属实"},
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved"
    claim = PointClaim.objects.get(pk=claim_id)
    assert claim.entry is not None and PointEntry.objects.filter(pk=claim.entry_id).exists()
    mine = member.get("/api/points/claims/").json()
    assert mine[0]["id"] == claim_id and mine[0]["status"] == "approved"


def test_claim_without_evidence_or_in_the_future_is_refused_in_chinese(client_for):
    before = PointClaim.objects.count()
    response = client_for("member").post(
        "/api/points/claims/",
        {
            "rule": _rule().pk,
            "occurred_on": today().isoformat(),
            "quantity": "1",
        },
    )
    assert response.status_code == 400
    assert "佐证" in response.content.decode()
    response = client_for("member").post(
        "/api/points/claims/",
        {
            "rule": _rule().pk,
            "occurred_on": (today() + timedelta(days=2)).isoformat(),
            "description": "未来的事",
        },
    )
    assert response.status_code == 400
    assert "今天" in response.content.decode()
    assert PointClaim.objects.count() == before


def test_a_fake_photo_is_refused(client_for):
    response = client_for("member").post(
        "/api/points/claims/",
        {
            "rule": _rule().pk,
            "occurred_on": today().isoformat(),
            "photo": SimpleUploadedFile(
                "x.jpg", b"not really a picture", content_type="image/jpeg"
            ),
        },
    )
    assert response.status_code == 400


def test_member_cannot_decide_and_other_hospital_gets_404(client_for):
    client_for("member").post(
        "/api/points/claims/",
        {
            "rule": _rule().pk,
            "occurred_on": today().isoformat(),
            "description": "值守",
        },
    )
    claim = PointClaim.objects.filter(status="pending").order_by("-pk").first()
    assert (
        client_for("member")
        .post(
            f"/api/points/claims/{claim.pk}/decide/",
            {"approve": True},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    assert (
        client_for("hosp2")
        .post(
            f"/api/points/claims/{claim.pk}/decide/",
            {"approve": True},
            content_type="application/json",
        )
        .status_code
        == 404
    )
    claim.refresh_from_db()
    assert claim.status == "pending"
