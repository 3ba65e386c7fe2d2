"""Targets and payloads for the role matrix (hongfan/tests/test_role_matrix.py) and for
this app's own table of every study URL × role (test_role_table.py).

Each function takes the matrix's ``Targets`` (unused: the rows are found or made in
济宁市第三人民医院 of the demo city) and returns a real row, made on first use inside the
test's transaction. ``build_study_demo`` is idempotent, so they work whether or not the
demo city was built with the study demo."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.org.models import Hospital
from hongfan.org.tests.factories import primary, sec_branch
from hongfan.study.choices import ItemKind, LogStatus
from hongfan.study.demo import build_study_demo
from hongfan.study.models import Exam, ExamAttempt, StudyItem, StudyLog, StudyTopic
from hongfan.study.services import exams as exam_services
from hongfan.study.services import items as item_services
from hongfan.study.services import logs as log_services

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _hospital() -> Hospital:
    hospital = primary()
    build_study_demo(hospital)
    return hospital


def study_item(t: Any = None) -> StudyItem:
    """The demo's hospital-wide article (every member of the hospital reads it)."""
    return StudyItem.objects.get(hospital=_hospital(), title="党的二十届三中全会精神学习要点")


def study_document(t: Any = None) -> StudyItem:
    """A hospital-wide PDF item, its file in the current MEDIA_ROOT."""
    hospital = _hospital()
    item = StudyItem.objects.filter(hospital=hospital, kind=ItemKind.DOCUMENT).first()
    if item is None:
        item = StudyItem(
            hospital=hospital,
            topic=StudyTopic.objects.get(hospital=hospital, name="党的理论学习"),
            kind=ItemKind.DOCUMENT,
            title="矩阵测试文档",
            document_type="pdf",
            document_size=len(PDF),
            expected_minutes=10,
        )
        item.document.save("matrix.pdf", ContentFile(PDF), save=False)
        item.save()
    return item


def log_item(t: Any = None) -> StudyItem:
    """A hospital-wide document of two hours: room for everyone's self-study entries."""
    hospital = _hospital()
    item = StudyItem.objects.filter(hospital=hospital, title="矩阵测试自学资料").first()
    if item is None:
        item = StudyItem(
            hospital=hospital,
            topic=StudyTopic.objects.get(hospital=hospital, name="党的理论学习"),
            kind=ItemKind.DOCUMENT,
            title="矩阵测试自学资料",
            document_type="pdf",
            document_size=len(PDF),
            expected_minutes=120,
        )
        item.document.save("matrix-log.pdf", ContentFile(PDF), save=False)
        item.save()
    return item


def video_item(t: Any = None) -> StudyItem:
    """A hospital-wide video the page's player plays (its watching is reported)."""
    hospital = _hospital()
    item, _ = StudyItem.objects.get_or_create(
        hospital=hospital,
        title="矩阵测试视频",
        defaults={
            "topic": StudyTopic.objects.get(hospital=hospital, name="党的理论学习"),
            "kind": ItemKind.VIDEO,
            "video_url": "https://video.example.org/study/matrix.mp4",
            "expected_minutes": 10,
        },
    )
    return item


def answer_payload(t: Any = None) -> dict[str, Any]:
    """The first question of the demo member's attempt in progress, answered A."""
    row = study_attempt(t).questions.order_by("position").first()
    assert row is not None
    return {"question": str(row.pk), "answer": "A"}


def api_answer_payload(t: Any = None) -> dict[str, Any]:
    row = answer_payload(t)
    return {"id": row["question"], "answer": "A"}


def study_log(t: Any = None) -> StudyLog:
    """A self-study entry of the demo member waiting for confirmation."""
    member = User.objects.get(username="member").person
    log = StudyLog.objects.filter(person=member, status=LogStatus.PENDING).order_by("pk").first()
    if log is None:
        log = log_services.log_submit(
            access=access_for(User.objects.get(username="member")),
            item=log_item(t),
            minutes=20,
            studied_on=today(),
        )
    return log


def study_exam(t: Any = None) -> Exam:
    """The demo's open hospital-wide exam."""
    return Exam.objects.filter(hospital=_hospital(), branch__isnull=True).order_by("pk").first()  # type: ignore[return-value]


def study_attempt(t: Any = None) -> ExamAttempt:
    """An attempt of the demo member still in progress."""
    exam = study_exam(t)
    return exam_services.attempt_start(
        access=access_for(User.objects.get(username="member")), exam=exam
    ).attempt


# --- payloads that succeed for the roles allowed -------------------------------------------------


def item_new_payload(t: Any = None) -> dict[str, Any]:
    """Publish an article to sec's branch (hosp and sec succeed; hosp2's form does not offer
    that branch: a 200 with the error)."""
    _hospital()  # the demo's topics
    return {
        "kind": "article",
        "title": "矩阵测试资料",
        "topic": "矩阵测试",
        "branch": sec_branch().pk,
        "body": "矩阵测试正文",
        "expected_minutes": "10",
    }


def log_payload(t: Any = None) -> dict[str, Any]:
    return {"minutes": "20", "studied_on": today().isoformat(), "note": "矩阵测试"}


def api_log_payload(t: Any = None) -> dict[str, Any]:
    return {"item": log_item(t).pk, **log_payload(t)}


def read_payload(t: Any = None) -> dict[str, Any]:
    """The demo member's token for the hospital-wide article, opened two minutes ago (other
    users' reads are refused with a message and a redirect: the token is not theirs)."""
    member = User.objects.get(username="member").person
    item = StudyItem.objects.get(
        hospital=_hospital(), title="《中国共产党支部工作条例（试行）》要点"
    )
    return {
        "token": item_services.read_token(
            item_id=item.pk, person_id=member.pk, opened_at=time.time() - 120
        )
    }


def read_item(t: Any = None) -> StudyItem:
    """The article ``read_payload`` is for (unread by the demo member)."""
    return StudyItem.objects.get(
        hospital=_hospital(), title="《中国共产党支部工作条例（试行）》要点"
    )


def rules_payload(t: Any = None) -> dict[str, Any]:
    return {
        "effective_from": "2031-01-01",
        "member_target_hours": "36",
        "committee_target_hours": "60",
        "read_min_seconds": "60",
    }


def question_import_payload(t: Any = None) -> dict[str, Any]:
    text = "题型,主题,难度,题目,选项A,选项B,正确答案\n单选题,矩阵测试,1,矩阵测试题,甲,乙,A\n"
    return {"file": SimpleUploadedFile("题库.csv", text.encode("utf-8"), "text/csv")}


def exam_new_payload(t: Any = None) -> dict[str, Any]:
    _hospital()  # the demo's question bank
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    return {
        "title": "矩阵测试考试",
        "branch": sec_branch().pk,
        "count_easy": "1",
        "count_medium": "1",
        "count_hard": "1",
        "time_limit_minutes": "10",
        "pass_mark": "60",
        "max_attempts": "2",
        "opens_at": now.strftime(fmt),
        "closes_at": (now + timedelta(days=7)).strftime(fmt),
    }
