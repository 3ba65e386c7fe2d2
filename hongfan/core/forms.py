from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


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
