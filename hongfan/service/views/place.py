"""Pages of the place register: the places reached this year and those not yet (a table
and a bar chart by township, exportable), and the admin's forms to add, edit or stop a
place."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from hongfan.core import tables
from hongfan.core.access import request_access
from hongfan.core.forms import run_form, year_param
from hongfan.core.pinyin import sort_key
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.service.forms.place import PlaceEditForm, PlaceForm
from hongfan.service.selectors import place as place_selectors
from hongfan.service.services import place as place_services
from hongfan.service.views.brand import admin_hospital, managing_hospital, years

PLACE_COLUMNS = (
    tables.Column("county", "县市区", value=lambda r: r.place.county, sort=lambda r: sort_key(r.place.county)),
    tables.Column("township", "乡镇/街道", value=lambda r: r.place.township, sort=lambda r: sort_key(r.place.township)),
    tables.Column("name", "名称", value=lambda r: r.place.name, sort=lambda r: sort_key(r.place.name)),
    tables.Column("kind", "类型", value=lambda r: r.place.get_kind_display()),
    tables.Column("visits", "本年活动次数", css="text-end"),
    tables.Column("last", "最近一次", value=lambda r: r.last, sort=lambda r: (r.last is not None, r.last)),
    tables.Column("reached", "是否到达", value=lambda r: "已到达" if r.reached else "未到达"),
    tables.Column("active", "状态", value=lambda r: "在用" if r.place.active else "已停用", export=False),
)  # fmt: skip


@login_required
def places(request: HttpRequest) -> HttpResponseBase:
    access = request_access(request)
    hospital = managing_hospital(request, access, secretaries=True)
    year = year_param(request)
    reach = place_selectors.place_reach(hospital=hospital, year=year)
    rows = reach.rows
    shown = request.GET.get("show", "")
    if shown == "unreached":
        rows = [r for r in rows if not r.reached]
    elif shown == "reached":
        rows = [r for r in rows if r.reached]
    table = tables.Table(request, PLACE_COLUMNS, default="township", label="服务地点")
    return tables.table_response(
        request,
        "service/place/list.html",
        table=table,
        rows=rows,
        filename=f"{hospital.short_name or hospital.name}{year}年服务地点到达情况.xlsx",
        fallback="service_places.xlsx",
        audit={"hospital_id": hospital.pk, "what": "service_places", "year": year},
        context={
            "hospital": hospital,
            "reach": reach,
            "year": year,
            "years": years(),
            "show": shown,
            "edits": access.administers_hospital(hospital.pk),
            "hospitals": hospital_choices(access=access).order_by("pk") if access.is_city else None,
        },
        title="服务地点",
    )


@login_required
def place_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = admin_hospital(request, access)
    form = PlaceForm(request.POST or None)
    return run_form(
        request,
        form,
        lambda d: place_services.place_add(access=access, hospital=hospital, request=request, **d),
        success=lambda p: f"已添加服务地点“{p}”",
        next_url=reverse("service:places"),
        title="添加服务地点",
        back=reverse("service:places"),
        intro="村、社区、学校、病区等服务对象，按乡镇/街道统计到达情况。",
    )


@login_required
def place_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    place = place_selectors.place_get(access=access, pk=pk)
    form = PlaceEditForm(
        request.POST or None,
        initial={
            "name": place.name,
            "kind": place.kind,
            "township": place.township,
            "county": place.county,
            "active": place.active,
        },
    )
    return run_form(
        request,
        form,
        lambda d: place_services.place_update(access=access, place=place, request=request, **d),
        success="服务地点已保存",
        next_url=reverse("service:places"),
        title=f"修改服务地点：{place}",
        back=reverse("service:places"),
    )
