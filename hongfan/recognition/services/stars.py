"""Writes of 季度之星 (the quarterly star selection).

The workflow of a ``StarSelection``: the hospital admin creates it with its rules (草拟),
draws the draft list from the ranking (and may take a person off it, with a reason; when
members tie on points for the last places, picks among them),
publishes it for a notice period of ``notice_workdays`` working days (公示中), and confirms
it once the period is over (已确认). A confirmed selection never changes. Who is eligible
is read by ``selectors.stars``; the announcement in Word is ``documents.stars``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import chinese_date, today
from hongfan.core.locks import lock_one
from hongfan.core.notify import STARS, notify
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Hospital, Person
from hongfan.points.periods import QUARTER_CN, quarter_bounds, quarter_label
from hongfan.recognition.models import (
    QuarterStar,
    QuotaMode,
    StarSelection,
    StarStatus,
    StarTieChoice,
)
from hongfan.recognition.models.stars import (
    DEFAULT_EXCLUDE_COMPLAINTS,
    DEFAULT_MIN_ATTENDANCE_SHARE,
    DEFAULT_MIN_POINTS,
    DEFAULT_NOTICE_WORKDAYS,
    DEFAULT_QUOTA,
    DEFAULT_QUOTA_MODE,
)
from hongfan.recognition.selectors.stars import (
    points_text,
    star_evaluation,
    star_notice_period,
)

MAX_QUOTA = 500
MAX_NOTICE_WORKDAYS = 30
MIN_YEAR = 2000

FROZEN = "评选结果已确认，不能再修改"


def _require_admin(access: Access, hospital_id: int) -> None:
    if not access.administers_hospital(hospital_id):
        raise PermissionDenied("季度之星评选由医院党委办理")


def _as_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _validate_rules(
    *,
    quota_mode: str,
    quota: int,
    min_points: Decimal | None,
    min_attendance_share: Decimal | None,
    notice_workdays: int,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if quota_mode not in QuotaMode.values:
        errors["quota_mode"] = "请选择名额方式：每个支部名额或全院总名额"
    if quota is None or quota < 1:
        errors["quota"] = "名额至少为1"
    elif quota > MAX_QUOTA:
        errors["quota"] = f"名额不能超过{MAX_QUOTA}"
    if min_points is None:
        errors["min_points"] = "请填写最低季度积分"
    elif min_points < 0:
        errors["min_points"] = "最低季度积分不能为负数"
    elif min_points >= Decimal("10000000"):
        errors["min_points"] = "最低季度积分过大"
    if min_attendance_share is None:
        errors["min_attendance_share"] = "请填写出勤率下限（0到1之间，如0.8）"
    elif not Decimal(0) <= min_attendance_share <= Decimal(1):
        errors["min_attendance_share"] = "出勤率下限应在0到1之间（如0.8表示80%）"
    elif min_attendance_share != min_attendance_share.quantize(Decimal("0.01")):
        errors["min_attendance_share"] = "出勤率下限最多保留两位小数"
    if notice_workdays is None or notice_workdays < 1:
        errors["notice_workdays"] = "公示期至少1个工作日"
    elif notice_workdays > MAX_NOTICE_WORKDAYS:
        errors["notice_workdays"] = f"公示期不能超过{MAX_NOTICE_WORKDAYS}个工作日"
    return errors


@transaction.atomic
def star_selection_create(
    *,
    access: Access,
    hospital: Hospital,
    year: int,
    quarter: int,
    quota_mode: str = DEFAULT_QUOTA_MODE,
    quota: int = DEFAULT_QUOTA,
    min_points: Decimal | int | str = DEFAULT_MIN_POINTS,
    min_attendance_share: Decimal | int | str = DEFAULT_MIN_ATTENDANCE_SHARE,
    exclude_complaints: bool = DEFAULT_EXCLUDE_COMPLAINTS,
    notice_workdays: int = DEFAULT_NOTICE_WORKDAYS,
    request: HttpRequest | None = None,
) -> StarSelection:
    """Open a quarter's selection with its rules (草拟). One per hospital and quarter; the
    quarter must have started."""
    _require_admin(access, hospital.pk)
    points = _as_decimal(min_points)
    share = _as_decimal(min_attendance_share)
    errors = _validate_rules(
        quota_mode=quota_mode,
        quota=quota,
        min_points=points,
        min_attendance_share=share,
        notice_workdays=notice_workdays,
    )
    day = today()
    if quarter not in QUARTER_CN:
        errors["quarter"] = "季度应为1—4"
    if not MIN_YEAR <= year <= day.year + 1:  # next year: refused below as not started
        errors["year"] = f"年度应在{MIN_YEAR}年至{day.year}年之间"
    if "year" not in errors and "quarter" not in errors:
        start, _ = quarter_bounds(year, quarter)
        if start > day:
            errors["quarter"] = (
                f"{quarter_label(year, quarter)}尚未开始（{chinese_date(start)}起），不能评选"
            )
        elif StarSelection.objects.filter(hospital=hospital, year=year, quarter=quarter).exists():
            errors["quarter"] = f"本院{quarter_label(year, quarter)}已有季度之星评选"
    if errors:
        raise ValidationError(errors)
    assert points is not None and share is not None
    try:
        with transaction.atomic():
            selection = StarSelection.objects.create(
                hospital=hospital,
                year=year,
                quarter=quarter,
                quota_mode=quota_mode,
                quota=quota,
                min_points=points,
                min_attendance_share=share,
                exclude_complaints=exclude_complaints,
                notice_workdays=notice_workdays,
                created_by_id=access.user_id,
            )
    except IntegrityError as exc:  # another admin created it a moment ago
        raise ValidationError(
            {"quarter": f"本院{quarter_label(year, quarter)}已有季度之星评选"}
        ) from exc
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=selection,
        quarter=f"{year}Q{quarter}",
        quota_mode=quota_mode,
        quota=quota,
        min_points=str(points),
        min_attendance_share=str(share),
        exclude_complaints=exclude_complaints,
        notice_workdays=notice_workdays,
    )
    return selection


def _require_draft(selection: StarSelection, what: str) -> None:
    if selection.status == StarStatus.CONFIRMED:
        raise ValidationError(FROZEN)
    if selection.status != StarStatus.DRAFT:
        raise ValidationError(f"名单已公示，不能再{what}")


def _draw(selection: StarSelection) -> list[QuarterStar]:
    evaluation = star_evaluation(selection)
    QuarterStar.objects.filter(selection=selection).delete()
    return QuarterStar.objects.bulk_create(
        [
            QuarterStar(
                selection=selection,
                person_id=c.person_id,
                branch_id=c.branch_id,
                points=c.points,
                rank=c.rank,
            )
            for c in evaluation.selected
        ]
    )


@transaction.atomic
def star_selection_revise(
    *,
    access: Access,
    selection: StarSelection,
    quota_mode: str,
    quota: int,
    min_points: Decimal | int | str,
    min_attendance_share: Decimal | int | str,
    exclude_complaints: bool,
    notice_workdays: int,
    request: HttpRequest | None = None,
) -> StarSelection:
    """Change a draft's rules; the draft list is drawn again under the new rules."""
    _require_admin(access, selection.hospital_id)
    locked = lock_one(StarSelection.objects.select_related("hospital"), selection.pk)
    _require_draft(locked, "修改评选条件")
    points = _as_decimal(min_points)
    share = _as_decimal(min_attendance_share)
    errors = _validate_rules(
        quota_mode=quota_mode,
        quota=quota,
        min_points=points,
        min_attendance_share=share,
        notice_workdays=notice_workdays,
    )
    if errors:
        raise ValidationError(errors)
    assert points is not None and share is not None
    locked.quota_mode = quota_mode
    locked.quota = quota
    locked.min_points = points
    locked.min_attendance_share = share
    locked.exclude_complaints = exclude_complaints
    locked.notice_workdays = notice_workdays
    locked.save(
        update_fields=[
            "quota_mode",
            "quota",
            "min_points",
            "min_attendance_share",
            "exclude_complaints",
            "notice_workdays",
        ]
    )
    stars = _draw(locked)
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=locked,
        quota_mode=quota_mode,
        quota=quota,
        min_points=str(points),
        min_attendance_share=str(share),
        exclude_complaints=exclude_complaints,
        notice_workdays=notice_workdays,
        drawn=len(stars),
    )
    selection.refresh_from_db()
    return locked


