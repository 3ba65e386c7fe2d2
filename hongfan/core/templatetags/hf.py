from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms, template
from django.core.signals import setting_changed
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

# ``{% fixed_static %}`` / ``{% fixed_url %}``: the text of a ``{% static %}`` or an argument-less
# ``{% url %}`` is fixed for the life of the process once the static storage (and its manifest)
# and the URL patterns are loaded, given the script prefix and urlconf of the request (the key
# carries both: ``set_script_prefix`` is per thread and a deployment may serve under a
# SCRIPT_NAME). Worked out once per process instead of ~60 / ~110 function calls per tag per
# page; emptied when a test overrides a setting.
_FIXED: dict[tuple[str, str, str, Any, bool], str] = {}


def _forget_fixed(**kwargs: Any) -> None:
    _FIXED.clear()


setting_changed.connect(_forget_fixed, dispatch_uid="hongfan.core.hf.fixed")


class _FixedNode(template.Node):
    def __init__(self, kind: str, arg: str) -> None:
        self.kind = kind
        self.arg = arg

    def render(self, context: template.Context) -> str:
        key = (self.kind, self.arg, get_script_prefix(), get_urlconf(), context.autoescape)
        try:
            return _FIXED[key]
        except KeyError:
            pass
        text = static(self.arg) if self.kind == "static" else reverse(self.arg)
        if context.autoescape:
            text = conditional_escape(text)
        _FIXED[key] = text
        return text


def _fixed_tag(kind: str, parser: template.base.Parser, token: template.base.Token) -> _FixedNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "'\"" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one quoted string")
    return _FixedNode(kind, bits[1][1:-1])


@register.tag
def fixed_static(parser: template.base.Parser, token: template.base.Token) -> _FixedNode:
    """``{% fixed_static 'path' %}`` — ``{% static 'path' %}``, worked out once per process."""
    return _fixed_tag("static", parser, token)


@register.tag
def fixed_url(parser: template.base.Parser, token: template.base.Token) -> _FixedNode:
    """``{% fixed_url 'name' %}`` — ``{% url 'name' %}`` of a pattern without arguments,
    worked out once per process (per script prefix)."""
    return _fixed_tag("url", parser, token)


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
