"""学习教育: study material published to a hospital or a branch, members' study records
(个人自学) and the hours they add up to, the yearly targets per city, the question bank
and exams (答题).

Group study (集中学习) is not stored here: it is an orglife ``Meeting`` of kind
``group_study``; a member's group-study hours are read from its attendance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from hongfan.study.choices import Difficulty, ItemKind, LogMethod, LogStatus, QuestionKind


class StudyTopic(models.Model):
    """A topic of a hospital's study material and questions (党的理论、医德医风…)."""

    hospital = models.ForeignKey(
        "org.Hospital", on_delete=models.CASCADE, related_name="study_topics"
    )
    name = models.CharField("主题", max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "学习主题"
        ordering = ["hospital_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "name"],
                name="study_topic_name_unique_in_hospital",
                violation_error_message="本院已有同名学习主题",
            )
        ]

    def __str__(self) -> str:
        return self.name


class StudyItem(models.Model):
    """学习资料: an article (sanitised HTML), a video (a link) or a document (PDF/DOCX kept
    privately), for the whole hospital (branch empty) or one branch."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        "org.Branch",
        verbose_name="面向支部",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="study_items",
        help_text="留空为全院",
    )
    topic = models.ForeignKey(
        StudyTopic, verbose_name="主题", on_delete=models.PROTECT, related_name="items"
    )
    kind = models.CharField("类型", max_length=10, choices=ItemKind.choices)
    title = models.CharField("标题", max_length=100)
    summary = models.CharField("简介", max_length=200, blank=True)
    body = models.TextField("正文", blank=True)  # sanitised HTML (nh3), articles only
    video_url = models.URLField("视频链接", max_length=500, blank=True)
    document = models.FileField("文档", upload_to="study/%Y/%m/", blank=True)
    document_type = models.CharField(max_length=8, blank=True)  # "pdf" | "docx"
    document_size = models.PositiveIntegerField(null=True, blank=True)
    required = models.BooleanField("必学", default=False)
    due_on = models.DateField("完成期限", null=True, blank=True)
    expected_minutes = models.PositiveSmallIntegerField("预计学习时长（分钟）", default=20)
    published_at = models.DateTimeField("发布时间", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "学习资料"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["hospital", "branch", "published_at"], name="study_item_scope_idx")
        ]
        constraints = [
            models.CheckConstraint(
                name="study_item_expected_minutes_range",
                condition=Q(expected_minutes__gte=1) & Q(expected_minutes__lte=600),
                violation_error_message="预计学习时长应为1—600分钟",
            ),
            models.CheckConstraint(
                name="study_item_has_content",
                condition=(Q(kind=ItemKind.ARTICLE) & ~Q(body=""))
                | (Q(kind=ItemKind.VIDEO) & ~Q(video_url=""))
                | (Q(kind=ItemKind.DOCUMENT) & ~Q(document="")),
                violation_error_message="文章须有正文，视频须有链接，文档须上传文件",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_label(self) -> str:
        return self.branch.name if self.branch_id and self.branch else "全院"


class StudyLog(models.Model):
    """One self-study entry (个人自学): time a member spent on an item. It counts towards the
    member's study hours once confirmed — by reading an article to its end (``read``) or
    by the secretary confirming what the member logged (``self``)."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="study_logs")
    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, related_name="logs")
    method = models.CharField("方式", max_length=8, choices=LogMethod.choices)
    status = models.CharField(
        "状态", max_length=10, choices=LogStatus.choices, default=LogStatus.PENDING
    )
    minutes = models.PositiveSmallIntegerField("学习时长（分钟）")
    studied_on = models.DateField("学习日期")
    note = models.CharField("学习体会", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    decision_reason = models.CharField("意见", max_length=200, blank=True)

    class Meta:
        verbose_name = "个人自学记录"
        ordering = ["-studied_on", "-id"]
        indexes = [
            models.Index(fields=["person", "studied_on"], name="study_log_person_day_idx"),
            models.Index(fields=["hospital", "status", "created_at"], name="study_log_queue_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="study_log_minutes_range",
                condition=Q(minutes__gte=1) & Q(minutes__lte=600),
                violation_error_message="学习时长应为1—600分钟",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.item_id} {self.minutes}分钟"


class StudyCompletion(models.Model):
    """A member finished an item (once): the moment the points are awarded."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, related_name="study_completions"
    )
    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, related_name="completions")
    method = models.CharField("方式", max_length=8, choices=LogMethod.choices)
    log = models.ForeignKey(
        StudyLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_on = models.DateField("完成日期")
    completed_at = models.DateTimeField(auto_now_add=True)
    points_entry = models.ForeignKey(
        "points.PointEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    points_note = models.CharField("积分说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "学习完成"
        ordering = ["-completed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "item"],
                name="study_completion_once",
                violation_error_message="该学习内容已完成",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.item_id}"


class StudyRule(models.Model):
    """Yearly study-hour targets of a city (DOMAIN.md: 32 h for members, 56 h for branch
    secretaries and committee members), versioned by date like ``org.OrgRule``."""

    authority = models.ForeignKey(
        "org.Authority", on_delete=models.CASCADE, related_name="study_rules"
    )
    effective_from = models.DateField("生效日期")
    member_target_hours = models.PositiveSmallIntegerField("党员年度学习目标（学时）", default=32)
    committee_target_hours = models.PositiveSmallIntegerField(
        "支部书记、支委年度学习目标（学时）", default=56
    )
    read_min_seconds = models.PositiveSmallIntegerField(
        "读完全文最短停留（秒）",
        default=60,
        help_text="读完全文记为完成所需的最短阅读时间（不超过该资料的预计学习时长）",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "学习学时规则"
        ordering = ["authority_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "effective_from"],
                name="study_rule_one_version_per_day",
                violation_error_message="同一生效日期只能有一个规则版本",
            ),
            models.CheckConstraint(
                name="study_rule_targets_positive",
                condition=Q(member_target_hours__gte=1) & Q(committee_target_hours__gte=1),
                violation_error_message="年度学习目标至少1学时",
            ),
        ]

    def __str__(self) -> str:
        return f"学习学时规则（{self.effective_from}起）"


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
