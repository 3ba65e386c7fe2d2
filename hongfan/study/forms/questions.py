"""The form of the question-bank upload (题库导入)."""

from __future__ import annotations

from django import forms
from django.conf import settings


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
