"""The compliance matrix and the city's summary through the shared table: sort, export
(audited), bad ?sort= ignored; the matrix's scrolling box is focusable and named, its
group headers sticky (static/hongfan/tables.css)."""

from __future__ import annotations

import io
import pathlib

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from hongfan.core.models import AuditAction, AuditEvent
from hongfan.core.pinyin import sort_key

pytestmark = pytest.mark.django_db


def _names(html: str, marker: str) -> list[str]:
    import re

    return re.findall(marker, html)


def test_matrix_scroll_box_is_focusable_and_named(client_for):
    html = client_for("hosp").get(reverse("orglife:matrix")).content.decode()
    assert 'class="table-responsive hf-matrix-scroll hf-scroll" tabindex="0" role="region"' in html
    assert 'aria-label="' in html.split("hf-matrix-scroll", 1)[1][:200]


def test_matrix_group_headers_are_sticky_in_the_stylesheet():
    css = (pathlib.Path(settings.BASE_DIR) / "hongfan/static/hongfan/tables.css").read_text()
    assert ".hf-matrix thead th { position: sticky; top: 0;" in css
    assert ".hf-matrix thead tr + tr th { top: 2rem;" in css
    assert ".hf-matrix-scroll { max-height: 75vh; overflow: auto; }" in css


def test_matrix_sorts_by_branch_pinyin_and_overdue(client_for):
    client = client_for("hosp")
    url = reverse("orglife:matrix")
    rows = client.get(url, {"sort": "branch"}).content.decode()
    names = _names(rows, r'<td class="branch"><a href="[^"]*" title="([^"]*)"')
    assert names == sorted(names, key=sort_key) and len(names) > 1
    default = _names(client.get(url).content.decode(), r'<tr data-branch="(\d+)"')
    for bogus in ("\x00", "nosuch", "9" * 50, "--branch", "hospital"):
        response = client.get(url, {"sort": bogus})
        assert response.status_code == 200
        assert _names(response.content.decode(), r'<tr data-branch="(\d+)"') == default


def test_matrix_export_has_every_period_and_is_audited(client_for):
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    response = client_for("hosp").get(
        reverse("orglife:matrix"), {"export": "xlsx", "sort": "-overdue"}
    )
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "支部" and rows[0][-1] == "逾期"
    assert any("1月" in str(h) for h in rows[0]) and any("第1季度" in str(h) for h in rows[0])
    overdue = [r[-1] for r in rows[1:]]
    assert overdue == sorted(overdue, reverse=True)
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("-id").first()
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before + 1
    assert event.detail["what"] == "compliance_matrix"


def test_a_secretary_cannot_export_the_hospital_matrix(client_for):
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    response = client_for("sec").get(reverse("orglife:matrix"), {"export": "xlsx"})
    assert response.status_code == 302  # to their own branch's calendar
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before


def test_city_summary_rows_are_cards_sort_and_export(client_for):
    client = client_for("city")
    url = reverse("orglife:city")
    html = client.get(url, {"sort": "-overdue"}).content.decode()
    assert 'class="table table-sm table-hover mb-0 hf-cards"' in html
    assert 'data-label="完成率"' in html and 'aria-sort="descending"' in html
    response = client.get(url, {"export": "xlsx", "sort": "hospital"})
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (
        "医院",
        "党支部",
        "应开展（已到期）",
        "已完成",
        "完成率",
        "本期待开展",
        "逾期",
    )
    names = [r[0] for r in rows[1:]]
    assert names == sorted(names, key=sort_key) and names
    for bogus in ("\x00", "x" * 1000):
        assert client.get(url, {"sort": bogus, "page": "9" * 30}).status_code == 200
    assert client_for("hosp").get(url, {"export": "xlsx"}).status_code == 403
