"""The question bank import: every bad row reported with its row, column and a Chinese
reason, all-or-nothing, .xlsx and .csv in UTF-8 or GB18030, and a template."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from hongfan.core.models import AuditEvent
from hongfan.core.spreadsheets import MAX_SHARED_STRINGS
from hongfan.core.tests import crafted_xlsx as crafted
from hongfan.study.imports.question_parsing import ImportInvalid
from hongfan.study.models import Question, StudyTopic
from hongfan.study.services.questions import question_import, question_template
from hongfan.study.tests.conftest import HEADERS, csv_bytes, study_state, xlsx

pytestmark = pytest.mark.django_db

GOOD = [
    [
        "单选题",
        "党的理论",
        "1",
        "中国共产党的根本宗旨是？",
        "全心全意为人民服务",
        "发展经济",
        "",
        "",
        "A",
        "党章总纲",
    ],
    [
        "多选",
        "医德医风",
        "中",
        "属于医务人员行为规范的有：",
        "以人为本",
        "依法执业",
        "收受红包",
        "尊重患者",
        "A、B、D",
        "",
    ],
    ["判断题", "党的理论", "难", "党员大会一般每季度召开1次。", "", "", "", "", "对", ""],
    ["判断", "党的理论", 2, "党员可以不参加组织生活。", "", "", "", "", "错", ""],
]


def run(world, data: bytes, filename: str = "题库.xlsx"):
    return question_import(
        access=world.admin, hospital=world.hospital, filename=filename, data=data
    )


def test_a_good_xlsx_is_imported_with_its_topics(world):
    result = run(world, xlsx(GOOD))
    assert result.count == 4 and set(result.topics_created) == {"党的理论", "医德医风"}
    qs = {q.text: q for q in Question.objects.filter(hospital=world.hospital)}
    single = qs["中国共产党的根本宗旨是？"]
    assert (single.kind, single.difficulty, single.options, single.answer) == (
        "single",
        1,
        ["全心全意为人民服务", "发展经济"],
        "A",
    )
    multi = qs["属于医务人员行为规范的有："]
    assert (multi.kind, multi.difficulty, multi.answer) == ("multiple", 2, "ABD")
    assert len(multi.options) == 4
    judge = qs["党员可以不参加组织生活。"]
    assert (judge.kind, judge.options, judge.answer, judge.answer_text()) == (
        "judge",
        ["对", "错"],
        "B",
        "错",
    )
    assert AuditEvent.objects.filter(
        action="import", hospital_id=world.hospital.pk, success=True
    ).exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_or_gb18030_is_imported(world, encoding):
    assert run(world, csv_bytes(GOOD, encoding), "题库.csv").count == 4


BAD_ROWS = [
    # (row, the column it is reported in, words of the reason)
    (
        ["单选题", "党的理论", "1", "没有答案的题", "甲", "乙", "", "", "", ""],
        "正确答案",
        "请填写正确答案",
    ),
    (
        ["单选题", "党的理论", "1", "答案不是选项", "甲", "乙", "丙", "", "D", ""],
        "正确答案",
        "不是本题的选项",
    ),
    (
        ["判断题", "党的理论", "1", "判断题答案错", "", "", "", "", "是", ""],
        "正确答案",
        "判断题的答案应为“对”或“错”",
    ),
    (
        ["填空题", "党的理论", "1", "未知题型", "甲", "乙", "", "", "A", ""],
        "题型",
        "无法识别的题型",
    ),
    (
        ["单选题", "党的理论", "4", "未知难度", "甲", "乙", "", "", "A", ""],
        "难度",
        "无法识别的难度",
    ),
    (
        ["单选题", "党的理论", "很难", "未知难度2", "甲", "乙", "", "", "A", ""],
        "难度",
        "无法识别的难度",
    ),
    (
        ["单选题", "党的理论", "1", "单选多答案", "甲", "乙", "丙", "", "AB", ""],
        "正确答案",
        "单选题只能有一个正确答案",
    ),
    (
        ["多选题", "党的理论", "1", "多选只有一项", "甲", "乙", "丙", "", "A", ""],
        "正确答案",
        "至少两项",
    ),
    (
        ["单选题", "党的理论", "1", "选项跳过", "甲", "", "丙", "", "A", ""],
        "选项B",
        "须从A起依次填写",
    ),
    (
        ["单选题", "党的理论", "1", "只有一个选项", "甲", "", "", "", "A", ""],
        "选项B",
        "至少需要两个选项",
    ),
    (["单选题", "", "1", "没有主题", "甲", "乙", "", "", "A", ""], "主题", "请填写主题"),
    (["单选题", "党的理论", "1", "", "甲", "乙", "", "", "A", ""], "题目", "请填写题目"),
    (["单选题", "党的理论", "1", "答案乱写", "甲", "乙", "", "", "甲", ""], "正确答案", "无法识别"),
]


@pytest.mark.parametrize("bad,column,reason", BAD_ROWS, ids=[r[2] for r in BAD_ROWS])
def test_each_bad_row_is_reported_with_row_column_and_reason_and_nothing_is_imported(
    world, bad, column, reason
):
    before = study_state()
    with pytest.raises(ImportInvalid) as info:
        run(world, xlsx([*GOOD, bad]))
    errors = info.value.errors
    assert len(errors) == 1, [(e.row, e.column, e.message) for e in errors]
    e = errors[0]
    assert (e.row, e.column) == (6, column)  # header row 1, four good rows, then this one
    assert e.letter == chr(ord("A") + HEADERS.index(column))
    assert reason in e.message
    assert "未导入任何题目" in info.value.message
    assert study_state() == before
    assert AuditEvent.objects.filter(action="import", success=False).exists()


def test_every_bad_row_is_listed_not_only_the_first(world):
    rows = [r[0] for r in BAD_ROWS[:5]]
    with pytest.raises(ImportInvalid) as info:
        run(world, xlsx(rows))
    assert [e.row for e in info.value.errors] == [2, 3, 4, 5, 6]


def test_duplicates_in_the_file_and_in_the_bank_are_refused(world):
    run(world, xlsx(GOOD[:1]))
    before = study_state()
    again = ["单选题", "党的理论", "1", "新题", "甲", "乙", "", "", "A", ""]
    with pytest.raises(ImportInvalid) as info:
        run(world, xlsx([GOOD[0], again, again]))
    found = {(e.row, e.message) for e in info.value.errors}
    assert (2, "题库中已有相同的题目") in found
    assert (4, "与第3行的题目相同") in found
    assert study_state() == before


@pytest.mark.parametrize(
    "data,filename,says",
    [
        (b"", "a.xlsx", "文件是空的"),
        (b"\xd0\xcf\x11\xe0old excel", "a.xls", "不支持旧版"),
        (b"not a zip", "a.xlsx", "不是有效的 Excel"),
        (b"PK\x03\x04broken", "a.xlsx", "文件可能已损坏"),
        ("题型,主题\n".encode(), "a.txt", "只支持"),
        ("姓名,性别\n张三,男\n".encode(), "a.csv", "没有找到列名行"),
        (csv_bytes([]), "a.csv", "没有数据行"),
    ],
)
def test_unreadable_files_are_refused_with_a_chinese_message(world, data, filename, says):
    before = study_state()
    with pytest.raises(ImportInvalid) as info:
        run(world, data, filename)
    assert says in info.value.message
    assert study_state() == before


def test_a_file_of_a_million_shared_strings_is_refused_and_nothing_changes(world):
    # The question bank had no limit on shared strings at all (10 million: 100 s, 1 GB).
    before = study_state()
    with pytest.raises(ImportInvalid) as info:
        run(world, crafted.shared_strings_bomb(HEADERS, MAX_SHARED_STRINGS + 1))
    assert info.value.message.startswith("文件中的文字条目过多（超过 1,000,000 条）")
    assert study_state() == before
    assert AuditEvent.objects.filter(action="import", success=False).exists()


def test_missing_and_unknown_columns_are_reported(world):
    headers = ["题型", "主题", "题目", "选项A", "选项B", "正确答案", "备注"]
    with pytest.raises(ImportInvalid) as info:
        run(world, xlsx([["单选题", "党的理论", "x", "甲", "乙", "A", "?"]], headers=headers))
    found = {(e.column, e.message[:6]) for e in info.value.errors}
    assert ("备注", "无法识别的列") in found
    assert ("难度", "缺少必填列") in found


def test_only_the_hospital_admin_imports(world):
    before = study_state()
    with pytest.raises(PermissionDenied):
        question_import(
            access=world.sec, hospital=world.hospital, filename="a.xlsx", data=xlsx(GOOD)
        )
    assert study_state() == before


def test_the_template_lists_columns_topics_and_imported_unchanged_says_no_rows(world):
    StudyTopic.objects.create(hospital=world.hospital, name="已有主题")
    data = question_template(hospital=world.hospital)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[0] == "题库"
    header = [c.value for c in wb["题库"][1]]
    assert header[:4] == ["题型*", "主题*", "难度*", "题目*"] and "正确答案*" in header
    assert "已有主题" in [c.value for c in wb["可选值"]["D"]]
    with pytest.raises(ImportInvalid) as info:
        run(world, data)
    assert "没有数据行" in info.value.message
