"""学时统计 for the city: it picks a hospital (the first one was all it ever saw), reads the
table a page at a time, and exports the hospital it picked; and 学习榜, the branch's
leaderboard a member sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hongfan.accounts.models import User
from hongfan.core.models import AuditEvent
from hongfan.org.choices import MEMBER_STATUSES
from hongfan.org.models import Person
from hongfan.org.tests.factories import primary, sec_branch, second
from hongfan.study.tests.conftest import group_study

pytestmark = pytest.mark.django_db


def members_of(hospital) -> int:
    return Person.objects.filter(
        hospital=hospital, status="active", political_status__in=MEMBER_STATUSES
    ).count()


def test_the_city_picks_the_hospital_of_the_hours_table(client_for):
    page = client_for("city").get(reverse("study:hours") + f"?hospital={second().pk}")
    text = page.content.decode()
    assert 'id="hours-hospital"' in text
    assert f'<option value="{second().pk}" selected>{second().name}</option>' in text
    assert f'<option value="{primary().pk}" >{primary().name}</option>' in text
    assert page.context["t"].hospital == second()
    assert len(page.context["t"].rows) == members_of(second())


def test_a_hospital_admin_gets_no_hospital_selector(client_for):
    text = client_for("hosp").get(reverse("study:hours")).content.decode()
    assert 'id="hours-hospital"' not in text


def test_the_hours_table_is_read_a_page_at_a_time(client_for, monkeypatch):
    from hongfan.study.views import hours as hour_views

    monkeypatch.setattr(hour_views, "PAGE_SIZE", 20)
    city = client_for("city")
    n = members_of(primary())
    assert n > hour_views.PAGE_SIZE, "the small demo city has enough members for two pages"
    first = city.get(reverse("study:hours") + f"?hospital={primary().pk}")
    row = '<tr><td class="hf-card-title" data-label="姓名">'  # one per member (core.tables)
    assert first.content.decode().count(row) == hour_views.PAGE_SIZE
    assert f"共{n}条" in first.content.decode()
    last = city.get(reverse("study:hours") + f"?hospital={primary().pk}&page=99")
    assert last.content.decode().count(row) == (n - 1) % hour_views.PAGE_SIZE + 1
    # the figures above the table count the whole hospital, not the page
    assert last.context["t"].rows.__len__() == n


def test_a_branch_of_another_hospital_is_dropped_when_the_city_changes_hospital(client_for):
    response = client_for("city").get(
        reverse("study:hours") + f"?hospital={second().pk}&branch={sec_branch().pk}"
    )
    assert response.status_code == 200 and response.context["t"].branch is None


@pytest.mark.parametrize("raw", ["9" * 40, "-1", "1\x00", "abc", "１"])
def test_bad_branch_or_page_in_the_query_is_no_500(client_for, raw):
    city = client_for("city")
    assert city.get(reverse("study:hours"), {"branch": raw}).status_code in (200, 404)
    assert city.get(reverse("study:hours"), {"page": raw}).status_code == 200
    assert city.get(reverse("study:hours_export"), {"branch": raw}).status_code in (200, 404)


def test_the_export_is_of_the_hospital_the_city_picked_and_audited(client_for):
    response = client_for("city").get(reverse("study:hours_export") + f"?hospital={second().pk}")
    assert response.status_code == 200
    rows = list(load_workbook(filename=__import__("io").BytesIO(response.content)).active.values)
    assert len(rows) - 1 == members_of(second())
    event = AuditEvent.objects.filter(action="export").latest("pk")
    assert event.hospital_id == second().pk


def test_another_hospitals_admin_cannot_export_this_hospital(client_for):
    response = client_for("hosp2").get(reverse("study:hours_export") + f"?hospital={primary().pk}")
    assert response.status_code == 404


# --- 学习榜 ----------------------------------------------------------------------------------------


def test_the_branch_leaderboard_lists_my_branch_by_hours_and_marks_me(client_for):
    member = User.objects.get(username="member").person
    branch = member.branch
    others = list(
        Person.objects.filter(branch=branch, status="active", political_status__in=MEMBER_STATUSES)
        .exclude(pk=member.pk)
        .order_by("pk")
    )
    group_study(
        branch,
        starts=timezone.now() - timedelta(days=2),
        minutes=600,
        present=[others[0]],
    )
    page = client_for("member").get(reverse("study:board"))
    assert page.status_code == 200
    board = page.context["b"]
    assert board.rows[0].name == others[0].name and board.rows[0].rank == 1
    assert len(board.rows) == len(others) + 1
    assert [r.mine for r in board.rows].count(True) == 1
    text = page.content.decode()
    assert 'id="board-me"' in text and member.name in text.split('id="board-me"')[1][:200]
    outsider = (
        Person.objects.filter(hospital=member.hospital, political_status__in=MEMBER_STATUSES)
        .exclude(branch=branch)
        .first()
    )
    assert outsider is not None and outsider.name not in {r.name for r in board.rows}


def test_equal_hours_share_a_rank(client_for):
    board = client_for("member").get(reverse("study:board")).context["b"]
    zero = [r for r in board.rows if r.hours == 0]
    assert len({r.rank for r in zero}) <= 1


def test_the_leaderboard_is_for_members_only(client_for):
    assert client_for("city").get(reverse("study:board")).status_code == 403
    assert client_for("audit").get(reverse("study:board")).status_code == 403
    assert Client().get(reverse("study:board")).status_code == 302


def test_the_leaderboard_costs_the_same_whatever_the_size_of_the_branch(
    client_for, django_assert_max_num_queries
):
    client = client_for("member")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("study:board")).status_code == 200


def test_the_hours_table_sorts_by_pinyin_across_pages_and_keeps_the_sort_in_its_links(
    client_for, monkeypatch
):
    from hongfan.core.pinyin import sort_key
    from hongfan.study.views import hours as hour_views

    monkeypatch.setattr(hour_views, "PAGE_SIZE", 20)
    city = client_for("city")
    url = reverse("study:hours") + f"?hospital={primary().pk}&sort=-name"
    response = city.get(url)
    names = [r.name for r in response.context["rows"]]
    everyone = sorted((r.name for r in response.context["t"].rows), key=sort_key, reverse=True)
    assert names == everyone[: len(names)]
    assert "sort=-name" in response.content.decode().split('class="pagination')[1][:400]
    for bogus in ("\x00", "nosuch", "9" * 40):
        assert city.get(url.replace("-name", bogus)).status_code == 200
