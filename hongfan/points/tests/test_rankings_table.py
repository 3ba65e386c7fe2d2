"""The city's points ranking names each member's hospital and ranks the hospitals (average
points per member, members, total); the rankings sort through the shared table and export
in the order shown."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from hongfan.core.access import access_for
from hongfan.core.models import AuditAction, AuditEvent
from hongfan.core.pinyin import sort_key
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Hospital, Person
from hongfan.points.choices import Period
from hongfan.points.models import PointTotal
from hongfan.points.selectors.standings import hospital_ranking

pytestmark = pytest.mark.django_db

CITY = {"scope": "city", "period": "year"}


def _rows(response):
    return response.context["rows"]


def test_city_ranking_has_a_hospital_column(client_for):
    response = client_for("city").get(reverse("points:rankings"), CITY)
    assert response.status_code == 200
    html = response.content.decode()
    assert ">医院</a></th>" in html
    rows = _rows(response)
    assert rows, "the demo city has points this year"
    names = set(Hospital.objects.values_list("name", flat=True))
    assert all(r.hospital in names for r in rows)
    for r in rows[:5]:
        assert f'data-label="医院">{r.hospital}</td>' in html


def test_a_hospital_ranking_has_no_hospital_column(client_for):
    response = client_for("hosp").get(reverse("points:rankings"), {"period": "year"})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-label="医院"' not in html
    assert "医院排名" not in html


def test_city_sees_hospitals_ranked_by_average_points_per_member(client_for, users):
    response = client_for("city").get(reverse("points:rankings"), CITY)
    rows = response.context["hospital_rows"]
    assert {r.hospital_id for r in rows} == set(Hospital.objects.values_list("pk", flat=True))
    start = response.context["start"]
    for r in rows:
        members = Person.objects.filter(
            hospital_id=r.hospital_id,
            status=PersonStatus.ACTIVE,
            political_status__in=MEMBER_STATUSES,
        ).count()
        total = PointTotal.objects.filter(
            hospital_id=r.hospital_id,
            rule__isnull=True,
            period=Period.YEAR,
            period_start=start,
            person__status=PersonStatus.ACTIVE,
            person__political_status__in=MEMBER_STATUSES,
        ).aggregate(s=Sum("points"))["s"] or Decimal(0)
        assert (r.members, r.total) == (members, total)
        assert r.average == ((total / members).quantize(Decimal("0.1")) if members else 0)
    averages = [r.average for r in rows]
    assert averages == sorted(averages, reverse=True)
    assert [r.rank for r in rows][0] == 1
    html = response.content.decode()
    assert "医院排名（人均积分）" in html and rows[0].name in html


def test_only_the_city_ranks_hospitals(users):
    for role in ("hosp", "sec", "hosp2"):
        with pytest.raises(PermissionDenied):
            hospital_ranking(
                access=access_for(users[role]),
                period=Period.YEAR,
                start=__import__("datetime").date(2026, 1, 1),
            )


def test_city_export_has_the_hospital_column_and_the_hospital_sheet_audited(client_for):
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    response = client_for("city").get(reverse("points:rankings_export"), {**CITY, "sort": "name"})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    members = list(wb["党员排名"].iter_rows(values_only=True))
    assert members[0] == ("名次", "姓名", "医院", "支部", "科室", "积分")
    names = [r[1] for r in members[1:]]
    assert names == sorted(names, key=sort_key)  # the page's order: by pinyin
    hospitals = list(wb["医院排名"].iter_rows(values_only=True))
    assert hospitals[0] == ("名次", "医院", "党员数", "总积分", "人均积分")
    assert len(hospitals) - 1 == Hospital.objects.count()
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before + 1


def test_rankings_sort_by_a_column_and_ignore_a_bogus_sort(client_for):
    client = client_for("hosp")
    default = [
        r.person_id for r in _rows(client.get(reverse("points:rankings"), {"period": "year"}))
    ]
    by_points = _rows(client.get(reverse("points:rankings"), {"period": "year", "sort": "points"}))
    points = [r.points for r in by_points]
    assert points == sorted(points)
    by_name = _rows(client.get(reverse("points:rankings"), {"period": "year", "sort": "-name"}))
    assert [r.name for r in by_name] == sorted(
        (r.name for r in by_name), key=sort_key, reverse=True
    )
    for bogus in ("\x00", "hospital", "nosuch", "-" * 500, "9" * 40, "--rank"):
        response = client.get(reverse("points:rankings"), {"period": "year", "sort": bogus})
        assert response.status_code == 200
        assert [r.person_id for r in _rows(response)] == default


def test_rankings_page_fits_its_query_budget_with_the_hospital_ranking(
    client_for, django_assert_max_num_queries
):
    client = client_for("city")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("points:rankings"), CITY).status_code == 200


OLD_ROW = (
    '{% for r in rows %}<tr><td data-label="名次">{% if r.rank <= 3 %}<span class="badge '
    'text-bg-danger">{{ r.rank }}</span>{% else %}{{ r.rank }}{% endif %}</td><td '
    'class="hf-card-title" data-label="姓名"><a href="{% url \'points:person\' r.person_id %}">'
    '{{ r.name }}</a></td>{% if not hospital %}<td class="small" data-label="医院">'
    '{{ r.hospital }}</td>{% endif %}<td class="small" data-label="支部">'
    '{{ r.branch|default:"—" }}</td><td class="small" data-label="科室">'
    '{{ r.department|default:"—" }}</td><td class="text-end fw-semibold" data-label="积分">'
    '{{ r.points|floatformat:"-1" }}</td></tr>{% endfor %}'
)


@pytest.mark.parametrize("city", [True, False])
def test_ranking_rows_built_in_python_read_as_the_template_drew_them(city):
    from django.template import Context, Template

    from hongfan.points.selectors.standings import RankRow
    from hongfan.points.views.rankings import _rows_html

    rows = [
        RankRow(1, 7, "<b>张三</b>", "第一支部 & 二", "", Decimal("12.0"), "某医院"),
        RankRow(1, 8, "李四", "", "内科", Decimal("12.0"), "'医院'"),
        RankRow(3, 90, "王五", "b", "d", Decimal("-0.5"), "h"),
        RankRow(4, 123456, "赵六", "b", "d", Decimal("3.5"), "h"),
        RankRow(5, 2, "钱七", "b", "d", Decimal("0"), "h"),
        RankRow(6, 3, '"孙八"', "b", "d", Decimal("-7.0"), "h"),
    ]
    old = Template("{% load l10n %}" + OLD_ROW).render(
        Context({"rows": rows, "hospital": None if city else object()})
    )
    assert _rows_html(rows, city=city) == old


def test_the_hospital_ranking_lists_its_members_in_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries
):
    client = client_for("hosp")
    client.get(reverse("points:rankings"))  # warm up the session
    with django_assert_max_num_queries(13):
        response = client.get(reverse("points:rankings"), {"period": "year"})
    rows = _rows(response)
    assert rows and [r.rank for r in rows] == sorted(r.rank for r in rows)
    html = response.content.decode()
    for r in rows[:5]:
        assert f'<a href="{reverse("points:person", args=[r.person_id])}">' in html
