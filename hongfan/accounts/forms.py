from typing import Any

from django import forms

from hongfan.accounts.models import SecurityPolicy
from hongfan.accounts.services import POLICY_FIELDS
from hongfan.core.forms import LenientText
from hongfan.core.roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, max_length=256)


class OTPForm(forms.Form):
    token = forms.RegexField(
        label="动态口令", regex=r"^\d{6}$", error_messages={"invalid": "请输入6位数字动态口令"}
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput)
    new_password = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput,
        help_text="至少8位，包含大写字母、小写字母、数字、符号中的至少3类",
    )
    new_password2 = forms.CharField(label="确认新密码", widget=forms.PasswordInput)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class RoleGrantForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    hospital = forms.IntegerField(label="医院", required=False)
    branch = forms.IntegerField(label="支部", required=False)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = list(POLICY_FIELDS)  # what policy_update writes


class UserCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    display_name = forms.CharField(label="姓名", max_length=150)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput)
    person_id = forms.IntegerField(label="关联职工编号", required=False)


class AuditFilterForm(forms.Form):
    """The audit trail's filters. A field that is not valid (a malformed date, an unknown
    action) is ignored on its own; the others still filter (``valid_filters``)."""

    username = LenientText(label="用户（姓名或用户名）", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False)
    success = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), ("1", "成功"), ("0", "失败")]
    )
    date_from = forms.DateField(
        label="起", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="止", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        from hongfan.core.models import AuditAction

        self.fields["action"].choices = [("", "全部")] + list(AuditAction.choices)

    def valid_filters(self) -> dict[str, Any]:
        """The fields that are valid (an invalid one is left out, never an error page)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}


class DataChangeFilterForm(forms.Form):
    """The data-change log's filters (django-auditlog's entries): who, what kind of record,
    which action, which days. Invalid fields are ignored on their own."""

    actor = LenientText(label="操作人（姓名或用户名）", required=False, max_length=150)
    model = forms.ChoiceField(label="数据类型", required=False)
    action = forms.ChoiceField(
        label="动作",
        required=False,
        choices=[("", "全部"), ("0", "新增"), ("1", "修改"), ("2", "删除")],
    )
    date_from = forms.DateField(
        label="起", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="止", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, models: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["model"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "全部"), *models]

    def valid_filters(self) -> dict[str, Any]:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
