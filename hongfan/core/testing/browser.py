"""Shared pieces of the real-browser tests (Playwright driving Debian's /usr/bin/chromium
against pytest-django's ``live_server``). It is a pytest plugin (root conftest.py), so the
fixtures ``browser``, ``demo_city`` and ``open_page`` are there for any test; modules import
the helpers (``login``, ``shot``, ``PHONE``...) they call.

Two things every browser module needs and gets here: ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set
only while Playwright runs, and the small demo city, which ``live_server``'s transactional
tests flush, is rebuilt after the module so later tests still find it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from hongfan.core.testing.demo import demo_city_present, restore_after_module, restore_demo_city

CHROMIUM = os.environ.get("HONGFAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "Hongfan@2026"
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
DESKTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 900}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
TIMEOUT_MS = 15_000


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    # Only while Playwright runs (set here, not at import, so that `make test`, which also
    # imports this module, keeps Django's async-safety check for every other test).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                yield b
            finally:
                b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def _restore_demo_city(django_db_blocker: Any) -> Iterator[None]:
    yield from restore_after_module(django_db_blocker)


@pytest.fixture
def demo_city(live_server: Any, _restore_demo_city: None) -> Any:
    """The live server, with the small demo city present in its (committed) database."""
    if not demo_city_present():
        restore_demo_city()
    return live_server


# Every Content-Security-Policy violation in a page is reported to the test (the browser
# also logs it to the console, which is watched as well).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__hfCspViolation(e.violatedDirective + " blocked " + (e.blockedURI || "?") + " in "
    + e.sourceFile + ":" + e.lineNumber + " " + (e.sample || ""));
});
"""


@pytest.fixture
def open_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """open_page(size) -> a fresh page in its own context; JS errors and Content-Security-
    Policy violations fail the test. When the test fails, every page it opened is saved as
    FAILED-<test>-<n>.png."""
    contexts: list[Any] = []
    errors: list[str] = []
    violations: list[str] = []
    failed_before = request.session.testsfailed

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    def make(size: dict[str, Any]) -> Any:
        ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **size)
        ctx.set_default_timeout(TIMEOUT_MS)
        ctx.expose_binding("__hfCspViolation", lambda source, text: violations.append(text))
        ctx.add_init_script(CSP_LISTENER)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", on_console)
        return page

    yield make
    if request.session.testsfailed > failed_before:
        for i, ctx in enumerate(contexts):
            for page in ctx.pages:
                page.screenshot(path=str(SHOTS / f"FAILED-{request.node.name}-{i}.png"))
    for ctx in contexts:
        ctx.close()
    assert not errors, f"JavaScript errors in the page: {errors}"
    assert not violations, f"Content-Security-Policy violations in the page: {violations}"


def login(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


def shot(page: Any, name: str) -> Path:
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = no sideways scroll)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )
