"""The page of 民主评议党员: grades typed in a form of one field per full member, refused with
the service's Chinese messages and kept as typed, and a decided grade on the member's page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.orglife.models import Appraisal, AppraisalGrade
from hongfan.orglife.services.appraisal import appraisal_record
from hongfan.orglife.tests.conftest import Unit

pytestmark = pytest.mark.django_db


def client(access) -> Client:
    c = Client()
    c.force_login(User.objects.get(pk=access.user_id))
    return c


def post(u: Unit, data: dict):
    year = timezone.localdate().year
    return client(u.sec).post(reverse("orglife:appraisal", args=[u.branch.pk, year]), data)


def test_the_appraisal_page_refuses_too_many_excellent_and_keeps_what_was_typed(unit: Unit):
    year = timezone.localdate().year
    data = {f"grade-{p.pk}": "excellent" for p in unit.full[:2]}
    data |= {f"grade-{p.pk}": "qualified" for p in unit.full[2:]}
    r = client(unit.sec).post(
        reverse("orglife:appraisal", args=[unit.branch.pk, year]), data | {"action": "draft"}
    )
    page = r.content.decode()
    assert r.status_code == 200 and "三分之一" in page
    assert page.count('value="excellent" selected') == 2


def test_a_decided_grade_shows_on_the_members_page(unit: Unit):
    year = timezone.localdate().year
    grades = {p.pk: "qualified" for p in unit.full} | {unit.full[3].pk: "excellent"}
    appraisal_record(access=unit.sec, branch=unit.branch, year=year, grades=grades, final=True)
    person_url = reverse("org:person", args=[unit.full[3].pk]) + "?tab=appraisal"
    page = client(unit.sec).get(person_url).content.decode()
    assert "民主评议等次" in page and f"{year}年：<strong>优秀</strong>" in page


def test_a_draft_grade_is_not_on_the_members_page_and_a_decided_one_shows_its_note(unit: Unit):
    year = timezone.localdate().year
    member = unit.full[3]
    grades = {p.pk: "qualified" for p in unit.full}
    appraisal_record(access=unit.sec, branch=unit.branch, year=year, grades=grades)
    url = reverse("org:person", args=[member.pk]) + "?tab=appraisal"  # the 党员档案's tab
    assert "民主评议等次" not in client(unit.sec).get(url).content.decode()
    appraisal_record(
        access=unit.sec,
        branch=unit.branch,
        year=year,
        grades=grades,
        notes={member.pk: "带头攻关"},
        final=True,
    )
    page = client(unit.sec).get(url).content.decode()
    assert f"{year}年：<strong>合格</strong>（带头攻关）" in page
    # drawn once, by orglife's panel (core.panels), in its own tab of the 党员档案
    assert page.count('id="appraisals"') == 1
    assert "组织关系变动记录" not in page


def test_a_draft_is_saved_with_its_notes_cut_to_200_characters(unit: Unit):
    data = {f"grade-{p.pk}": "qualified" for p in unit.full}
    data |= {f"note-{unit.full[0].pk}": "表现突出" * 60, "action": "draft"}
    r = post(unit, data)
    assert r.status_code == 302
    record = Appraisal.objects.get(branch=unit.branch)
    assert record.status == "draft"
    grades = {g.person_id: g for g in AppraisalGrade.objects.filter(appraisal=record)}
    assert set(grades) == {p.pk for p in unit.full}
    assert grades[unit.full[0].pk].note == ("表现突出" * 60)[:200]


def test_a_grade_posted_for_a_probationary_member_is_refused_by_the_service(unit: Unit):
    data = {f"grade-{unit.probationary.pk}": "qualified", "action": "draft"}
    r = post(unit, data)
    assert r.status_code == 200 and "预备党员参加评议但不确定等次" in r.content.decode()
    assert not Appraisal.objects.filter(branch=unit.branch).exists()


def test_an_unknown_grade_gets_the_chinese_message_and_saves_nothing(unit: Unit):
    r = post(unit, {f"grade-{unit.full[0].pk}": "superb", "action": "draft"})
    assert (
        r.status_code == 200 and "评议等次只能是优秀、合格、基本合格或不合格" in r.content.decode()
    )
    assert not Appraisal.objects.filter(branch=unit.branch).exists()


def test_a_meeting_that_is_not_the_branchs_appraisal_meeting_is_not_linked(unit: Unit):
    data = {f"grade-{p.pk}": "qualified" for p in unit.full}
    r = post(unit, data | {"meeting": "999999", "action": "draft"})
    assert r.status_code == 302
    assert Appraisal.objects.get(branch=unit.branch).meeting_id is None
