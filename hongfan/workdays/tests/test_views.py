from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from hongfan.core.dates import today
from hongfan.core.models import AuditEvent
from hongfan.workdays.models import CalendarYear, DayOverride
from hongfan.workdays.selectors import add_workdays_result
from hongfan.workdays.tests.conftest import UNKNOWN_YEAR

Y = UNKNOWN_YEAR
GOOD = {
    "note": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
    "holidays": "2027-01-01 元旦\n\n2027-02-06~2027-02-13 春节\n2027/10/1至2027/10/7 国庆节",
    "workdays": "2027-02-14 春节调休\n2027-10-09 国庆节调休",
}
# 三员分立: the system admin runs the system, not its business data (docs/decisions/0007).
FORBIDDEN_ROLES = ["hosp", "sec", "member", "hosp2", "audit", "security", "sysadmin"]


def edit_url(year=Y):
    return reverse("workdays:edit", args=[year])


def year_url(year=Y):
    return reverse("workdays:year", args=[year])


def state():
    return (
        list(CalendarYear.objects.order_by("year").values_list("year", "source", "note")),
        list(DayOverride.objects.order_by("date").values_list("date", "kind", "name", "source")),
    )


def cell(html, day):
    match = re.search(rf'<td class="([^"]*)"[^>]*data-date="{day}">(.*?)</td>', html)
    assert match, day
    return match.group(1), match.group(2)


def test_the_calendar_opens_on_this_year(client_for):
    response = client_for("member").get(reverse("workdays:index"))
    assert response.status_code == 302
    assert response["Location"] == year_url(today().year)


@pytest.mark.parametrize("username", ["city", "member", "audit", "sysadmin"])
def test_everyone_logged_in_sees_the_2026_calendar(username, client_for):
    response = client_for(username).get(year_url(2026))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026年工作日历" in html
    assert cell(html, "2026-10-01")[0] == "off"  # holiday, red
    assert "休" in cell(html, "2026-10-01")[1]
    assert cell(html, "2026-02-14")[0] == "shift"  # make-up Saturday
    assert "班" in cell(html, "2026-02-14")[1]
    assert cell(html, "2026-03-07")[0] == "weekend"  # an ordinary Saturday, grey
    assert cell(html, "2026-03-09")[0] in ("", " today")  # an ordinary Monday
    assert "尚未录入" not in html


def test_an_unknown_year_says_it_counts_monday_to_friday(client_for):
    html = client_for("member").get(year_url(Y)).content.decode()
    assert "2027年节假日安排尚未录入，按周一至周五计算" in html
    assert "录入安排" not in html  # a member cannot enter it
    assert "国务院办公厅通知发布后，由市卫健委管理员录入" in html  # but knows who does
    assert cell(html, "2027-01-01")[0] == ""  # Friday: counted as a working day
    city = client_for("city").get(year_url(Y)).content.decode()
    assert edit_url() in city


def test_a_year_out_of_range_is_not_found(client_for):
    assert client_for("city").get(year_url(1999)).status_code == 404
    assert client_for("city").get(edit_url(2100)).status_code == 404


def test_the_year_page_reads_a_constant_number_of_queries(
    client_for, django_assert_max_num_queries
):
    client = client_for("member")
    client.get(year_url(2026))
    with django_assert_max_num_queries(8):
        client.get(year_url(2026))


def test_the_edit_page_shows_the_library_year_as_ranges(client_for):
    html = client_for("city").get(edit_url(2026)).content.decode()
    assert "2026-02-15~2026-02-23 春节" in html
    assert "2026-02-14 春节调休" in html
    assert "系统内置的国务院办公厅节假日安排" in html and "chinesecalendar" not in html


def test_the_year_page_names_its_source_without_the_library(client_for):
    html = client_for("member").get(year_url(2026)).content.decode()
    assert "国务院办公厅节假日安排" in html
    assert "chinesecalendar" not in html and "1.11" not in html


