"""Writes of 党员先锋岗 / 党员示范岗: designate a post (its head a full member of the
hospital), keep its staff, review it yearly (revoking deactivates it), record a member's
day of duty (points through the points door), and the city's designation rule versions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import today
from hongfan.core.locks import lock_one
from hongfan.org.choices import MEMBER_STATUSES, BranchKind, PersonStatus
from hongfan.org.models import Authority, Branch, Department, Hospital, Person
from hongfan.points.rules import POST_DUTY
from hongfan.points.services.awarding import AwardResult, award_by_code
from hongfan.service.choices import PostKind, PostReviewResult
from hongfan.service.models import (
    ModelPost,
    ModelPostDuty,
    ModelPostMember,
    ModelPostReview,
    ModelPostRule,
)
from hongfan.service.selectors.post import head_is_full, records_duty, reviews_post

HEAD_REFUSAL = "岗长须为本院在职的正式党员（预备党员不能担任）"


def _clean(text: str, limit: int) -> str:
    return (text or "").replace("\x00", "").strip()[:limit]


def _require_admin(access: Access, hospital_id: int, verb: str = "管理") -> None:
    access.require_business()
    if not access.administers_hospital(hospital_id):
        raise access.denied(hospital_id, "先锋岗", verb)


def _post_errors(
    hospital_id: int,
    kind: str,
    name: str,
    branch: Branch | None,
    department: Department | None,
    head: Person | None,
    commitment: str,
    designated_on: date | None,
) -> dict[str, str]:
    errors = {}
    if kind not in PostKind.values:
        errors["kind"] = "请选择岗位类型"
    if not _clean(name, 60):
        errors["name"] = "请填写岗位名称"
    if branch is None or branch.hospital_id != hospital_id or branch.kind != BranchKind.BRANCH:
        errors["branch"] = "请选择本院的党支部"
    if department is not None and department.hospital_id != hospital_id:
        errors["department"] = "请选择本院的科室"
    if head is None or not head_is_full(head, hospital_id):
        errors["head"] = HEAD_REFUSAL
    if not _clean(commitment, 1000):
        errors["commitment"] = "请填写公开承诺"
    if designated_on is None:
        errors["designated_on"] = "请填写授牌日期"
    elif designated_on > today():
        errors["designated_on"] = "授牌日期不能晚于今天"
    return errors


@transaction.atomic
def post_designate(
    *,
    access: Access,
    hospital: Hospital,
    kind: str,
    name: str,
    branch: Branch | None,
    head: Person | None,
    commitment: str,
    designated_on: date | None,
    department: Department | None = None,
    people: Sequence[Person] = (),
    request: HttpRequest | None = None,
) -> ModelPost:
    """Designate a post (the hospital's admin); its head and ``people`` are its staff."""
    _require_admin(access, hospital.pk, "认定")
    errors = _post_errors(
        hospital.pk, kind, name, branch, department, head, commitment, designated_on
    )
    if ModelPost.objects.filter(hospital=hospital, name=_clean(name, 60)).exists():
        errors["name"] = "本院已有同名岗位"
    staff = list(dict.fromkeys([*([head] if head else []), *people]))
    strangers = [
        p.name for p in staff if p.hospital_id != hospital.pk or p.status != PersonStatus.ACTIVE
    ]
    if strangers:
        errors["people"] = f"{'、'.join(strangers[:3])}不是本院在职人员"
    if errors:
        raise ValidationError(errors)
    assert designated_on is not None and branch is not None and head is not None
    post = ModelPost.objects.create(
        hospital=hospital,
        branch=branch,
        kind=kind,
        name=_clean(name, 60),
        department=department,
        head=head,
        commitment=_clean(commitment, 1000),
        designated_on=designated_on,
    )
    ModelPostMember.objects.bulk_create(
        [ModelPostMember(post=post, person=p, joined_on=designated_on) for p in staff]
    )
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=post,
        hospital_id=hospital.pk,
        staff=len(staff),
    )
    return post


