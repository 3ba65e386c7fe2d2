"""Pages of the ledger: a member's points (their own or, for their secretary, a member's),
an award or deduction by hand, and a reversal."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from hongfan.core.access import Access, hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors, id_or_none
from hongfan.core.templatetags.tables import day
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.selectors import people as org_people_selectors
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.points.choices import EntryKind, Period
from hongfan.points.forms.ledger import ManualAwardForm, ReverseForm
from hongfan.points.periods import period_label, period_start
from hongfan.points.selectors import catalogue as catalogue_selectors
from hongfan.points.selectors import ledger as ledger_selectors
from hongfan.points.selectors import standings
from hongfan.points.services import ledger as ledger_services

if TYPE_CHECKING:
    from hongfan.org.models import Person
    from hongfan.points.models import PointEntry


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    if not access.person_id:
        raise PermissionDenied("此账号未关联党员，没有个人积分")
    return _points_page(request, access, standings.own_person(access=access))


@login_required
def person_points(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    return _points_page(request, access, org_people_selectors.person_get(access=access, pk=pk))


def _id_url(name: str) -> tuple[str, str]:
    """The URL of ``name`` for one id as (head, tail): ``f"{head}/{pk}/{tail}"``."""
    head, tail = reverse(name, args=[0]).rsplit("/0/", 1)
    return head, tail


def _rows_html(
    request: HttpRequest, entries: Iterable[PointEntry], *, is_self: bool, can_reverse: bool
) -> SafeString:
    """The ledger's rows, built here rather than in the template: a ``{% url %}``, a
    ``floatformat`` and a ``day`` per row cost the template engine ~425 function calls a row.
    Same markup as the old template loop (its line breaks too); each link is reversed once,
    each distinct points value goes through Django's own ``floatformat`` once, the reason
    (typed by users) is escaped."""
    act = can_reverse or is_self
    appeal = _id_url("points:appeal_new") if is_self else None
    undo = _id_url("points:reverse") if can_reverse and not is_self else None
    token = ""
    if undo is not None:
        token = f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
    shown: dict[Decimal, str] = {}
    parts = []
    for e in entries:
        pts = shown.get(e.points)
        if pts is None:
            pts = shown[e.points] = str(floatformat(e.points, "-1"))
        undone = e.is_reversed  # type: ignore[attr-defined]
        open_ = e.kind != EntryKind.REVERSAL and not undone
        capped = (
            ' <span class="badge text-bg-warning">受上限限制</span>'
            if e.requested != e.points and e.kind != EntryKind.REVERSAL
            else ""
        )
        cell = ""
        if act:
            inner = ""
            if appeal is not None and open_:
                if e.appeal_open:  # type: ignore[attr-defined]
                    inner = '<span class="badge text-bg-warning">申诉中</span>'
                else:
                    inner = (
                        '<a class="btn btn-sm btn-outline-secondary" '
                        f'href="{appeal[0]}/{e.pk}/{appeal[1]}">申诉</a>'
                    )
            if undo is not None and open_:
                inner += (
                    f'<form method="post" action="{undo[0]}/{e.pk}/{undo[1]}" '
                    f'class="d-flex gap-1">{token}<input name="reason" '
                    'class="form-control form-control-sm hf-input-9rem" placeholder="冲正原因" '
                    'required><button class="btn btn-sm btn-outline-danger">冲正</button></form>'
                )
            cell = f'<td class="text-nowrap">{inner}</td>'
        struck = ' class="text-muted text-decoration-line-through"' if undone else ""
        parts.append(
            f"<tr{struck}>"
            f'<td class="text-nowrap">{day(e.occurred_on)}</td>'
            f'<td class="small">{escape(e.reason)}{capped}</td>\n'
            f'<td class="text-end {"text-danger" if e.points < 0 else "text-success"}">'
            f"{'+' if e.points > 0 else ''}{pts}</td>\n{cell}</tr>\n"
        )
    if not parts:
        parts.append('<tr><td colspan="4" class="text-muted">暂无积分记录</td></tr>')
    return mark_safe("".join(parts))  # noqa: S308 (built from escaped and internal values)


def _points_page(request: HttpRequest, access: Access, person: Person) -> HttpResponse:
    data = standings.my_points(access=access, person=person)
    # each entry says whether it was reversed and whether an appeal waits on it
    page = Paginator(data.entries, 20).get_page(request.GET.get("page"))
    is_self = access.person_id == person.pk
    can_reverse = access.manages_branch(person.branch_id, person.hospital_id)
    return render(
        request,
        "points/mine.html",
        {
            "d": data,
            "page": page,
            "rows_html": _rows_html(request, page, is_self=is_self, can_reverse=can_reverse),
            "is_self": is_self,
            "can_reverse": can_reverse,
            "quarter_label": period_label(Period.QUARTER, period_start(Period.QUARTER, today())),
        },
    )


@login_required
def award(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = hospital_for(request, access, hospitals=hospital_choices(access=access))
    if not (access.administers_hospital(hospital.pk) or access.branch_ids):
        raise PermissionDenied("只有支部书记或医院党委可以手工计分")
    people = org_people_selectors.person_qs(access=access).filter(
        hospital=hospital, status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
    )
    if not access.administers_hospital(hospital.pk):
        people = people.filter(branch_id__in=access.branch_ids)
    initial: dict[str, object] = {"occurred_on": today(), "quantity": 1}
    person_id = id_or_none(request.GET.get("person", ""))
    if person_id is not None:
        initial["person"] = person_id
    form = ManualAwardForm(
        request.POST or None,
        initial=initial,
        people=people.order_by("name"),
        rules=catalogue_selectors.rules_active(access=access, hospital=hospital),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = ledger_services.points_manual(
                access=access,
                person=d["person"],
                rule=d["rule"],
                occurred_on=d["occurred_on"],
                reason=d["reason"],
                quantity=d["quantity"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            (messages.success if result.entry else messages.warning)(
                request, f"{d['person'].name}：{result.message}"
            )
            return redirect("points:person", pk=d["person"].pk)
    return render(
        request,
        "org/simple_form.html",
        {
            "form": form,
            "title": "手工加减分",
            "back": reverse("points:rankings"),
            "intro": "按积分规则为本支部党员加分或扣分，须写明事由；受规则的每日/每月等上限约束。",
        },
    )


@login_required
@require_POST
def reverse_entry(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    entry = ledger_selectors.entry_get(access=access, pk=pk)  # 404/403 out of scope
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写冲正原因")
    else:
        try:
            ledger_services.points_reverse(
                access=access, entry=entry, reason=form.cleaned_data["reason"], request=request
            )
            messages.success(request, "已冲正，原记录保留")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("points:person", pk=entry.person_id)
