"""Content-Security-Policy: every HTML page is sent with a strict policy (scripts and styles
only from our own static files), and no template carries what that policy would block —
inline scripts, event-handler attributes, style attributes or <style> elements. The browser
tests (open_page) fail on any violation the browser reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

pytestmark = pytest.mark.django_db

TEMPLATES = sorted(Path(settings.BASE_DIR, "hongfan").glob("**/templates/**/*.html"))
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JS_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {d[0]: d[1:] for d in directives}


def assert_strict(response) -> None:
    p = policy(response)
    assert p["default-src"] == ["'self'"]
    assert p["script-src"] == ["'self'"]
    assert p["style-src"] == ["'self'"]
    assert p["object-src"] == ["'none'"]
    assert p["frame-ancestors"] == ["'none'"]
    assert p["base-uri"] == ["'self'"]
    assert p["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_the_login_page_is_sent_with_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert_strict(response)


def test_a_logged_in_page_is_sent_with_a_strict_content_security_policy(client_for):
    response = client_for("hosp").get("/points/stars/")
    assert response.status_code == 200
    assert_strict(response)


def test_images_may_come_from_data_and_blob_urls_but_nothing_else_foreign(client):
    p = policy(client.get("/accounts/login/"))
    assert sorted(p["img-src"]) == ["'self'", "blob:", "data:"]
    assert sorted(p["font-src"]) == ["'self'", "data:"]
    assert p["connect-src"] == ["'self'"]


def test_templates_were_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_template_carries_nothing_the_policy_blocks(path):
    text = path.read_text(encoding="utf-8")
    problems = []
    for attrs, body in SCRIPT.findall(text):
        if body.strip() and "application/json" not in attrs:
            problems.append(f"inline <script>: {body.strip()[:60]!r}")
    problems += [f"event-handler attribute {m.group().strip()!r}" for m in HANDLER.finditer(text)]
    problems += ["style attribute" for _ in STYLE_ATTRIBUTE.finditer(text)]
    problems += ["<style> element" for _ in STYLE_ELEMENT.finditer(text)]
    problems += ["javascript: URL" for _ in JS_URL.finditer(text)]
    assert not problems, problems


def test_the_server_error_page_needs_no_static_files_and_no_inline_style(client):
    text = Path(settings.BASE_DIR, "hongfan", "templates", "500.html").read_text(encoding="utf-8")
    assert "{% static" not in text and "<link" not in text
    assert not STYLE_ATTRIBUTE.search(text) and not STYLE_ELEMENT.search(text)


def render(source: str, **context) -> str:
    return Template("{% load hf %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (37.4, "37"),
        (37.5, "38"),
        (100, "100"),
        (250, "100"),
        (-5, "0"),
        ("42", "42"),
        (None, "0"),
        ("", "0"),
        ("abc", "0"),
        (float("nan"), "0"),
        (float("inf"), "100"),
    ],
)
def test_a_percentage_becomes_a_whole_number_from_0_to_100(value, expected):
    assert render("{{ v|pct }}", v=value) == expected


def test_every_whole_percentage_has_a_width_class_in_app_css():
    css = Path(settings.BASE_DIR, "hongfan", "static", "hongfan", "app.css").read_text()
    for n in range(101):
        assert re.search(rf"\.hf-pct-{n}\s*\{{\s*width:\s*{n}%", css), n
