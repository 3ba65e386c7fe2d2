"""Forms of claims and appeals: a member's claim (its rules labelled with what they earn),
an appeal, and the reviewer's decisions."""

from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.dates import today
from hongfan.core.forms import DayField, IdChoice, set_queryset
from hongfan.org.forms.widgets import DATE
from hongfan.points.models import PointRule, PointRuleVersion
from hongfan.points.services import appeals as appeal_services
from hongfan.points.services import claims as claim_services
from hongfan.points.services.awarding import CAP_LABELS


def rule_hint(version: PointRuleVersion) -> str:
    """What a claim under this version earns, for the form: "+1分/次，每日上限8分"."""
    parts = [f"{version.points.normalize():+f}分/次"]
    for period, label in CAP_LABELS.items():
        cap = version.cap_for(period)
        if cap is not None:
            parts.append(f"{label}上限{cap.normalize():f}分")
    return "，".join(parts)


class RuleChoiceField(IdChoice):
    """Rules labelled with what they earn under the version in force today."""

    labels: dict[int, str] = {}

    def label_from_instance(self, obj: Any) -> str:
        return self.labels.get(obj.pk, obj.name)


class ClaimForm(forms.Form):
    rule = RuleChoiceField(
        label="申报事项", queryset=PointRule.objects.none(), empty_label="请选择"
    )
    occurred_on = DayField(label="发生日期", widget=DATE)
    quantity = forms.DecimalField(
        label="数量",
        max_digits=6,
        decimal_places=1,
        initial=1,
        help_text="一般为1；志愿服务按小时数填写",
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label="情况说明",
        required=False,
        max_length=claim_services.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "时间、地点、做了什么、谁可以证明"}),
    )
    photo = forms.FileField(
        label="佐证照片",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args: Any, rules: list[PointRule], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "rule", PointRule.objects.filter(pk__in=[r.pk for r in rules]))
        field = self.fields["rule"]
        assert isinstance(field, RuleChoiceField)
        field.labels = {
            r.pk: f"{r.name}（{rule_hint(r.current)}）"  # type: ignore[attr-defined]
            for r in rules
        }
        self.fields["occurred_on"].widget.attrs["max"] = today().isoformat()


class AppealForm(forms.Form):
    reason = forms.CharField(
        label="申诉理由",
        max_length=appeal_services.APPEAL_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "说明哪里不对、依据是什么"}),
    )


class DecideForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", "通过"), ("reject", "驳回")])
    reason = forms.CharField(required=False, max_length=claim_services.DECISION_MAX)


class AppealDecideForm(forms.Form):
    action = forms.ChoiceField(choices=[("uphold", "申诉成立"), ("dismiss", "申诉不成立")])
    reason = forms.CharField(required=False, max_length=claim_services.DECISION_MAX)
