"""The activity pages: a secretary plans, publishes and cancels through the forms; every
page keeps to the user's scope; bad input is a Chinese message, never a 500."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.dates import today
from hongfan.org.models import Person
from hongfan.org.tests.factories import other_branch, primary, sec_branch
from hongfan.service.models import Activity, Place, ServiceBrand, ServiceMeasure, Signup
from hongfan.service.services.activity import activity_publish
from hongfan.service.tests.factories_activities import acc, measure_of, place_of, plan, state
from hongfan.service.tests.role_rows import activity_payload

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


class T:
    """The few targets ``activity_payload`` reads."""

    def __init__(self) -> None:
        self.branch = sec_branch()
        self.hospital = primary()
        self.values: dict[str, Any] = {}


def test_secretary_plans_publishes_and_cancels_through_the_pages() -> None:
    c = login("sec")
    response = c.post(reverse("service:activity_new"), activity_payload(T()))
    assert response.status_code == 302, response.content.decode()[:3000]
    a = Activity.objects.latest("pk")
    assert (a.title, a.status, a.branch_id) == ("矩阵义诊", "draft", sec_branch().pk)
    assert a.shifts.get().capacity == 8
    page = c.get(reverse("service:activity", args=[a.pk])).content.decode()
    assert "发布活动" in page and "矩阵义诊" in page
    c.post(reverse("service:activity_publish", args=[a.pk]))
    a.refresh_from_db()
    assert a.status == "published"
    response = c.post(reverse("service:activity_cancel", args=[a.pk]), {"reason": ""}, follow=True)
    assert "请填写取消原因" in response.content.decode()
    c.post(reverse("service:activity_cancel", args=[a.pk]), {"reason": "天气原因"})
    a.refresh_from_db()
    assert (a.status, a.cancel_reason) == ("cancelled", "天气原因")


def test_the_form_says_what_is_wrong_and_saves_nothing() -> None:
    c = login("sec")
    payload = activity_payload(T())
    before = state()
    page = c.post(reverse("service:activity_new"), {**payload, "end": "07:00"}).content.decode()
    assert "结束时间必须晚于开始时间" in page
    other = {**payload, "organiser": str(other_branch().pk)}
    assert c.post(reverse("service:activity_new"), other).status_code == 200
    assert state() == before


def test_the_plan_form_adds_shift_rows_on_the_page_or_without_javascript() -> None:
    c = login("sec")
    page = c.get(reverse("service:activity_new")).content.decode()
    # the page's own script (no inline script) and the empty row it copies
    assert "service/shift-rows.js" in page and 'id="shift-row-template"' in page
    assert 'name="shift-__prefix__-start"' in page and "添加班次" in page
    payload = {**activity_payload(T()), "add_shift": "1", "title": ""}
    before = state()
    page = c.post(reverse("service:activity_new"), payload).content.decode()
    assert 'name="shift-1-start"' in page and 'name="shift-2-start"' not in page
    assert 'value="上午"' in page  # what was typed stays
    assert "请填写" not in page  # no errors: nothing was saved yet
    assert state() == before
    payload = {
        **activity_payload(T()),
        "shift-TOTAL_FORMS": "2",
        "shift-1-label": "下午",
        "shift-1-start": "09:30",
        "shift-1-end": "11:00",
        "shift-1-capacity": "4",
    }
    assert c.post(reverse("service:activity_new"), payload).status_code == 302
    a = Activity.objects.latest("pk")
    assert sorted(a.shifts.values_list("label", "capacity")) == [("上午", 8), ("下午", 4)]


def _edit(a: Activity, **changes: str) -> dict[str, str]:
    """The edit form of ``a`` as the page posts it (its one shift kept), with changes."""
    s = a.shifts.get()
    return {
        **activity_payload(T()),
        "title": a.title,
        "day": timezone.localtime(a.starts_at).date().isoformat(),
        "shift-TOTAL_FORMS": "1",
        "shift-INITIAL_FORMS": "1",
        "shift-0-pk": str(s.pk),
        "shift-0-capacity": str(s.capacity),
        **changes,
    }


def test_a_published_activity_is_changed_through_its_page_and_people_are_told() -> None:
    c = login("sec")
    a = plan()
    activity_publish(access=acc("sec"), activity=a)
    person = Person.objects.filter(hospital=primary(), user__isnull=False).order_by("pk")[0]
    Signup.objects.create(hospital=primary(), activity=a, shift=a.shifts.get(), person=person)
    page = c.get(reverse("service:activity", args=[a.pk])).content.decode()
    assert reverse("service:activity_edit", args=[a.pk]) in page
    page = c.get(reverse("service:activity_edit", args=[a.pk])).content.decode()
    assert "已报名1人" in page and "已报名和候补的人员会收到通知" in page
    before = state()
    page = c.post(
        reverse("service:activity_edit", args=[a.pk]), _edit(a, **{"shift-0-capacity": "0"})
    ).content.decode()
    assert "名额" in page and state() == before
    response = c.post(
        reverse("service:activity_edit", args=[a.pk]),
        _edit(a, start="09:00", **{"shift-0-start": "09:00"}),
        follow=True,
    )
    assert "已通知1位报名人员" in response.content.decode()
    a.refresh_from_db()
    assert timezone.localtime(a.starts_at).hour == 9 and a.status == "published"
    assert Signup.objects.get(activity=a).shift_id == a.shifts.get().pk


@pytest.mark.parametrize(
    "field,value",
    [
        ("day", "2026-02-30"),
        ("day", "99999-01-01"),
        ("title", "义诊\x00"),
        ("measure", str(2**70)),
        ("place", "-1"),
        ("shift-0-capacity", "99999999999999999999"),
        ("shift-TOTAL_FORMS", "100000"),
        ("shift-0-lead", "1\x00"),
        ("shift-0-pk", str(2**70)),
        ("shift-0-pk", "abc"),
        ("add_shift", "\x00"),
    ],
)
def test_hostile_values_in_the_plan_form_are_refused_without_a_500(field: str, value: str) -> None:
    c = login("sec")
    payload = activity_payload(T())
    before = state()
    response = c.post(reverse("service:activity_new"), {**payload, field: value})
    assert response.status_code == 200
    assert state() == before


@pytest.mark.parametrize(
    "query",
    [
        "?year=abc",
        "?month=13&kind=x\x00",
        f"?measure={2**70}",
        "?branch=../../",
        "?sort=%00",
        "?page=99999999999",
    ],
)
def test_the_activity_book_ignores_bad_filters(query: str) -> None:
    assert login("hosp").get(reverse("service:activities") + query).status_code == 200


def test_the_activity_book_filters_and_exports() -> None:
    plan(title="导出义诊")
    c = login("hosp")
    page = c.get(
        reverse("service:activities"), {"kind": "free_clinic", "year": today().year}
    ).content.decode()
    assert "导出义诊" in page
    assert (
        "导出义诊"
        not in c.get(reverse("service:activities"), {"kind": "festival"}).content.decode()
    )
    response = c.get(reverse("service:activities"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_activity_book_takes_a_bounded_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    c = login("hosp")
    with django_assert_max_num_queries(25):
        c.get(reverse("service:activities"))


def test_a_secretary_sees_only_their_branchs_activities() -> None:
    from hongfan.service.tests.factories_activities import acc

    other = plan(acc("hosp"), branch=other_branch(), title="别的支部的活动")
    page = login("sec").get(reverse("service:activities")).content.decode()
    assert "别的支部的活动" not in page
    assert login("sec").get(reverse("service:activity", args=[other.pk])).status_code == 403
    assert login("hosp2").get(reverse("service:activity", args=[other.pk])).status_code == 404


def test_a_member_reads_a_published_activity_but_not_a_draft() -> None:
    from hongfan.service.services.activity import activity_publish
    from hongfan.service.tests.factories_activities import acc

    a = plan()
    assert login("member").get(reverse("service:activity", args=[a.pk])).status_code == 403
    activity_publish(access=acc("sec"), activity=a)
    page = login("member").get(reverse("service:activity", args=[a.pk])).content.decode()
    assert "测试义诊" in page and "发布活动" not in page and "报名人员" not in page


def test_members_and_secretaries_read_the_brand_page_but_only_the_admin_edits() -> None:
    for who in ("member", "sec"):
        page = login(who).get(reverse("service:brand")).content.decode()
        assert "服务举措" in page and "添加举措" not in page
    assert "添加举措" in login("hosp").get(reverse("service:brand")).content.decode()
    assert login("sec").get(reverse("service:brand_edit")).status_code == 403
    m = measure_of()
    assert login("hosp2").get(reverse("service:measure_edit", args=[m.pk])).status_code == 404


def test_the_admin_stops_a_measure_and_keeps_a_place_register() -> None:
    c = login("hosp")
    m = measure_of()
    c.post(reverse("service:measure_edit", args=[m.pk]), {"name": m.name, "order": "1"})
    assert not ServiceMeasure.objects.get(pk=m.pk).active
    c.post(
        reverse("service:measure_edit", args=[m.pk]), {"name": m.name, "order": "1", "active": "on"}
    )
    c.post(
        reverse("service:place_new"), {"name": "新登记村", "kind": "village", "township": "颜店镇"}
    )
    assert Place.objects.filter(hospital=primary(), name="新登记村").exists()
    page = c.post(
        reverse("service:place_new"), {"name": "新登记村", "kind": "village", "township": "颜店镇"}
    ).content.decode()
    assert "已有同名地点" in page
    listing = c.get(reverse("service:places"), {"show": "unreached"}).content.decode()
    assert "新登记村" in listing and "未到达" in listing
    assert c.get(reverse("service:places"), {"export": "xlsx"}).status_code == 200
    assert ServiceBrand.objects.filter(hospital=primary()).exists()
    place_of()


def test_the_dashboards_render_and_export() -> None:
    for who, name in (
        ("hosp", "service:dashboard"),
        ("city", "service:dashboard"),
        ("city", "service:dashboard_city"),
    ):
        c = login(who)
        assert "服务时长" in c.get(reverse(name)).content.decode()
        assert c.get(reverse(name), {"export": "xlsx"})["Content-Type"].startswith(
            "application/vnd.openxmlformats"
        )
    assert login("sec").get(reverse("service:dashboard")).status_code == 403
    assert login("hosp").get(reverse("service:dashboard_city")).status_code == 403


def test_a_record_is_written_through_its_page() -> None:
    from hongfan.service.tests.test_brand_selectors import held

    a = held(plan())
    c = login("sec")
    page = c.post(reverse("service:record", args=[a.pk]), {"people_served": "x"}).content.decode()
    assert "输入一个整数" in page or "请" in page
    c.post(
        reverse("service:record", args=[a.pk]),
        {
            "people_served": "45",
            "referrals": "1",
            "materials": "30",
            "medicine_value": "0",
            "served_ecg": "9",
        },
    )
    detail = c.get(reverse("service:activity", args=[a.pk])).content.decode()
    assert "心电图 9人次" in detail
    _ = timedelta
