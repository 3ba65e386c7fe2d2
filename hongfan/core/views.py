"""The error pages (handlers in hongfan/urls.py, CSRF_FAILURE_VIEW in settings): Chinese, with
DEBUG off. 403 and 404 are drawn inside the site's frame (menu, for a logged-in user); 400,
500 and a CSRF failure are standalone pages that need neither the database nor the context
processors — a 500 may come from a database that is down, a 400 from a request whose host
is refused (which the context processors would trip over again)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from hongfan.core import health

FORBIDDEN = "没有权限访问此页面"


def _standalone(
    request: HttpRequest, template: str, status: int, **context: object
) -> HttpResponse:
    """Rendered without the request: no context processors, no database, no session."""
    context.setdefault("stylesheet", f"{settings.STATIC_URL}hongfan/errors.css")
    context.setdefault("request_id", getattr(request, "request_id", ""))
    return HttpResponse(loader.get_template(template).render(context), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _standalone(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception is not None and str(exception) else FORBIDDEN
    return render(request, "403.html", {"message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _standalone(request, "500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _standalone(request, "csrf.html", 403, no_cookie=reason == REASON_NO_CSRF_COOKIE)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For monitoring, without a login: 200 when every check passes, else 503, with
    ``{"status": "ok"|"fail", "checks": {name: {"status", "detail", "ms"}}}``. It touches
    neither the session nor the CSRF token, so it sets no cookie."""
    ok, checks = health.run_checks()
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503
    )
