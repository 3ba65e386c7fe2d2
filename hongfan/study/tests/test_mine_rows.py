"""我的学习's rows built in the view (``views.items._todo_html`` / ``_done_html`` /
``_logs_html``) are the old template loops' markup letter for letter."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product
from types import SimpleNamespace

from django.template import Context, Template
from django.urls import reverse

from hongfan.core.dates import today
from hongfan.study.choices import ItemKind, LogMethod, LogStatus
from hongfan.study.selectors.items import ItemProgress
from hongfan.study.views.items import _done_html, _logs_html, _todo_html

OLD_TO_STUDY = """{% for p in todo %}<a class="list-group-item list-group-item-action px-0" href="{% url 'study:item' p.item.pk %}">
    <div class="d-flex justify-content-between gap-2"><span class="fw-semibold">{{ p.item.title }}</span><span class="text-nowrap small text-muted">{{ p.item.get_kind_display }}</span></div>
    <div class="small mt-1">{% include "study/partials/_item_badges.html" %} <span class="text-muted">{{ p.item.topic.name }} · {{ p.item.scope_label }} · 计学时{{ p.item.expected_minutes }}分钟{% if p.item.due_on %} · {{ p.item.due_on|date:"m月d日" }}前{% endif %}</span></div>
  </a>{% empty %}<p class="text-muted small mb-0">暂无待学习的资料。</p>{% endfor %}"""
OLD_DONE = """{% for p in done %}<li class="py-1 border-bottom"><a href="{% url 'study:item' p.item.pk %}">{{ p.item.title }}</a> <span class="text-muted">{{ p.completion.completed_on|date:"Y-m-d" }}{% if p.completion.points_entry_id %} · 已计积分{% endif %}</span></li>{% endfor %}"""
OLD_LOGS = """{% for l in page %}<tr><td class="text-nowrap">{{ l.studied_on|date:"m-d" }}</td><td class="small text-wrap">{{ l.item.title }}<div class="text-muted">{{ l.get_method_display }}{% if l.decision_reason %}：{{ l.decision_reason }}{% endif %}</div></td><td class="text-end">{{ l.minutes }}</td>
<td>{% if l.status == 'confirmed' %}<span class="badge text-bg-success">{{ l.get_status_display }}</span>{% elif l.status == 'pending' %}<span class="badge text-bg-warning">{{ l.get_status_display }}</span>{% else %}<span class="badge text-bg-secondary">{{ l.get_status_display }}</span>{% endif %}</td></tr>
{% empty %}<tr><td colspan="4" class="text-muted">暂无学习记录</td></tr>{% endfor %}"""


def _progress() -> list[ItemProgress]:
    out = []
    dues = [None, today() - timedelta(3), today() + timedelta(3), date(2020, 2, 3)]
    for n, (kind, required, due, pending, finished, branch) in enumerate(
        product(ItemKind.values, [True, False], dues, [0, 25], [False, True], [None, "一支部<&>"]),
        start=1,
    ):
        item = SimpleNamespace(
            pk=n,
            title=f"资料 <{n}> & \"'",
            kind=kind,
            get_kind_display=lambda k=kind: dict(ItemKind.choices)[k],
            required=required,
            due_on=due,
            topic=SimpleNamespace(name="主题 & <b>"),
            scope_label=branch or "全院",
            expected_minutes=30 + n,
        )
        completion = (
            SimpleNamespace(completed_on=date(2026, 1, n % 28 + 1), points_entry_id=n % 2 or None)
            if finished
            else None
        )
        out.append(
            ItemProgress(item, confirmed_minutes=5, pending_minutes=pending, completion=completion)
        )  # type: ignore[arg-type]
    return out


def _logs() -> list[SimpleNamespace]:
    return [
        SimpleNamespace(
            studied_on=date(2026, 3, n % 28 + 1),
            item=SimpleNamespace(title=f"资料<{n}>&"),
            method=method,
            get_method_display=lambda m=method: dict(LogMethod.choices)[m],
            decision_reason=reason,
            minutes=10 * n,
            status=status,
            get_status_display=lambda s=status: dict(LogStatus.choices)[s],
        )
        for n, (method, reason, status) in enumerate(
            product(LogMethod.values, ["", "时长<不符>&"], LogStatus.values), start=1
        )
    ]


def _old(template: str, **ctx: object) -> str:
    return Template(template).render(Context(ctx))


def test_todo_done_and_logs_are_the_old_loops() -> None:
    progress = _progress()
    todo = [p for p in progress if not p.finished]
    done = [p for p in progress if p.finished]
    url = reverse("study:item", args=[0]).rsplit("/0/", 1)
    assert _todo_html(todo, url) == _old(OLD_TO_STUDY, todo=todo)
    assert _todo_html(progress, url) == _old(OLD_TO_STUDY, todo=progress)
    assert _todo_html([], url) == _old(OLD_TO_STUDY, todo=[])
    assert _done_html(done, url) == _old(OLD_DONE, done=done)
    logs = _logs()
    assert _logs_html(logs) == _old(OLD_LOGS, page=logs)  # type: ignore[arg-type]
    assert _logs_html([]) == _old(OLD_LOGS, page=[])