@transaction.atomic
def post_update(
    *,
    access: Access,
    post: ModelPost,
    kind: str,
    name: str,
    branch: Branch | None,
    head: Person | None,
    commitment: str,
    designated_on: date | None,
    department: Department | None = None,
    request: HttpRequest | None = None,
) -> ModelPost:
    _require_admin(access, post.hospital_id)
    errors = _post_errors(
        post.hospital_id, kind, name, branch, department, head, commitment, designated_on
    )
    if (
        ModelPost.objects.filter(hospital_id=post.hospital_id, name=_clean(name, 60))
        .exclude(pk=post.pk)
        .exists()
    ):
        errors["name"] = "本院已有同名岗位"
    if errors:
        raise ValidationError(errors)
    assert head is not None and designated_on is not None and branch is not None
    post.kind, post.name, post.branch, post.department = kind, _clean(name, 60), branch, department
    post.head, post.commitment = head, _clean(commitment, 1000)
    post.designated_on = designated_on
    post.save()
    if not post.members.filter(person=head, left_on__isnull=True).exists():
        ModelPostMember.objects.create(post=post, person=head, joined_on=today())
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=post,
        hospital_id=post.hospital_id,
    )
    return post


@transaction.atomic
def post_member_add(
    *, access: Access, post: ModelPost, person: Person | None, joined_on: date | None = None
) -> ModelPostMember:
    """Put a member of staff on the post (Party members and others alike)."""
    access.require_business()
    if not access.manages_branch(post.branch_id, post.hospital_id):
        raise access.denied(post.hospital_id, "先锋岗", "调整人员")
    if (
        person is None
        or person.hospital_id != post.hospital_id
        or person.status != PersonStatus.ACTIVE
    ):
        raise ValidationError({"person": "请选择本院在职人员"})
    if not post.active:
        raise ValidationError("该岗位已撤销，不能再调整人员")
    if post.members.filter(person=person, left_on__isnull=True).exists():
        raise ValidationError({"person": f"{person.name}已在此岗位"})
    joined_on = joined_on or today()
    if joined_on > today():
        raise ValidationError({"joined_on": "上岗日期不能晚于今天"})
    return ModelPostMember.objects.create(post=post, person=person, joined_on=joined_on)


@transaction.atomic
def post_member_remove(
    *, access: Access, member: ModelPostMember, left_on: date | None = None
) -> ModelPostMember:
    post = member.post
    access.require_business()
    if not access.manages_branch(post.branch_id, post.hospital_id):
        raise access.denied(post.hospital_id, "先锋岗", "调整人员")
    member = lock_one(ModelPostMember, member.pk)
    if member.left_on is not None:
        raise ValidationError("该职工已离岗")
    if member.person_id == post.head_id:
        raise ValidationError("岗长不能离岗，请先更换岗长")
    left_on = left_on or today()
    if left_on < member.joined_on:
        raise ValidationError("离岗日期不能早于上岗日期")
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    return member


@transaction.atomic
def post_review(
    *,
    access: Access,
    post: ModelPost,
    year: int,
    result: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> ModelPostReview:
    """The yearly review by the post's branch (or the hospital): 合格, 限期整改, or 撤销 —
    revoking deactivates the post."""
    access.require_business()
    if not reviews_post(access, post):
        raise access.denied(post.hospital_id, "先锋岗", "评议")
    post = lock_one(ModelPost, post.pk)
    errors = {}
    if result not in PostReviewResult.values:
        errors["result"] = "请选择评议结果"
    if not post.designated_on.year <= year <= today().year:
        errors["year"] = "评议年度应在授牌年度至今年之间"
    if not post.active:
        errors["result"] = "该岗位已撤销"
    if result in (PostReviewResult.IMPROVE, PostReviewResult.REVOKED) and not _clean(note, 1000):
        errors["note"] = "限期整改或撤销须写明评议意见"
    if ModelPostReview.objects.filter(post=post, year=year).exists():
        errors["year"] = f"该岗位{year}年度已评议"
    if errors:
        raise ValidationError(errors)
    review = ModelPostReview.objects.create(
        post=post, year=year, result=result, note=_clean(note, 1000), reviewed_by_id=access.user_id
    )
    if result == PostReviewResult.REVOKED:
        post.active = False
        post.revoked_on = today()
        post.save(update_fields=["active", "revoked_on"])
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=review,
        hospital_id=post.hospital_id,
        result=result,
    )
    return review


@transaction.atomic
def post_duty_record(
    *,
    access: Access,
    post: ModelPost,
    person: Person | None,
    on: date | None,
    note: str = "",
) -> tuple[ModelPostDuty, AwardResult | None]:
    """A member's day of duty on the post, recorded by its head or its branch's secretary;
    points under POST-DUTY through the points door (None when the hospital has no such
    rule). One per member per post per day."""
    access.require_business()
    if not records_duty(access, post):
        raise access.denied(post.hospital_id, "先锋岗", "记录值守")
    errors = {}
    if not post.active:
        errors["post"] = "该岗位已撤销，不能记录值守"
    on_post = (
        person is not None and post.members.filter(person=person, left_on__isnull=True).exists()
    )
    if person is None or not on_post:
        errors["person"] = "请选择本岗位的在岗人员"
    elif person.political_status not in MEMBER_STATUSES:
        errors["person"] = "岗位值守积分只记党员，非党员职工无需登记"
    if on is None:
        errors["on"] = "请填写值守日期"
    elif on > today():
        errors["on"] = "不能登记将来的值守"
    elif on < post.designated_on:
        errors["on"] = "值守日期不能早于授牌日期"
    if (
        not errors
        and person is not None
        and on is not None
        and ModelPostDuty.objects.filter(post=post, person=person, on=on).exists()
    ):
        errors["on"] = f"{person.name}在{on:%m月%d日}的值守已记录"
    if errors:
        raise ValidationError(errors)
    assert person is not None and on is not None
    try:
        with transaction.atomic():
            duty = ModelPostDuty.objects.create(
                hospital_id=post.hospital_id,
                post=post,
                person=person,
                on=on,
                note=_clean(note, 200),
                recorded_by_id=access.user_id,
            )
    except IntegrityError:
        raise ValidationError({"on": f"{person.name}在{on:%m月%d日}的值守已记录"}) from None
    result = award_by_code(
        access=None,
        person=person,
        code=POST_DUTY,
        occurred_on=on,
        source_type="service.postduty",
        source_id=str(duty.pk),
        reason=f"{post.name}值守",
    )
    return duty, result


@transaction.atomic
def post_rule_add(
    *,
    access: Access,
    authority: Authority,
    effective_from: date | None,
    min_member_share: Decimal | None,
    min_size: int | None,
    request: HttpRequest | None = None,
) -> ModelPostRule:
    """A new version of the city's designation rule, in force from its date."""
    access.require_business()
    if not access.is_city:
        raise PermissionDenied("只有市卫健委管理员可以修改先锋岗认定规则")
    errors = {}
    if effective_from is None:
        errors["effective_from"] = "请填写生效日期"
    elif ModelPostRule.objects.filter(authority=authority, effective_from=effective_from).exists():
        errors["effective_from"] = "该日期已有一个版本"
    if min_member_share is None or not Decimal(0) <= min_member_share <= Decimal(1):
        errors["min_member_share"] = "党员占比应在0至100%之间"
    if min_size is None or not 1 <= min_size <= 500:
        errors["min_size"] = "最少人数应为1至500"
    if errors:
        raise ValidationError(errors)
    assert effective_from is not None and min_member_share is not None and min_size is not None
    rule = ModelPostRule.objects.create(
        authority=authority,
        effective_from=effective_from,
        min_member_share=min_member_share,
        min_size=min_size,
    )
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=rule,
    )
    return rule
