"""Fixtures for the study tests.

The session's demo city (root conftest) is the background for the role checks; figures
(hours, targets, points, statistics) are checked in a hospital of the tests' own
(``world``), with the city's default points catalogue copied in, so that whatever demo data
exists cannot change them."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from hongfan.accounts.models import RoleAssignment, User
from hongfan.core.access import Access, access_for
from hongfan.core.roles import Role
from hongfan.org.models import Authority, Branch, BranchCommittee, CommitteeSeat, Hospital, Person
from hongfan.org.tests.factories import PRIMARY, make_branch
from hongfan.orglife.models import Attendance, Meeting
from hongfan.points.models import PointEntry
from hongfan.points.services.catalogue import point_rules_copy_defaults, point_rules_seed_city
from hongfan.study.choices import JUDGE_OPTIONS, ItemKind, QuestionKind
from hongfan.study.models import (
    AttemptQuestion,
    Exam,
    ExamAttempt,
    Question,
    StudyCompletion,
    StudyItem,
    StudyLog,
    StudyRule,
    StudyTopic,
)
from hongfan.study.selectors import exams as exam_selectors
from hongfan.study.services import exams as exam_services
from hongfan.study.services import items as item_services

RULES_FROM = date(2020, 1, 1)
_n = itertools.count(1)


def make_user(username: str, *, person: Person | None = None, roles: list[tuple] = ()) -> User:  # type: ignore[assignment]
    """An account without a password (hashing one costs a tenth of a second a test)."""
    user = User.objects.create(username=username, person=person)
    for role, hospital, branch in roles:
        RoleAssignment.objects.create(user=user, role=role, hospital=hospital, branch=branch)
    return user


def messages_of(exc: Any) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


def study_state() -> tuple[Any, ...]:
    """What a refused write must leave unchanged."""
    return (
        StudyTopic.objects.count(),
        StudyItem.objects.count(),
        list(StudyItem.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        list(StudyLog.objects.order_by("pk").values_list("pk", "status", "minutes")),
        StudyCompletion.objects.count(),
        StudyRule.objects.count(),
        Question.objects.count(),
        Exam.objects.count(),
        list(ExamAttempt.objects.order_by("pk").values_list("pk", "submitted_at", "score")),
        list(AttemptQuestion.objects.order_by("pk").values_list("pk", "chosen", "correct")),
        PointEntry.objects.count(),
    )


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded documents land in a temporary MEDIA_ROOT, never in var/media."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@dataclass
class World:
    """A hospital of the tests' own: two branches of members, an admin, a secretary of
    branch A (a member of it), and plain members."""

    hospital: Hospital
    branch_a: Branch
    branch_b: Branch
    admin: Access
    sec: Access  # secretary of branch_a
    a: list[Person]  # members of branch_a (a[0] is its secretary)
    b: list[Person]
    users: dict[str, User]

    def member(self, person: Person) -> Access:
        """A member account for a person of the world (made once)."""
        key = f"m{person.pk}"
        if key not in self.users:
            self.users[key] = make_user(
                f"study_m{person.pk}", person=person, roles=[(Role.MEMBER, None, None)]
            )
        return access_for(User.objects.get(pk=self.users[key].pk))

    def item(self, **kw: Any) -> StudyItem:
        values: dict[str, Any] = {
            "hospital": self.hospital,
            "branch": None,
            "topic": "党的理论学习",
            "kind": ItemKind.ARTICLE,
            "title": f"学习资料{next(_n)}",
            "body": "<p>第一段。</p><p>第二段。</p>",
            "expected_minutes": 20,
        }
        values.update(kw)
        access = values.pop("access", self.admin)
        return item_services.item_publish(access=access, **values)

    def questions(
        self, topic: str = "党的理论学习", *, easy: int = 5, medium: int = 5, hard: int = 3
    ) -> list[Question]:
        return make_questions(self.hospital, topic, easy=easy, medium=medium, hard=hard)

    def exam(self, **kw: Any) -> Exam:
        now = timezone.now()
        values: dict[str, Any] = {
            "hospital": self.hospital,
            "branch": None,
            "title": f"测试考试{next(_n)}",
            "topics": [],
            "count_easy": 2,
            "count_medium": 2,
            "count_hard": 1,
            "time_limit_minutes": 10,
            "pass_mark": 60,
            "max_attempts": 2,
            "opens_at": now - timedelta(hours=1),
            "closes_at": now + timedelta(days=7),
        }
        values.update(kw)
        access = values.pop("access", self.admin)
        return exam_services.exam_create(access=access, **values)


def make_questions(
    hospital: Hospital, topic: str, *, easy: int, medium: int, hard: int
) -> list[Question]:
    """Questions of every kind: a single choice answered B, a multiple choice AC, a
    true/false 对 — in turn."""
    t, _ = StudyTopic.objects.get_or_create(hospital=hospital, name=topic)
    out = []
    kinds = itertools.cycle([QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.JUDGE])
    for difficulty, n in ((1, easy), (2, medium), (3, hard)):
        for _ in range(n):
            kind = next(kinds)
            options, answer = {
                QuestionKind.SINGLE: (["甲", "乙", "丙", "丁"], "B"),
                QuestionKind.MULTIPLE: (["甲", "乙", "丙", "丁"], "AC"),
                QuestionKind.JUDGE: (list(JUDGE_OPTIONS), "A"),
            }[kind]
            out.append(
                Question(
                    hospital=hospital,
                    topic=t,
                    kind=kind,
                    difficulty=difficulty,
                    text=f"测试题{next(_n)}（{topic}）",
                    options=options,
                    answer=answer,
                    explanation="测试解析",
                )
            )
    return Question.objects.bulk_create(out)


def right_answers(attempt: ExamAttempt) -> dict[int, str]:
    return {aq.pk: aq.question.answer for aq in exam_selectors.attempt_questions(attempt)}


@pytest.fixture
def demo_authority(db: Any) -> Authority:
    return Hospital.objects.get(name=PRIMARY).authority


@pytest.fixture
def world(demo_authority: Authority) -> World:
    hospital = Hospital.objects.create(
        authority=demo_authority, name="学习测试医院", short_name="学习院", region_code="370812"
    )
    point_rules_seed_city(authority=demo_authority, effective_from=RULES_FROM)
    point_rules_copy_defaults(access=None, hospital=hospital)
    branch_a = make_branch(hospital, full=4, probationary=1)
    branch_b = make_branch(hospital, full=3)
    admin = make_user("study_admin", roles=[(Role.HOSPITAL_ADMIN, hospital, None)])
    sec = make_user(
        "study_sec",
        person=branch_a.secretary,
        roles=[(Role.BRANCH_SECRETARY, None, branch_a), (Role.MEMBER, None, None)],
    )
    return World(
        hospital=hospital,
        branch_a=branch_a,
        branch_b=branch_b,
        admin=access_for(admin),
        sec=access_for(sec),
        a=list(Person.objects.filter(branch=branch_a).order_by("pk")),
        b=list(Person.objects.filter(branch=branch_b).order_by("pk")),
        users={"admin": admin, "sec": sec},
    )


def group_study(
    branch: Branch,
    *,
    starts: datetime,
    minutes: int,
    present: list[Person] = (),  # type: ignore[assignment]
    absent: list[Person] = (),  # type: ignore[assignment]
    status: str = "held",
    kind: str = "group_study",
) -> Meeting:
    """A meeting straight in the database (the orglife services are not needed here)."""
    meeting = Meeting.objects.create(
        hospital_id=branch.hospital_id,
        branch=branch,
        kind=kind,
        status=status,
        topic="集中学习：党的二十届三中全会精神",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        checkin_token=f"token{next(_n)}",
        checkin_opens_at=starts - timedelta(minutes=30),
        checkin_closes_at=starts + timedelta(minutes=minutes),
    )
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, person=p, status="present") for p in present]
        + [Attendance(meeting=meeting, person=p, status="absent") for p in absent]
    )
    return meeting


def committee(branch: Branch, people: list[tuple[Person, str]], *, start: date) -> BranchCommittee:
    c = BranchCommittee.objects.create(
        branch=branch, elected_on=start, term_start=start, term_end=start + timedelta(days=3 * 365)
    )
    CommitteeSeat.objects.bulk_create(
        [CommitteeSeat(committee=c, person=p, role=r) for p, r in people]
    )
    return c


# --- files ------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def docx_bytes() -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def upload(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


HEADERS = ["题型", "主题", "难度", "题目", "选项A", "选项B", "选项C", "选项D", "正确答案", "解析"]


def xlsx(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "题库"
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(
    rows: list[list[Any]], encoding: str = "utf-8", headers: list[str] = HEADERS
) -> bytes:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode(encoding)


Maker = Callable[..., Any]


def refused(action, *, says: str, exc: type[Exception] = ValidationError) -> None:
    """``action`` is refused with ``says`` in its message, and nothing in study changed."""
    before = study_state()
    with pytest.raises(exc) as info:
        action()
    if exc is ValidationError:
        assert says in messages_of(info.value), messages_of(info.value)
    else:
        assert says in str(info.value)
    assert study_state() == before
