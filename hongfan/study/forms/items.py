"""The form of publishing study material (学习资料)."""

from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.dates import today
from hongfan.core.forms import DayField, IdChoice, set_queryset
from hongfan.org.forms.widgets import DATE
from hongfan.org.models import Branch
from hongfan.study import validators
from hongfan.study.choices import ItemKind


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ItemKind.choices, initial=ItemKind.ARTICLE)
    title = forms.CharField(label="标题", max_length=100)
    topic = forms.CharField(
        label="主题",
        max_length=40,
        help_text="选择已有主题或输入新主题",
        widget=forms.TextInput(attrs={"list": "study-topics", "autocomplete": "off"}),
    )
    branch = IdChoice(
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
    due_on = DayField(label="完成期限", required=False, widget=DATE)
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
        limit = validators.document_max_bytes() // (1024 * 1024)
        self.fields["document"].help_text = f"不超过{limit} MB，按文件内容识别类型"
