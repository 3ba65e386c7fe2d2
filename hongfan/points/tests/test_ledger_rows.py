"""The ledger rows built in the view (``views.ledger._rows_html``) are the old template
loop's markup letter for letter, for every kind of row and every viewer."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from hongfan.core.dates import today
from hongfan.points.views.ledger import _rows_html

OLD_LOOP = (
    "{% load hf tables %}"
    '{% for e in page %}<tr{% if e.is_reversed %} class="text-muted text-decoration-line-through"{% endif %}><td class="text-nowrap">{{ e.occurred_on|day }}</td><td class="small">{{ e.reason }}{% if e.requested != e.points and e.kind != \'reversal\' %} <span class="badge text-bg-warning">受上限限制</span>{% endif %}</td>\n'
    '<td class="text-end {% if e.points < 0 %}text-danger{% else %}text-success{% endif %}">{% if e.points > 0 %}+{% endif %}{{ e.points|floatformat:"-1" }}</td>\n'
    '{% if can_reverse or is_self %}<td class="text-nowrap">{% if is_self and e.kind != \'reversal\' and not e.is_reversed %}{% if e.appeal_open %}<span class="badge text-bg-warning">申诉中</span>{% else %}<a class="btn btn-sm btn-outline-secondary" href="{% url \'points:appeal_new\' e.pk %}">申诉</a>{% endif %}{% endif %}{% if can_reverse and not is_self and e.kind != \'reversal\' and not e.is_reversed %}<form method="post" action="{% url \'points:reverse\' e.pk %}" class="d-flex gap-1">{% csrf_token %}<input name="reason" class="form-control form-control-sm hf-input-9rem" placeholder="冲正原因" required><button class="btn btn-sm btn-outline-danger">冲正</button></form>{% endif %}</td>{% endif %}</tr>\n'
    '{% empty %}<tr><td colspan="4" class="text-muted">暂无积分记录</td></tr>{% endfor %}'
)


def _entries() -> list[SimpleNamespace]:
    rows = []
    n = 0
    for kind in ["award", "reversal", "manual"]:
        for pts, req in [("2.0", "2.0"), ("1.5", "3.0"), ("-4.0", "-4.0"), ("0.0", "1.0")]:
            for reversed_ in (False, True):
                for appeal in (False, True):
                    n += 1
                    rows.append(
                        SimpleNamespace(
                            pk=1000 + n,
                            kind=kind,
                            points=Decimal(pts),
                            requested=Decimal(req),
                            occurred_on=today() - timedelta(days=n * 20),
                            reason=f"事由 <b>&{n}\"'",
                            is_reversed=reversed_,
                            appeal_open=appeal,
                        )
                    )
    rows.append(
        SimpleNamespace(
            pk=7,
            kind="award",
            points=Decimal("10"),
            requested=Decimal("10"),
            occurred_on=date(2020, 1, 1),
            reason="x",
            is_reversed=False,
            appeal_open=False,
        )
    )
    return rows


def _token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)


@pytest.mark.parametrize(
    "is_self,can_reverse", [(True, False), (True, True), (False, True), (False, False)]
)
@pytest.mark.parametrize("empty", [False, True])
def test_rows_are_the_old_loop(is_self: bool, can_reverse: bool, empty: bool) -> None:
    request = RequestFactory().get("/points/me/")
    entries = [] if empty else _entries()
    old = Template(OLD_LOOP).render(
        Context(
            {"page": entries, "is_self": is_self, "can_reverse": can_reverse, "csrf_token": "T"}
        )
    )
    new = _rows_html(request, entries, is_self=is_self, can_reverse=can_reverse)  # type: ignore[arg-type]
    assert _token(new) == _token(old)
