"""我的组织生活's rows built in the view (``views.attendance._rows_html``) are the old
template loop's markup letter for letter, for every status, leave answer and meeting."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import product
from types import SimpleNamespace

from django.template import Context, Template
from django.utils import timezone

from hongfan.orglife.views.attendance import _rows_html

OLD_LOOP = """{% load hf %}{% for r in page %}
  <a class="list-group-item list-group-item-action" href="{% url 'orglife:meeting' r.meeting_id %}">
    <div class="d-flex justify-content-between gap-2">
      <span class="fw-semibold">{{ r.meeting.topic }}</span>
      <span class="badge flex-shrink-0 align-self-start {% if r.status == 'present' %}text-bg-success{% elif r.status == 'leave' %}text-bg-info{% elif r.status == 'absent' %}text-bg-danger{% else %}text-bg-warning{% endif %}">{% if r.meeting.status == 'planned' and r.status == 'expected' %}待参加{% else %}{{ r.get_status_display }}{% endif %}</span>
    </div>
    {% with asked=leaves|get:r.meeting_id %}{% if asked %}<div class="small">请假申请 <span class="badge {% if asked.status == 'approved' %}text-bg-success{% elif asked.status == 'refused' %}text-bg-warning{% else %}text-bg-info{% endif %}">{{ asked.get_status_display }}</span></div>{% elif r.meeting.status == 'planned' and r.status == 'expected' and r.meeting.starts_at > now %}<div class="small text-muted">如不能参加，可打开会议页请假</div>{% endif %}{% endwith %}
    <div class="small text-muted">{{ r.meeting.get_kind_display }} · {{ r.meeting.starts_at|date:"Y-m-d H:i" }}{% if r.meeting.place %} · {{ r.meeting.place }}{% endif %}{% if r.points_entry %} · <span class="text-success">积分{{ r.points_entry.points|floatformat:"-1" }}</span>{% endif %}</div>
  </a>
{% empty %}
  <div class="hf-card text-muted">暂无组织生活安排。</div>
{% endfor %}"""

STATUS = {"expected": "未签到", "present": "出席", "leave": "请假", "absent": "缺席"}
LEAVE = {"pending": "待审批", "approved": "已批准", "refused": "未批准"}
KIND = {"theme_day": "主题党日", "party_lecture": "党课"}


def _world() -> tuple[list[SimpleNamespace], dict[int, SimpleNamespace]]:
    now = timezone.now()
    rows, leaves = [], {}
    combos = product(
        STATUS,
        ["planned", "held"],
        [None, *LEAVE],
        ["", '三楼 <会议室> & "A"'],
        [None, "2", "1.5", "-1"],
        [-1, 1],
    )
    for n, (status, mstatus, leave, place, pts, when) in enumerate(combos, start=1):
        meeting = SimpleNamespace(
            topic=f"主题 <{n}> & '",
            status=mstatus,
            kind="theme_day" if n % 2 else "party_lecture",
            get_kind_display=lambda n=n: KIND["theme_day" if n % 2 else "party_lecture"],
            place=place,
            starts_at=now + timedelta(days=when * n, minutes=7 * n),
        )
        entry = SimpleNamespace(points=Decimal(pts)) if pts else None
        rows.append(
            SimpleNamespace(
                meeting_id=n,
                meeting=meeting,
                status=status,
                get_status_display=lambda s=status: STATUS[s],
                points_entry=entry,
            )
        )
        if leave:
            leaves[n] = SimpleNamespace(status=leave, get_status_display=lambda s=leave: LEAVE[s])
    return rows, leaves


def test_rows_are_the_old_loop() -> None:
    rows, leaves = _world()
    now = timezone.now()
    old = Template(OLD_LOOP).render(Context({"page": rows, "leaves": leaves, "now": now}))
    assert "请假申请" in old and "如不能参加" in old and "积分1.5" in old
    assert _rows_html(rows, leaves, now) == old  # type: ignore[arg-type]


def test_no_rows_is_the_old_empty_text() -> None:
    now = timezone.now()
    old = Template(OLD_LOOP).render(Context({"page": [], "leaves": {}, "now": now}))
    assert _rows_html([], {}, now) == old
