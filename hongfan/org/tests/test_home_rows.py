"""The home page's task rows built in the view (``views.home.todos_html``) are the old
``org/partials/_todo.html`` include's markup letter for letter, and escape what users type."""

from __future__ import annotations

from datetime import date
from itertools import product

from django.template import Context, Template

from hongfan.core import todos
from hongfan.core.todos import Todo
from hongfan.org.views.home import todos_html

# The task-row partial the home page rendered per row before the rows were built in the view.
FORMER_ROW_PARTIAL = (
    "{% for t in tasks %}{% comment %}One task of the home page.{% endcomment %}"
    + '\n<div class="hf-todo {{ t.urgency }}" data-source="{{ t.source }}"><span class="mark" aria-hidden="true"></span>\n    <div class="what"><a href="{{ t.url }}">{{ t.title }}</a>{% if t.count > 1 or t in waiting %} <span class="badge rounded-pill {% if t in waiting %}text-bg-danger{% else %}text-bg-secondary{% endif %}">{{ t.count }}</span>{% endif %}\n      {% if t.detail or t.due %}<div class="small text-muted">{{ t.detail }}{% if t.due %}{% if t.detail %} · {% endif %}{% if t.urgency == "overdue" %}<span class="text-danger">已逾期</span>，{% endif %}截止{% if t.due.year != today.year %}{{ t.due|date:"Y年" }}{% endif %}{{ t.due|date:"n月j日" }}{% endif %}</div>{% endif %}\n    </div>\n    {% if t.post %}<form method="post" action="{{ t.url }}" class="flex-shrink-0">{% csrf_token %}<button class="btn btn-hf px-3" type="submit">{{ t.action }}</button></form>{% elif t.action %}<a class="btn btn-hf btn-sm flex-shrink-0 px-3" href="{{ t.url }}">{{ t.action }}</a>{% else %}<a class="btn btn-outline-secondary btn-sm flex-shrink-0" href="{{ t.url }}" aria-label="去处理：{{ t.title }}">去处理</a>{% endif %}\n  </div>\n'
    + "{% endfor %}"
)
TODAY = date(2026, 12, 3)
CSRF = "T0KEN"


def _tasks() -> list[Todo]:
    out = []
    for n, (urgency, count, due, detail, action, post) in enumerate(
        product(
            todos.URGENCIES,
            [1, 3],
            [None, date(2026, 12, 5), date(2027, 1, 2)],
            ["", "支部党员大会 · 12月5日 <14:30> & \"'"],
            ["", "签到"],
            [False, True],
        )
    ):
        if post and not action:
            continue
        out.append(
            Todo(
                title=f"待办 <{n}> & \"'",
                url=f"/orglife/{n}/?a=1&b=<2>",
                count=count,
                due=due,
                detail=detail,
                urgency=urgency,
                action=action,
                source=f"app.source_{n % 3}",
                post=post,
            )
        )
    return out


def test_the_rows_are_the_old_templates_markup() -> None:
    tasks = _tasks()
    waiting = [t for t in tasks if t.source == "app.source_1"]
    context = Context({"tasks": tasks, "waiting": waiting, "today": TODAY, "csrf_token": CSRF})
    old = Template(FORMER_ROW_PARTIAL).render(context)
    field = f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF}">'
    assert todos_html(tasks, waiting=waiting, day=TODAY, csrf_input=field) == old
    assert "&lt;14:30&gt; &amp;" in old and "<14:30>" not in old


def test_no_tasks_no_rows() -> None:
    assert todos_html([], waiting=[], day=TODAY) == ""
