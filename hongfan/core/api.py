"""The API's exception handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``): what a service
raises becomes the DRF error a page would show.

- Django's ``PermissionDenied`` / ``Http404`` → 403 / 404 (a 403 is audited);
- Django's ``ValidationError`` → 400 keeping the field keys: ``{field: [messages]}`` for an
  error raised with a dict (``"__all__"`` for a model's non-field errors, as
  ``message_dict`` names them), ``{"detail": [messages]}`` for an error raised with plain
  messages. API views call services without catching their ``ValidationError``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from hongfan.core.audit import AuditAction, audit_log

_CHINESE = {
    exceptions.NotAuthenticated: "请先登录",
    exceptions.AuthenticationFailed: "认证失败",
    exceptions.PermissionDenied: "没有权限执行此操作",
    exceptions.NotFound: "对象不存在",
}


def validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError as the API's 400, field keys kept."""
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"detail": exc.messages})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    elif isinstance(exc, DjangoDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    response = drf_handler(exc, context)
    if response is None:
        return None
    for cls, text in _CHINESE.items():
        if isinstance(exc, cls) and exc.detail == cls.default_detail:
            response.data = {"detail": text}
    if isinstance(exc, exceptions.PermissionDenied):
        request = context.get("request")
        audit_log(
            action=AuditAction.DENIED,
            request=request,
            success=False,
            path=getattr(request, "path", "")[:200],
        )
    return response
