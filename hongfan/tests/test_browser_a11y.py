"""Accessibility: axe-core (vendored from its npm package, hongfan/static/vendor/axe-core/)
run in the browser on every demo role's main pages, at phone and desktop size: no critical
and no serious violation.

axe is loaded by the test only, as a script tag Playwright adds (``add_script_tag``) with
the file's static address: from 'self', so the Content-Security-Policy lets it run (a tag
with the file's content inline would be refused); no page of the application loads it. Each run's findings are written to
``test-artifacts/axe/<role>-<size>.json`` (rule, impact, how many nodes, an example), so the
counts can be compared over time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from hongfan.core.testing.browser import DESKTOP, PHONE, login, shot

pytestmark = pytest.mark.browser

AXE = "vendor/axe-core/axe.min.js"
OUT = Path(settings.BASE_DIR) / "test-artifacts" / "axe"
BLOCKING = ("critical", "serious")

# Each demo role's main pages: its home (where "/" lands) and the pages of its working day.
PAGES: dict[str, list[str]] = {
    "member": ["/", "points:mine", "orglife:mine", "study:mine"],
    "sec": ["/", "orglife:meetings", "points:claim_review", "study:hours"],
    "hosp": ["/", "org:people", "orglife:matrix", "points:rankings", "recognition:stars"],
    "city": ["/", "orglife:city", "study:hours"],
    "security": ["/"],
    "sysadmin": ["/"],
}
SIZES = {"phone": PHONE, "desktop": DESKTOP}


def axe_violations(page: Any) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=static(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
                example: v.nodes[0] && v.nodes[0].target.join(" "),
                summary: v.nodes[0] && v.nodes[0].failureSummary,
            }));
        }"""
    )
    return list(result)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", PAGES)
def test_main_pages_have_no_critical_or_serious_accessibility_violation(
    demo_city: Any, open_page: Any, role: str, size: str
) -> None:
    page = open_page(SIZES[size])
    login(page, demo_city.url, role)
    found: dict[str, list[dict[str, Any]]] = {}
    for name in PAGES[role]:
        url = name if name.startswith("/") else reverse(name)
        page.goto(f"{demo_city.url}{url}")
        page.wait_for_load_state("networkidle")
        found[page.url.removeprefix(demo_city.url)] = axe_violations(page)
        if size == "phone":
            shot(page, f"a11y-{role}-{size}-{len(found)}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{role}-{size}.json").write_text(json.dumps(found, ensure_ascii=False, indent=1))
    blocking = [
        f"{url}: {v['impact']} {v['id']} ×{v['nodes']} ({v['example']}) {v['help']}"
        for url, violations in found.items()
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert not blocking, "\n".join(blocking)
