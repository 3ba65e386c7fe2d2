"""The 消息设置 form: one choice per category and channel the site has."""

from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.notify import LEVELS
from hongfan.notices.selectors import PreferenceRow


def field_name(index: int, channel: str) -> str:
    return f"c{index}_{channel}"


class PreferencesForm(forms.Form):
    """Built from ``preference_table``: each field is one (category, channel) choice."""

    def __init__(self, *args: Any, table: list[PreferenceRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.table = table
        self.pairs: dict[str, tuple[str, str]] = {}
        for index, row in enumerate(table):
            for choice in row.channels:
                name = field_name(index, choice.channel)
                label = f"{row.category.name}·{choice.label}"
                self.pairs[name] = (row.category.name, choice.channel)
                self.fields[name] = forms.ChoiceField(
                    label=choice.label,
                    choices=list(LEVELS.items()),
                    initial=choice.level,
                    error_messages={
                        "required": f"请选择“{label}”的接收方式",
                        "invalid_choice": f"“{label}”的选择无效，请从列表中选择",
                    },
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )

    def rows(self) -> list[tuple[PreferenceRow, list[forms.BoundField]]]:
        """The table with each category's bound fields, for the template."""
        return [
            (row, [self[field_name(i, c.channel)] for c in row.channels])
            for i, row in enumerate(self.table)
        ]

    def levels(self) -> dict[tuple[str, str], str]:
        return {self.pairs[name]: self.cleaned_data[name] for name in self.pairs}
