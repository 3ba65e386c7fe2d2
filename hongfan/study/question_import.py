"""Question bank (题库) import from Excel (.xlsx) or CSV (UTF-8 / GB18030), and its template.

Like the roster import (org/imports/roster_validation.py), it is all-or-nothing: every row is checked
first and each problem reported with its row, column and a Chinese reason (a row without a
right answer, an answer letter that is not one of its options, a true/false answer that is
not 对/错, an unknown type or difficulty…); only a file without any problem is written, in
one transaction with one audit row. Topics named in the file are created when new."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from openpyxl.utils import get_column_letter

from hongfan.core import spreadsheets
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.spreadsheet_templates import Template
from hongfan.core.spreadsheets import (
    EDGE_WHITESPACE,
    HELP_SHEET,
    OPTIONS_SHEET,
    SheetFormat,
    Table,
)
from hongfan.org.imports.roster_parsing import RowError
from hongfan.org.models import Hospital
from hongfan.study.choices import JUDGE_OPTIONS, QuestionKind
from hongfan.study.exams import letters_of
from hongfan.study.models import Question, StudyTopic

DATA_SHEET = "题库"
MAX_ROWS = 5000
MAX_SHOWN_ERRORS = 200
TEXT_MAX = 500
OPTION_MAX = 200
EXPLANATION_MAX = 1000
TOPIC_MAX = 40
OPTION_LETTERS = "ABCDEF"
EXAMPLE_MARK = "示例"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    help: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def template_header(self) -> str:
        return self.label + ("*" if self.required else "")


COLUMNS: tuple[Column, ...] = (
    Column(
        "kind",
        "题型",
        True,
        "单选题、多选题、判断题（也可写 单选、多选、判断）",
        ("类型", "题目类型"),
    ),
    Column(
        "topic",
        "主题",
        True,
        f"如 党的理论、医德医风；不超过{TOPIC_MAX}个字，本院没有的主题会自动新建",
    ),
    Column("difficulty", "难度", True, "1、2、3（或 易、中、难）", ("难易程度", "难易度")),
    Column(
        "text",
        "题目",
        True,
        f"题干，不超过{TEXT_MAX}个字；同一题库中不能重复",
        ("题干", "试题", "题目内容"),
    ),
    *(
        Column(
            f"option_{c.lower()}",
            f"选项{c}",
            False,
            "单选、多选题至少填写选项A、B，依次填写不可跳过；判断题不填" if c == "A" else "",
            (f"{c}", f"{c}选项", f"选项{c}内容"),
        )
        for c in OPTION_LETTERS
    ),
    Column(
        "answer",
        "正确答案",
        True,
        "单选题填一个字母（如 B）；多选题填两个及以上字母（如 ACD）；判断题填“对”或“错”",
        ("答案", "标准答案", "参考答案"),
    ),
    Column(
        "explanation",
        "解析",
        False,
        f"答题后向党员展示，不超过{EXPLANATION_MAX}个字",
        ("答案解析", "试题解析"),
    ),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}

KIND_MAP = {
    **{k: QuestionKind.SINGLE for k in ("单选题", "单选", "单项选择题", "单项选择", "单选择题")},
    **{
        k: QuestionKind.MULTIPLE
        for k in ("多选题", "多选", "多项选择题", "多项选择", "不定项选择题")
    },
    **{k: QuestionKind.JUDGE for k in ("判断题", "判断", "是非题", "对错题")},
}
DIFFICULTY_MAP = {
    "1": 1,
    "2": 2,
    "3": 3,
    "易": 1,
    "容易": 1,
    "简单": 1,
    "中": 2,
    "中等": 2,
    "一般": 2,
    "难": 3,
    "困难": 3,
    "较难": 3,
}
JUDGE_MAP = {"对": "A", "正确": "A", "√": "A", "错": "B", "错误": "B", "×": "B"}


class ImportInvalid(Exception):
    """The file cannot be imported: ``message`` says why, ``errors`` lists row problems."""

    def __init__(self, message: str, errors: Sequence[RowError] = (), rows: int = 0):
        super().__init__(message)
        self.message = message
        self.errors = list(errors)
        self.total = len(self.errors)
        self.rows = rows

    @property
    def shown(self) -> list[RowError]:
        return self.errors[:MAX_SHOWN_ERRORS]


@dataclass(frozen=True)
class ImportResult:
    count: int
    topics_created: tuple[str, ...] = ()


# --- cells -------------------------------------------------------------------------------------------

_WS_RE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "对" if value else "错"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip(EDGE_WHITESPACE)


def _fold(text: str) -> str:
    return _WS_RE.sub("", unicodedata.normalize("NFKC", text))


def _header_key(value: Any) -> str:
    key = _fold(_text(value)).upper()
    key = re.sub(r"\(.*?\)|（.*?）|\[.*?\]|【.*?】", "", key)
    return key.replace("*", "")


_LOOKUP = {
    _header_key(text): col
    for col in COLUMNS
    for text in (col.label, col.template_header, *col.aliases)
}


def _is_header_row(values: Sequence[Any]) -> bool:
    return sum(1 for v in values if _header_key(v) in _LOOKUP) >= 3


def _same_text(text: str) -> str:
    """What makes two questions the same: their words, whatever the spacing or width."""
    return _fold(text)


# --- reading -----------------------------------------------------------------------------------------


_SHEET_FORMAT = SheetFormat(
    sheet=DATA_SHEET,
    header_hint="题型、主题、难度、题目、选项A……正确答案",
    is_header=_is_header_row,
    row_noun="道题",
)


def read_table(*, filename: str, data: bytes) -> Table:
    return spreadsheets.read_table(
        filename, data, _SHEET_FORMAT, error=ImportInvalid, max_rows=MAX_ROWS
    )


# --- validating --------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    topic: str
    question: Question


class _Errors:
    def __init__(self) -> None:
        self.items: list[RowError] = []

    def add(self, row: int, key: str, message: str, letters: dict[str, str]) -> None:
        label = COLUMN_BY_KEY[key].label if key in COLUMN_BY_KEY else key
        self.items.append(RowError(row, label, message, letters.get(key, "")))


def _map_headers(table: Table, errors: _Errors) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        if not _text(header):
            continue
        key = _header_key(header)
        if key == "序号":
            continue
        col = _LOOKUP.get(key)
        letter = get_column_letter(index + 1)
        if col is None:
            errors.items.append(
                RowError(
                    table.header_row,
                    _text(header),
                    "无法识别的列名，请改为模板中的列名或删除此列",
                    letter,
                )
            )
        elif col.key in positions:
            errors.items.append(
                RowError(
                    table.header_row,
                    col.label,
                    f"列名重复（与{get_column_letter(positions[col.key] + 1)}列重复）",
                    letter,
                )
            )
        else:
            positions[col.key] = index
    for col in COLUMNS:
        if col.required and col.key not in positions:
            errors.items.append(RowError(table.header_row, col.label, "缺少必填列"))
    return positions


def validate_rows(*, hospital: Hospital, table: Table) -> list[_Parsed]:  # noqa: C901, PLR0915
    """Every row checked; unsaved questions (topics by name), or ``ImportInvalid`` listing
    every problem with its row, column and reason. Two queries, whatever the row count."""
    errors = _Errors()
    positions = _map_headers(table, errors)
    if errors.items:
        raise ImportInvalid("列名有误，请对照导入模板修改表头", errors.items)
    if not table.rows:
        raise ImportInvalid(
            f"文件中没有数据行：第{table.header_row}行为列名，请从第{table.header_row + 1}行起每行填写一道题"
        )
    letters = {k: get_column_letter(i + 1) for k, i in positions.items()}
    existing = {
        _same_text(t)
        for t in Question.objects.filter(hospital=hospital, active=True).values_list(
            "text", flat=True
        )
    }
    seen: dict[str, int] = {}
    parsed: list[_Parsed] = []

    def get(values: Sequence[Any], key: str) -> str:
        i = positions.get(key)
        return _text(values[i]) if i is not None and i < len(values) else ""

    for row, values in table.rows:
        before = len(errors.items)

        def err(key: str, message: str, row: int = row) -> None:
            errors.add(row, key, message, letters)

        raw_kind = _fold(get(values, "kind"))
        kind = KIND_MAP.get(raw_kind)
        if not raw_kind:
            err("kind", "请填写题型")
        elif kind is None:
            err("kind", f"无法识别的题型“{get(values, 'kind')}”，应为：单选题、多选题、判断题")

        topic = " ".join(get(values, "topic").split())
        if not topic:
            err("topic", "请填写主题")
        elif len(topic) > TOPIC_MAX:
            err("topic", f"主题不能超过{TOPIC_MAX}个字")

        raw_difficulty = _fold(get(values, "difficulty"))
        difficulty = DIFFICULTY_MAP.get(raw_difficulty)
        if not raw_difficulty:
            err("difficulty", "请填写难度")
        elif difficulty is None:
            err(
                "difficulty",
                f"无法识别的难度“{get(values, 'difficulty')}”，应为1、2、3（或 易、中、难）",
            )

        text = get(values, "text")
        if not text:
            err("text", "请填写题目")
        elif len(text) > TEXT_MAX:
            err("text", f"题目不能超过{TEXT_MAX}个字（现有{len(text)}字）")
        elif EXAMPLE_MARK in text[:4]:
            err("text", "这是模板中的示例行，请删除后再导入")
        else:
            key = _same_text(text)
            if key in seen:
                err("text", f"与第{seen[key]}行的题目相同")
            elif key in existing:
                err("text", "题库中已有相同的题目")
            seen.setdefault(key, row)

        options: list[str] = []
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            cells = [get(values, f"option_{c.lower()}") for c in OPTION_LETTERS]
            last = max((i for i, v in enumerate(cells) if v), default=-1)
            for i in range(last + 1):
                if not cells[i]:
                    err(
                        f"option_{OPTION_LETTERS[i].lower()}",
                        f"选项{OPTION_LETTERS[i]}为空，而后面的选项{OPTION_LETTERS[last]}有内容：选项须从A起依次填写",
                    )
                elif len(cells[i]) > OPTION_MAX:
                    err(f"option_{OPTION_LETTERS[i].lower()}", f"选项不能超过{OPTION_MAX}个字")
            options = cells[: last + 1]
            if last < 1:
                err(
                    "option_a" if last < 0 else "option_b", "选择题至少需要两个选项（选项A、选项B）"
                )
            elif len({_fold(o) for o in options if o}) < len([o for o in options if o]):
                err("option_a", "选项内容有重复")
        elif kind == QuestionKind.JUDGE:
            options = list(JUDGE_OPTIONS)

        raw_answer = get(values, "answer")
        answer = ""
        if not raw_answer:
            err("answer", "请填写正确答案")
        elif kind == QuestionKind.JUDGE:
            answer = JUDGE_MAP.get(_fold(raw_answer), "")
            if not answer:
                err("answer", f"判断题的答案应为“对”或“错”，不能是“{raw_answer}”")
        elif kind is not None:
            try:
                answer = letters_of(raw_answer)
            except ValueError:
                err("answer", f"答案“{raw_answer}”无法识别：请填写选项字母，如 B 或 ACD")
            else:
                if len(options) >= 2:
                    outside = [c for c in answer if c not in OPTION_LETTERS[: len(options)]]
                    if outside:
                        err(
                            "answer",
                            f"答案中的{'、'.join(outside)}不是本题的选项（本题只有A—{OPTION_LETTERS[len(options) - 1]}）",
                        )
                    elif kind == QuestionKind.SINGLE and len(answer) != 1:
                        err("answer", "单选题只能有一个正确答案")
                    elif kind == QuestionKind.MULTIPLE and len(answer) < 2:
                        err("answer", "多选题的正确答案至少两项；只有一个正确答案请改为单选题")

        explanation = get(values, "explanation")
        if len(explanation) > EXPLANATION_MAX:
            err("explanation", f"解析不能超过{EXPLANATION_MAX}个字")

        if len(errors.items) == before and kind is not None and difficulty is not None:
            parsed.append(
                _Parsed(
                    topic,
                    Question(
                        hospital=hospital,
                        kind=kind,
                        difficulty=difficulty,
                        text=text,
                        options=options,
                        answer=answer,
                        explanation=explanation,
                    ),
                )
            )
    if errors.items:
        bad_rows = len({e.row for e in errors.items})
        raise ImportInvalid(
            f"共 {len(table.rows)} 道题，{bad_rows} 行有错误，未导入任何题目。请改正后重新上传",
            errors.items,
            rows=len(table.rows),
        )
    return parsed


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
        parsed = validate_rows(hospital=hospital, table=read_table(filename=filename, data=data))
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