@transaction.atomic
def star_selection_draft(
    *, access: Access, selection: StarSelection, request: HttpRequest | None = None
) -> list[QuarterStar]:
    """Draw the draft list from the ranking under the selection's rules, replacing the
    previous draft (people taken off it by hand come back if the rules still pick them)."""
    _require_admin(access, selection.hospital_id)
    locked = lock_one(StarSelection.objects.select_related("hospital"), selection.pk)
    _require_draft(locked, "重新生成名单")
    stars = _draw(locked)
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=locked,
        step="draft",
        drawn=len(stars),
    )
    return stars


@transaction.atomic
def star_selection_remove(
    *,
    access: Access,
    selection: StarSelection,
    person: Person,
    reason: str,
    request: HttpRequest | None = None,
) -> None:
    """Take one person off a draft list before it is published, with a reason (audited)."""
    _require_admin(access, selection.hospital_id)
    locked = lock_one(StarSelection.objects.select_related("hospital"), selection.pk)
    _require_draft(locked, "调整名单")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "请填写移出名单的原因"
    elif len(reason) > 200:
        errors["reason"] = "原因不超过200字"
    star = QuarterStar.objects.filter(selection=locked, person=person).first()
    if star is None:
        errors["person"] = f"{person.name}不在草拟名单中"
    if errors:
        raise ValidationError(errors)
    assert star is not None
    star.delete()
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=locked,
        step="remove",
        person_id=person.pk,
        reason=reason,
    )


