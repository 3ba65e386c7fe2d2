"""Every app has the same parts in the same places (docs/app-anatomy.md).

The test reads the folders, not the code. What an app may not do: hold a module whose name
is a layer with a suffix or prefix (``claim_views.py``, ``models_workflow.py``), hold both a
layer's module and its package, let a flat layer module grow past ``FLAT_LIMIT`` lines
(then it becomes a package with one file per noun), or put at its root a module that is
none of the known parts. What it must have: ``apps.py``, ``tests/`` with ``factories.py``,
and ``urls.py`` with ``app_name`` when it serves pages.

``KNOWN`` lists what is still out of shape today (issue 9), each with the rule it breaks.
The list is strict: once a deviation is mended, the test fails until its line is removed,
so the list only shrinks. A new app, or a new module, never goes on it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # hongfan/
APPS = sorted(
    p.name
    for p in ROOT.iterdir()
    if p.is_dir() and (p / "apps.py").exists() and p.name != "core"  # core has no domain
)
LAYERS = ("models", "services", "selectors", "forms", "views")
# What may sit at an app's root besides the layers (ARCHITECTURE.md "Inside a domain app").
PARTS = {
    "__init__",
    "apps",
    "urls",
    "choices",
    "filters",
    "nav",
    "tasks",
    "signals",
    "admin",
    "checks",
    "demo",
    "rules",
    "policy",
    "validators",
    "middleware",
    "backends",
    "documents",
    "exports",
    "periods",
}
FLAT_LIMIT = 400
SUFFIXED = re.compile(rf"^(\w+_({'|'.join(LAYERS)})|({'|'.join(LAYERS)})_\w+)\.py$")

# Empty since issue 9 put every app in shape; it stays the place for a deviation that must
# be accepted for a while, never for a new app or module.
KNOWN: dict[tuple[str, str], str] = {}


def deviations(app: str) -> dict[str, str]:
    """What in ``app`` is out of shape: {path inside the app: the rule it breaks}."""
    base = ROOT / app
    found: dict[str, str] = {}
    for path in sorted(base.glob("*.py")):
        name, stem = path.name, path.stem
        if SUFFIXED.match(name):
            found[name] = "suffixed"
        elif stem in LAYERS:
            if (base / stem).is_dir():
                found[name] = "module and package"
            elif len(path.read_text(encoding="utf-8").splitlines()) > FLAT_LIMIT:
                found[name] = "too long"
        elif stem not in PARTS:
            found[name] = "unknown part"
    for layer in LAYERS:
        package = base / layer
        if package.is_dir():
            for path in sorted(package.glob("*.py")):
                if SUFFIXED.match(path.name):
                    found[f"{layer}/{path.name}"] = "suffixed"
    if not (base / "tests").is_dir():
        found["tests/"] = "missing"
    elif not (base / "tests" / "factories.py").exists():
        found["tests/factories.py"] = "missing"
    serves_pages = (base / "views.py").exists() or (base / "views").is_dir()
    urls = base / "urls.py"
    if serves_pages and not (urls.exists() and "app_name" in urls.read_text(encoding="utf-8")):
        found["urls.py"] = "missing app_name"
    return found


@pytest.mark.parametrize("app", APPS)
def test_every_app_has_the_anatomy(app: str):
    found = deviations(app)
    known = {path: rule for (a, path), rule in KNOWN.items() if a == app}
    new = {p: r for p, r in found.items() if known.get(p) != r}
    assert not new, f"hongfan/{app} is out of shape (docs/app-anatomy.md): {new}"
    mended = sorted(set(known) - set(found))
    assert not mended, f"hongfan/{app}: mended, remove from KNOWN: {mended}"


def test_the_known_deviations_name_real_apps():
    assert {app for app, _ in KNOWN} <= set(APPS)


def test_a_suffixed_module_is_caught(tmp_path, monkeypatch):
    app = tmp_path / "demoapp"
    (app / "tests").mkdir(parents=True)
    for name in ("apps.py", "urls.py", "claim_views.py", "models_extra.py", "helpers.py"):
        (app / name).write_text("app_name = 'demoapp'\n", encoding="utf-8")
    (app / "tests" / "factories.py").write_text("", encoding="utf-8")
    (app / "views.py").write_text("x = 1\n" * (FLAT_LIMIT + 1), encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert deviations("demoapp") == {
        "claim_views.py": "suffixed",
        "models_extra.py": "suffixed",
        "helpers.py": "unknown part",
        "views.py": "too long",
    }


def test_the_app_template_has_every_part():
    template = ROOT.parent / "docs" / "app-template"
    names = {p.relative_to(template).as_posix() for p in template.rglob("*") if p.is_file()}
    for part in (
        "apps.py-tpl",
        "urls.py-tpl",
        "models.py-tpl",
        "choices.py-tpl",
        "services.py-tpl",
        "selectors.py-tpl",
        "forms.py-tpl",
        "filters.py-tpl",
        "views.py-tpl",
        "nav.py-tpl",
        "tests/factories.py-tpl",
        "tests/role_rows.py-tpl",
    ):
        assert part in names, part


# --- views hold no ORM calls ------------------------------------------------------------------
#
# A view reads through selectors and writes through services; ``.objects`` in a view module
# (pages or API) is a query that escaped them. Today's are counted per module (issue 9); the
# counts may only go down, and a module not listed must have none.

ORM_IN_VIEWS: dict[str, int] = {}  # none left since issue 9
# ``Model.objects.none()`` runs no query (an API view names its model for the schema so).
_ORM = re.compile(r"\.objects\b(?!\.none\(\))")


def view_modules() -> list[Path]:
    found = set(ROOT.glob("*/views.py")) | set(ROOT.glob("*/*_views.py"))
    found |= set(ROOT.glob("*/views/*.py")) | set(ROOT.glob("*/api/views.py"))
    found |= set(ROOT.glob("*/api/views/*.py"))
    return sorted(p for p in found if "tests" not in p.parts)


def test_views_make_no_orm_calls_of_their_own():
    counts = {
        path.relative_to(ROOT).as_posix(): len(_ORM.findall(path.read_text(encoding="utf-8")))
        for path in view_modules()
    }
    grown = {m: n for m, n in counts.items() if n > ORM_IN_VIEWS.get(m, 0)}
    assert not grown, f"ORM calls in views (use a selector or a service): {grown}"
    shrunk = {m: n for m, n in counts.items() if m in ORM_IN_VIEWS and n < ORM_IN_VIEWS[m]}
    gone = sorted(set(ORM_IN_VIEWS) - set(counts))
    assert not shrunk and not gone, f"lower ORM_IN_VIEWS to {shrunk}, remove {gone}"
