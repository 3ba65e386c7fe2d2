"""Writes of volunteer hours, a ledger like points: the organiser confirms an activity's
hours (one entry per sign-up, the yearly rollup in the same transaction, points for
service hours through the points door); a correction reverses the entry (and its points)
and writes a new one — never an edit.

Hours of a sign-up: from the actual check-in to check-out (the shift's end when nobody
checked out), capped by the shift's length, less the minutes excluded (travel), capped by
the rule's most hours a day (less what the person already has that day), in tenths of an
hour.

Training hours are kept apart: the organiser confirms an activity's hours as training
(``kind=training``, e.g. a 健康讲座 where staff were the audience); they count in the
person's record beside service hours, never towards the target or points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from hongfan.core import notify
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.locks import lock_one, lock_rows
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.points import rules as point_codes
from hongfan.points.models import PointEntry
from hongfan.points.services.awarding import CodedAward, award_many_by_code
from hongfan.points.services.ledger import points_reverse
from hongfan.service.choices import ActivityStatus, HourKind, SignupStatus
from hongfan.service.models import Activity, HourEntry, HourTally, HourTotal, Signup
from hongfan.service.selectors.hours import TENTH, signup_hours
from hongfan.service.selectors.rules import volunteer_rule_for
from hongfan.service.selectors.signup import activity_authority_id, may_manage
from hongfan.service.services.signup import _users_of

SOURCE_TYPE = "service.signup"


def source_id(entry: HourEntry) -> str:
    """The points source of an entry: the sign-up, then the sign-up and each correction."""
    return str(entry.signup_id) if entry.corrects_id is None else f"{entry.signup_id}-{entry.pk}"


def _earns_points(person: object) -> bool:
    return (
        getattr(person, "political_status", "") in MEMBER_STATUSES
        and getattr(person, "status", "") == PersonStatus.ACTIVE
    )


def add_to_totals(rows: list[tuple[int, int, int, str, Decimal, int]]) -> None:
    """Add (hospital, person, year, kind, hours, activities) to the yearly rollup (locked)."""
    merged: dict[tuple[int, int, str], list] = {}
    for hospital_id, person_id, year, kind, hours, count in rows:
        key = (person_id, year, kind)
        cur = merged.setdefault(key, [hospital_id, Decimal(0), 0])
        cur[1] += hours
        cur[2] += count
    if not merged:
        return
    people = {p for p, _, _ in merged}
    years = {y for _, y, _ in merged}
    existing = {
        (t.person_id, t.year, t.kind): t
        for t in lock_rows(HourTotal.objects.filter(person_id__in=people, year__in=years))
    }
    new, changed = [], []
    for key, (hospital_id, hours, count) in merged.items():
        t = existing.get(key)
        if t is None:
            new.append(
                HourTotal(
                    hospital_id=hospital_id,
                    person_id=key[0],
                    year=key[1],
                    kind=key[2],
                    hours=hours,
                    activities=max(count, 0),
                )
            )
        else:
            t.hours += hours
            t.activities = max(0, t.activities + count)
            changed.append(t)
    HourTotal.objects.bulk_create(new)
    HourTotal.objects.bulk_update(changed, ["hours", "activities"])


def add_to_tally(entries: list[HourEntry]) -> None:
    """Add new ledger entries to the monthly tally (hospital, branch, year, month, kind), in
    the caller's transaction: missing rows are inserted empty (a concurrent insert of the
    same row waits, then is ignored), then the rows are locked and their sums moved."""
    merged: dict[tuple[int, int | None, int, int, str], Decimal] = {}
    for e in entries:
        key = (e.hospital_id, e.branch_id, e.occurred_on.year, e.occurred_on.month, e.kind)
        merged[key] = merged.get(key, Decimal(0)) + e.hours
    if not merged:
        return
    HourTally.objects.bulk_create(
        [
            HourTally(hospital_id=h, branch_id=b, year=y, month=m, kind=k)
            for h, b, y, m, k in merged
        ],
        ignore_conflicts=True,
    )
    rows = lock_rows(
        HourTally.objects.filter(
            hospital_id__in={k[0] for k in merged},
            year__in={k[2] for k in merged},
            month__in={k[3] for k in merged},
            kind__in={k[4] for k in merged},
        )
    )
    changed = []
    for t in rows:
        delta = merged.get((t.hospital_id, t.branch_id, t.year, t.month, t.kind))
        if delta is not None:
            t.hours += delta
            changed.append(t)
    HourTally.objects.bulk_update(changed, ["hours"])


def tally_rebuild(*, hospital_id: int | None = None) -> int:
    """Rebuild the monthly tally from the ledger (one hospital, or all): for the
    ``checkhours --fix`` command after a repair. Returns the number of rows written."""
    entries = HourEntry.objects.all()
    tallies = HourTally.objects.all()
    if hospital_id is not None:
        entries = entries.filter(hospital_id=hospital_id)
        tallies = tallies.filter(hospital_id=hospital_id)
    with transaction.atomic():
        lock_rows(tallies)
        tallies.delete()
        rows = [
            HourTally(
                hospital_id=r["hospital_id"],
                branch_id=r["branch_id"],
                year=r["occurred_on__year"],
                month=r["occurred_on__month"],
                kind=r["kind"],
                hours=r["h"],
            )
            for r in entries.order_by()
            .values("hospital_id", "branch_id", "occurred_on__year", "occurred_on__month", "kind")
            .annotate(h=Sum("hours"))
        ]
        HourTally.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _day_used(person_ids: list[int], days: set[date]) -> dict[tuple[int, date], Decimal]:
    """Hours already in the ledger per (person, day), for the days' maximum."""
    rows = (
        HourEntry.objects.filter(person_id__in=person_ids, occurred_on__in=days)
        .values("person_id", "occurred_on")
        .annotate(h=Sum("hours"))
    )
    return {(r["person_id"], r["occurred_on"]): r["h"] or Decimal(0) for r in rows}


