"""Writing audit events. Never put 身份证号 or 手机号 in ``detail``."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.encoding import smart_str

from hongfan.core.models import AuditAction, AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_log(
    *,
    action: str,
    request: HttpRequest | None = None,
    user: Any = None,
    actor_id: int | None = None,
    username: str = "",
    target: Any = None,
    hospital_id: int | None = None,
    success: bool = True,
    **detail: Any,
) -> AuditEvent:
    if user is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            user = request.user
    if user is None and actor_id is not None:
        # Called without a request (API helper, import, task): still record who acted.
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=actor_id).first()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if not username and user is not None:
        username = user.get_username()
    target_type = target_id = target_repr = ""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_repr = str(target)[:200]
        if hospital_id is None:
            hospital_id = getattr(target, "hospital_id", None)
    return AuditEvent.objects.create(
        action=action,
        user=user,
        username=username[:150],
        ip=client_ip(request),
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        hospital_id=hospital_id,
        detail=detail,
        success=success,
    )


def _created_changes(obj: Any, fields: list[Any]) -> dict[str, list[str]]:
    """A new row's fields as django-auditlog writes a CREATE (``{name: ["None", value]}``,
    a foreign key by its id), read from the row's own columns only: auditlog's own
    ``model_instance_diff`` also reads reverse relations, one query each per row."""
    out: dict[str, list[str]] = {}
    for field in fields:
        value = getattr(obj, field.attname)
        if value is None or value == "":
            continue
        if isinstance(field, models.DateTimeField) and timezone.is_aware(value):
            value = timezone.make_naive(value, UTC)
        out[field.name] = ["None", smart_str(value)]
    return out


def data_created_many(instances: list[Any], *, request: HttpRequest | None = None) -> int:
    """Record rows written with ``bulk_create`` (which sends no signals, so django-auditlog
    does not see them) in the data-change log, as auditlog records one saved row: a CREATE
    entry per row with its fields (the model's registered exclusions apply, so personal data
    stays out), the acting user and address. The rows must have their primary keys (as
    ``bulk_create`` returns them on SQLite and PostgreSQL). Returns the entries written;
    no query per row."""
    from auditlog.cid import get_cid
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog
    from django.contrib.contenttypes.models import ContentType

    if not instances:
        return 0
    model = type(instances[0])
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    options = auditlog.get_model_fields(model)
    include, exclude = options["include_fields"], set(options["exclude_fields"])
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in exclude and (not include or f.name in include)
    ]
    content_type = ContentType.objects.get_for_model(model)
    cid = get_cid()
    entries = [
        LogEntry(
            content_type=content_type,
            object_pk=str(obj.pk),
            object_id=obj.pk if isinstance(obj.pk, int) else None,
            object_repr=str(obj)[:200],
            action=LogEntry.Action.CREATE,
            changes=_created_changes(obj, fields),
            actor=user,
            actor_email=getattr(user, "email", None) if user is not None else None,
            remote_addr=client_ip(request),
            cid=cid,
        )
        for obj in instances
    ]
    LogEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


__all__ = ["AuditAction", "audit_log", "client_ip", "data_created_many"]
