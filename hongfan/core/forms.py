from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hongfan.core.dates import today

DJANGO_EMPTY = "---------"
EMPTY_LABEL = "请选择"


class FormRenderer(DjangoTemplates):
    """Django's form renderer (``FORM_RENDERER``), with Django's empty choice ``---------``
    read as 请选择 in every select, so no form has to remember to set ``empty_label``."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict):
            for _group, options, _index in widget.get("optgroups") or ():
                for option in options:
                    if option.get("label") == DJANGO_EMPTY:
                        option["label"] = EMPTY_LABEL
        return super().render(template_name, context, request)


class SearchSelect(forms.Select):
    """A model choice that is searched as the user types instead of listing every row: the
    page carries only the chosen row; the rest come from the JSON endpoint named by the
    ``data-search`` attribute (``?q=…`` → ``{"results": [{"value", "text"}]}``), which the
    view sets with ``search_url``. The field's queryset still decides what a POST may pick,
    so the endpoint only ever offers a subset of it."""

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> Any:
        iterator = self.choices
        queryset = getattr(iterator, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        picked = [v for v in value if str(v).isdigit() and len(str(v)) < 19]
        field = iterator.field  # type: ignore[attr-defined]
        # The empty choice has no label: the search box shows its placeholder instead.
        choices: list[tuple[Any, str]] = [("", "")] if field.empty_label is not None else []
        choices += [
            (forms.models.ModelChoiceIteratorValue(obj.pk, obj), field.label_from_instance(obj))
            for obj in queryset.filter(pk__in=picked)
        ]
        self.choices = choices
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = iterator


def search_url(form: forms.BaseForm, name: str, url: str) -> None:
    """Point a ``SearchSelect`` field at the endpoint that searches its rows."""
    form.fields[name].widget.attrs.update({"data-search": url, "placeholder": "输入姓名搜索"})


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError onto a form: field errors where the field exists."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for err in errors:
                form.add_error(target, err.messages[0] if hasattr(err, "messages") else str(err))
    else:
        for msg in exc.messages:
            form.add_error(None, msg)


def set_queryset(form: forms.BaseForm, name: str, queryset: Any) -> None:
    """Narrow a model-choice field's options (typed helper for django-stubs)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def run_form(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    success: str | Callable[[Any], str],
    next_url: str | Callable[[Any], str],
    title: str,
    back: str,
    intro: str = "",
    template: str = "org/simple_form.html",
) -> HttpResponse:
    """The one way a simple form page works: on a valid POST call the service with the
    cleaned data; its ValidationError goes back onto the form (nothing changed), success
    flashes a message and redirects; otherwise render the form."""
    saved, result = form_save(request, form, save, success=success)
    if saved:
        return redirect(next_url(result) if callable(next_url) else next_url)
    return render(request, template, {"form": form, "title": title, "back": back, "intro": intro})


def form_save(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    success: str | Callable[[Any], str],
) -> tuple[bool, Any]:
    """The saving half of a form page (for pages with more than one form): on a valid POST
    call the service with the cleaned data; its ValidationError goes back onto the form
    (nothing changed); success flashes a message. Returns (saved, the service's result)."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        result = save(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return False, None
    messages.success(request, success(result) if callable(success) else success)
    return True, result


# The largest id a database column holds (SQLite overflows beyond it).
PK_MAX = 2**63 - 1


def id_or_none(raw: str) -> int | None:
    """An id from a query string, or None for text, a sign, non-ASCII digits or a number
    too big to be one."""
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if value <= PK_MAX else None


class LenientText(forms.CharField):
    """Text as typed, never refused: a NUL byte is dropped (the database would refuse it),
    surrounding spaces kept. For list filters, where bad input is ignored, not an error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("strip", False)
        super().__init__(*args, **kwargs)
        self.validators = []

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value) or "").replace("\x00", "")


class TextFilter(django_filters.CharFilter):
    """A FilterSet field read leniently (``LenientText``); the FilterSet interprets it."""

    field_class = LenientText


def error_text(exc: ValidationError) -> str:
    """A service's ValidationError as one line for a flash message (its messages joined)."""
    return "；".join(exc.messages)


def year_param(request: HttpRequest) -> int:
    """The year a page is asked for (``?year=``): this year unless a valid one is asked for."""
    raw = request.GET.get("year", "")
    this = today().year
    if raw.isdigit() and 2000 <= int(raw) <= this + 1:
        return int(raw)
    return this
