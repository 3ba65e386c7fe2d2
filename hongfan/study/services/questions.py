"""Writes of the question bank (题库): the import from Excel (.xlsx) or CSV, and its template.

Like the roster import (org/imports/roster_validation.py), it is all-or-nothing: every row
is checked first (``imports.question_validation``) and each problem reported with its row,
column and a Chinese reason; only a file without any problem is written, in one
transaction with one audit row. Topics named in the file are created when new."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.spreadsheet_templates import Template
from hongfan.core.spreadsheets import HELP_SHEET, OPTIONS_SHEET
from hongfan.org.models import Hospital
from hongfan.study.choices import QuestionKind
from hongfan.study.imports.question_parsing import (
    COLUMNS,
    DATA_SHEET,
    MAX_ROWS,
    ImportInvalid,
    question_read,
)
from hongfan.study.imports.question_validation import validate_rows
from hongfan.study.models import Question, StudyTopic


@dataclass(frozen=True)
class ImportResult:
    count: int
    topics_created: tuple[str, ...] = ()


def _safe_filename(name: str) -> str:
    return re.split(r"[\\/]", name or "")[-1][:100]


def question_import(
    *,
    access: Access,
    hospital: Hospital,
    filename: str,
    data: bytes,
    request: HttpRequest | None = None,
) -> ImportResult:
    """Import a question file into ``hospital``'s bank: every row or none."""
    access.require_business()
    if not access.administers_hospital(hospital.pk):
        raise PermissionDenied("只有本院党委管理员可以导入题库")
    safe = _safe_filename(filename)
    try:
        parsed = validate_rows(hospital=hospital, table=question_read(filename=filename, data=data))
    except ImportInvalid as exc:
        audit_log(
            action=AuditAction.IMPORT,
            request=request,
            actor_id=access.user_id,
            hospital_id=hospital.pk,
            success=False,
            kind="questions",
            file=safe,
            errors=exc.total,
        )
        raise
    with transaction.atomic():
        topics = {t.name: t for t in StudyTopic.objects.filter(hospital=hospital)}
        created: list[str] = []
        for name in dict.fromkeys(p.topic for p in parsed):
            if name not in topics:
                topics[name] = StudyTopic.objects.create(hospital=hospital, name=name)
                created.append(name)
        questions = []
        for p in parsed:
            p.question.topic = topics[p.topic]
            p.question.created_by_id = access.user_id
            questions.append(p.question)
        Question.objects.bulk_create(questions, batch_size=500)
        audit_log(
            action=AuditAction.IMPORT,
            request=request,
            actor_id=access.user_id,
            hospital_id=hospital.pk,
            kind="questions",
            rows=len(questions),
            topics_created=len(created),
            file=safe,
        )
    return ImportResult(len(questions), tuple(created))


# --- template ----------------------------------------------------------------------------------------

EXAMPLES = [
    [
        "单选题",
        "党的理论",
        "1",
        "（示例）中国共产党的根本宗旨是什么？",
        "全心全意为人民服务",
        "实现共产主义",
        "发展生产力",
        "建设社会主义",
        "",
        "",
        "A",
        "党章总纲规定，党的根本宗旨是全心全意为人民服务。",
    ],
    [
        "多选题",
        "医德医风",
        "2",
        "（示例）以下属于医务人员行为规范要求的有：",
        "以人为本，践行宗旨",
        "遵纪守法，依法执业",
        "收受患者红包",
        "优质服务，医患和谐",
        "",
        "",
        "ABD",
        "收受红包违反《医疗机构工作人员廉洁从业九项准则》。",
    ],
    [
        "判断题",
        "党的理论",
        "1",
        "（示例）党支部党员大会一般每季度召开1次。",
        "",
        "",
        "",
        "",
        "",
        "",
        "对",
        "《中国共产党支部工作条例（试行）》规定党员大会一般每季度召开1次。",
    ],
]


def question_template(*, hospital: Hospital) -> bytes:
    """The import template: a header-only 题库 sheet, 填写说明 with examples, 可选值 with
    the hospital's topics."""
    t = Template(
        data_sheet=DATA_SHEET,
        options_sheet=OPTIONS_SHEET,
        help_sheet=HELP_SHEET,
        columns=COLUMNS,
        widths={
            "kind": 10,
            "topic": 14,
            "difficulty": 8,
            "text": 40,
            "answer": 10,
            "explanation": 40,
        },
        default_width=16,
    )
    topic_names = list(
        StudyTopic.objects.filter(hospital=hospital).order_by("name").values_list("name", flat=True)
    )
    t.options(
        [
            ("题型", [label for _, label in QuestionKind.choices]),
            ("难度", ["1", "2", "3"]),
            ("难度说明", ["1 易", "2 中", "3 难"]),
            ("本院已有主题", topic_names),
        ],
        width=18,
    )
    t.dropdown("kind", source_col=1, count=len(QuestionKind.choices), rows=MAX_ROWS)
    t.dropdown("difficulty", source_col=2, count=3, rows=MAX_ROWS)
    help_ws = t.help(
        [
            f"{hospital.name} 题库导入说明",
            "1. 在“题库”工作表中填写，第1行为列名，请勿修改；从第2行起每行一道题。列的顺序可以调整。",
            "2. 带 * 的列必须填写。题型为单选题、多选题、判断题；难度为1（易）、2（中）、3（难）。",
            "3. 单选、多选题的选项从选项A起依次填写（至少A、B，最多到F）；判断题不填选项，答案填“对”或“错”。",
            "4. 导入前会检查所有行：只要有一处错误，就不会导入任何题目，页面会列出出错的行、列和原因。",
            "5. 主题按名称归类，本院没有的主题会自动新建；同一题库中题目不能重复。",
            "6. 也可以另存为 CSV（UTF-8 或 GB18030/GBK 编码）后导入。",
        ],
        first_width=14,
        example_title="示例（仅供参考，请勿复制到“题库”工作表）",
    )
    help_ws.append([c.label for c in COLUMNS])
    for example in EXAMPLES:
        help_ws.append(example)
    return t.save()
