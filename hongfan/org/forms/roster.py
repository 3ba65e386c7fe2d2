"""The roster (名册) upload form."""

from __future__ import annotations

from django import forms
from django.conf import settings


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="名册文件（.xlsx 或 .csv）",
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
        error_messages={
            "required": "请选择要导入的文件",
            "empty": "文件是空的，请选择填好的名册文件",
            "invalid": "上传的文件无效，请重新选择",
        },
    )
    ignore_unknown_columns = forms.BooleanField(
        label="忽略无法识别的列（这些列的内容不会导入）", required=False
    )
    update_existing = forms.BooleanField(
        label="按身份证号更新已在册人员（如导出的完整名册改后重新导入）", required=False
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"文件过大，不能超过 {limit / 1024 / 1024:.0f} MB；请拆分后分批导入"
            )
        return upload


class FullExportForm(forms.Form):
    """Why the full (unmasked) roster is exported: written to the audit trail."""

    reason = forms.CharField(
        label="导出用途",
        min_length=4,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如：核对并更新职工手机号后重新导入"}),
        error_messages={
            "required": "请填写导出用途（将记入审计日志）",
            "min_length": "导出用途至少写4个字",
            "max_length": "导出用途不能超过200个字",
        },
    )

    def clean_reason(self) -> str:
        text = self.cleaned_data["reason"].replace("\x00", "").strip()
        if len(text) < 4:
            raise forms.ValidationError("导出用途至少写4个字")
        return text
