"""(Across the apps, hence here above the layers.) The home page (首页): what each role sees on it — a member's tasks, points and branch news,
a secretary's and an admin's work with counts, the 三员 sent to their pages — the 待办 badge
of the menu bar, the phone's bottom tab bar, and a query count that does not grow with the
data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hongfan.core import todos
from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.points.tests.factories import PointClaimFactory


def _page(client_for, name: str) -> str:
    response = client_for(name).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_member_sees_their_tasks_points_and_branch_news(client_for, users):
    html = _page(client_for, "member")
    assert "今日待办" in html
    assert "我的积分" in html and "支部排名" in html
    assert "支部近期会议" in html and "新学习资料" in html and "最新消息" in html
    # the member has nothing to review: no 待办 badge
    assert "hf-todo-badge" not in html


def test_a_secretary_sees_what_waits_with_counts_and_the_badge_links_there(client_for, users):
    PointClaimFactory()
    html = _page(client_for, "sec")
    assert "待办事项" in html and "待我处理" in html
    assert "本院概况" not in html and "全市概况" not in html
    assert "待审核的积分申报" in html
    assert reverse("points:claim_review") in html
    waiting = todos.waiting_count(access_for(users["sec"]), today())
    assert waiting >= 1
    assert f'href="/#todos" title="待办事项">待办 {waiting}</a>' in html


def test_the_badge_shows_on_other_pages_too(client_for, users):
    PointClaimFactory()
    html = client_for("sec").get(reverse("org:people")).content.decode()
    waiting = todos.waiting_count(access_for(users["sec"]), today())
    assert f"待办 {waiting}</a>" in html


def test_a_hospital_admin_sees_their_hospital_and_counts(client_for):
    PointClaimFactory()
    html = _page(client_for, "hosp")
    assert "济宁市第三人民医院" in html
    assert "待审核的积分申报" in html
    assert "本院概况" in html and "党支部" in html


def test_another_hospitals_admin_does_not_see_this_hospitals_claims(client_for, users):
    before = todos.waiting_count(access_for(users["hosp2"]), today())
    PointClaimFactory()
    assert todos.waiting_count(access_for(users["hosp2"]), today()) == before


def test_the_city_sees_the_hospitals_summed(client_for):
    start = timezone.now() - timedelta(days=2)
    from hongfan.orglife.tests.factories import MeetingFactory

    MeetingFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    html = _page(client_for, "city")
    assert "全市" in html and "全市概况" in html
    assert "会议已召开，待完成记录" in html


@pytest.mark.parametrize(
    ("name", "page"),
    [("audit", "/audit/"), ("security", "/security/"), ("sysadmin", "/system/users/")],
)
def test_the_three_admins_go_to_their_own_pages(client_for, name, page):
    response = client_for(name).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(page)


def test_a_member_gets_the_bottom_tab_bar_with_home_lit(client_for, users):
    html = _page(client_for, "member")
    assert 'class="hf-tabbar d-md-none"' in html
    for label in ("首页", "学习", "积分", "我的"):
        assert f"<span>{label}</span>" in html
    assert '<a class="hf-tab active" href="/" aria-current="page">' in html
    study = client_for("member").get(reverse("study:mine")).content.decode()
    assert f'<a class="hf-tab active" href="{reverse("study:mine")}"' in study
    me = reverse("org:person", args=[users["member"].person_id])
    assert f'href="{me}"' in html


def test_an_admin_without_a_member_role_gets_no_tab_bar(client_for):
    assert "hf-tabbar" not in _page(client_for, "hosp")
    assert "hf-tabbar" not in _page(client_for, "city")


@pytest.fixture
def uncached(monkeypatch):
    """The home page as after a write (what its sources and panels cost): nothing kept under
    the data stamp (hongfan/tests/test_home_cache.py pins the warm page)."""
    from hongfan.core import datastamp

    monkeypatch.setattr(datastamp, "current", lambda **kwargs: None)


@pytest.mark.parametrize("name", ["member", "sec", "hosp", "city"])
def test_the_home_page_asks_a_fixed_number_of_queries_whatever_the_data(
    client_for, django_assert_max_num_queries, name, uncached
):
    from hongfan.orglife.tests.factories import MeetingFactory
    from hongfan.study.tests.factories import ExamFactory, StudyItemFactory

    client = client_for(name)
    client.get("/")  # warm the session and the caches

    def grow() -> None:
        for _ in range(3):
            PointClaimFactory()
            StudyItemFactory(mandatory=True)
            ExamFactory()
            start = timezone.now() - timedelta(days=3)
            MeetingFactory(starts_at=start, ends_at=start + timedelta(hours=1))
            MeetingFactory()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    grow()
    with CaptureQueriesContext(connection) as large:
        assert client.get("/").status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries][-5:]
    with django_assert_max_num_queries(45):
        client.get("/")


# --- what each role's home page costs, and that the cheaper reads still show the right things


# The queries of the whole page (session, user, roles and menu included), pinned after the
# home page's sources and panels were made cheaper (member 23, sec 45, hosp 31, city 19 before).
# +2 for a member and a secretary: the service app's to-dos (a shift today or tomorrow, a
# colleague's swap request; follow-ups and hours to confirm for the branch).
HOME_QUERIES = {"member": 22, "sec": 43, "hosp": 30, "city": 18}


@pytest.mark.parametrize("name", list(HOME_QUERIES))
def test_each_roles_home_page_asks_no_more_than_its_pinned_queries(
    client_for, django_assert_max_num_queries, name, uncached
):
    client = client_for(name)
    client.get("/")  # warm the session and the caches
    with django_assert_max_num_queries(HOME_QUERIES[name]):
        assert client.get("/").status_code == 200


def test_a_members_points_panel_shows_their_branch_rank_and_size(client_for, users):
    from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
    from hongfan.org.models import Person
    from hongfan.points.choices import Period
    from hongfan.points.periods import period_start
    from hongfan.points.selectors.standings import member_rank

    person = Person.objects.get(pk=users["member"].person_id)
    rank = member_rank(
        hospital_id=person.hospital_id,
        person=person,
        period=Period.QUARTER,
        start=period_start(Period.QUARTER, today()),
        branch_id=person.branch_id,
    )
    size = Person.objects.filter(
        branch_id=person.branch_id,
        status=PersonStatus.ACTIVE,
        political_status__in=MEMBER_STATUSES,
    ).count()
    html = _page(client_for, "member")
    assert f'{rank}<small class="fs-6 text-muted fw-normal">/{size}</small>' in html


def test_a_members_new_items_panel_shows_an_item_finished_on_the_next_request(client_for, users):
    from hongfan.org.models import Person
    from hongfan.study.models import StudyCompletion
    from hongfan.study.tests.factories import StudyItemFactory

    person = Person.objects.get(pk=users["member"].person_id)
    item = StudyItemFactory(hospital=person.hospital, title="首页面板测试资料")
    html = _page(client_for, "member")
    row = html[html.index("首页面板测试资料") :].split("</li>")[0]
    assert "未学" in row and "已完成" not in row
    StudyCompletion.objects.create(
        item=item, person=person, hospital=person.hospital, method="read", completed_on=today()
    )
    row = _page(client_for, "member")
    row = row[row.index("首页面板测试资料") :].split("</li>")[0]
    assert "已完成" in row and "未学" not in row


def test_the_members_study_behind_task_agrees_with_the_hours_table(client_for, users):
    from hongfan.core.access import access_for as access_of
    from hongfan.org.models import Hospital
    from hongfan.study.selectors.hours import behind_counts, hours_table

    hosp = access_of(users["hosp"])
    hospital = Hospital.objects.get(pk=min(hosp.hospital_ids))
    table = hours_table(access=hosp, hospital=hospital, year=today().year)
    [row] = [
        r for r in behind_counts(access=hosp, year=today().year) if r.hospital_id == hospital.pk
    ]
    assert (row.behind, row.members) == (table.behind_count, len(table.rows))
    html = _page(client_for, "hosp")
    if row.behind:
        assert f"共{row.members}名党员，{row.behind}名低于全年学时目标的进度" in html
