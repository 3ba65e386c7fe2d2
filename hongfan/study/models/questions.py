"""题库: the questions of a hospital's bank."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.study.choices import Difficulty, QuestionKind
from hongfan.study.models.items import StudyTopic


class Question(models.Model):
    """A question of a hospital's bank. ``options`` is the list of option texts (A, B, …;
    a true/false question has 对/错); ``answer`` the letters of the right options."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(
        StudyTopic, verbose_name="主题", on_delete=models.PROTECT, related_name="questions"
    )
    kind = models.CharField("题型", max_length=10, choices=QuestionKind.choices)
    difficulty = models.PositiveSmallIntegerField("难度", choices=Difficulty.choices)
    text = models.TextField("题目")
    options = models.JSONField("选项", default=list)
    answer = models.CharField("正确答案", max_length=8)
    explanation = models.TextField("解析", blank=True)
    active = models.BooleanField("在用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "题目"
        ordering = ["hospital_id", "topic_id", "id"]
        indexes = [
            models.Index(fields=["hospital", "active", "difficulty"], name="question_draw_idx")
        ]
        constraints = [
            models.CheckConstraint(
                name="question_difficulty_range",
                condition=Q(difficulty__gte=1) & Q(difficulty__lte=3),
                violation_error_message="难度应为1、2、3",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def lettered_options(self) -> list[tuple[str, str]]:
        return [(chr(ord("A") + i), text) for i, text in enumerate(self.options)]

    def answer_text(self) -> str:
        """The right answer as a reader sees it: "对", or "A、C"."""
        if self.kind == QuestionKind.JUDGE:
            return "、".join(self.options[ord(c) - ord("A")] for c in self.answer)
        return "、".join(self.answer)
