"""(Across the apps, hence here above the layers.) The 党员档案 (org's person page) in tabs: its own 基本信息 and 发展, and the 积分, 组织生活,
学习, 民主评议 and 季度之星 the apps lend it through core.panels. Each tab is a link that
works without JavaScript and an htmx fragment; the page's scope holds for every tab."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hongfan.points.models import PointEntry

TABS = ["基本信息", "发展", "积分", "组织生活", "学习", "民主评议", "季度之星"]


def _url(users, tab: str = "") -> str:
    url = reverse("org:person", args=[users["member"].person_id])
    return f"{url}?tab={tab}" if tab else url


def test_a_member_opens_their_file_on_the_basic_tab_with_every_tab_offered(client_for, users):
    html = client_for("member").get(_url(users)).content.decode()
    assert "党员档案" in html
    found = [label for label in TABS if f'hx-push-url="true">{label}</a>' in html]
    assert found == TABS
    assert 'class="nav-link active" role="tab" aria-selected="true" href="?tab=basic"' in html
    assert "身份证号" in html and "组织关系变动记录" in html


@pytest.mark.parametrize(
    ("tab", "shown"),
    [
        ("development", "党员发展信息"),
        ("points", "本季度积分"),
        ("orglife", "出勤率"),
        ("study", "本年学时"),
        ("appraisal", "<h2>民主评议"),
        ("stars", "季度之星"),
    ],
)
def test_each_tab_shows_its_section_and_not_the_basic_data(client_for, users, tab, shown):
    html = client_for("member").get(_url(users, tab)).content.decode()
    assert shown in html
    assert "组织关系变动记录" not in html
    assert f'aria-selected="true" href="?tab={tab}"' in html


def test_the_points_tab_lists_the_persons_entries(client_for, users):
    entry = (
        PointEntry.objects.filter(person_id=users["member"].person_id)
        .order_by("-occurred_on", "-id")
        .first()
    )
    assert entry is not None  # the demo city pays the member points
    html = client_for("member").get(_url(users, "points")).content.decode()
    assert entry.rule.name in html


def test_htmx_gets_only_the_tab_and_the_strip(client_for, users):
    response = client_for("member").get(_url(users, "study"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "本年学时" in html and 'role="tablist"' in html


@pytest.mark.parametrize("bad", ["nope", "<script>", "points\x00", "9" * 40])
def test_an_unknown_tab_shows_the_basic_data(client_for, users, bad):
    response = client_for("member").get(_url(users), {"tab": bad})
    assert response.status_code == 200
    assert "组织关系变动记录" in response.content.decode()


def test_the_secretary_and_hospital_admin_read_the_members_tabs(client_for, users):
    for name in ("sec", "hosp", "city"):
        html = client_for(name).get(_url(users, "points")).content.decode()
        assert "本季度积分" in html and "无权查看" not in html


@pytest.mark.parametrize("tab", ["points", "orglife", "study", "stars"])
def test_another_hospitals_admin_gets_no_tab(client_for, users, tab):
    assert client_for("hosp2").get(_url(users, tab)).status_code == 404


def test_a_member_cannot_open_another_members_tabs(client_for, users):
    other = reverse("org:person", args=[users["sec"].person_id])
    for tab in ("points", "orglife", "study"):
        assert client_for("member").get(f"{other}?tab={tab}").status_code in (403, 404)


@pytest.mark.parametrize("tab", ["basic", "points", "orglife", "study", "appraisal", "stars"])
def test_each_tab_asks_a_bounded_number_of_queries(
    client_for, users, django_assert_max_num_queries, tab
):
    client = client_for("sec")
    client.get(_url(users, tab))
    with django_assert_max_num_queries(25):
        assert client.get(_url(users, tab)).status_code == 200
