from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from hongfan.core.access import access_for
from hongfan.core.models import AuditAction, AuditEvent
from hongfan.workdays.choices import DaySource, YearSource
from hongfan.workdays.models import CalendarYear, DayOverride
from hongfan.workdays.selectors import (
    add_workdays,
    add_workdays_result,
    is_workday,
    year_known,
)
from hongfan.workdays.services.calendar import calendar_year_save
from hongfan.workdays.services.holidays import seed_from_library
from hongfan.workdays.tests.conftest import UNKNOWN_YEAR

D = date
Y = UNKNOWN_YEAR

# A made-up arrangement for 2027 (the real one is published late in the previous year).
HOLIDAYS_2027 = [
    (D(Y, 1, 1), "元旦"),
    *[(D(Y, 2, day), "春节") for day in range(6, 14)],  # Saturday 6 – Saturday 13 Feb
    *[(D(Y, 10, day), "国庆节") for day in range(1, 8)],
]
WORKDAYS_2027 = [(D(Y, 2, 14), "春节调休"), (D(Y, 10, 9), "国庆节调休")]


def save(username, users, **kw):
    args = {"year": Y, "holidays": HOLIDAYS_2027, "workdays": WORKDAYS_2027, "note": "测试"}
    args.update(kw)
    return calendar_year_save(access=access_for(users[username]), **args)


def state():
    return (
        list(CalendarYear.objects.order_by("year").values_list("year", "source", "note")),
        list(DayOverride.objects.order_by("date").values_list("date", "kind", "name", "source")),
        AuditEvent.objects.filter(action=AuditAction.DATA_CHANGED).count(),
    )


def test_the_make_up_days_of_the_test_arrangement_are_weekends():
    assert [d.weekday() for d, _ in WORKDAYS_2027] == [6, 5]


def test_city_admin_enters_2027_and_deadlines_use_it(users):
    assert add_workdays_result(start=D(Y, 2, 5), n=1).fallback is True
    record = save("city", users)
    assert record.source == YearSource.ADMIN and record.entered_by == users["city"]
    assert year_known(year=Y)
    result = add_workdays_result(start=D(Y, 2, 5), n=1)  # Friday before the festival
    assert result.value == D(Y, 2, 14)  # the make-up Sunday
    assert result.fallback is False and result.notice == ""
    assert add_workdays(start=D(Y, 2, 5), n=2) == D(Y, 2, 15)
    assert is_workday(day=D(Y, 2, 8)) is False  # a Monday of the festival
    assert add_workdays(start=D(Y, 9, 30), n=2) == D(Y, 10, 9)  # 8 Oct, then make-up Sat 9
    rows = DayOverride.objects.filter(date__year=Y)
    assert rows.count() == len(HOLIDAYS_2027) + len(WORKDAYS_2027)
    assert set(rows.values_list("source", flat=True)) == {DaySource.ADMIN}
    assert set(rows.values_list("created_by", flat=True)) == {users["city"].pk}


def test_saving_a_year_is_audited_with_who_and_what(users):
    save("city", users)
    event = AuditEvent.objects.filter(action=AuditAction.DATA_CHANGED).order_by("-pk").first()
    assert event.user_id == users["city"].pk
    assert event.target_type == "workdays.calendaryear"
    assert event.detail["year"] == Y
    assert event.detail["holidays"] == len(HOLIDAYS_2027)
    assert f"{Y}-02-14 workday" in event.detail["added"]
    assert event.detail["removed"] == []


def test_saving_again_replaces_the_year_whole(users):
    save("city", users)
    save("city", users, holidays=[(D(Y, 1, 1), "元旦")], workdays=[])
    assert list(DayOverride.objects.filter(date__year=Y).values_list("date", flat=True)) == [
        D(Y, 1, 1)
    ]
    assert is_workday(day=D(Y, 2, 8)) is True
    event = AuditEvent.objects.filter(action=AuditAction.DATA_CHANGED).order_by("-pk").first()
    assert f"{Y}-02-14 workday" in event.detail["removed"]


