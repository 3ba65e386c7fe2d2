from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from hongfan.core.dates import today
from hongfan.core.forms import set_queryset
from hongfan.org.forms.widgets import DATE
from hongfan.org.models import Branch
from hongfan.study import content
from hongfan.study.choices import ItemKind
from hongfan.study.models import StudyTopic

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ItemKind.choices, initial=ItemKind.ARTICLE)
    title = forms.CharField(label="标题", max_length=100)
    topic = forms.CharField(
        label="主题",
        max_length=40,
        help_text="选择已有主题或输入新主题",
        widget=forms.TextInput(attrs={"list": "study-topics", "autocomplete": "off"}),
    )
    branch = forms.ModelChoiceField(
        label="面向", queryset=Branch.objects.none(), required=False, empty_label="全院党员"
    )
    summary = forms.CharField(label="简介", max_length=200, required=False)
    body = forms.CharField(
        label="正文（文章）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="可直接粘贴文字（每行一段），也可使用简单的HTML：段落、标题、加粗、列表、表格、链接",
    )
    video_url = forms.CharField(
        label="视频链接（视频）",
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    document = forms.FileField(
        label="文档（PDF或Word .docx）",
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx"}),
    )
    required = forms.BooleanField(label="必学", required=False)
    due_on = forms.DateField(label="完成期限", required=False, widget=DATE)
    expected_minutes = forms.IntegerField(
        label="预计学习时长（分钟）", min_value=1, max_value=600, initial=20
    )
    field_order = [
        "kind",
        "title",
        "topic",
        "branch",
        "summary",
        "body",
        "video_url",
        "document",
        "required",
        "due_on",
        "expected_minutes",
    ]

    def __init__(self, *args: Any, branches: Any, branch_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "branch", branches)
        if branch_required:
            field = self.fields["branch"]
            field.required = True
            assert isinstance(field, forms.ModelChoiceField)
            field.empty_label = None
        self.fields["due_on"].widget.attrs["min"] = today().isoformat()
        limit = content.document_max_bytes() // (1024 * 1024)
        self.fields["document"].help_text = f"不超过{limit} MB，按文件内容识别类型"


class LogForm(forms.Form):
    minutes = forms.IntegerField(
        label="学习时长（分钟）",
        min_value=1,
        max_value=600,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    studied_on = forms.DateField(label="学习日期", widget=DATE)
    note = forms.CharField(
        label="学习体会",
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "选填，不超过200字"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["studied_on"].widget.attrs["max"] = today().isoformat()


class DecideForm(forms.Form):
    action = forms.ChoiceField(choices=[("confirm", "确认"), ("reject", "退回")])
    reason = forms.CharField(required=False, max_length=200)


class StudyRuleForm(forms.Form):
    effective_from = forms.DateField(label="生效日期", widget=DATE)
    member_target_hours = forms.IntegerField(
        label="党员年度学习目标（学时）", min_value=1, max_value=1000
    )
    committee_target_hours = forms.IntegerField(
        label="支部书记、支委年度学习目标（学时）", min_value=1, max_value=1000
    )
    read_min_seconds = forms.IntegerField(
        label="读完全文最短停留（秒）",
        min_value=10,
        max_value=3600,
        help_text="文章读到末尾时，至少停留这么久才记为完成（预计时长更短的按预计时长）",
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="题库文件（.xlsx 或 .csv）",
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={
            "required": "请选择要导入的文件",
            "empty": "文件是空的，请选择填好的题库文件",
            "invalid": "上传的文件无效，请重新选择",
        },
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"文件过大，不能超过 {limit / 1024 / 1024:.0f} MB")
        return upload


class ExamForm(forms.Form):
    title = forms.CharField(label="考试名称", max_length=100)
    branch = forms.ModelChoiceField(
        label="面向", queryset=Branch.objects.none(), required=False, empty_label="全院党员"
    )
    topics = forms.ModelMultipleChoiceField(
        label="出题主题",
        queryset=StudyTopic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选则从全部主题中出题",
    )
    count_easy = forms.IntegerField(label="易题数", min_value=0, max_value=100, initial=4)
    count_medium = forms.IntegerField(label="中题数", min_value=0, max_value=100, initial=4)
    count_hard = forms.IntegerField(label="难题数", min_value=0, max_value=100, initial=2)
    time_limit_minutes = forms.IntegerField(
        label="答题时限（分钟）", min_value=1, max_value=300, initial=20
    )
    pass_mark = forms.IntegerField(
        label="合格分数（百分制）", min_value=0, max_value=100, initial=60
    )
    max_attempts = forms.IntegerField(
        label="每人最多答题次数", min_value=1, max_value=20, initial=3
    )
    opens_at = forms.DateTimeField(label="开始时间", widget=DATETIME)
    closes_at = forms.DateTimeField(label="截止时间", widget=DATETIME)

    def __init__(
        self, *args: Any, branches: Any, topics: Any, branch_required: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "branch", branches)
        set_queryset(self, "topics", topics)
        if branch_required:
            field = self.fields["branch"]
            field.required = True
            assert isinstance(field, forms.ModelChoiceField)
            field.empty_label = None
