"""With DEBUG off (as `make demo` and production run), every error a user can meet is a
Chinese page of ours, never Django's English one: 400 (a refused host), 403, 404, 500 and
a CSRF failure. The 500 page is drawn without the database or the context processors (the
database may be what failed)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.utils import OperationalError
from django.test import Client, RequestFactory
from django.urls import path

from hongfan import urls as site_urls
from hongfan.core import views

CHINESE_HTML = "text/html"


def forbidden_view(request):
    raise PermissionDenied


def broken_view(request):
    raise OperationalError("database is locked")


# The site's own URLs and error handlers, plus two views that fail on purpose.
urlpatterns = [
    path("test-errors/forbidden/", forbidden_view),
    path("test-errors/broken/", broken_view),
    *site_urls.urlpatterns,
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500

pytestmark = pytest.mark.urls(__name__)
db = pytest.mark.django_db


def page(response) -> str:
    assert response["Content-Type"].startswith(CHINESE_HTML)
    text = response.content.decode()
    assert '<html lang="zh-CN">' in text
    for english in ("Not Found", "Server Error", "Bad Request", "Forbidden", "CSRF verification"):
        assert english not in text
    return text


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return settings


@db
def test_an_unknown_address_answers_the_chinese_404_page(production, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面或对象不存在" in page(response)


@db
def test_a_logged_in_user_gets_the_404_page_inside_the_site_frame(production, client_for):
    response = client_for("member").get("/no-such-page/")
    assert response.status_code == 404
    text = page(response)
    assert "页面或对象不存在" in text
    assert "退出" in text  # the menu bar of a logged-in page


@db
def test_a_refused_host_answers_the_chinese_400_page(production, client):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "请求无法处理" in page(response)


@db
def test_permission_denied_answers_the_chinese_403_page(production, client_for):
    response = client_for("member").get("/test-errors/forbidden/")
    assert response.status_code == 403
    assert "没有权限访问此页面" in page(response)


@db
def test_the_403_handler_shows_the_reason_it_is_given(rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    response = views.permission_denied(request, PermissionDenied("只有市级管理员可以编辑日历"))
    assert response.status_code == 403
    assert "只有市级管理员可以编辑日历" in response.content.decode()


@db
def test_an_unexpected_error_answers_the_chinese_500_page(production):
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/broken/")
    assert response.status_code == 500
    text = page(response)
    assert "系统暂时出错" in text
    assert "database is locked" not in text  # nothing of the error itself is shown


@db
def test_a_failed_csrf_check_answers_the_chinese_page(production):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # the CSRF cookie, but no token in the form
    response = client.post("/accounts/login/", {"username": "member", "password": "x"})
    assert response.status_code == 403
    assert "页面已过期" in page(response)


@db
def test_a_browser_without_cookies_is_told_to_allow_them(production):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "member", "password": "x"})
    assert response.status_code == 403
    assert "允许本站使用 Cookie" in page(response)


def exploding_processor(request):
    raise AssertionError("an error page ran the context processors")


# Without the django_db mark the test database is blocked: any query fails the test; and
# a context processor that explodes proves none is run.
@pytest.mark.parametrize(
    "handler,status,heading",
    [
        (views.server_error, 500, "系统暂时出错"),
        (views.csrf_failure, 403, "页面已过期"),
        (views.bad_request, 400, "请求无法处理"),
    ],
)
def test_standalone_error_pages_need_neither_the_database_nor_context_processors(
    settings, handler, status, heading
):
    settings.DEBUG = False
    engine = dict(settings.TEMPLATES[0])
    engine["OPTIONS"] = dict(engine["OPTIONS"])
    engine["OPTIONS"]["context_processors"] = [f"{__name__}.exploding_processor"]
    settings.TEMPLATES = [engine]
    response = handler(RequestFactory().get("/"))
    assert response.status_code == status
    text = page(response)
    assert heading in text
    assert "/static/hongfan/errors.css" in text  # its own small stylesheet, no template tag
