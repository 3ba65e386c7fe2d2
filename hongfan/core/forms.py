from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
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
        picked = [pk for v in value if (pk := id_or_none(v)) is not None]
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


# The ids a request may name: a primary key is a 64-bit signed integer, so 1 … 2**63 − 1.
# Django 5.x guards only a plain lookup on an integer column (``pk=``, ``pk__gt=`` …,
# django.db.models.lookups.IntegerFieldOverflow): ``pk__in`` (every multiple choice), a
# foreign key (``branch_id=``), ``__range`` and every write still hand the number to the
# driver, and SQLite's answers OverflowError, a 500. So every id read from a request (query
# strings, form choices, FilterSet choices, path converters, API parameters) is parsed here,
# before any queryset sees it.
PK_MIN = 1
PK_MAX = 2**63 - 1


def id_or_none(raw: Any) -> int | None:
    """An id from a request, or None for anything that cannot be one: text, a sign, a
    fraction, non-ASCII digits, zero, or a number beyond the 64-bit range."""
    raw = str(raw)
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(PK_MAX)):
        return None
    value = int(raw)
    return value if PK_MIN <= value <= PK_MAX else None


def _integer_pk(queryset: Any) -> bool:
    pk = queryset.model._meta.pk
    return isinstance(getattr(pk, "target_field", None) or pk, models.IntegerField)


class IdChoice(forms.ModelChoiceField):
    """A row picked by id: anything that cannot be an id (text, a NUL byte, a number beyond
    the 64-bit range, a negative one) is the field's "not among the choices" error, before
    the queryset is asked. Every model choice of the project is one (or a subclass); a
    ModelForm gets them through ``IdModelForm``."""

    def to_python(self, value: Any) -> Any:
        if (
            value not in self.empty_values
            and not isinstance(value, models.Model)
            and self.to_field_name is None
            and _integer_pk(self.queryset)
            and id_or_none(value) is None
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoice(forms.ModelMultipleChoiceField):
    """Rows picked by id (``IdChoice`` for several): one value that cannot be an id refuses
    the lot, without the queryset's ``pk__in`` ever seeing it."""

    def _check_values(self, value: Any) -> Any:
        if self.to_field_name is None and _integer_pk(self.queryset):
            for v in value:
                if not isinstance(v, models.Model) and id_or_none(v) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": str(v)[:20]},
                    )
        return super()._check_values(value)  # type: ignore[misc]


# The days a form accepts: a business date outside these is a typo, and 0001-01-01 or
# 9999-12-31 overflow as soon as they meet a time zone or a day is added (a 500).
DAY_MIN = date(1900, 1, 1)
DAY_MAX = date(2199, 12, 31)


class DayField(forms.DateField):
    """A date typed in a form, between ``DAY_MIN`` and ``DAY_MAX`` (a Chinese error else).
    Every date field of the project's forms is one; a ModelForm gets them through
    ``IdModelForm``."""

    def to_python(self, value: Any) -> Any:
        day = super().to_python(value)
        if day is not None and not DAY_MIN <= day <= DAY_MAX:
            raise ValidationError(
                f"日期应在 {DAY_MIN.isoformat()} 至 {DAY_MAX.isoformat()} 之间", code="out_of_range"
            )
        return day


def id_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:  # type: ignore[type-arg]
    """A ModelForm's field for ``db_field``: a relation is picked with ``IdChoice`` /
    ``IdMultipleChoice``."""
    if isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", IdChoice)
    elif isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", IdMultipleChoice)
    elif type(db_field) is models.DateField:
        kwargs.setdefault("form_class", DayField)
    return db_field.formfield(**kwargs)


class IdModelForm(forms.ModelForm):
    """The project's ModelForm: its relations are bounded id choices (``id_formfield``). A
    subclass's ``Meta`` inherits ``IdModelForm.Meta``, which carries the callback."""

    class Meta:
        formfield_callback = id_formfield


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A FilterSet's row picked by id (``IdChoice``): a value that cannot be an id is an
    invalid filter, ignored like any other, never a 500."""

    field_class = IdChoice


class IdMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = IdMultipleChoice


# The longest text a lenient filter reads (a search term longer than this is cut): SQLite
# refuses a LIKE pattern of 100k characters ("pattern too complex"), a 500.
LENIENT_MAX = 200


class LenientText(forms.CharField):
    """Text as typed, never refused: a NUL byte is dropped (the database would refuse it),
    surrounding spaces kept, and text beyond ``max_length`` (else ``LENIENT_MAX``) cut. For
    list filters, where bad input is ignored, not an error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("strip", False)
        super().__init__(*args, **kwargs)
        self.validators = []

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value) or "").replace("\x00", "")
        return text[: self.max_length or LENIENT_MAX]


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
