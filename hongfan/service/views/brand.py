"""Pages of the service brand: the brand page (figures per measure and year; the admin
edits, secretaries and members read), the brand's form, and a measure's forms. Thin:
writes in ``services.brand``, reads in ``selectors.brand``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from hongfan.core.access import Access, hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.forms import run_form, year_param
from hongfan.org.models import Hospital
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.service.forms.brand import BrandForm, MeasureEditForm, MeasureForm
from hongfan.service.selectors import brand as brand_selectors
from hongfan.service.services import brand as brand_services


def _reads(access: Access, hospital_id: int) -> bool:
    """Who may name a hospital on a reading page: the city any, the rest their own."""
    return access.is_city or hospital_id in access.own_hospital_ids


def reading_hospital(request: HttpRequest, access: Access) -> Hospital:
    """The hospital a service page that everyone of it may read is about: the city picks
    one (``?hospital=``), everyone else gets their own."""
    return hospital_for(
        request,
        access,
        hospitals=hospital_choices(access=access),
        business=True,
        members=True,
        picks=_reads,
        refusal="没有可查看的医院",
    )


def managing_hospital(
    request: HttpRequest, access: Access, *, secretaries: bool = False
) -> Hospital:
    """The hospital a managing page is about: its admin's (and, with ``secretaries``, a
    secretary's); the city reads any (``?hospital=``); members are refused."""
    access.require_business()
    if not (access.is_city or access.hospital_ids or (secretaries and access.branch_ids)):
        raise PermissionDenied(
            "只有医院党委" + ("和支部书记" if secretaries else "") + "可以使用此页面"
        )
    return hospital_for(request, access, hospitals=hospital_choices(access=access))


def admin_hospital(request: HttpRequest, access: Access) -> Hospital:
    """The hospital its admin keeps (the brand, the measures, the places)."""
    return hospital_for(
        request,
        access,
        hospitals=hospital_choices(access=access),
        business=True,
        works=lambda a, h: a.administers_hospital(h),
        works_refusal="服务品牌、举措和服务地点由医院党委维护",
        refusal="服务品牌、举措和服务地点由医院党委维护",
    )


def years() -> range:
    return range(today().year, today().year - 5, -1)


@login_required
def brand(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = reading_hospital(request, access)
    year = year_param(request)
    figures = brand_selectors.brand_figures(hospital=hospital, year=year)
    return render(
        request,
        "service/brand/page.html",
        {
            "f": figures,
            "year": year,
            "years": years(),
            "edits": access.administers_hospital(hospital.pk),
            "hospitals": hospital_choices(access=access).order_by("pk") if access.is_city else None,
        },
    )


@login_required
def brand_edit(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = admin_hospital(request, access)
    current = brand_selectors.brand_of(hospital)
    initial = (
        {"name": current.name, "slogan": current.slogan, "description": current.description}
        if current
        else {"name": hospital.brand_name, "description": hospital.brand_description}
    )
    form = BrandForm(request.POST or None, initial=initial)
    return run_form(
        request,
        form,
        lambda d: brand_services.brand_save(access=access, hospital=hospital, request=request, **d),
        success="服务品牌已保存",
        next_url=reverse("service:brand"),
        title="服务品牌",
        back=reverse("service:brand"),
        intro="品牌统领全院的服务举措，每项志愿服务活动都归入一项举措。",
    )


@login_required
def measure_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = admin_hospital(request, access)
    current = brand_selectors.brand_of(hospital)
    if current is None:
        raise PermissionDenied("请先设置服务品牌")
    form = MeasureForm(
        request.POST or None, initial={"order": brand_selectors.measures_of(hospital).count() + 1}
    )
    return run_form(
        request,
        form,
        lambda d: brand_services.measure_add(access=access, brand=current, request=request, **d),
        success=lambda m: f"已添加举措“{m.name}”",
        next_url=reverse("service:brand"),
        title="添加服务举措",
        back=reverse("service:brand"),
    )


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    measure = brand_selectors.measure_get(access=access, pk=pk)
    form = MeasureEditForm(
        request.POST or None,
        initial={
            "name": measure.name,
            "description": measure.description,
            "order": measure.order,
            "active": measure.active,
        },
    )
    return run_form(
        request,
        form,
        lambda d: brand_services.measure_update(
            access=access, measure=measure, request=request, **d
        ),
        success="举措已保存",
        next_url=reverse("service:brand"),
        title=f"修改举措：{measure.name}",
        back=reverse("service:brand"),
    )
