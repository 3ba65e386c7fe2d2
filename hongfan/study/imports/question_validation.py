"""The row checks of a question-bank upload (题库导入): every row checked, each problem
reported with its row, column and a Chinese reason (a row without a right answer, an answer
letter that is not one of its options, a true/false answer that is not 对/错, an unknown
type or difficulty…). Nothing is written here: the import itself is
``services.questions.question_import``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from hongfan.core.spreadsheets import Table
from hongfan.org.imports.roster_parsing import RowError
from hongfan.org.models import Hospital
from hongfan.study.choices import JUDGE_OPTIONS, QuestionKind
from hongfan.study.imports.question_parsing import (
    COLUMN_BY_KEY,
    COLUMNS,
    EXPLANATION_MAX,
    HEADER_LOOKUP,
    OPTION_LETTERS,
    OPTION_MAX,
    TEXT_MAX,
    TOPIC_MAX,
    ImportInvalid,
    cell_text,
    fold,
    header_key,
    same_text,
)
from hongfan.study.models import Question
from hongfan.study.validators import letters_of

EXAMPLE_MARK = "示例"

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


@dataclass
class ParsedQuestion:
    """A row that passed: its topic by name and the unsaved question."""

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
        if not cell_text(header):
            continue
        key = header_key(header)
        if key == "序号":
            continue
        col = HEADER_LOOKUP.get(key)
        letter = get_column_letter(index + 1)
        if col is None:
            errors.items.append(
                RowError(
                    table.header_row,
                    cell_text(header),
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


@dataclass
class _Row:
    """One data row being checked: its cells by column, and where its problems go."""

    number: int
    values: Sequence[Any]
    positions: dict[str, int]
    letters: dict[str, str]
    errors: _Errors

    def get(self, key: str) -> str:
        i = self.positions.get(key)
        return cell_text(self.values[i]) if i is not None and i < len(self.values) else ""

    def err(self, key: str, message: str) -> None:
        self.errors.add(self.number, key, message, self.letters)


def _check_kind(row: _Row) -> str | None:
    raw_kind = fold(row.get("kind"))
    kind = KIND_MAP.get(raw_kind)
    if not raw_kind:
        row.err("kind", "请填写题型")
    elif kind is None:
        row.err("kind", f"无法识别的题型“{row.get('kind')}”，应为：单选题、多选题、判断题")
    return kind


def _check_topic(row: _Row) -> str:
    topic = " ".join(row.get("topic").split())
    if not topic:
        row.err("topic", "请填写主题")
    elif len(topic) > TOPIC_MAX:
        row.err("topic", f"主题不能超过{TOPIC_MAX}个字")
    return topic


def _check_difficulty(row: _Row) -> int | None:
    raw_difficulty = fold(row.get("difficulty"))
    difficulty = DIFFICULTY_MAP.get(raw_difficulty)
    if not raw_difficulty:
        row.err("difficulty", "请填写难度")
    elif difficulty is None:
        row.err(
            "difficulty", f"无法识别的难度“{row.get('difficulty')}”，应为1、2、3（或 易、中、难）"
        )
    return difficulty


def _check_text(row: _Row, seen: dict[str, int], existing: set[str]) -> str:
    """The question's words: present, not too long, not the template's example, and not
    the same as another row's or a question already in the bank."""
    text = row.get("text")
    if not text:
        row.err("text", "请填写题目")
    elif len(text) > TEXT_MAX:
        row.err("text", f"题目不能超过{TEXT_MAX}个字（现有{len(text)}字）")
    elif EXAMPLE_MARK in text[:4]:
        row.err("text", "这是模板中的示例行，请删除后再导入")
    else:
        key = same_text(text)
        if key in seen:
            row.err("text", f"与第{seen[key]}行的题目相同")
        elif key in existing:
            row.err("text", "题库中已有相同的题目")
        seen.setdefault(key, row.number)
    return text


