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

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from hongfan.core.audit import AuditAction, audit_log

_CHINESE = {
    exceptions.NotAuthenticated: "请先登录",
    exceptions.AuthenticationFailed: "认证失败",
    exceptions.PermissionDenied: "没有权限执行此操作",
    exceptions.NotFound: "对象不存在",
}


CSRF_FAILED = "CSRF 校验失败：写操作须在 X-CSRFToken 请求头中带上 csrftoken Cookie 的值"


def flat_errors(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """A 400's errors in one shape: ``{field: [messages]}``. A nested serializer's errors are
    keyed by their path (``answers.0.answer``); a bare message (a malformed JSON body) goes
    under ``detail``."""
    out: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flat_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list) and all(isinstance(v, str) for v in data):
        if data:
            out[prefix or "detail"] = [str(v) for v in data]
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.update(flat_errors(value, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out[prefix or "detail"] = [str(data)]
    return out


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
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        response.data = {"detail": CSRF_FAILED}
    if response.status_code == 400:
        response.data = flat_errors(response.data)
    if isinstance(exc, exceptions.PermissionDenied):
        request = context.get("request")
        audit_log(
            action=AuditAction.DENIED,
            request=request,
            success=False,
            path=getattr(request, "path", "")[:200],
        )
    return response


# --- The API's description (drf-spectacular) ----------------------------------------------
#
# Every operation answers its errors in one of two shapes, both produced by
# ``exception_handler`` above: ``Error`` (``{"detail": "中文说明"}``: 403, 404, 405, 415) and
# ``ValidationError`` (400: ``{field: [messages]}``). ``ApiSchema`` declares them on every
# operation where they can happen, so a client (and schemathesis) finds every status code
# the API answers in the schema.

API_ID_MAX = 2**63 - 1  # the largest id a database row can have (bigint)


def IdField(**kwargs: Any) -> serializers.IntegerField:  # noqa: N802 (a field factory)
    """An id read from a request: a positive integer a database row can have, so a huge
    or negative number is a 400 with a Chinese message, never an overflow in a query."""
    kwargs.setdefault("help_text", "编号（正整数）")
    noun = kwargs.pop("noun", "编号")
    kwargs.setdefault(
        "error_messages",
        {"min_value": f"{noun}不存在", "max_value": f"{noun}不存在", "invalid": f"{noun}须为整数"},
    )
    return serializers.IntegerField(min_value=1, max_value=API_ID_MAX, **kwargs)


ID_IN_PATH = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": API_ID_MAX},
    OpenApiParameter.PATH,
    description="编号；不存在或不在本人可见范围内时返回 404",
)


def object_id(value: Any) -> int:
    """An id from the URL path (``<int:pk>``): a number no row can have is a 404, as an id
    that is not there (the database never sees it)."""
    pk = int(value)
    if not 1 <= pk <= API_ID_MAX:
        raise exceptions.NotFound("对象不存在")
    return pk


def query(serializer_class: type[serializers.Serializer], request: Any) -> dict[str, Any]:
    """A GET's query parameters read through ``serializer_class``: a 400 for a bad one."""
    # a plain dict, not the QueryDict: DRF reads an empty value in form data as "not
    # given"; in the API ``?kind=`` is a value, and not a valid one
    s = serializer_class(data=dict(request.query_params.items()))
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="出错原因（中文）")


class ValidationErrorSerializer(serializers.Serializer):
    """400: the request was refused, nothing changed. Keys are the fields at fault."""


class ValidationErrorSchema(OpenApiSerializerExtension):
    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "object",
            "description": (
                "请求被拒绝，未做任何修改。键为出错的字段（嵌套字段以点号连接，如 "
                "answers.0.answer）；不属于某个字段的错误在 detail、__all__ 或 "
                "non_field_errors 下。值为中文说明的列表。"
            ),
            "minProperties": 1,
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }


class SessionCsrfScheme(OpenApiAuthenticationExtension):
    """Session authentication as DRF enforces it: the session cookie on every request, and on
    every unsafe method (POST …) the CSRF token in the ``X-CSRFToken`` header as well."""

    target_class = "rest_framework.authentication.SessionAuthentication"
    name = ["cookieAuth", "csrfToken"]
    priority = 1

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[Any]]:
        if auto_schema.method in SAFE_METHODS:
            return {"cookieAuth": []}
        return {"cookieAuth": [], "csrfToken": []}

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        return [
            {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME},
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-CSRFToken",
                "description": f"POST 等写操作须带上 {settings.CSRF_COOKIE_NAME} Cookie 中的值",
            },
        ]


def _error(description: str, *, validation: bool = False) -> OpenApiResponse:
    return OpenApiResponse(
        ValidationErrorSerializer if validation else ErrorSerializer, description=description
    )


class ApiSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus the error answers every operation can give: 403
        always (not logged in, no right, CSRF); 400 on a write (a bad body, or a business rule
    refusing it) and where query parameters are read;
        404 where a path names an object or a page number is read. A view declares a further
        code (a 404 for an object named in the body) with ``extend_schema(responses=…)``."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        params = operation.get("parameters", [])
        queried = any(p["in"] == "query" and p["name"] != "page" for p in params)
        named = any(p["in"] == "path" for p in params)
        paged = any(p["in"] == "query" and p["name"] == "page" for p in params)
        errors = {"403": _error("未登录、没有权限或 CSRF 校验失败")}
        if self.method not in SAFE_METHODS or queried:
            errors["400"] = _error("请求有误（字段见返回内容），未做任何修改", validation=True)
        if named or paged:
            errors["404"] = _error("对象不存在或不在本人可见范围内；或页码超出范围")
        responses = operation.setdefault("responses", {})
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code)
        operation["responses"] = dict(sorted(responses.items()))
        return operation


# Last: decorating a view reads DEFAULT_SCHEMA_CLASS, which is ApiSchema above.
@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([])
@authentication_classes([])
def not_found(request: Any, *args: Any, **kwargs: Any) -> Response:
    """Any /api/ address that names no operation (or an id no row can have): a JSON 404,
    as the API's other errors, never the site's HTML page."""
    raise exceptions.NotFound("接口不存在")
