import re
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection

from hongfan.accounts.models import SecurityPolicy
from hongfan.accounts.services import POLICY_FIELDS
from hongfan.core.forms import (
    DayField,
    IdChoice,
    IdModelForm,
    IdMultipleChoice,
    LenientText,
    SearchSelect,
)
from hongfan.core.roles import Role

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_NOISE = re.compile(r"[\s\-()（）]")
BAD_MOBILE = "请输入正确的11位手机号"


class MobileField(forms.CharField):
    """A mainland mobile number as people type it (spaces, dashes, +86 allowed), cleaned to
    its 11 digits; anything else is refused with one Chinese message."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "手机号")
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "error_messages",
            {
                "max_length": BAD_MOBILE,
                "required": "请输入手机号",
                "null_characters_not_allowed": BAD_MOBILE,
            },
        )
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel", "placeholder": "11位手机号"}
        )

    def clean(self, value: Any) -> str:
        text = _MOBILE_NOISE.sub("", str(value or "").replace("\x00", "\ufffd"))
        if text.startswith("+86"):
            text = text[3:]
        elif text.startswith("0086"):
            text = text[4:]
        text = super().clean(text)
        if not (text.isascii() and _MOBILE.match(text)):
            raise forms.ValidationError(BAD_MOBILE)
        return text


class CodeField(forms.RegexField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            regex=r"^[0-9]{6}$",
            label="短信验证码",
            max_length=6,
            error_messages={
                "invalid": "请输入6位数字验证码",
                "max_length": "请输入6位数字验证码",
                "required": "请输入短信验证码",
                "null_characters_not_allowed": "请输入6位数字验证码",
            },
            **kwargs,
        )
        self.widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}
        )

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value) or "").strip()


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, max_length=256)
    remember = forms.BooleanField(label="记住此设备", required=False)


class SmsSendForm(forms.Form):
    """The number a code is asked for (the 获取验证码 button of every code form)."""

    mobile = MobileField()


class SmsLoginForm(SmsSendForm):
    code = CodeField()
    remember = forms.BooleanField(label="记住此设备", required=False)


class SmsPasswordForm(SmsSendForm):
    """找回密码 and 激活账号: a code and a new password, twice."""

    code = CodeField()
    new_password = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=256,
        help_text="至少8位，包含大写字母、小写字母、数字、符号中的至少3类",
    )
    new_password2 = forms.CharField(
        label="确认新密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=256,
    )

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


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


class PolicyForm(IdModelForm):
    """The numbers of the security policy. Their limits are the policy's own check
    constraints, with Chinese messages; the column's range (PostgreSQL's smallint, none on
    SQLite) would otherwise answer first, in other words on each database ("≤32767"), so a
    number beyond it gets the constraint's message here instead."""

    class Meta(IdModelForm.Meta):
        model = SecurityPolicy
        fields = list(POLICY_FIELDS)  # what policy_update writes

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField):
                field.validators = [
                    v
                    for v in field.validators
                    if not isinstance(v, MaxValueValidator | MinValueValidator)
                ]
                field.max_value = field.min_value = None
                field.widget.attrs.pop("max", None)
                field.widget.attrs.pop("min", None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            if isinstance(value, bool) or not isinstance(value, int):
                continue
            model_field = SecurityPolicy._meta.get_field(name)
            low, high = connection.ops.integer_field_range(model_field.get_internal_type())
            if (high is not None and value > high) or (low is not None and value < low):
                self.add_error(name, _limit_message(name))
        return data


def _limit_message(name: str) -> str:
    """The Chinese message of the policy's check constraint on ``name``."""
    for constraint in SecurityPolicy._meta.constraints:
        condition = getattr(constraint, "condition", None)
        if condition is not None and f"'{name}__" in str(condition):
            return str(constraint.violation_error_message)
    return "数值超出允许范围"


class PersonChoice(IdChoice):
    def label_from_instance(self, obj: Any) -> str:
        dept = f" · {obj.department.name}" if getattr(obj, "department", None) else ""
        return f"{obj.name}（{obj.hospital.name}{dept}）"


class UserCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    display_name = forms.CharField(label="姓名", max_length=150)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, max_length=256)
    person = PersonChoice(
        label="关联职工",
        queryset=None,
        required=False,
        widget=SearchSelect,
        help_text="输入姓名搜索；只列出尚无账号的在职职工",
        error_messages={"invalid_choice": "请从搜索结果中选择职工"},
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people.select_related("hospital", "department")


class BranchChoice(IdChoice):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.hospital.name} · {obj.name}"


class RosterAccountsForm(forms.Form):
    hospital = IdChoice(
        label="医院",
        queryset=None,
        empty_label="请选择医院",
        error_messages={"invalid_choice": "请选择医院", "required": "请选择医院"},
    )
    branch = BranchChoice(
        label="支部（不选则为全院）",
        queryset=None,
        required=False,
        empty_label="全院",
        error_messages={"invalid_choice": "请选择该医院的支部"},
    )

    def __init__(self, *args: Any, hospitals: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, qs in (("hospital", hospitals), ("branch", branches)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = qs


class BulkGrantForm(forms.Form):
    users = IdMultipleChoice(
        label="账号",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "请至少选择一个账号",
            "invalid_choice": "所选账号不存在或已停用",
            "invalid_pk_value": "所选账号不存在",
        },
    )
    role = forms.ChoiceField(label="角色", choices=Role.choices, initial=Role.MEMBER)
    hospital = IdChoice(
        label="医院（医院管理员、护理部）",
        queryset=None,
        required=False,
        empty_label="不指定",
        error_messages={"invalid_choice": "请选择医院"},
    )
    branch = BranchChoice(
        label="支部（支部书记）",
        queryset=None,
        required=False,
        empty_label="不指定",
        error_messages={"invalid_choice": "请选择支部"},
    )

    def __init__(
        self, *args: Any, users: Any, hospitals: Any, branches: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, qs in (("users", users), ("hospital", hospitals), ("branch", branches)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = qs


class AuditFilterForm(forms.Form):
    """The audit trail's filters. A field that is not valid (a malformed date, an unknown
    action) is ignored on its own; the others still filter (``valid_filters``)."""

    username = LenientText(label="用户（姓名或用户名）", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False)
    success = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), ("1", "成功"), ("0", "失败")]
    )
    date_from = DayField(label="起", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DayField(label="止", required=False, widget=forms.DateInput(attrs={"type": "date"}))

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
    date_from = DayField(label="起", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DayField(label="止", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, models: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["model"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "全部"), *models]

    def valid_filters(self) -> dict[str, Any]:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
