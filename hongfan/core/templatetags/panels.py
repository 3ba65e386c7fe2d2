"""``{% panel shown %}``: draw a panel of ``hongfan.core.panels`` as ``{% include %}`` would,
with the panel's context pushed on top of the page's."""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from hongfan.core.panels import Shown

register = template.Library()


@register.simple_tag(takes_context=True)
def panel(context: Context, shown: Shown) -> SafeString:
    assert context.template is not None
    tpl = context.template.engine.get_template(shown.template)
    with context.push(**shown.context):
        return tpl.render(context)