def test_an_admin_may_correct_a_library_year(users):
    assert CalendarYear.objects.get(year=2026).source == YearSource.LIBRARY
    calendar_year_save(
        access=access_for(users["city"]),
        year=2026,
        holidays=[(D(2026, 1, 1), "元旦")],
        workdays=[],
    )
    assert CalendarYear.objects.get(year=2026).source == YearSource.ADMIN
    assert is_workday(day=D(2026, 10, 1)) is True
    assert DayOverride.objects.filter(date__year=2026).count() == 1


BAD_INPUT = {
    "a date outside the year": dict(holidays=[*HOLIDAYS_2027, (D(Y + 1, 1, 1), "元旦")]),
    "a date both holiday and workday": dict(workdays=[*WORKDAYS_2027, (D(Y, 2, 13), "春节")]),
    "a make-up workday on a weekday": dict(workdays=[(D(Y, 2, 17), "春节调休")]),
    "a holiday listed twice": dict(holidays=[*HOLIDAYS_2027, (D(Y, 1, 1), "元旦")]),
    "no holiday at all": dict(holidays=[]),
    "a name too long": dict(holidays=[(D(Y, 1, 1), "元" * 51)]),
    "a year out of range": dict(year=1999, holidays=[(D(1999, 1, 1), "元旦")], workdays=[]),
    "a note too long": dict(note="通" * 201),
}
MESSAGES = {
    "a date outside the year": "2028-01-01 不在2027年内",
    "a date both holiday and workday": "2027-02-13 不能既放假又调休上班",
    "a make-up workday on a weekday": "2027-02-17 是星期三，调休上班日只能是星期六或星期日",
    "a holiday listed twice": "2027-01-01 重复填写",
    "no holiday at all": "请至少填写一个放假日期",
    "a name too long": "2027-01-01 的名称不能超过50个字",
    "a year out of range": "年份应在2000至2099之间",
    "a note too long": "发布依据不能超过200个字",
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_is_refused_in_chinese_and_changes_nothing(case, users):
    before = state()
    with pytest.raises(ValidationError) as exc:
        save("city", users, **BAD_INPUT[case])
    assert MESSAGES[case] in exc.value.messages
    assert state() == before


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_leaves_an_existing_year_as_it_was(case, users):
    save("city", users)
    before = state()
    with pytest.raises(ValidationError):
        save("city", users, **BAD_INPUT[case])
    assert state() == before


@pytest.mark.parametrize(
    "username", ["hosp", "sec", "member", "hosp2", "audit", "security", "sysadmin"]
)
def test_only_the_city_admin_may_save_a_year(username, users):
    # The calendar sets 公示 and complaint deadlines for every hospital: business data, so
    # not the system admin's (三员分立) nor one hospital's (docs/decisions/0007).
    before = state()
    with pytest.raises(PermissionDenied, match="^节假日安排由市卫健委管理员维护"):
        save(username, users)
    assert state() == before


# --- seeding -----------------------------------------------------------------------------------


def test_seeding_twice_changes_nothing():
    result = seed_from_library()
    assert result.changed == 0
    assert result.years[0] == 2004 and result.years[-1] == 2026


def test_seeding_restores_a_deleted_or_altered_library_day():
    DayOverride.objects.filter(date=D(2026, 10, 1)).delete()
    DayOverride.objects.filter(date=D(2026, 2, 14)).update(name="改过")
    result = seed_from_library()
    assert (result.created, result.updated, result.deleted) == (1, 1, 0)
    assert DayOverride.objects.get(date=D(2026, 2, 14)).name == "春节调休"
    assert is_workday(day=D(2026, 10, 1)) is False


def test_seeding_leaves_a_year_an_admin_entered_alone(users):
    calendar_year_save(
        access=access_for(users["city"]),
        year=2026,
        holidays=[(D(2026, 1, 1), "元旦")],
        workdays=[],
    )
    result = seed_from_library()
    assert result.skipped_admin_years == [2026]
    assert result.changed == 0
    assert DayOverride.objects.filter(date__year=2026).count() == 1


def test_seedholidays_command_reports_coverage():
    out = StringIO()
    call_command("seedholidays", stdout=out)
    assert "覆盖 2004–2026 年" in out.getvalue()
    assert "新增 0" in out.getvalue()