@dataclass(frozen=True)
class Confirmed:
    entries: list[HourEntry]
    no_shows: int
    points_people: int


@transaction.atomic
def hours_confirm(  # noqa: C901 (one checked sequence of rules)
    *,
    access: Access,
    activity: Activity,
    excluded: dict[int, int] | None = None,
    kind: str = HourKind.SERVICE,
    now: datetime | None = None,
) -> Confirmed:
    """The organiser confirms an activity's hours: ``excluded`` minutes per sign-up id
    (travel); everyone signed up and checked in gets an entry; those signed up and never
    checked in are recorded as no-shows. Service hours award points (VOL_HOUR per hour)."""
    now = now or timezone.now()
    if not may_manage(access, activity):
        raise access.denied(activity.hospital_id, "活动", "确认时长")
    a = lock_one(Activity, activity.pk)
    excluded = excluded or {}
    if kind not in HourKind.values:
        raise ValidationError({"kind": "时长类别无效"})
    if a.closed_at is not None:
        raise ValidationError("该活动的时长已确认，如需更正请逐人更正")
    if a.status not in (ActivityStatus.PUBLISHED, ActivityStatus.CLOSED):
        raise ValidationError("活动未发布或已取消，不能确认时长")
    if now < a.ends_at:
        raise ValidationError("活动结束后才能确认时长")
    signups = lock_rows(
        Signup.objects.filter(activity=a, status=SignupStatus.SIGNED).select_related(
            "shift", "person"
        )
    )
    day = timezone.localtime(a.starts_at).date()
    rule = volunteer_rule_for(activity_authority_id(a), day)
    errors: dict[str, str] = {}
    for s in signups:
        minutes = excluded.get(s.pk, s.excluded_minutes)
        length = int((s.shift.ends_at - s.shift.starts_at).total_seconds() // 60)
        if not 0 <= minutes <= length:
            errors[f"excluded_{s.pk}"] = f"{s.person.name}的扣除时间应在0到{length}分钟之间"
    if errors:
        raise ValidationError(errors)
    # Each sign-up's hours count on its shift's own day (a 红帆驿站 roster runs for weeks),
    # and the day's maximum is per person and day.
    shift_day = {s.pk: timezone.localtime(s.shift.starts_at).date() for s in signups}
    used = _day_used([s.person_id for s in signups], set(shift_day.values()))
    entries: list[HourEntry] = []
    no_shows = 0
    for s in signups:
        s.excluded_minutes = excluded.get(s.pk, s.excluded_minutes)
        if s.checked_in_at is None:
            s.status = SignupStatus.NO_SHOW
            s.confirmed_hours = Decimal(0)
            no_shows += 1
            continue
        hours = signup_hours(
            checked_in_at=s.checked_in_at,
            checked_out_at=s.checked_out_at,
            shift_starts_at=s.shift.starts_at,
            shift_ends_at=s.shift.ends_at,
            excluded_minutes=s.excluded_minutes,
            day_cap=rule.max_hours_per_day - used.get((s.person_id, shift_day[s.pk]), Decimal(0)),
        )
        s.confirmed_hours = hours
        if hours <= 0:
            continue
        used[s.person_id, shift_day[s.pk]] = used.get((s.person_id, shift_day[s.pk]), 0) + hours
        entries.append(
            HourEntry(
                hospital_id=a.hospital_id,
                person_id=s.person_id,
                branch_id=s.person.branch_id,
                kind=kind,
                hours=hours,
                occurred_on=shift_day[s.pk],
                activity=a,
                signup=s,
                reason="",
                created_by_id=access.user_id,
            )
        )
    Signup.objects.bulk_update(signups, ["status", "confirmed_hours", "excluded_minutes"])
    HourEntry.objects.bulk_create(entries)
    counted: set[tuple[int, int]] = set()  # one activity per person and year, however many shifts
    rows = []
    for e in entries:
        first = (e.person_id, e.occurred_on.year) not in counted
        counted.add((e.person_id, e.occurred_on.year))
        rows.append((e.hospital_id, e.person_id, e.occurred_on.year, kind, e.hours, int(first)))
    add_to_totals(rows)
    add_to_tally(entries)
    a.closed_at = now
    a.closed_by_id = access.user_id
    a.status = ActivityStatus.CLOSED
    a.save(update_fields=["closed_at", "closed_by", "status"])
    by_signup = {s.pk: s for s in signups}
    awarded = 0
    if kind == HourKind.SERVICE:
        awards = [
            CodedAward(
                person=by_signup[e.signup_id or 0].person,
                code=point_codes.VOL_HOUR,
                occurred_on=e.occurred_on,
                source_type=SOURCE_TYPE,
                source_id=source_id(e),
                quantity=e.hours,
                reason=f"志愿服务：{a.title}"[:200],
            )
            for e in entries
            if _earns_points(by_signup[e.signup_id or 0].person)
        ]
        awarded = sum(1 for r in award_many_by_code(access=None, awards=awards) if r)
    _notify_confirmed(a, entries, kind)
    audit_log(
        action=AuditAction.DATA_CREATED,
        actor_id=access.user_id,
        target=a,
        hospital_id=a.hospital_id,
        hours_entries=len(entries),
        kind=kind,
        no_shows=no_shows,
    )
    return Confirmed(entries=entries, no_shows=no_shows, points_people=awarded)


def _notify_confirmed(a: Activity, entries: list[HourEntry], kind: str) -> None:
    if not entries:
        return
    label = HourKind(kind).label
    by_person: dict[int, HourEntry] = {}  # the person's first entry names the message
    total: dict[int, Decimal] = {}  # a roster's shifts: the person's hours of the activity
    for entry in entries:
        by_person.setdefault(entry.person_id, entry)
        total[entry.person_id] = total.get(entry.person_id, Decimal(0)) + entry.hours
    link = reverse("service:my_record")
    for user in _users_of(list(by_person)):
        e = by_person[user.person_id]  # type: ignore[index]
        notify.notify(
            recipients=[user],
            title=f"{label}已确认：{a.title}",
            body=f"你参加“{a.title}”的{label}已确认为{total[e.person_id]}小时。",
            link=link,
            category=notify.SYSTEM,
            key=f"service.hours:{e.pk}",
        )


def live_entry(signup: Signup) -> HourEntry | None:
    """The sign-up's entry that stands (neither a reversal nor reversed)."""
    return (
        HourEntry.objects.filter(signup=signup, reverses__isnull=True, reversed_by__isnull=True)
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def hours_correct(  # noqa: C901 (one checked sequence of rules)
    *,
    access: Access,
    signup: Signup,
    hours: Decimal,
    reason: str,
    now: datetime | None = None,
) -> HourEntry | None:
    """Correct a sign-up's confirmed hours: a reversing entry for the standing one (its
    points reversed through the points door) and, unless the new figure is 0, a new entry
    (its points awarded). Returns the new entry (None for 0)."""
    a = signup.activity
    if not may_manage(access, a):
        raise access.denied(a.hospital_id, "活动", "更正时长")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "请填写更正原因"
    elif len(reason) > 150:
        errors["reason"] = "更正原因不能超过150字"
    s = lock_one(Signup.objects.select_related("shift", "person", "activity"), signup.pk)
    length = Decimal((s.shift.ends_at - s.shift.starts_at).total_seconds()) / 3600
    if hours < 0:
        errors["hours"] = "时长不能为负数"
    elif hours > length:
        errors["hours"] = f"时长不能超过班次时长（{length.quantize(TENTH)}小时）"
    if errors:
        raise ValidationError(errors)
    hours = hours.quantize(TENTH, rounding=ROUND_HALF_UP)
    if a.closed_at is None:
        raise ValidationError("该活动的时长尚未确认，请先确认时长")
    old = live_entry(s)
    old = lock_one(HourEntry, old.pk) if old is not None else None
    rule = volunteer_rule_for(activity_authority_id(a), timezone.localtime(a.starts_at).date())
    day = timezone.localtime(s.shift.starts_at).date()  # the shift's own day, as confirmed
    other = _day_used([s.person_id], {day}).get((s.person_id, day), Decimal(0)) - (
        old.hours if old else Decimal(0)
    )
    if hours > rule.max_hours_per_day - other:
        raise ValidationError({"hours": f"超过每日最多计时（{rule.max_hours_per_day}小时）"})
    if old is not None and old.hours == hours:
        raise ValidationError({"hours": "时长没有变化"})
    if old is None and hours == 0:
        raise ValidationError({"hours": "时长没有变化"})
    kind = old.kind if old else HourKind.SERVICE
    totals: list[tuple[int, int, int, str, Decimal, int]] = []
    reversal: HourEntry | None = None
    if old is not None:
        reversal = HourEntry.objects.create(
            hospital_id=old.hospital_id,
            person_id=old.person_id,
            branch_id=old.branch_id,
            kind=old.kind,
            hours=-old.hours,
            occurred_on=old.occurred_on,
            activity_id=old.activity_id,
            signup_id=old.signup_id,
            reverses=old,
            reason=f"更正：{reason}"[:200],
            created_by_id=access.user_id,
        )
        totals.append(
            (old.hospital_id, old.person_id, old.occurred_on.year, old.kind, -old.hours, -1)
        )
        if old.kind == HourKind.SERVICE:
            _reverse_points(access, old, reason)
        audit_log(
            action=AuditAction.DATA_CREATED,
            actor_id=access.user_id,
            target=reversal,
            hospital_id=old.hospital_id,
            reverses=old.pk,
        )
    new = None
    if hours > 0:
        new = HourEntry.objects.create(
            hospital_id=s.hospital_id,
            person_id=s.person_id,
            branch_id=s.person.branch_id,
            kind=kind,
            hours=hours,
            occurred_on=day,
            activity_id=s.activity_id,
            signup=s,
            corrects=old,
            reason=f"更正：{reason}"[:200],
            created_by_id=access.user_id,
        )
        totals.append((s.hospital_id, s.person_id, day.year, kind, hours, 1))
        if kind == HourKind.SERVICE and _earns_points(s.person):
            award_many_by_code(
                access=None,
                awards=[
                    CodedAward(
                        person=s.person,
                        code=point_codes.VOL_HOUR,
                        occurred_on=day,
                        source_type=SOURCE_TYPE,
                        source_id=source_id(new),
                        quantity=hours,
                        reason=f"志愿服务（更正）：{a.title}"[:200],
                    )
                ],
            )
    add_to_totals(totals)
    add_to_tally([e for e in (reversal, new) if e is not None])
    s.confirmed_hours = hours
    s.save(update_fields=["confirmed_hours"])
    if new is not None:
        audit_log(
            action=AuditAction.DATA_CREATED,
            actor_id=access.user_id,
            target=new,
            hospital_id=new.hospital_id,
            corrects=old.pk if old else None,
        )
    notify.notify(
        recipients=_users_of([s.person_id]),
        title=f"志愿服务时长已更正：{a.title}",
        body=f"你参加“{a.title}”的时长更正为{hours}小时（原因：{reason}）。",
        link=reverse("service:my_record"),
        category=notify.SYSTEM,
        key=f"service.hours:{s.pk}:corrected:{new.pk if new else 'zero'}:{old.pk if old else 0}",
    )
    return new


def _reverse_points(access: Access, old: HourEntry, reason: str) -> None:
    key = f"{SOURCE_TYPE}:{source_id(old)}"[:120]
    entry = PointEntry.objects.filter(hospital_id=old.hospital_id, source_key=key).first()
    if entry is None or PointEntry.objects.filter(reverses=entry).exists():
        return  # no points were paid (not a member, or no rule): nothing to reverse
    try:
        points_reverse(access=access, entry=entry, reason=f"志愿服务时长更正：{reason}")
    except PermissionDenied as exc:
        raise ValidationError(
            f"该时长已计积分，更正须冲正积分：{exc}。请由本人所在支部书记或医院党委更正"
        ) from exc
