"""考试 and 答卷: exams, members' attempts and the questions drawn for each."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from hongfan.study.choices import QuestionKind
from hongfan.study.models.items import StudyTopic
from hongfan.study.models.questions import Question


class Exam(models.Model):
    """An exam: each attempt draws its own questions from the bank by difficulty."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        "org.Branch",
        verbose_name="面向支部",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exams",
    )
    title = models.CharField("名称", max_length=100)
    topics = models.ManyToManyField(
        StudyTopic, verbose_name="出题主题", blank=True, related_name="exams"
    )
    count_easy = models.PositiveSmallIntegerField("易题数", default=0)
    count_medium = models.PositiveSmallIntegerField("中题数", default=0)
    count_hard = models.PositiveSmallIntegerField("难题数", default=0)
    time_limit_minutes = models.PositiveSmallIntegerField("答题时限（分钟）", default=20)
    pass_mark = models.PositiveSmallIntegerField("合格分数", default=60)
    max_attempts = models.PositiveSmallIntegerField("最多答题次数", default=3)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("截止时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考试"
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["hospital", "closes_at"], name="exam_hospital_idx")]
        constraints = [
            models.CheckConstraint(
                name="exam_closes_after_opens",
                condition=Q(closes_at__gt=F("opens_at")),
                violation_error_message="截止时间必须晚于开始时间",
            ),
            models.CheckConstraint(
                name="exam_has_questions",
                condition=Q(count_easy__gt=0) | Q(count_medium__gt=0) | Q(count_hard__gt=0),
                violation_error_message="每次答题至少抽1道题",
            ),
            models.CheckConstraint(
                name="exam_pass_mark_range",
                condition=Q(pass_mark__lte=100),
                violation_error_message="合格分数应为0—100",
            ),
            models.CheckConstraint(
                name="exam_limits_positive",
                condition=Q(time_limit_minutes__gte=1) & Q(max_attempts__gte=1),
                violation_error_message="答题时限和答题次数至少为1",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def question_count(self) -> int:
        return self.count_easy + self.count_medium + self.count_hard

    @property
    def scope_label(self) -> str:
        return self.branch.name if self.branch_id and self.branch else "全院"

    def is_open(self, at: object | None = None) -> bool:
        now = at or timezone.now()
        return self.opens_at <= now < self.closes_at  # type: ignore[operator]


class ExamAttempt(models.Model):
    """One attempt of a member at an exam, with the questions drawn for it."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="attempts")
    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="exam_attempts")
    number = models.PositiveSmallIntegerField("第几次")
    started_at = models.DateTimeField("开始时间")
    deadline = models.DateTimeField("交卷时限")
    submitted_at = models.DateTimeField("交卷时间", null=True, blank=True)
    question_count = models.PositiveSmallIntegerField("题数")
    correct_count = models.PositiveSmallIntegerField("答对题数", null=True, blank=True)
    score = models.PositiveSmallIntegerField("得分", null=True, blank=True)
    passed = models.BooleanField("合格", null=True, blank=True)
    points_entry = models.ForeignKey(
        "points.PointEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    points_note = models.CharField("积分说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "答题记录"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["person", "exam"], name="exam_attempt_person_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "person", "number"],
                name="exam_attempt_number_unique",
                violation_error_message="该次答题已开始",
            ),
            models.CheckConstraint(
                name="exam_attempt_score_range",
                condition=Q(score__isnull=True) | Q(score__lte=100),
                violation_error_message="得分应为0—100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exam_id} {self.person_id} 第{self.number}次"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class AttemptQuestion(models.Model):
    """A question drawn for an attempt, in its place, with the member's answer."""

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField("题号")
    chosen = models.CharField("作答", max_length=8, blank=True)
    correct = models.BooleanField("答对", null=True, blank=True)

    class Meta:
        verbose_name = "答题题目"
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="attempt_question_position_unique"
            ),
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_question_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} #{self.position}"

    @property
    def chosen_text(self) -> str:
        """The answer given as a reader sees it: "对", "A、C", or "" when unanswered."""
        if not self.chosen:
            return ""
        if self.question.kind == QuestionKind.JUDGE:
            options = self.question.options
            return "、".join(
                options[ord(c) - ord("A")] for c in self.chosen if ord(c) - ord("A") < len(options)
            )
        return "、".join(self.chosen)