def test_the_city_admin_enters_2027_and_deadlines_use_it(client_for, users):
    username = "city"
    client = client_for(username)
    assert client.get(edit_url()).status_code == 200
    response = client.post(edit_url(), GOOD)
    assert response.status_code == 302 and response["Location"] == year_url()
    record = CalendarYear.objects.get(year=Y)
    assert record.entered_by == users[username] and record.note == GOOD["note"]
    assert DayOverride.objects.filter(date__year=Y).count() == 1 + 8 + 7 + 2
    result = add_workdays_result(start=date(Y, 2, 5), n=1)
    assert (result.value, result.fallback) == (date(Y, 2, 14), False)
    html = client.get(year_url()).content.decode()
    assert "尚未录入" not in html
    assert cell(html, "2027-02-14")[0] == "shift"
    assert cell(html, "2027-02-08")[0] == "off"


BAD_LINES = [
    ({"holidays": "2027-01-01 元旦\n2028-01-01 元旦"}, "第2行：2028-01-01 不在2027年内"),
    ({"holidays": "2027-01-01 元旦\n元旦"}, "第2行：无法识别“元旦”"),
    ({"holidays": "2027-02-30 春节"}, "第1行：“2027-02-30 春节”不是有效日期"),
    ({"holidays": "2027-02-13~2027-02-06 春节"}, "第1行：结束日期早于开始日期"),
    ({"holidays": "2027-01-01~2027-03-01 长假"}, "第1行：一行的日期范围不能超过31天"),
    (
        {"holidays": "2027-01-01 元旦\n\n2027-01-01 元旦"},
        "第3行：2027-01-01 重复填写",
    ),
    (
        {
            "holidays": "2027-01-01 元旦\n2027-02-06~2027-02-13 春节",
            "workdays": "2027-02-13 春节调休",
        },
        "第1行：2027-02-13 不能既放假又调休上班",
    ),
    (
        {"holidays": "2027-01-01 元旦", "workdays": "\n2027-02-10 春节调休"},
        "第2行：2027-02-10 是星期三，调休上班日只能是星期六或星期日",
    ),
    ({"holidays": ""}, "请至少填写一个放假日期"),
]


@pytest.mark.parametrize("data,message", BAD_LINES)
def test_bad_lines_are_shown_row_by_row_and_change_nothing(data, message, client_for):
    client = client_for("city")
    before = state()
    events = AuditEvent.objects.count()
    response = client.post(edit_url(), {"note": "", "workdays": "", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "is-invalid" in response.content.decode()
    assert state() == before
    assert AuditEvent.objects.count() == events


def test_a_bad_edit_of_a_library_year_keeps_the_library_data(client_for):
    before = state()
    response = client_for("city").post(
        edit_url(2026), {"holidays": "2026-01-01 元旦", "workdays": "2026-01-05 调休"}
    )
    assert response.status_code == 200
    assert "第1行：2026-01-05 是星期一" in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("username", FORBIDDEN_ROLES)
def test_other_roles_cannot_edit_the_calendar(username, client_for):
    client = client_for(username)
    before = state()
    assert client.get(edit_url()).status_code == 403
    assert client.post(edit_url(), GOOD).status_code == 403
    assert state() == before
    denial = AuditEvent.objects.filter(action="denied").order_by("-pk").first()
    assert (denial.username, denial.success) == (username, False)
    assert "录入安排" not in client.get(year_url()).content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client_for):
    client = client_for("anonymous")
    before = state()
    for response in (
        client.get(year_url(2026)),
        client.get(reverse("workdays:index")),
        client.get(edit_url()),
        client.post(edit_url(), GOOD),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    assert state() == before


def test_every_bad_line_is_reported_at_once_in_line_order(client_for):
    client = client_for("city")
    before = state()
    response = client.post(
        edit_url(),
        {
            "note": "",
            "holidays": "2027-01-01 元旦\nfoo\n2028-01-01 元旦\n2027-02-06~2027-02-13 春节",
            "workdays": "2027-02-17 春节调休\n2027-02-13 春节调休",
        },
    )
    html = response.content.decode()
    expected = [
        "第2行：无法识别“foo”",
        "第3行：2028-01-01 不在2027年内",
        "第1行：2027-02-17 是星期三",
        "第2行：2027-02-13 不能既放假又调休上班",
    ]
    positions = [html.find(message) for message in expected]
    assert -1 not in positions, positions
    assert positions == sorted(positions)
    assert state() == before


def test_a_box_of_unreadable_lines_is_not_also_called_empty(client_for):
    response = client_for("city").post(edit_url(), {"holidays": "foo", "workdays": ""})
    html = response.content.decode()
    assert "第1行：无法识别“foo”" in html
    assert "请至少填写一个放假日期" not in html
