"""factory_boy builders of 学习 rows: topics, published items, members' study logs, the
question bank and exams.

The session's demo city is the background: rows belong by default to the demo's primary
hospital (``hongfan.org.tests.factories.primary``) and are meant for the whole hospital, so the
demo's ``member`` sees an item and ``hosp`` and ``sec`` manage it. Rows are written straight to
the tables (no service, no audit row, no points), as the services would write them. For
figures (hours, targets, points) use the ``world`` fixture's hospital of the tests' own.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from hongfan.org.choices import BranchKind, PoliticalStatus
from hongfan.org.models import Branch, Hospital
from hongfan.org.tests.factories import make_person, primary
from hongfan.study.choices import ItemKind, LogMethod, LogStatus, QuestionKind
from hongfan.study.models import Exam, Question, StudyItem, StudyLog, StudyTopic


def _a_branch_of(hospital: Hospital) -> Branch | None:
    return (
        Branch.objects.filter(hospital=hospital, kind=BranchKind.BRANCH, active=True)
        .order_by("pk")
        .first()
    )


class StudyTopicFactory(DjangoModelFactory):
    class Meta:
        model = StudyTopic

    hospital = factory.LazyFunction(primary)
    name = factory.Sequence(lambda n: f"测试主题{n}")


class StudyItemFactory(DjangoModelFactory):
    """An article published an hour ago for the whole hospital (``branch=`` for one branch);
    ``video=True`` for a video, ``required=True`` for 必学 due in a month."""

    class Meta:
        model = StudyItem

    class Params:
        video = factory.Trait(
            kind=ItemKind.VIDEO,
            body="",
            video_url=factory.Sequence(lambda n: f"https://video.example.org/study/{n}"),
        )
        mandatory = factory.Trait(
            required=True,
            due_on=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30)),
        )

    hospital = factory.LazyFunction(primary)
    branch = None
    topic = factory.SubFactory(StudyTopicFactory, hospital=factory.SelfAttribute("..hospital"))
    kind = ItemKind.ARTICLE
    title = factory.Sequence(lambda n: f"测试学习资料{n}")
    summary = "学习贯彻党的创新理论"
    body = "<p>第一段。</p><p>第二段。</p>"
    expected_minutes = 20
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class StudyLogFactory(DjangoModelFactory):
    """A member's self-reported study of an item, waiting for the secretary's confirmation
    (``status=LogStatus.CONFIRMED`` for a confirmed one); the member is a new full member of
    a branch of the item's hospital unless ``person=`` is given."""

    class Meta:
        model = StudyLog

    item = factory.SubFactory(StudyItemFactory)
    hospital = factory.LazyAttribute(lambda o: o.item.hospital)
    person = factory.LazyAttribute(
        lambda o: make_person(
            o.hospital,
            branch=o.item.branch or _a_branch_of(o.hospital),
            political_status=PoliticalStatus.MEMBER,
        )
    )
    method = LogMethod.SELF
    status = LogStatus.PENDING
    minutes = 30
    studied_on = factory.LazyFunction(timezone.localdate)
    note = "认真学习，深受教育。"


class QuestionFactory(DjangoModelFactory):
    """An easy single-choice question whose answer is B."""

    class Meta:
        model = Question

    hospital = factory.LazyFunction(primary)
    topic = factory.SubFactory(StudyTopicFactory, hospital=factory.SelfAttribute("..hospital"))
    kind = QuestionKind.SINGLE
    difficulty = 1
    text = factory.Sequence(lambda n: f"测试题{n}：下列说法正确的是")
    options = factory.LazyFunction(lambda: ["甲", "乙", "丙", "丁"])
    answer = "B"
    explanation = "测试解析"


class ExamFactory(DjangoModelFactory):
    """An exam of the whole hospital, open from an hour ago for a week: two easy questions,
    pass mark 60, two attempts. ``topics=[...]`` draws from those topics only."""

    class Meta:
        model = Exam
        skip_postgeneration_save = True

    hospital = factory.LazyFunction(primary)
    branch = None
    title = factory.Sequence(lambda n: f"测试考试{n}")
    count_easy = 2
    count_medium = 0
    count_hard = 0
    time_limit_minutes = 10
    pass_mark = 60
    max_attempts = 2
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    closes_at = factory.LazyAttribute(lambda o: o.opens_at + timedelta(days=7))

    @factory.post_generation
    def topics(obj: Exam, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.topics.set(extracted)
