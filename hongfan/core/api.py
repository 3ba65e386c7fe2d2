from __future__ import annotations

from typing import Any

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


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    from django.core.exceptions import PermissionDenied as DjangoDenied
    from django.http import Http404

    if isinstance(exc, DjangoDenied):
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
