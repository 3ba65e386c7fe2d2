"""Assertion helpers shared by the service tests."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict


def messages_of(exc: ValidationError) -> str:
    return " ".join(m for msgs in exc.message_dict.values() for m in msgs)


def row(obj) -> dict:
    obj.refresh_from_db()
    return {**model_to_dict(obj), "updated_at": getattr(obj, "updated_at", None)}
