"""Model posts' writes: the head must be a full member of the hospital; the yearly review
(revoking deactivates); duty awards points through the door, once per member per day; the
designation rule flags posts that no longer meet it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hongfan.core.dates import today
from hongfan.org.choices import PoliticalStatus
from hongfan.org.tests.factories import make_person, other_branch, primary, sec_branch, second
from hongfan.points.models import PointEntry
from hongfan.service.models import ModelPost, ModelPostDuty, ModelPostRule
from hongfan.service.selectors import post as post_selectors
from hongfan.service.services import post as post_services
from hongfan.service.tests.factories_desks import acc

pytestmark = pytest.mark.django_db

FULL = PoliticalStatus.MEMBER


def designate(head, people=(), **extra):
    return post_services.post_designate(
        access=acc(extra.pop("who", "hosp")),
        hospital=primary(),
        kind="pioneer",
        name=extra.pop("name", "急诊科党员先锋岗"),
        branch=sec_branch(),
        head=head,
        commitment="急患者之所急，二十四小时守护生命",
        designated_on=extra.pop("designated_on", today() - timedelta(days=400)),
        people=people,
    )


def full_member():
    return make_person(primary(), branch=sec_branch(), political_status=FULL)


def test_a_full_member_heads_a_post_and_is_on_it():
    head = full_member()
    post = designate(head, [make_person(primary())])
    assert post.active and post.head == head
    assert {m.person_id for m in post_selectors.post_members(post)} >= {head.pk}


@pytest.mark.parametrize(
    "status", [PoliticalStatus.PROBATIONARY, PoliticalStatus.MASSES, PoliticalStatus.APPLICANT]
)
def test_a_head_who_is_not_a_full_member_is_refused(status):
    before = ModelPost.objects.count()
    with pytest.raises(ValidationError) as exc:
        branch = sec_branch() if status == PoliticalStatus.PROBATIONARY else None
        designate(make_person(primary(), branch=branch, political_status=status))
    assert "正式党员" in str(exc.value)
    assert ModelPost.objects.count() == before


def test_a_head_of_another_hospital_is_refused():
    with pytest.raises(ValidationError) as exc:
        designate(make_person(second(), branch=other_branch(second()), political_status=FULL))
    assert "正式党员" in str(exc.value)


def test_only_the_hospital_admin_designates():
    with pytest.raises(PermissionDenied):
        designate(full_member(), who="sec")


def test_the_rule_warns_when_a_post_is_too_small_or_has_too_few_members():
    post = designate(full_member(), [make_person(primary()) for _ in range(4)])
    check = post_selectors.post_rule_check(post, primary().authority_id, today())
    # 5 on the post, 1 a member: 20% < the default 30%
    assert check.size == 5 and check.party == 1
    assert any("党员占比20%" in w for w in check.warnings)
    ModelPostRule.objects.create(
        authority_id=primary().authority_id,
        effective_from=today(),
        min_member_share=Decimal("0.10"),
        min_size=6,
    )
    check = post_selectors.post_rule_check(post, primary().authority_id, today())
    assert check.warnings == ["岗位现有5人，少于认定规则要求的6人"]
    listed = post_selectors.with_warnings(
        list(post_selectors.post_list(access=acc("hosp"), hospital_id=primary().pk)),
        primary().authority_id,
        today(),
    )
    assert next(p for p in listed if p.pk == post.pk).warnings == check.warnings


def test_a_post_meeting_the_rule_has_no_warning():
    post = designate(full_member(), [full_member(), make_person(primary())])
    assert post_selectors.post_rule_check(post, primary().authority_id, today()).warnings == []


def test_revoking_in_the_review_deactivates_the_post():
    post = designate(full_member())
    with pytest.raises(ValidationError) as exc:
        post_services.post_review(access=acc("sec"), post=post, year=today().year, result="revoked")
    assert "评议意见" in str(exc.value)
    post.refresh_from_db()
    assert post.active
    post_services.post_review(
        access=acc("sec"), post=post, year=today().year, result="revoked", note="服务投诉多"
    )
    post.refresh_from_db()
    assert not post.active and post.revoked_on == today()
    with pytest.raises(ValidationError):
        post_services.post_review(
            access=acc("hosp"), post=post, year=today().year - 1, result="passed"
        )


def test_a_second_review_of_one_year_is_refused():
    post = designate(full_member())
    post_services.post_review(access=acc("hosp"), post=post, year=today().year, result="passed")
    with pytest.raises(ValidationError) as exc:
        post_services.post_review(access=acc("hosp"), post=post, year=today().year, result="passed")
    assert "已评议" in str(exc.value)


def test_duty_awards_points_once_per_member_per_day():
    head = full_member()
    on_post = full_member()
    post = designate(head, [on_post])
    day = today() - timedelta(days=1)
    before = PointEntry.objects.filter(person=on_post).count()
    duty, result = post_services.post_duty_record(
        access=acc("sec"), post=post, person=on_post, on=day
    )
    assert result is not None and result.granted > 0
    entry = PointEntry.objects.filter(person=on_post).latest("pk")
    assert entry.source_key == f"service.postduty:{duty.pk}"
    assert PointEntry.objects.filter(person=on_post).count() == before + 1
    with pytest.raises(ValidationError) as exc:
        post_services.post_duty_record(access=acc("sec"), post=post, person=on_post, on=day)
    assert "已记录" in str(exc.value)
    assert ModelPostDuty.objects.filter(post=post).count() == 1
    assert PointEntry.objects.filter(person=on_post).count() == before + 1


def test_the_head_records_duty_and_a_member_not_head_cannot():
    from hongfan.accounts.models import RoleAssignment, User
    from hongfan.core.access import access_for
    from hongfan.core.roles import Role

    head = full_member()
    user = User.objects.create(username="posthead", person=head)
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, hospital=primary())
    mate = full_member()
    post = designate(head, [mate])
    post_services.post_duty_record(access=access_for(user), post=post, person=mate, on=today())
    with pytest.raises(PermissionDenied):
        post_services.post_duty_record(access=acc("member"), post=post, person=mate, on=today())


def test_duty_of_someone_off_the_post_a_non_member_or_a_future_day_is_refused():
    post = designate(full_member(), [make_person(primary())])
    outsider = full_member()
    masses = post_selectors.post_members(post)[-1].person
    for person, on, message in [
        (outsider, today(), "在岗人员"),
        (masses, today(), "只记党员"),
        (post.head, today() + timedelta(days=1), "将来"),
        (post.head, date(2000, 1, 1), "授牌日期"),
    ]:
        with pytest.raises(ValidationError) as exc:
            post_services.post_duty_record(access=acc("hosp"), post=post, person=person, on=on)
        assert message in str(exc.value)
    assert not ModelPostDuty.objects.filter(post=post).exists()


def test_only_the_city_adds_a_rule_version():
    authority = primary().authority
    with pytest.raises(PermissionDenied):
        post_services.post_rule_add(
            access=acc("hosp"),
            authority=authority,
            effective_from=today(),
            min_member_share=Decimal("0.5"),
            min_size=3,
        )
    rule = post_services.post_rule_add(
        access=acc("city"),
        authority=authority,
        effective_from=today() + timedelta(days=30),
        min_member_share=Decimal("0.5"),
        min_size=3,
    )
    assert post_selectors.model_post_rule_for(authority.pk, today() + timedelta(days=31)) == rule
    with pytest.raises(ValidationError):
        post_services.post_rule_add(
            access=acc("city"),
            authority=authority,
            effective_from=today() + timedelta(days=30),
            min_member_share=Decimal("2"),
            min_size=0,
        )