MAX_TIE_PICKS = 500


@transaction.atomic
def star_selection_break_tie(
    *,
    access: Access,
    selection: StarSelection,
    person_ids: list[int],
    request: HttpRequest | None = None,
) -> list[QuarterStar]:
    """Pick who among members tied on points takes the last places of a quota (the admin's
    decision, recorded and audited); the draft list is drawn again with the pick."""
    _require_admin(access, selection.hospital_id)
    locked = lock_one(StarSelection.objects.select_related("hospital"), selection.pk)
    _require_draft(locked, "选定同分人员")
    picked = set(person_ids[:MAX_TIE_PICKS])
    if not picked:
        raise ValidationError({"person": "请勾选入选的同分人员"})
    evaluation = star_evaluation(locked)
    tie = next((t for t in evaluation.ties if picked & {c.person_id for c in t.candidates}), None)
    if tie is None or not picked <= {c.person_id for c in tie.candidates}:
        raise ValidationError({"person": "所选人员不在同分待定的名单中，请刷新页面后重新选择"})
    if len(picked) != tie.places:
        raise ValidationError(
            {
                "person": f"{tie.where}余{tie.places}个名额，请选定{tie.places}人（已选{len(picked)}人）"
            }
        )
    StarTieChoice.objects.filter(
        selection=locked, person_id__in=[c.person_id for c in tie.candidates]
    ).delete()
    StarTieChoice.objects.bulk_create(
        [
            StarTieChoice(selection=locked, person_id=pk, chosen_by_id=access.user_id)
            for pk in sorted(picked)
        ]
    )
    stars = _draw(locked)
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=locked,
        step="tie",
        where=tie.where,
        points=str(tie.points),
        places=tie.places,
        tied="、".join(c.name for c in tie.candidates),
        chosen="、".join(c.name for c in tie.candidates if c.person_id in picked),
    )
    return stars


