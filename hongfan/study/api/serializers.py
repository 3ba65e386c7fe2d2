from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hongfan.core.api import IdField
from hongfan.study.models import AttemptQuestion, ExamAttempt, StudyLog


class ItemProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    title = serializers.CharField(source="item.title")
    kind = serializers.CharField(source="item.kind")
    topic = serializers.CharField(source="item.topic.name")
    scope = serializers.CharField(source="item.scope_label")
    summary = serializers.CharField(source="item.summary")
    required = serializers.BooleanField(source="item.required")  # type: ignore[assignment]
    due_on = serializers.DateField(source="item.due_on", allow_null=True)
    expected_minutes = serializers.IntegerField(source="item.expected_minutes")
    confirmed_minutes = serializers.IntegerField()
    pending_minutes = serializers.IntegerField()
    finished = serializers.BooleanField()
    overdue = serializers.BooleanField()
    finished_on = serializers.SerializerMethodField()

    def get_finished_on(self, obj: Any) -> str | None:
        return obj.completion.completed_on.isoformat() if obj.completion else None


class LogSerializer(serializers.ModelSerializer):
    item = IdField(source="item_id", noun="学习资料", help_text="学习资料编号；不存在时返回 404")
    item_title = serializers.CharField(source="item.title", read_only=True)
    minutes = serializers.IntegerField(min_value=1, max_value=600)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)

    class Meta:
        model = StudyLog
        fields = [
            "id",
            "item",
            "item_title",
            "minutes",
            "studied_on",
            "note",
            "method",
            "status",
            "decision_reason",
            "created_at",
        ]
        read_only_fields = ["id", "method", "status", "decision_reason", "created_at"]


class AttemptSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ExamAttempt
        fields = ["id", "number", "started_at", "deadline", "submitted_at", "score", "passed"]


class MyExamSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="exam.pk")
    title = serializers.CharField(source="exam.title")
    scope = serializers.CharField(source="exam.scope_label")
    question_count = serializers.IntegerField(source="exam.question_count")
    time_limit_minutes = serializers.IntegerField(source="exam.time_limit_minutes")
    pass_mark = serializers.IntegerField(source="exam.pass_mark")
    max_attempts = serializers.IntegerField(source="exam.max_attempts")
    opens_at = serializers.DateTimeField(source="exam.opens_at")
    closes_at = serializers.DateTimeField(source="exam.closes_at")
    is_open = serializers.BooleanField()
    attempts_used = serializers.IntegerField(source="used")
    best_score = serializers.IntegerField(source="best", allow_null=True)
    passed = serializers.BooleanField()
    can_start = serializers.BooleanField()
    attempts = AttemptSummarySerializer(many=True)


class QuestionSerializer(serializers.ModelSerializer):
    """A drawn question as the member sees it while answering: no right answer."""

    position = serializers.IntegerField()
    kind = serializers.CharField(source="question.kind")
    text = serializers.CharField(source="question.text")
    options = serializers.SerializerMethodField()
    saved = serializers.CharField(
        source="chosen", help_text="已保存的作答（选项字母；未作答为空），重新打开时据此恢复"
    )

    class Meta:
        model = AttemptQuestion
        fields = ["id", "position", "kind", "text", "options", "saved"]

    def get_options(self, obj: AttemptQuestion) -> list[dict[str, str]]:
        return [{"letter": k, "text": v} for k, v in obj.question.lettered_options]


class ReviewedQuestionSerializer(QuestionSerializer):
    """After submitting: the answer given, the right one and the explanation."""

    chosen = serializers.CharField()
    chosen_text = serializers.CharField()
    correct = serializers.BooleanField(allow_null=True)
    answer = serializers.CharField(source="question.answer")
    answer_text = serializers.CharField(source="question.answer_text")
    explanation = serializers.CharField(source="question.explanation")

    class Meta(QuestionSerializer.Meta):
        fields = [
            *QuestionSerializer.Meta.fields,
            "chosen",
            "chosen_text",
            "correct",
            "answer",
            "answer_text",
            "explanation",
        ]


class AttemptSerializer(serializers.ModelSerializer):
    exam = serializers.IntegerField(source="exam_id")
    exam_title = serializers.CharField(source="exam.title")
    remaining_seconds = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    class Meta:
        model = ExamAttempt
        fields = [
            "id",
            "exam",
            "exam_title",
            "number",
            "started_at",
            "deadline",
            "remaining_seconds",
            "question_count",
            "questions",
        ]

    def get_remaining_seconds(self, obj: ExamAttempt) -> int:
        from django.utils import timezone

        return max(0, int((obj.deadline - timezone.now()).total_seconds()))

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, obj: ExamAttempt) -> list[dict[str, Any]]:
        return QuestionSerializer(self.context.get("rows", []), many=True).data  # type: ignore[return-value]


class AnswerSerializer(serializers.Serializer):
    id = IdField(noun="题目", help_text="题目在本次答题中的编号（开始答题时返回的 id）")
    answer = serializers.CharField(
        allow_blank=True, max_length=20, help_text="选项字母，如 A 或 AC；判断题为 对 或 错"
    )


class SubmitSerializer(serializers.Serializer):
    answers = AnswerSerializer(
        many=True, required=False, help_text="未在此提交的题按已保存的作答评分；未作答的题按答错计"
    )


class SavedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    saved = serializers.CharField(source="chosen")


class ResultSerializer(serializers.ModelSerializer):
    exam = serializers.IntegerField(source="exam_id")
    pass_mark = serializers.IntegerField(source="exam.pass_mark")
    message = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    class Meta:
        model = ExamAttempt
        fields = [
            "id",
            "exam",
            "number",
            "submitted_at",
            "question_count",
            "correct_count",
            "score",
            "pass_mark",
            "passed",
            "points_note",
            "message",
            "questions",
        ]

    def get_message(self, obj: ExamAttempt) -> str:
        return str(self.context.get("message", ""))

    @extend_schema_field(ReviewedQuestionSerializer(many=True))
    def get_questions(self, obj: ExamAttempt) -> list[dict[str, Any]]:
        return ReviewedQuestionSerializer(self.context.get("rows", []), many=True).data  # type: ignore[return-value]
