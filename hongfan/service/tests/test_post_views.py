"""Model-post pages: the admin designates; a secretary sees their branch's posts and
records duty for them; a member sees the posts they are on; warnings on the list and the
post's page; the printable 公开承诺 card."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from hongfan.core.dates import today
from hongfan.org.choices import PoliticalStatus
from hongfan.org.tests.factories import make_person, other_branch, primary, sec_branch
from hongfan.points.models import PointEntry
from hongfan.service.models import ModelPost, ModelPostDuty
from hongfan.service.services.post import post_designate
from hongfan.service.tests.factories_desks import acc, person_of
from hongfan.service.tests.factories_hours import top_bar_classes

pytestmark = pytest.mark.django_db


def post_of(branch, name, people=()):
    head = make_person(primary(), branch=branch, political_status=PoliticalStatus.MEMBER)
    return post_designate(
        access=acc("hosp"),
        hospital=primary(),
        kind="model",
        name=name,
        branch=branch,
        head=head,
        commitment="微笑服务、耐心解答、全程陪伴",
        designated_on=today() - timedelta(days=100),
        people=people,
    )


def test_admin_designates_through_the_form_and_a_probationary_head_is_refused(client_for):
    c = client_for("hosp")
    probation = make_person(
        primary(), branch=sec_branch(), political_status=PoliticalStatus.PROBATIONARY
    )
    data = {
        "kind": "pioneer",
        "name": "表单先锋岗",
        "branch": sec_branch().pk,
        "head": probation.pk,
        "commitment": "承诺",
        "designated_on": today().isoformat(),
    }
    r = c.post(reverse("service:post_new"), data)
    assert r.status_code == 200 and "预备党员不能担任" in r.content.decode()
    assert not ModelPost.objects.filter(name="表单先锋岗").exists()
    full = make_person(primary(), branch=sec_branch(), political_status=PoliticalStatus.MEMBER)
    r = c.post(reverse("service:post_new"), {**data, "head": full.pk})
    assert r.status_code == 302 and ModelPost.objects.get(name="表单先锋岗").head == full


def test_secretary_sees_only_their_branchs_posts(client_for):
    mine = post_of(sec_branch(), "本支部岗位")
    theirs = post_of(other_branch(), "他支部岗位")
    c = client_for("sec")
    page = c.get(reverse("service:posts")).content.decode()
    assert "本支部岗位" in page and "他支部岗位" not in page
    assert c.get(reverse("service:post", args=[theirs.pk])).status_code == 403
    assert c.get(reverse("service:post", args=[mine.pk])).status_code == 200


def test_secretary_records_duty_and_points_rise(client_for):
    mate = make_person(primary(), branch=sec_branch(), political_status=PoliticalStatus.MEMBER)
    post = post_of(sec_branch(), "值守岗位", [mate])
    before = PointEntry.objects.filter(person=mate).count()
    r = client_for("sec").post(
        reverse("service:post_duty", args=[post.pk]),
        {"person": mate.pk, "on": today().isoformat()},
        follow=True,
    )
    assert "已记录" in r.content.decode() and "积分 +" in r.content.decode()
    assert PointEntry.objects.filter(person=mate).count() == before + 1
    r = client_for("sec").post(
        reverse("service:post_duty", args=[post.pk]), {"person": mate.pk, "on": today().isoformat()}
    )
    assert r.status_code == 200 and "值守已记录" in r.content.decode()
    assert ModelPostDuty.objects.filter(post=post).count() == 1


def test_a_member_sees_the_posts_they_are_on_and_not_others(client_for):
    on = post_of(sec_branch(), "我所在岗位", [person_of("member")])
    off = post_of(sec_branch(), "别的岗位")
    c = client_for("member")
    page = c.get(reverse("service:posts")).content.decode()
    assert "我所在岗位" in page and "别的岗位" not in page
    assert c.get(reverse("service:post", args=[on.pk])).status_code == 200
    assert c.get(reverse("service:post", args=[off.pk])).status_code == 403
    assert c.get(reverse("service:post_duty", args=[on.pk])).status_code == 403


def test_a_post_below_the_rule_is_flagged_on_the_list_and_its_page(client_for):
    post = post_of(sec_branch(), "人少岗位")  # the head alone: 1 < 3
    c = client_for("hosp")
    page = c.get(reverse("service:posts")).content.decode()
    assert "少于认定规则要求的3人" in page and 'id="posts-warned"' in page
    detail = c.get(reverse("service:post", args=[post.pk])).content.decode()
    assert 'id="post-warnings"' in detail


def test_revoking_in_the_review_stops_the_post(client_for):
    post = post_of(sec_branch(), "撤销岗位")
    r = client_for("sec").post(
        reverse("service:post_review", args=[post.pk]),
        {"year": today().year, "result": "revoked", "note": "群众意见大"},
        follow=True,
    )
    assert "岗位已撤销" in r.content.decode()
    assert not ModelPost.objects.get(pk=post.pk).active


def test_the_commitment_card_prints_name_head_and_commitment(client_for):
    post = post_of(sec_branch(), "承诺牌岗位")
    page = client_for("member").get(reverse("service:post_card", args=[post.pk]))
    assert page.status_code == 403  # not on it
    page = client_for("hosp").get(reverse("service:post_card", args=[post.pk])).content.decode()
    assert "承诺牌岗位" in page and post.head.name in page and "微笑服务" in page


def test_the_commitment_card_prints_without_the_top_bar(client_for):
    post = post_of(sec_branch(), "打印岗位")
    page = client_for("hosp").get(reverse("service:post_card", args=[post.pk])).content.decode()
    assert "d-print-none" in top_bar_classes(page)
    assert "service/certificate" in page  # the print sheet: no footer, tab bar or messages


def test_the_post_list_query_count_does_not_grow(client_for, django_assert_max_num_queries):
    c = client_for("hosp")
    post_of(sec_branch(), "批量岗位", [make_person(primary())])
    with django_assert_max_num_queries(60) as few:
        assert c.get(reverse("service:posts")).status_code == 200
    for n in range(8):
        post_of(sec_branch(), f"批量岗位{n}", [make_person(primary())])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(reverse("service:posts")).status_code == 200


def test_the_city_adds_a_rule_version(client_for):
    r = client_for("city").post(
        reverse("service:post_rules"),
        {"effective_from": "2199-01-01", "min_member_share": "50", "min_size": "4"},
    )
    assert r.status_code == 302
    assert client_for("hosp").get(reverse("service:post_rules")).status_code == 403