@transaction.atomic
def star_selection_publish(
    *,
    access: Access,
    selection: StarSelection,
    start: date | None = None,
    request: HttpRequest | None = None,
) -> StarSelection:
    """Publish the draft list for the public notice (公示) from ``start`` (today)."""
    _require_admin(access, selection.hospital_id)
    locked = lock_one(StarSelection.objects.select_related("hospital"), selection.pk)
    if locked.status == StarStatus.CONFIRMED:
        raise ValidationError(FROZEN)
    if locked.status == StarStatus.NOTICE:
        raise ValidationError(f"名单已于{chinese_date(locked.notice_start)}公示，不能重复发布")  # type: ignore[arg-type]
    start = start or today()
    q_start, _ = quarter_bounds(locked.year, locked.quarter)
    if start < q_start:
        raise ValidationError({"start": "公示开始日期不能早于评选季度开始"})
    stars = list(QuarterStar.objects.filter(selection=locked).select_related("person"))
    if not stars:
        raise ValidationError("草拟名单为空，不能公示；请先生成名单或放宽评选条件")
    gone = [
        s.person.name
        for s in stars
        if s.person.status != PersonStatus.ACTIVE
        or s.person.political_status not in MEMBER_STATUSES
        or s.person.hospital_id != locked.hospital_id
    ]
    if gone:
        raise ValidationError(
            f"{'、'.join(gone)}已不是本院在册党员，请移出名单或重新生成名单后再公示"
        )
    open_ties = star_evaluation(locked).open_ties
    if open_ties:
        raise ValidationError(
            "；".join(
                f"{t.where}最后{t.places}个名额有{len(t.candidates)}人同为"
                f"{points_text(t.points)}分，尚未选定"
                for t in open_ties
            )
            + "。请先在同分人员中选定入选者再公示"
        )
    result = star_notice_period(selection=locked, start=start)
    locked.status = StarStatus.NOTICE
    locked.notice_start = start
    locked.notice_end = result.value
    locked.notice_fallback = result.notice[:100]
    locked.save(update_fields=["status", "notice_start", "notice_end", "notice_fallback"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=locked,
        step="publish",
        notice_start=str(start),
        notice_end=str(result.value),
        fallback=result.notice,
        stars=len(stars),
    )
    notify(
        recipients=User.objects.filter(
            is_active=True,
            person__hospital_id=locked.hospital_id,
            person__status=PersonStatus.ACTIVE,
            person__political_status__in=MEMBER_STATUSES,
        ),
        title=f"{quarter_label(locked.year, locked.quarter)}“季度之星”名单公示",
        body=f"共{len(stars)}人，公示期至{chinese_date(result.value)}，如有意见请向医院党委反映",
        link=reverse("recognition:stars"),
        category=STARS,
        key=f"recognition.stars:{locked.pk}:notice",
    )
    selection.refresh_from_db()
    return locked


@transaction.atomic
def star_selection_confirm(
    *, access: Access, selection: StarSelection, request: HttpRequest | None = None
) -> StarSelection:
    """Confirm the list once the notice period is over (the day after ``notice_end``)."""
    _require_admin(access, selection.hospital_id)
    locked = lock_one(StarSelection.objects.select_related("hospital"), selection.pk)
    if locked.status == StarStatus.CONFIRMED:
        raise ValidationError(FROZEN)
    if locked.status != StarStatus.NOTICE or locked.notice_end is None:
        raise ValidationError("名单尚未公示，公示期满后方可确认")
    if today() <= locked.notice_end:
        raise ValidationError(
            f"公示期至{chinese_date(locked.notice_end)}，"
            f"期满后（{chinese_date(locked.notice_end + timedelta(days=1))}起）方可确认"
        )
    locked.status = StarStatus.CONFIRMED
    locked.confirmed_by_id = access.user_id
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=locked,
        step="confirm",
        stars=QuarterStar.objects.filter(selection=locked).count(),
    )
    notify(
        recipients=User.objects.filter(person__stars__selection=locked),
        title=f"您当选{quarter_label(locked.year, locked.quarter)}“季度之星”",
        body=f"{locked.hospital.name}“季度之星”名单已公示期满并确认，祝贺您！",
        link=reverse("recognition:stars"),
        category=STARS,
        key=f"recognition.stars:{locked.pk}:confirmed",
    )
    selection.refresh_from_db()
    return locked
