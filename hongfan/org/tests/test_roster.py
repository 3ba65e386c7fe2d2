"""Roster (名册) import and export: file handling, every validation rule, all-or-nothing,
audit, masking, formula escaping and the role matrix."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from hongfan.accounts.models import RoleAssignment, User
from hongfan.core import exports
from hongfan.core.access import access_for
from hongfan.core.idcard import check_digit, id_number_error
from hongfan.core.models import AuditAction, AuditEvent
from hongfan.core.pii import keyed_hash
from hongfan.core.spreadsheets import MAX_SHARED_STRINGS
from hongfan.core.tests import crafted_xlsx as crafted
from hongfan.org.imports import roster_parsing, roster_validation
from hongfan.org.models import (
    Authority,
    Branch,
    Department,
    Hospital,
    OrgRule,
    PartyGroup,
    Person,
)
from hongfan.org.services import roster

LABELS = [c.label for c in roster_parsing.COLUMNS]
TEMPLATE_HEADERS = [c.template_header for c in roster_parsing.COLUMNS]

# --- fixtures --------------------------------------------------------------------------------


def _user(username: str, role: str | None = None, **scope: Any) -> User:
    user = User(username=username)
    user.set_unusable_password()  # force_login needs none; hashing one is slow
    user.save()
    if role:
        RoleAssignment.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def org(db: Any) -> SimpleNamespace:
    authority = Authority.objects.create(name="名册测试卫健委", city="测试市")
    h = Hospital.objects.create(
        authority=authority, name="名册测试医院甲", short_name="测试甲", region_code="370802"
    )
    other = Hospital.objects.create(authority=authority, name="名册测试医院乙")
    cardio = Department.objects.create(hospital=h, name="心血管内科", kind="clinical")
    nursing = Department.objects.create(hospital=h, name="护理部", kind="admin")
    Department.objects.create(hospital=h, name="已撤并科室", kind="clinical", active=False)
    Department.objects.create(hospital=other, name="骨科", kind="clinical")
    b1 = Branch.objects.create(hospital=h, name="内科第一党支部")
    b2 = Branch.objects.create(hospital=h, name="行政党支部")
    Branch.objects.create(hospital=other, name="乙院党支部")
    g1 = PartyGroup.objects.create(branch=b1, name="第一党小组")
    g2 = PartyGroup.objects.create(branch=b2, name="行政党小组")
    return SimpleNamespace(
        authority=authority,
        h=h,
        other=other,
        cardio=cardio,
        nursing=nursing,
        b1=b1,
        b2=b2,
        g1=g1,
        g2=g2,
        admin=_user("roster_admin", "hospital_admin", hospital=h),
        other_admin=_user("roster_admin2", "hospital_admin", hospital=other),
        city=_user("roster_city", "city_admin"),
        secretary=_user("roster_sec", "branch_secretary", branch=b1),
        auditor=_user("roster_audit", "auditor"),
        member=_user("roster_member", "member"),
    )


_SEQ = iter(range(1, 10**6))


def new_id(gender: str = "F", birth: date | None = None) -> str:
    """A valid ID number, unique within the test session (sequence digits from a counter)."""
    n = next(_SEQ)
    birth = birth or date(1960, 1, 1) + timedelta(days=n * 37 % 9000)  # all over 18 by 2002
    seq = (n * 2) % 1000 + (1 if gender == "M" else 0)
    first17 = f"370802{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def id_ending_with_x() -> str:
    for seq in range(1000):
        first17 = f"370802198806{(seq % 28) + 1:02d}{seq:03d}"
        if check_digit(first17) == "X":
            return first17 + "X"
    raise AssertionError("no X check digit found")


def row(**over: Any) -> dict[str, Any]:
    base = {
        "姓名": "李娜",
        "性别": "女",
        "民族": "汉族",
        "出生日期": None,
        "学历": "本科",
        "科室": "心血管内科",
        "岗位/职务": "护士",
        "职称": "护师",
        "中层干部": "否",
        "科室负责人": "否",
        "政治面貌": "中共党员",
        "入党日期": "2015-07-01",
        "转正日期": "2016-07-01",
        "所在支部": "内科第一党支部",
        "党小组": "第一党小组",
        "身份证号": new_id("F"),
        "手机号": "13800138001",
    }
    base.update(over)
    return base


def masses(**over: Any) -> dict[str, Any]:
    return row(
        **{
            "政治面貌": "群众",
            "入党日期": None,
            "转正日期": None,
            "所在支部": None,
            "党小组": None,
            **over,
        }
    )


def xlsx(
    rows: list[dict[str, Any]], headers: list[str] | None = None, trailing_blank: int = 0
) -> bytes:
    headers = headers or LABELS
    wb = Workbook()
    ws = wb.active
    ws.title = "名册"
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    for _ in range(trailing_blank):
        ws.append([None, "  ", "\u3000", None])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict[str, Any]], encoding: str, headers: list[str] | None = None) -> bytes:
    headers = headers or LABELS
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    for r in rows:
        w.writerow(["" if r.get(h) is None else r.get(h) for h in headers])
    return buf.getvalue().encode(encoding)


def do_import(
    o: SimpleNamespace, data: bytes, name: str = "名册.xlsx", **kw: Any
) -> roster.RosterImportResult:
    return roster.roster_import(
        access=access_for(o.admin), hospital=o.h, filename=name, data=data, **kw
    )


def import_errors(
    o: SimpleNamespace, data: bytes, name: str = "名册.xlsx"
) -> roster_parsing.RosterInvalid:
    with pytest.raises(roster_parsing.RosterInvalid) as info:
        do_import(o, data, name)
    return info.value


def upload(
    client: Any,
    o: SimpleNamespace,
    name: str,
    data: bytes,
    hospital: Hospital | None = None,
    follow: bool = False,
    **extra: Any,
) -> Any:
    h = hospital or o.h
    return client.post(
        f"{reverse('org:roster_import')}?hospital={h.pk}",
        {"file": SimpleUploadedFile(name, data), **extra},
        follow=follow,
    )


def people_of(h: Hospital) -> Any:
    return Person.objects.filter(hospital=h)


# --- good imports ----------------------------------------------------------------------------


def test_admin_imports_xlsx_with_encrypted_id_and_keyed_hash(org, client):
    idn = new_id("M", date(1979, 3, 4))
    rows = [
        row(**{"姓名": "王强", "性别": "男", "身份证号": idn, "学历": "硕士", "中层干部": "是"}),
        row(**{"政治面貌": "预备党员", "转正日期": None, "入党日期": "2024-01-02"}),
        masses(**{"科室": "护理部", "手机号": None, "学历": "大学专科"}),
    ]
    client.force_login(org.admin)
    r = upload(client, org, "名册.xlsx", xlsx(rows))
    assert r.status_code == 302
    assert r["Location"] == f"{reverse('org:people')}?hospital={org.h.pk}"
    assert people_of(org.h).count() == 3
    p = people_of(org.h).get(name="王强")
    assert p.id_number_enc and idn not in p.id_number_enc
    assert p.id_number_hash == keyed_hash(idn)
    assert p.id_number == idn
    assert p.mobile == "13800138001" and "13800138001" not in p.mobile_enc
    assert p.mobile_hash == keyed_hash("13800138001")
    assert p.birth_date == date(1979, 3, 4)  # derived from the ID number
    assert (p.gender, p.education, p.is_middle_cadre) == ("M", "master", True)
    assert (p.department, p.branch, p.party_group) == (org.cardio, org.b1, org.g1)
    assert (p.political_status, p.joined_on, p.full_member_on) == (
        "member",
        date(2015, 7, 1),
        date(2016, 7, 1),
    )
    assert people_of(org.h).get(political_status="probationary").joined_on == date(2024, 1, 2)
    m = people_of(org.h).get(political_status="masses")
    assert (m.department, m.branch, m.mobile, m.education) == (org.nursing, None, "", "college")
    events = AuditEvent.objects.filter(action=AuditAction.IMPORT, hospital_id=org.h.pk)
    assert events.count() == 1
    event = events.get()
    assert event.success and event.user == org.admin
    assert event.detail["rows"] == 3 and event.detail["file"] == "名册.xlsx"
    assert idn not in json.dumps(event.detail) and "13800138001" not in json.dumps(event.detail)


def test_success_message_names_the_count(org, client):
    client.force_login(org.admin)
    r = upload(client, org, "名册.xlsx", xlsx([row(), masses()]), follow=True)
    assert "已新增 2 人" in r.content.decode()


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_gb18030_and_utf8_with_or_without_bom(org, encoding):
    data = csv_bytes(
        [row(**{"姓名": "欧阳娜娜"}), masses(**{"姓名": "買麥提·艾力", "民族": "维吾尔"})], encoding
    )
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")
    assert do_import(org, data, "名册.csv").count == 2
    names = set(people_of(org.h).values_list("name", flat=True))
    assert names == {"欧阳娜娜", "買麥提·艾力"}
    assert people_of(org.h).get(name="買麥提·艾力").ethnicity == "维吾尔族"


def test_tab_separated_utf16_text_from_excel(org):
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t").writerows([LABELS, [masses().get(h) or "" for h in LABELS]])
    assert do_import(org, buf.getvalue().encode("utf-16"), "名册.csv").count == 1


def test_utf16_text_without_a_bom_imports_too(org):
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t").writerows([LABELS, [masses().get(h) or "" for h in LABELS]])
    data = buf.getvalue().encode("utf-16-le")
    assert do_import(org, data, "名册.csv").count == 1
    assert people_of(org.h).get().name == "李娜"


@pytest.mark.parametrize(
    "text",
    [
        "2015-07-01",
        "2015/7/1",
        "2015.7.1",
        "2015年7月1日",
        "20150701",
        "２０１５－０７－０１",
        "2015 - 07 - 01",
        "\u30002015/07/01\u3000",
        "2015\u3000年7月 1日",
        "42186",
        "42186.0",
        "2015-07-01 00:00:00",
        "２０１５年７月１日",
    ],
)
def test_date_strings_are_understood(text):
    assert roster_parsing.parse_roster_date(text) == date(2015, 7, 1)


@pytest.mark.parametrize(
    "value",
    [
        date(2015, 7, 1),
        datetime(2015, 7, 1, 0, 0),
        42186,
        42186.0,
        20150701,
    ],
)
def test_date_cells_are_understood(value):
    assert roster_parsing.parse_roster_date(value) == date(2015, 7, 1)


@pytest.mark.parametrize("text", ["去年", "2015-13-01", "2015-02-30", "2015-07", "123", "7/1/2015"])
def test_bad_dates_raise_a_chinese_reason(text):
    with pytest.raises(roster_parsing.BadValue) as info:
        roster_parsing.parse_roster_date(text)
    assert "日期" in str(info.value)


def test_each_date_format_imports_through_a_real_xlsx(org):
    formats = [
        date(2015, 7, 1),
        datetime(2015, 7, 1),
        42186,
        "42186",
        "2015/7/1",
        "2015.7.1",
        "2015年7月1日",
        "20150701",
        "２０１５－０７－０１",
        " 2015 -07- 01 ",
    ]
    rows = [row(**{"入党日期": f, "转正日期": "2016-07-01"}) for f in formats]
    assert do_import(org, xlsx(rows)).count == len(formats)
    assert set(people_of(org.h).values_list("joined_on", flat=True)) == {date(2015, 7, 1)}


def test_full_width_digits_spaces_and_lowercase_x_are_normalised(org):
    idn = id_ending_with_x()
    wide = idn[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x"
    rows = [
        row(
            **{
                "姓名": "张\u3000三",
                "身份证号": " " + wide[:6] + "\u3000" + wide[6:],
                "手机号": "１３８ ０013 8002",
                "出生日期": "１９８８年０６月" + idn[12:14] + "日",
            }
        )
    ]
    do_import(org, xlsx(rows))
    p = people_of(org.h).get()
    assert p.id_number == idn and p.id_number_hash == keyed_hash(idn)
    assert p.mobile == "13800138002"
    assert p.name == "张三"  # the full-width space used to align two-character names


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("'370802198806010011", "370802198806010011"),
        ('="370802198806010011"', "370802198806010011"),
        (" 37080219880601001x ", "37080219880601001X"),
        (370802198806010011, "370802198806010011"),
    ],
)
def test_id_number_normalisation(raw, expected):
    assert roster_parsing.normalise_roster_id_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "8613800138000",
        13800138000,
        13800138000.0,
        "１３８００１３８０００",
        "'13800138000",
    ],
)
def test_mobile_normalisation(raw):
    assert roster_parsing.normalise_roster_mobile(raw) == "13800138000"


def test_headers_match_after_stripping_spaces_stars_hints_in_any_order(org):
    headers = list(reversed(TEMPLATE_HEADERS))
    headers[0] = " 手机号 "
    headers[1] = "身份证号 *"
    headers.insert(0, "序号")
    r = masses()
    r["序号"] = 1
    r[" 手机号 "] = r["手机号"]
    r["身份证号 *"] = r["身份证号"]
    for c in roster_parsing.COLUMNS:
        r[c.template_header] = r.get(c.label)
    assert do_import(org, xlsx([r], headers)).count == 1


def test_empty_trailing_rows_are_ignored(org):
    assert do_import(org, xlsx([row(), masses()], trailing_blank=5)).count == 2


def test_a_title_row_above_the_header_keeps_spreadsheet_row_numbers(org):
    wb = Workbook()
    ws = wb.active
    ws.append(["名册测试医院甲职工花名册"])
    ws.append(LABELS)
    ws.append([masses().get(h) for h in LABELS])
    ws.append([masses(**{"科室": "不存在的科"}).get(h) for h in LABELS])
    out = io.BytesIO()
    wb.save(out)
    exc = import_errors(org, out.getvalue())
    assert [(e.row, e.column) for e in exc.errors] == [(4, "科室")]


# --- bad rows: nothing is imported, every problem is reported --------------------------------

_FUTURE = (date.today() + timedelta(days=40)).isoformat()


def _bad_check_digit() -> str:
    idn = new_id()
    return idn[:-1] + ("0" if idn[-1] != "0" else "1")


BAD_ROWS = [
    (
        "invalid_check_digit",
        lambda: row(**{"身份证号": _bad_check_digit()}),
        "身份证号",
        "校验位错误",
    ),
    ("short_id", lambda: row(**{"身份证号": "37080219900101"}), "身份证号", "18位"),
    (
        "unknown_department",
        lambda: row(**{"科室": "不存在科"}),
        "科室",
        "本院没有名为“不存在科”的科室",
    ),
    ("inactive_department", lambda: row(**{"科室": "已撤并科室"}), "科室", "已停用"),
    ("other_hospital_department", lambda: row(**{"科室": "骨科"}), "科室", "本院没有"),
    (
        "unknown_branch",
        lambda: row(**{"所在支部": "外科党支部", "党小组": None}),
        "所在支部",
        "没有名为",
    ),
    (
        "other_hospital_branch",
        lambda: row(**{"所在支部": "乙院党支部", "党小组": None}),
        "所在支部",
        "没有名为",
    ),
    ("group_of_another_branch", lambda: row(**{"党小组": "行政党小组"}), "党小组", "不属于"),
    ("unknown_group", lambda: row(**{"党小组": "第九党小组"}), "党小组", "没有名为"),
    (
        "group_without_branch",
        lambda: masses(**{"党小组": "第一党小组"}),
        "党小组",
        "须同时填写所在支部",
    ),
    (
        "future_join_date",
        lambda: row(**{"入党日期": _FUTURE, "转正日期": None}),
        "入党日期",
        "不能晚于今天",
    ),
    ("future_birth_date", lambda: row(**{"出生日期": _FUTURE}), "出生日期", "不能晚于今天"),
    ("unparseable_date", lambda: row(**{"转正日期": "明年七一"}), "转正日期", "日期格式无法识别"),
    ("impossible_date", lambda: row(**{"入党日期": "2015-02-30"}), "入党日期", "日期不存在"),
    (
        "member_without_branch",
        lambda: row(**{"所在支部": None, "党小组": None}),
        "所在支部",
        "必须填写所在支部",
    ),
    (
        "member_without_join_date",
        lambda: row(**{"入党日期": None, "转正日期": None}),
        "入党日期",
        "须填写入党日期",
    ),
    (
        "probationary_without_join_date",
        lambda: row(**{"政治面貌": "预备党员", "入党日期": None, "转正日期": None}),
        "入党日期",
        "须填写入党日期",
    ),
    (
        "full_member_without_full_date",
        lambda: row(**{"转正日期": None}),
        "转正日期",
        "须填写转正日期",
    ),
    (
        "full_date_before_join",
        lambda: row(**{"入党日期": "2016-07-01", "转正日期": "2015-07-01"}),
        "转正日期",
        "不能早于入党日期",
    ),
    (
        "join_before_birth",
        lambda: row(**{"身份证号": new_id(birth=date(1990, 1, 1)), "入党日期": "1989-01-01"}),
        "入党日期",
        "不能早于出生日期",
    ),
    (
        "joined_on_the_day_of_birth",
        lambda: row(**{"身份证号": new_id(birth=date(1990, 1, 1)), "入党日期": "1990-01-01"}),
        "入党日期",
        "入党时未满18周岁（按出生日期计算，入党时仅0周岁）",
    ),
    (
        "joined_the_day_before_the_18th_birthday",
        lambda: row(
            **{
                "身份证号": new_id(birth=date(1990, 1, 1)),
                "入党日期": "2007-12-31",
                "转正日期": "2008-12-31",
            }
        ),
        "入党日期",
        "入党时未满18周岁",
    ),
    (
        "birth_date_not_matching_id",
        lambda: row(**{"身份证号": new_id(birth=date(1985, 5, 5)), "出生日期": "1985-05-06"}),
        "出生日期",
        "出生日期与身份证号不一致",
    ),
    ("bad_mobile", lambda: row(**{"手机号": "12345"}), "手机号", "手机号应为"),
    ("missing_name", lambda: row(**{"姓名": "  "}), "姓名", "请填写姓名"),
    ("missing_gender", lambda: row(**{"性别": None}), "性别", "请填写性别"),
    ("missing_department", lambda: row(**{"科室": None}), "科室", "请填写科室"),
    ("missing_political_status", lambda: row(**{"政治面貌": None}), "政治面貌", "请填写政治面貌"),
    ("missing_id_number", lambda: row(**{"身份证号": None}), "身份证号", "请填写身份证号"),
    ("bad_gender", lambda: row(**{"性别": "未知"}), "性别", "“男”或“女”"),
    ("bad_political_status", lambda: row(**{"政治面貌": "党外人士"}), "政治面貌", "政治面貌应为"),
    ("bad_education", lambda: row(**{"学历": "幼儿园"}), "学历", "学历应为"),
    ("bad_yes_no", lambda: row(**{"中层干部": "也许"}), "中层干部", "“是”或“否”"),
    ("name_too_long", lambda: row(**{"姓名": "长" * 31}), "姓名", "不能超过30个字"),
    ("left_status", lambda: row(**{"状态": "已离开"}), "状态", "只能导入在职人员"),
    ("template_example", lambda: row(**{"姓名": "张三（示例）"}), "姓名", "示例行"),
]


@pytest.mark.parametrize("case", BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_one_bad_row_imports_nothing_and_says_row_column_reason(org, case):
    _, make_bad, column, reason = case
    headers = [*LABELS, "状态"]
    data = xlsx([row(), make_bad(), masses()], headers)
    exc = import_errors(org, data)
    assert people_of(org.h).count() == 0
    assert exc.total >= 1
    hits = [e for e in exc.errors if e.row == 3 and e.column == column and reason in e.message]
    assert hits, [(e.row, e.column, e.message) for e in exc.errors]
    assert all(e.row == 3 for e in exc.errors)
    assert hits[0].letter == chr(ord("A") + headers.index(column))
    failed = AuditEvent.objects.get(action=AuditAction.IMPORT, hospital_id=org.h.pk)
    assert failed.success is False and failed.detail["errors"] == exc.total


def test_a_member_who_joined_on_the_18th_birthday_is_imported(org):
    idn = new_id(birth=date(1990, 1, 1))
    data = xlsx([row(**{"身份证号": idn, "入党日期": "2008-01-01", "转正日期": "2009-01-01"})])
    assert do_import(org, data).count == 1
    assert people_of(org.h).get().joined_on == date(2008, 1, 1)


def test_the_joining_age_error_names_the_row_and_column_on_the_page(org, client):
    client.force_login(org.admin)
    born = date(1990, 1, 1)
    data = xlsx(
        [row(), row(), row(), row(**{"身份证号": new_id(birth=born), "入党日期": "1990-01-01"})]
    )
    html = upload(client, org, "名册.xlsx", data).content.decode()
    assert "第 5 行" in html and "入党日期（L列）" in html and "入党时未满18周岁" in html
    assert people_of(org.h).count() == 0


def test_the_minimum_joining_age_is_the_citys_rule_in_force(org):
    OrgRule.objects.create(authority=org.authority, effective_from=date(2020, 1, 1), dev_min_age=20)
    idn = new_id(birth=date(1990, 1, 1))
    data = xlsx([row(**{"身份证号": idn, "入党日期": "2009-01-01", "转正日期": "2010-01-01"})])
    exc = import_errors(org, data)
    assert [(e.row, e.column, e.message) for e in exc.errors] == [
        (2, "入党日期", "入党时未满20周岁（按出生日期计算，入党时仅19周岁）")
    ]
    assert people_of(org.h).count() == 0


def test_bad_rows_are_shown_on_the_page_with_row_column_and_reason(org, client):
    client.force_login(org.admin)
    data = xlsx([row(), row(**{"科室": "不存在科"}), row(**{"手机号": "12345", "性别": "?"})])
    r = upload(client, org, "名册.xlsx", data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "未导入任何数据" in html
    assert "第 3 行" in html and "科室（F列）" in html and "本院没有名为“不存在科”的科室" in html
    assert "第 4 行" in html and "手机号（Q列）" in html and "性别（B列）" in html
    assert "共 3 处错误" in html
    assert people_of(org.h).count() == 0


def test_only_the_first_200_errors_are_listed_but_all_are_counted(org, client):
    client.force_login(org.admin)
    data = xlsx([row(**{"科室": f"科{i}"}) for i in range(250)])
    r = upload(client, org, "名册.xlsx", data)
    html = r.content.decode()
    assert "共 250 处错误" in html and "仅列出前 200 处" in html
    assert html.count("<tr><td>第 ") == 200


def test_duplicate_id_within_the_file_names_both_rows(org):
    idn = new_id()
    exc = import_errors(
        org, xlsx([row(**{"身份证号": idn}), masses(), masses(**{"身份证号": idn})])
    )
    assert [(e.row, e.column, e.message) for e in exc.errors] == [
        (4, "身份证号", "身份证号与第2行重复")
    ]
    assert people_of(org.h).count() == 0


def test_duplicate_id_against_existing_people_of_the_hospital(org):
    idn = new_id()
    p = Person(hospital=org.h, name="已在册", gender="F", birth_date=date(1980, 1, 1))
    p.id_number = idn
    p.save()
    exc = import_errors(org, xlsx([masses(), masses(**{"身份证号": idn.lower()})]))
    assert [(e.row, e.column, e.message) for e in exc.errors] == [
        (3, "身份证号", roster_validation.EXISTING_MESSAGE)
    ]
    assert roster_validation.EXISTING_MESSAGE.startswith("本院已有相同身份证号的职工")
    assert people_of(org.h).count() == 1
    # The same person may be on another hospital's roster.
    q = Person(hospital=org.other, name="乙院人员", gender="F", birth_date=date(1980, 1, 1))
    q.id_number = new_id()
    q.save()
    assert do_import(org, xlsx([masses(**{"身份证号": q.id_number})])).count == 1


def test_too_many_rows_are_refused(org, monkeypatch):
    monkeypatch.setattr(roster_parsing, "MAX_ROWS", 2)
    exc = import_errors(org, xlsx([masses() for _ in range(3)]))
    assert "一次最多导入 2 行" in exc.message


def test_id_number_typed_as_a_number_gets_a_hint(org):
    # What Excel keeps of an 18-digit number: 15 significant digits.
    exc = import_errors(org, xlsx([masses(**{"身份证号": 3.70802198001011e17})]))
    assert [(e.column, "文本格式" in e.message) for e in exc.errors] == [("身份证号", True)]


def test_validation_queries_do_not_grow_with_rows(org, django_assert_max_num_queries):
    table = roster_parsing.roster_read(filename="x.xlsx", data=xlsx([masses() for _ in range(300)]))
    with django_assert_max_num_queries(5):
        result = roster_validation.roster_validate(hospital=org.h, table=table)
    assert len(result.people) == 300


# --- file-level problems ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("notes.txt", b"hello", "只支持"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "只支持"),
        ("fake.xlsx", "姓名,性别\n张三,男\n".encode(), "不是有效的 Excel"),
        ("zip.xlsx", b"PK\x03\x04" + b"\x00" * 100, "不是有效的 Excel"),
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "旧版 .xls"),
        ("oldxls.xlsx", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "旧版 .xls"),
        ("book.csv", b"PK\x03\x04" + b"\x00" * 100, "扩展名改为 .xlsx"),
        ("binary.csv", b"\x00\x01\x02\x03", "不是文本格式"),
        ("noheader.csv", "随便写点什么\n第二行\n".encode(), "没有找到列名行"),
    ],
)
def test_non_spreadsheets_are_rejected_with_a_chinese_message(org, client, name, data, message):
    client.force_login(org.admin)
    r = upload(client, org, name, data)
    assert r.status_code == 200
    assert message in r.content.decode()
    assert people_of(org.h).count() == 0


@pytest.mark.parametrize(
    "bomb,message",
    [
        (
            lambda: crafted.shared_strings_bomb(LABELS, 10_000_000),
            "文件解压后过大，请拆分后分批导入",
        ),
        (
            lambda: crafted.shared_strings_bomb(LABELS, MAX_SHARED_STRINGS + 1),
            "文件中的文字条目过多（超过 1,000,000 条）",
        ),
        (
            lambda: crafted.blank_cells_in_one_row(LABELS, 5_000_000),
            "第2行的单元格超过 16,384 个",
        ),
    ],
    ids=["ten_million_shared_strings", "a_million_shared_strings", "five_million_blank_cells"],
)
def test_a_spreadsheet_bomb_is_refused_on_the_page_and_nothing_is_imported(
    org, client, bomb, message
):
    # The shapes of the 386 KB roster that held a worker for 140 s and 1.7 GB.
    data = bomb()
    assert len(data) < 500 * 1024
    client.force_login(org.admin)
    r = upload(client, org, "名册.xlsx", data)
    assert r.status_code == 200
    assert message in r.content.decode()
    assert people_of(org.h).count() == 0
    failed = AuditEvent.objects.get(action=AuditAction.IMPORT, hospital_id=org.h.pk)
    assert failed.success is False


def test_a_note_in_the_last_excel_column_is_not_read_and_the_rows_import(org):
    wb = Workbook()
    ws = wb.active
    ws.title = "名册"
    ws.append(LABELS)
    for _ in range(3):
        ws.append([masses().get(h) for h in LABELS])
        ws.cell(row=ws.max_row, column=16384, value="最右边的备注")  # XFD
    out = io.BytesIO()
    wb.save(out)
    assert do_import(org, out.getvalue()).count == 3


def test_empty_file_and_header_only_file_get_clear_messages(org, client):
    client.force_login(org.admin)
    assert "文件是空的" in upload(client, org, "空.xlsx", b"").content.decode()
    assert "没有数据行" in upload(client, org, "表头.xlsx", xlsx([])).content.decode()
    assert "没有数据行" in upload(client, org, "表头.csv", csv_bytes([], "utf-8")).content.decode()
    assert (
        "没有数据行"
        in upload(client, org, "空行.xlsx", xlsx([], trailing_blank=3)).content.decode()
    )


def test_too_large_file_is_rejected(org, client, settings):
    settings.IMPORT_MAX_BYTES = 2048
    client.force_login(org.admin)
    r = upload(client, org, "名册.csv", csv_bytes([masses() for _ in range(40)], "utf-8"))
    assert "文件过大" in r.content.decode()
    with pytest.raises(roster_parsing.RosterInvalid, match="文件过大"):
        do_import(org, b"x" * 4096, "名册.csv")


def test_missing_and_unknown_columns_are_reported(org, client):
    headers = [h for h in LABELS if h not in ("身份证号", "科室")] + ["籍贯"]
    exc = import_errors(org, xlsx([masses(**{"籍贯": "山东"})], headers))
    found = {(e.row, e.column, e.message.split("，")[0]) for e in exc.errors}
    assert (1, "身份证号", "缺少必填列") in found
    assert (1, "科室", "缺少必填列") in found
    assert (1, "籍贯", "无法识别的列名") in found


def test_unknown_columns_can_be_ignored_on_request(org, client):
    headers = [*LABELS, "籍贯"]
    data = xlsx([masses(**{"籍贯": "山东"})], headers)
    import_errors(org, data)
    client.force_login(org.admin)
    r = upload(client, org, "名册.xlsx", data, ignore_unknown_columns="on", follow=True)
    html = r.content.decode()
    assert "已新增 1 人" in html and "已忽略无法识别的列：籍贯" in html
    assert people_of(org.h).count() == 1


# --- template --------------------------------------------------------------------------------


def test_template_downloads_with_instructions_and_a_valid_example(org, client):
    client.force_login(org.admin)
    r = client.get(f"{reverse('org:roster_template')}?hospital={org.h.pk}")
    assert r.status_code == 200
    assert r["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:2] == ["名册", "填写说明"]
    assert [c.value for c in wb["名册"][1]] == TEMPLATE_HEADERS
    assert wb["名册"].max_row == 1
    help_rows = {r[0]: r[2] for r in wb["填写说明"].iter_rows(values_only=True) if r and r[0]}
    example_id = help_rows["身份证号"]
    assert isinstance(example_id, str) and id_number_error(example_id) is None
    options = [c for c in wb["可选值"].iter_cols(values_only=True)]
    assert {"心血管内科", "护理部"} <= set(options[0])
    assert "已撤并科室" not in options[0]
    # Importing the unmodified template creates nobody.
    exc = import_errors(org, r.content, "人员名册导入模板.xlsx")
    assert "没有数据行" in exc.message
    # Filling a row into it imports fine.
    ws = wb["名册"]
    values = masses()
    ws.append([values[c.label] for c in roster_parsing.COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    assert do_import(org, out.getvalue()).count == 1


def test_example_row_copied_into_the_template_is_refused(org, client):
    client.force_login(org.admin)
    content = client.get(f"{reverse('org:roster_template')}?hospital={org.h.pk}").content
    wb = load_workbook(io.BytesIO(content))
    example = {r[0]: r[2] for r in wb["填写说明"].iter_rows(values_only=True) if r and r[0]}
    wb["名册"].append([example[c.label] for c in roster_parsing.COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    exc = import_errors(org, out.getvalue())
    assert [(e.column, e.message) for e in exc.errors] == [
        ("姓名", "这是模板中的示例行，请删除后再导入")
    ]


# --- export ----------------------------------------------------------------------------------


@pytest.fixture
def staff(org: SimpleNamespace) -> list[Person]:
    made = []
    for name, branch, post in [
        ("赵敏", org.b1, "=1+2"),
        ("钱进", org.b2, "@SUM(A1)"),
        ("-孙立", None, "+cmd|' /C calc'!A0"),
    ]:
        p = Person(
            hospital=org.h,
            name=name,
            gender="F",
            birth_date=date(1985, 1, 1),
            department=org.cardio,
            post=post,
            branch=branch,
            political_status="member" if branch else "masses",
            joined_on=date(2010, 1, 1) if branch else None,
            full_member_on=date(2011, 1, 1) if branch else None,
        )
        p.id_number = new_id(birth=date(1985, 1, 1))
        p.mobile = "13912345678"
        p.save()
        made.append(p)
    return made


def _export_rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    body = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(body))["名册"]
    return list(ws.iter_rows(values_only=True))


def test_export_is_masked_by_default_and_audited(org, client, staff):
    client.force_login(org.admin)
    r = client.get(f"{reverse('org:roster_export')}?hospital={org.h.pk}")
    disposition = r["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert "%E4%BA%BA%E5%91%98%E5%90%8D%E5%86%8C" in disposition  # 人员名册
    rows = _export_rows(r)
    assert list(rows[0]) == roster.EXPORT_HEADERS
    assert len(rows) == 4
    ids = {row[LABELS.index("身份证号")] for row in rows[1:]}
    assert all("********" in v for v in ids)
    assert not any(p.id_number in ids for p in staff)
    assert {row[LABELS.index("手机号")] for row in rows[1:]} == {"139****5678"}
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, hospital_id=org.h.pk)
    assert event.detail["count"] == 3 and event.detail["masked"] is True
    assert event.detail["filters"]["status"] == "active"
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL, hospital_id=org.h.pk).exists()


def test_full_export_only_for_the_hospital_admin_and_audited_as_reveal(org, client, staff):
    full = reverse("org:roster_export_full")
    client.force_login(org.admin)
    page = client.get(f"{full}?hospital={org.h.pk}")
    assert page.status_code == 200 and "导出用途" in page.content.decode()
    rows = _export_rows(
        client.post(f"{full}?hospital={org.h.pk}", {"reason": "核对手机号后重新导入"})
    )
    assert {row[LABELS.index("身份证号")] for row in rows[1:]} == {p.id_number for p in staff}
    assert {row[LABELS.index("手机号")] for row in rows[1:]} == {"13912345678"}
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, hospital_id=org.h.pk)
    assert event.detail["masked"] is False and event.detail["count"] == 3
    reveal = AuditEvent.objects.get(action=AuditAction.REVEAL, hospital_id=org.h.pk)
    assert reveal.success and reveal.detail["count"] == 3
    assert reveal.detail["reason"] == "核对手机号后重新导入"

    client.force_login(org.city)
    assert client.get(f"{full}?hospital={org.h.pk}").status_code == 403
    r = client.post(f"{full}?hospital={org.h.pk}", {"reason": "核对手机号后重新导入"})
    assert r.status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, hospital_id=org.h.pk).count() == 1
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.REVEAL, hospital_id=org.h.pk, success=False
        ).count()
        == 1
    )
    # the masked export ignores an old ?full=1
    rows = _export_rows(client.get(f"{reverse('org:roster_export')}?hospital={org.h.pk}&full=1"))
    assert len(rows) == 4 and all("****" in row[LABELS.index("身份证号")] for row in rows[1:])


def test_full_export_needs_a_reason_and_exports_nothing_without_one(org, client, staff):
    full = reverse("org:roster_export_full")
    client.force_login(org.admin)
    for reason in ("", "  ", "\x00\x00", "短"):
        r = client.post(f"{full}?hospital={org.h.pk}", {"reason": reason})
        assert r.status_code == 200
        assert "导出用途" in r.content.decode() and r["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


def test_export_uses_the_people_page_filters(org, client, staff):
    client.force_login(org.admin)
    url = reverse("org:roster_export")
    rows = _export_rows(client.get(f"{url}?hospital={org.h.pk}&branch={org.b2.pk}"))
    assert [r[0] for r in rows[1:]] == ["钱进"]
    rows = _export_rows(client.get(f"{url}?hospital={org.h.pk}&political_status=masses"))
    assert [r[0] for r in rows[1:]] == ["'-孙立"]
    rows = _export_rows(client.get(f"{url}?hospital={org.h.pk}&q=赵"))
    assert [r[0] for r in rows[1:]] == ["赵敏"]
    rows = _export_rows(client.get(f"{url}?hospital={org.h.pk}&q={staff[0].id_number}"))
    assert [r[0] for r in rows[1:]] == ["赵敏"]
    last = AuditEvent.objects.filter(action=AuditAction.EXPORT, hospital_id=org.h.pk).first()
    assert staff[0].id_number not in json.dumps(last.detail)  # searched ID is masked
    staff[1].status = "left"
    staff[1].save()
    assert len(_export_rows(client.get(f"{url}?hospital={org.h.pk}"))) == 3
    assert len(_export_rows(client.get(f"{url}?hospital={org.h.pk}&status=all"))) == 4


def test_export_escapes_spreadsheet_formulas(org, client, staff):
    client.force_login(org.admin)
    r = client.get(f"{reverse('org:roster_export')}?hospital={org.h.pk}&status=all")
    body = b"".join(r.streaming_content)
    ws = load_workbook(io.BytesIO(body))["名册"]
    post_col = LABELS.index("岗位/职务") + 1
    posts = {ws.cell(row=i, column=post_col).value for i in range(2, 5)}
    assert posts == {"'=1+2", "'@SUM(A1)", "'+cmd|' /C calc'!A0"}
    assert all(ws.cell(row=i, column=post_col).data_type == "s" for i in range(2, 5))
    names = [ws.cell(row=i, column=1).value for i in range(2, 5)]
    assert names == ["钱进", "'-孙立", "赵敏"]  # by pinyin: qian, sun, zhao
    assert exports.escape_cell("\tx") == "'\tx" and exports.escape_cell("\rx") == "'\rx"
    assert exports.escape_cell("张三") == "张三"


def test_exported_file_dates_are_real_dates(org, client, staff):
    client.force_login(org.admin)
    rows = _export_rows(client.get(f"{reverse('org:roster_export')}?hospital={org.h.pk}"))
    birth = rows[1][LABELS.index("出生日期")]
    assert isinstance(birth, datetime) and birth.date() == date(1985, 1, 1)


# --- roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["secretary", "auditor", "member", "city", "other_admin"])
def test_only_the_hospital_admin_may_import(org, client, who):
    client.force_login(getattr(org, who))
    url = reverse("org:roster_import")
    r = upload(client, org, "名册.xlsx", xlsx([masses()]), hospital=None)
    assert r.status_code in (403, 404)
    if who in ("secretary", "auditor", "member", "city"):
        assert client.get(url).status_code == 403
        assert (
            client.post(url, {"file": SimpleUploadedFile("a.xlsx", xlsx([masses()]))}).status_code
            == 403
        )
    assert people_of(org.h).count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT, hospital_id=org.h.pk).exists()


def test_import_service_refuses_other_roles(org):
    for user in (org.secretary, org.city, org.other_admin):
        with pytest.raises(PermissionDenied):
            roster.roster_import(
                access=access_for(user), hospital=org.h, filename="a.xlsx", data=xlsx([masses()])
            )


def test_another_hospitals_id_is_a_404(org, client):
    client.force_login(org.admin)
    assert client.get(f"{reverse('org:roster_import')}?hospital={org.other.pk}").status_code == 404
    r = upload(client, org, "名册.xlsx", xlsx([masses()]), hospital=org.other)
    assert r.status_code == 404
    assert client.get(f"{reverse('org:roster_export')}?hospital={org.other.pk}").status_code == 404
    assert (
        client.get(f"{reverse('org:roster_template')}?hospital={org.other.pk}").status_code == 404
    )
    assert people_of(org.other).count() == 0


def test_secretary_and_others_cannot_export(org, client, staff):
    for user in (org.secretary, org.auditor, org.member):
        client.force_login(user)
        assert client.get(reverse("org:roster_export")).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT, hospital_id=org.h.pk).exists()


def test_anonymous_is_sent_to_login(client, org):
    for name in ("org:roster_import", "org:roster_template", "org:roster_export"):
        r = client.get(reverse(name))
        assert r.status_code == 302 and "login" in r["Location"]


def test_admin_sees_the_import_page(org, client):
    client.force_login(org.admin)
    r = client.get(reverse("org:roster_import"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "导入人员名册" in html and 'enctype="multipart/form-data"' in html
    assert reverse("org:roster_template") in html


def test_export_follows_the_people_page_sort(org, client, staff):
    client.force_login(org.admin)
    url = f"{reverse('org:roster_export')}?hospital={org.h.pk}&status=all"
    names = [r[0] for r in _export_rows(client.get(f"{url}&sort=-name"))[1:]]
    assert names == ["赵敏", "'-孙立", "钱进"]
    for bogus in ("%00", "nosuch", "-" * 300, "id_number", "--name"):
        names = [r[0] for r in _export_rows(client.get(f"{url}&sort={bogus}"))[1:]]
        assert names == ["钱进", "'-孙立", "赵敏"]  # ignored: the default, by pinyin
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).first()
    assert event is not None and event.detail["count"] == 3
