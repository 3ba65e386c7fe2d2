"""Writes of self-study entries (学习记录): a member logs time on an item, the secretary
confirms it (its minutes count and the item is finished) or turns it down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import today
from hongfan.core.locks import lock_one
from hongfan.org.models import Person
from hongfan.study.choices import LogMethod, LogStatus
from hongfan.study.models import StudyItem, StudyLog
from hongfan.study.selectors.learners import learner_for
from hongfan.study.services.items import MINUTES_MAX, Finished, item_finish

NOTE_MAX = 200
REASON_MAX = 200
DAY_MINUTES_MAX = 16 * 60  # one member, one day, all entries


def _minutes(minutes: Any, errors: dict[str, str]) -> int:
    """Whole minutes within one entry's limit (0 with an error otherwise)."""
    try:
        m = int(minutes)
        if isinstance(minutes, float) and not minutes.is_integer():
            raise ValueError
    except (TypeError, ValueError):
        errors["minutes"] = "学习时长请填写整数分钟"
        return 0
    if not 1 <= m <= MINUTES_MAX:
        errors["minutes"] = f"学习时长应为1—{MINUTES_MAX}分钟"
    return m


def _item_errors(person: Person, item: StudyItem, m: int) -> dict[str, str]:
    """An item credits at most the time it states ("约N分钟"), however it is logged."""
    used = (
        StudyLog.objects.filter(person=person, item=item)
        .exclude(status=LogStatus.REJECTED)
        .aggregate(s=Sum("minutes"))["s"]
        or 0
    )
    left = item.expected_minutes - used
    if left <= 0:
        return {"minutes": f"本资料计学时{item.expected_minutes}分钟，已全部登记，无需再登记"}
    if m > left:
        return {
            "minutes": f"本资料计学时{item.expected_minutes}分钟，已登记{used}分钟，"
            f"最多还能登记{left}分钟"
        }
    return {}


def _day_errors(person: Person, item: StudyItem, studied_on: date, m: int) -> dict[str, str]:
    """One pending entry per item and day, and at most 16 hours a day in all."""
    if StudyLog.objects.filter(
        person=person, item=item, studied_on=studied_on, status=LogStatus.PENDING
    ).exists():
        return {"item": "该资料当天已有一条待确认的学习记录，请等待支部书记确认"}
    day_total = (
        StudyLog.objects.filter(person=person, studied_on=studied_on)
        .exclude(status=LogStatus.REJECTED)
        .aggregate(s=Sum("minutes"))["s"]
        or 0
    )
    if day_total + m > DAY_MINUTES_MAX:
        return {
            "minutes": f"同一天登记的学习时长合计不能超过{DAY_MINUTES_MAX // 60}小时"
            f"（当天已登记{day_total}分钟）"
        }
    return {}


@transaction.atomic
def log_submit(
    *,
    access: Access,
    item: StudyItem,
    minutes: Any,
    studied_on: date,
    note: str = "",
    request: HttpRequest | None = None,
) -> StudyLog:
    """A member logs time spent on an item meant for them; it counts once confirmed."""
    person = learner_for(access)
    if not (
        item.hospital_id == person.hospital_id
        and (item.branch_id is None or item.branch_id == person.branch_id)
    ):
        raise access.denied(item.hospital_id, "学习资料")
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if item.withdrawn_at is not None:
        errors["item"] = "该学习资料已撤回"
    m = _minutes(minutes, errors)
    if studied_on > today():
        errors["studied_on"] = "学习日期不能晚于今天"
    elif studied_on < timezone.localtime(item.published_at).date():
        errors["studied_on"] = (
            f"学习日期不能早于资料发布日期（{timezone.localtime(item.published_at):%Y-%m-%d}）"
        )
    if len(note) > NOTE_MAX:
        errors["note"] = f"学习体会不能超过{NOTE_MAX}字（现有{len(note)}字）"
    if not errors:
        errors = _day_errors(person, item, studied_on, m) or _item_errors(person, item, m)
    if errors:
        raise ValidationError(errors)
    log = StudyLog.objects.create(
        hospital_id=person.hospital_id,
        person=person,
        item=item,
        method=LogMethod.SELF,
        status=LogStatus.PENDING,
        minutes=m,
        studied_on=studied_on,
        note=note,
    )
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=log,
        item=item.pk,
        minutes=m,
    )
    return log


@dataclass(frozen=True)
class LogDecision:
    log: StudyLog
    finished: Finished | None
    message: str


@transaction.atomic
def log_decide(
    *,
    access: Access,
    log: StudyLog,
    confirm: bool,
    reason: str = "",
    request: HttpRequest | None = None,
) -> LogDecision:
    """The member's secretary (or the hospital admin) confirms a self-study entry — its
    minutes count and the item is finished (points once) — or turns it down with a reason.
    Nobody confirms their own entry."""
    access.require_business()
    person = log.person
    if not access.manages_branch(person.branch_id, log.hospital_id):
        raise access.denied(log.hospital_id, "学习记录", "确认")
    if access.person_id is not None and access.person_id == log.person_id:
        raise PermissionDenied("不能确认本人的学习记录，请由医院党委确认")
    reason = (reason or "").strip()
    if not confirm and not reason:
        raise ValidationError({"reason": "退回学习记录须填写理由"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"意见不能超过{REASON_MAX}字"})
    fresh = lock_one(StudyLog, log.pk)
    if fresh.status != LogStatus.PENDING:
        raise ValidationError(
            {"log": f"该学习记录已处理（{fresh.get_status_display()}），不能重复处理"}
        )
    fresh.status = LogStatus.CONFIRMED if confirm else LogStatus.REJECTED
    fresh.decided_by_id = access.user_id
    fresh.decided_at = timezone.now()
    fresh.decision_reason = reason
    fresh.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    finished = None
    if confirm:
        finished = item_finish(
            access=access,
            person=person,
            item=fresh.item,
            method=LogMethod.SELF,
            log=fresh,
            day=fresh.studied_on,
        )
        message = f"已确认{person.name}的学习记录（{fresh.minutes}分钟）"
        if finished.created:
            message += f"；{finished.message}"
    else:
        message = f"已退回{person.name}的学习记录"
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=fresh,
        hospital_id=fresh.hospital_id,
        decision=fresh.status,
    )
    return LogDecision(fresh, finished, message)
