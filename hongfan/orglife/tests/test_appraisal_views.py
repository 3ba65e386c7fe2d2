"""The page of 民主评议党员: grades typed in a form of one field per full member, refused with
the service's Chinese messages and kept as typed, and a decided grade on the member's page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.dates import today as _today
from hongfan.core.todos import todos_for
from hongfan.orglife.models import Appraisal, AppraisalGrade, AppraisalVote, SelfAssessment
from hongfan.orglife.services.appraisal import appraisal_record, appraisal_vote_open
from hongfan.orglife.tests.conftest import Unit, account_of

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


# --- 民主评议 online (issue 10) -------------------------------------------------------------


def grades_url(u: Unit) -> str:
    return reverse("orglife:appraisal", args=[u.branch.pk, timezone.localdate().year])


def online_state():
    return (
        list(AppraisalVote.objects.order_by("pk").values_list("peer_id", "grade")),
        list(SelfAssessment.objects.order_by("pk").values_list("person_id", "text")),
        list(Appraisal.objects.order_by("pk").values_list("status", "vote_opened_at")),
        list(AppraisalGrade.objects.order_by("pk").values_list("person_id", "grade")),
    )


def test_the_secretary_opens_the_vote_and_two_members_vote_from_their_phones(unit: Unit):
    r = client(unit.sec).post(grades_url(unit), {"action": "open_vote"}, follow=True)
    assert "民主测评已开始" in r.content.decode()
    a = Appraisal.objects.get()
    url = reverse("orglife:appraisal_vote", args=[a.pk])
    one, two = account_of(unit.full[1]), account_of(unit.full[2])
    todo = [t for t in todos_for(one, _today()) if t.source == "orglife.appraisal_vote_open"]
    assert len(todo) == 1 and todo[0].url == url
    c1 = client(one)
    mine = c1.get(reverse("orglife:mine")).content.decode()  # 我的组织生活 offers the vote
    assert "请填写自我评价" in mine and f'href="{url}"' in mine
    page = c1.get(url).content.decode()
    assert unit.full[0].name in page and unit.full[1].name not in page.split('id="ballot"')[1]
    c1.post(url, {"action": "self", "text": "全年无缺勤\x00"})
    assert SelfAssessment.objects.get().text == "全年无缺勤"
    votes = {f"vote-{p.pk}": "qualified" for p in unit.full if p != unit.full[1]}
    r = c1.post(url, votes | {"action": "vote"}, follow=True)
    assert (
        "已提交对4名党员的评价" in r.content.decode() and "你已完成全部测评" in r.content.decode()
    )
    assert not [t for t in todos_for(one, _today()) if t.source == "orglife.appraisal_vote_open"]
    # a second vote on the same peer: refused with a message, nothing changes
    before = online_state()
    r = c1.post(url, {f"vote-{unit.full[0].pk}": "excellent", "action": "vote"})
    assert r.status_code == 200 and "不能重复投票" in r.content.decode()
    assert online_state() == before
    client(two).post(url, {f"vote-{unit.full[0].pk}": "excellent", "action": "vote"})
    tally = client(unit.sec).get(reverse("orglife:appraisal_tally", args=[a.pk]))
    body = tally.content.decode()
    assert tally.status_code == 200 and "已投票 <strong>2</strong>" in body
    assert "全年无缺勤" in body
    # the secretary's grades page shows the counts next to each member
    page = client(unit.sec).get(grades_url(unit)).content.decode()
    assert "测评票" in page and "1/1/0/0" in page  # full[0]: 优秀 from one, 合格 from the other


def test_a_member_of_another_branch_cannot_open_the_ballot_or_vote(unit: Unit):
    a = appraisal_vote_open(access=unit.sec, branch=unit.branch, year=timezone.localdate().year)
    url = reverse("orglife:appraisal_vote", args=[a.pk])
    outsider = client(unit.other_sec)
    before = online_state()
    assert outsider.get(url).status_code == 403
    assert outsider.post(url, {f"vote-{unit.full[0].pk}": "qualified"}).status_code == 403
    assert online_state() == before
    huge = "/orglife/appraisal/99999999999999999999999/vote/"
    assert client(unit.member).get(huge).status_code == 404
    # a member (no committee seat) sees no tally
    assert (
        client(unit.member).get(reverse("orglife:appraisal_tally", args=[a.pk])).status_code == 403
    )


def test_bad_ballot_input_gets_a_chinese_message_and_changes_nothing(unit: Unit):
    a = appraisal_vote_open(access=unit.sec, branch=unit.branch, year=timezone.localdate().year)
    url = reverse("orglife:appraisal_vote", args=[a.pk])
    c = client(unit.member)
    before = online_state()
    for data, says in (
        ({"action": "vote"}, "请至少对一名党员"),
        ({"vote-²": "qualified", "vote-99999999999999999999": "qualified"}, "请至少对一名党员"),
        ({f"vote-{unit.full[0].pk}": "great\x00"}, "评价只能是"),
        ({"vote-999999999999": "qualified"}, "只能评议本支部的其他正式党员"),
        ({"action": "self", "text": "\x00 "}, "请填写自我评价"),
        ({"action": "self", "text": "长" * 2001}, "不能超过2000字"),
    ):
        r = c.post(url, data)
        assert r.status_code == 200 and says in r.content.decode(), (data, says)
    assert online_state() == before


def test_all_qualified_is_a_starting_point_and_nothing_is_saved(unit: Unit):
    page = client(unit.sec).get(grades_url(unit) + "?start=qualified").content.decode()
    assert page.count('value="qualified" selected') == len(unit.full)
    assert "全部合格" in page and not Appraisal.objects.exists()


def test_the_confirm_is_offered_only_after_the_grades_pass_and_an_invalid_set_saves_nothing(
    unit: Unit,
):
    c = client(unit.sec)
    too_many = {f"grade-{p.pk}": "excellent" for p in unit.full[:2]}
    too_many |= {f"grade-{p.pk}": "qualified" for p in unit.full[2:]}
    before = online_state()
    r = c.post(grades_url(unit), too_many | {"action": "check"})
    page = r.content.decode()
    assert "三分之一" in page and 'id="appraisal-confirm"' not in page
    assert "未保存任何内容" in page and online_state() == before
    r = c.post(grades_url(unit), too_many | {"action": "draft"})
    assert "三分之一" in r.content.decode() and online_state() == before
    good = {f"grade-{p.pk}": "qualified" for p in unit.full} | {
        f"grade-{unit.full[4].pk}": "excellent"
    }
    r = c.post(grades_url(unit), good | {"action": "check"})
    page = r.content.decode()
    assert 'id="appraisal-confirm"' in page and "确认无误" in page
    assert online_state() == before  # checking saves nothing
    r = c.post(grades_url(unit), good | {"action": "final"}, follow=True)
    assert "民主评议结果已确定" in r.content.decode()
    assert Appraisal.objects.get().status == "final"


def test_the_tally_ready_task_waits_on_the_secretary_until_the_grades_are_decided(unit: Unit):
    from hongfan.orglife.services.appraisal import appraisal_vote_close

    a = appraisal_vote_open(access=unit.sec, branch=unit.branch, year=timezone.localdate().year)

    def ready():
        return [
            t for t in todos_for(unit.sec, _today()) if t.source == "orglife.appraisal_tally_ready"
        ]

    assert ready() == []
    appraisal_vote_close(access=unit.sec, appraisal=a)
    assert len(ready()) == 1 and ready()[0].url == grades_url(unit)
    grades = {p.pk: "qualified" for p in unit.full}
    appraisal_record(access=unit.sec, branch=unit.branch, year=a.year, grades=grades, final=True)
    assert ready() == []
