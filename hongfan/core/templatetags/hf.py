from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()


@register.filter
def bs(field: Any) -> str:
    """Render a bound field with the Bootstrap class its widget needs."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    return field.as_widget(attrs=attrs)


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``mapping|get:key`` — a dictionary lookup with a variable key ("" when missing)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
