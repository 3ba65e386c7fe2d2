"""``{% fixed_static %}`` / ``{% fixed_url %}`` give what ``{% static %}`` / ``{% url %}`` give,
under every script prefix, and forget their memo when a setting changes."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import set_script_prefix


def _pair(fixed: str, plain: str) -> tuple[str, str]:
    ctx = Context({})
    return (
        Template("{% load hf %}" + fixed).render(ctx),
        Template("{% load static %}" + plain).render(ctx),
    )


@pytest.mark.parametrize("prefix", ["/", "/sub/", "/a&b/"])
def test_same_as_django_tags_under_each_prefix(prefix: str) -> None:
    set_script_prefix(prefix)
    try:
        for name in ["home", "accounts:2fa", "accounts:password", "accounts:logout"]:
            fixed, plain = _pair(f"{{% fixed_url '{name}' %}}", f"{{% url '{name}' %}}")
            assert fixed == plain
            assert fixed.startswith(prefix.replace("&", "&amp;"))
        for path in ["hongfan/app.css", "vendor/htmx.min.js"]:
            fixed, plain = _pair(f"{{% fixed_static '{path}' %}}", f"{{% static '{path}' %}}")
            assert fixed == plain
    finally:
        set_script_prefix("/")


def test_setting_change_is_seen() -> None:
    t = Template("{% load hf %}{% fixed_static 'hongfan/app.css' %}")
    assert t.render(Context({})) == "/static/hongfan/app.css"
    with override_settings(STATIC_URL="/assets/"):
        assert t.render(Context({})) == "/assets/hongfan/app.css"
    assert t.render(Context({})) == "/static/hongfan/app.css"


def test_needs_one_quoted_string() -> None:
    with pytest.raises(TemplateSyntaxError):
        Template("{% load hf %}{% fixed_url home %}")
