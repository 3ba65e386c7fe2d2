from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
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


@register.filter
def pct(value: Any) -> int:
    """A percentage as a whole number from 0 to 100, for the ``hf-pct-<n>`` width classes
    of app.css (pages carry no style attributes: Content-Security-Policy style-src 'self')."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0
    if math.isnan(number):
        return 0
    number = max(0.0, min(100.0, number))
    return int(Decimal(str(number)).quantize(Decimal(1), ROUND_HALF_UP))