def _check_choice_options(row: _Row) -> list[str]:
    """A choice question's options: from A on without gaps, at least two, none repeated."""
    cells = [row.get(f"option_{c.lower()}") for c in OPTION_LETTERS]
    last = max((i for i, v in enumerate(cells) if v), default=-1)
    for i in range(last + 1):
        if not cells[i]:
            row.err(
                f"option_{OPTION_LETTERS[i].lower()}",
                f"选项{OPTION_LETTERS[i]}为空，而后面的选项{OPTION_LETTERS[last]}有内容：选项须从A起依次填写",
            )
        elif len(cells[i]) > OPTION_MAX:
            row.err(f"option_{OPTION_LETTERS[i].lower()}", f"选项不能超过{OPTION_MAX}个字")
    options = cells[: last + 1]
    if last < 1:
        row.err("option_a" if last < 0 else "option_b", "选择题至少需要两个选项（选项A、选项B）")
    elif len({fold(o) for o in options if o}) < len([o for o in options if o]):
        row.err("option_a", "选项内容有重复")
    return options


def _check_options(row: _Row, kind: str | None) -> list[str]:
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return _check_choice_options(row)
    if kind == QuestionKind.JUDGE:
        return list(JUDGE_OPTIONS)
    return []


def _check_letters(row: _Row, kind: str, options: list[str], raw_answer: str) -> str:
    """A choice question's answer: option letters of this question, one for a single
    choice, two or more for a multiple choice."""
    try:
        answer = letters_of(raw_answer)
    except ValueError:
        row.err("answer", f"答案“{raw_answer}”无法识别：请填写选项字母，如 B 或 ACD")
        return ""
    if len(options) >= 2:
        outside = [c for c in answer if c not in OPTION_LETTERS[: len(options)]]
        if outside:
            row.err(
                "answer",
                f"答案中的{'、'.join(outside)}不是本题的选项（本题只有A—{OPTION_LETTERS[len(options) - 1]}）",
            )
        elif kind == QuestionKind.SINGLE and len(answer) != 1:
            row.err("answer", "单选题只能有一个正确答案")
        elif kind == QuestionKind.MULTIPLE and len(answer) < 2:
            row.err("answer", "多选题的正确答案至少两项；只有一个正确答案请改为单选题")
    return answer


def _check_answer(row: _Row, kind: str | None, options: list[str]) -> str:
    raw_answer = row.get("answer")
    if not raw_answer:
        row.err("answer", "请填写正确答案")
        return ""
    if kind == QuestionKind.JUDGE:
        answer = JUDGE_MAP.get(fold(raw_answer), "")
        if not answer:
            row.err("answer", f"判断题的答案应为“对”或“错”，不能是“{raw_answer}”")
        return answer
    if kind is not None:
        return _check_letters(row, kind, options, raw_answer)
    return ""


def _check_explanation(row: _Row) -> str:
    explanation = row.get("explanation")
    if len(explanation) > EXPLANATION_MAX:
        row.err("explanation", f"解析不能超过{EXPLANATION_MAX}个字")
    return explanation


def _check_row(
    row: _Row, *, hospital: Hospital, seen: dict[str, int], existing: set[str]
) -> ParsedQuestion | None:
    """One row's checks, column by column in the template's order; the unsaved question
    when it has no problem."""
    before = len(row.errors.items)
    kind = _check_kind(row)
    topic = _check_topic(row)
    difficulty = _check_difficulty(row)
    text = _check_text(row, seen, existing)
    options = _check_options(row, kind)
    answer = _check_answer(row, kind, options)
    explanation = _check_explanation(row)
    if len(row.errors.items) != before or kind is None or difficulty is None:
        return None
    return ParsedQuestion(
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


def _bank_texts(hospital: Hospital) -> set[str]:
    """The hospital's questions in use, as ``same_text`` keys (one query)."""
    return {
        same_text(t)
        for t in Question.objects.filter(hospital=hospital, active=True).values_list(
            "text", flat=True
        )
    }


def validate_rows(*, hospital: Hospital, table: Table) -> list[ParsedQuestion]:
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
    existing = _bank_texts(hospital)
    seen: dict[str, int] = {}
    parsed: list[ParsedQuestion] = []
    for number, values in table.rows:
        row = _Row(number, values, positions, letters, errors)
        if (p := _check_row(row, hospital=hospital, seen=seen, existing=existing)) is not None:
            parsed.append(p)
    if errors.items:
        bad_rows = len({e.row for e in errors.items})
        raise ImportInvalid(
            f"共 {len(table.rows)} 道题，{bad_rows} 行有错误，未导入任何题目。请改正后重新上传",
            errors.items,
            rows=len(table.rows),
        )
    return parsed
