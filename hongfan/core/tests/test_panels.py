"""core.panels: a higher app lends a section to a lower app's page; the page draws the
registered sections in order, each as ``{% include %}`` would, without naming the app."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, engines

from hongfan.core import panels
from hongfan.core.access import Access


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> list[panels.Panel]:
    fresh: list[panels.Panel] = []
    monkeypatch.setattr(panels, "_panels", fresh)
    return fresh


def _context(label: str) -> Any:
    return lambda access, obj: {"label": f"{label}:{obj}"}


def test_a_page_gets_its_panels_in_order_with_their_context(registry):
    panels.register(
        panels.Panel(panels.PERSON, "b.html", _context("second"), order=20),
        panels.Panel(panels.HOSPITAL, "h.html", _context("hospital"), order=1),
        panels.Panel(panels.PERSON, "a.html", _context("first"), order=10),
    )
    shown = panels.panels_for(panels.PERSON, access=Access(None), obj="张三")
    assert [(s.template, s.context) for s in shown] == [
        ("a.html", {"label": "first:张三"}),
        ("b.html", {"label": "second:张三"}),
    ]
    assert panels.panels_for(panels.HOSPITAL, access=Access(None), obj=1)[0].template == "h.html"


def test_an_unknown_page_is_refused():
    with pytest.raises(ValueError, match="unknown page"):
        panels.Panel("branch", "x.html", _context("x"))
    with pytest.raises(ValueError, match="unknown page"):
        panels.panels_for("branch", access=Access(None), obj=None)


def test_the_panel_tag_draws_like_an_include(tmp_path, settings):
    (tmp_path / "panel.html").write_text("<b>{{ label }}{{ page }}</b>", encoding="utf-8")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    engine = engines["django"].engine
    page = engine.from_string("{% load panels %}[{% for s in shown %}{% panel s %}{% endfor %}]")
    include = engine.from_string('[{% include "panel.html" with label="甲" %}]')
    shown = [panels.Shown("panel.html", {"label": "甲"})]
    context = {"page": "·人员", "shown": shown}
    assert page.render(Context(context)) == include.render(Context(context)) == "[<b>甲·人员</b>]"


def test_a_tabbed_page_lists_its_tabs_and_computes_only_the_chosen_one(registry):
    asked: list[str] = []

    def ctx(name: str) -> Any:
        def context(access: Access, obj: Any) -> dict[str, Any]:
            asked.append(name)
            return {"name": name}

        return context

    panels.register(
        panels.Panel(panels.PERSON, "s.html", ctx("stars"), 70, tab="stars", tab_label="季度之星"),
        panels.Panel(panels.PERSON, "p.html", ctx("points"), 30, tab="points", tab_label="积分"),
        panels.Panel(panels.PERSON, "u.html", ctx("untabbed"), 5),
    )
    tabs = panels.tabs_for(panels.PERSON, access=Access(None), obj=None)
    assert [(t.key, t.label) for t in tabs] == [("points", "积分"), ("stars", "季度之星")]
    assert asked == []  # listing the tabs computes nothing
    shown = panels.panels_for(panels.PERSON, access=Access(None), obj=None, tab="stars")
    assert [s.template for s in shown] == ["s.html"] and asked == ["stars"]
    shown = panels.panels_for(panels.PERSON, access=Access(None), obj=None, tab="")
    assert [s.template for s in shown] == ["u.html"]


def test_a_panel_kept_off_a_page_by_when_is_neither_listed_nor_computed(registry):
    def boom(access: Access, obj: Any) -> dict[str, Any]:
        raise AssertionError("computed")

    panels.register(
        panels.Panel(panels.HOME, "m.html", boom, when=lambda a, _: a.person_id is not None)
    )
    assert panels.panels_for(panels.HOME, access=Access(None), obj=None) == []


def test_a_tab_needs_both_a_key_and_a_label():
    with pytest.raises(ValueError, match="a tab needs"):
        panels.Panel(panels.PERSON, "x.html", _context("x"), tab="points")
