from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from hongfan.core import health


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # 错误编号: the request id, by which support finds the request's log lines.
    return render(
        request, "500.html", {"request_id": getattr(request, "request_id", "")}, status=500
    )


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
