"""The award engine: ``points_award`` and ``points_award_many``, the one door through which
every module awards or deducts points.

An award applies the caps of the rule version in force on its day (per day, month, quarter
and year), is idempotent on its source, appends a ledger entry and adds it to the
PointTotal rollups, all in one transaction. A batch (a meeting's attendance, an exam's
results) goes through the same code as a single award and costs the same number of
statements whatever its size:

1. lock the members (PostgreSQL: one ``SELECT … FOR UPDATE`` ordered by pk; SQLite's
   IMMEDIATE transactions already serialise writers);
2. read, in one statement, the versions of the rules involved, the cap counters (``earned``)
   of the (member, rule, period) rollups and the sources already counted;
3. cut each award to the room its caps leave (in request order, counting the batch's own
   earlier awards), then write the entries and add them to the rollups: on PostgreSQL one
   statement (data-modifying CTEs), on SQLite three (a statement there costs no round trip).

Statements are raw SQL because this is the platform's hottest write (bench/bench_points.py);
only quoted table names are interpolated into them, every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.dates import today
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Person
from hongfan.points.choices import EntryKind, Period
from hongfan.points.models import PointEntry, PointRule, PointRuleVersion, PointTotal
from hongfan.points.periods import ALL_PERIODS, period_start

CAP_LABELS = {
    Period.DAY: "每日",
    Period.MONTH: "每月",
    Period.QUARTER: "每季度",
    Period.YEAR: "每年",
}
POINT_STEP = Decimal("0.1")
DUPLICATE_MESSAGE = "该来源已计过积分，未重复计分"
BATCH_LIMIT = 500  # awards per statement; a longer batch is written in slices of this size


@dataclass(frozen=True)
class AwardResult:
    entry: PointEntry | None
    requested: Decimal
    granted: Decimal
    capped_by: str | None  # the period whose cap cut the award
    duplicate: bool  # the source was already counted: nothing new was written
    message: str  # what happened, in Chinese, for the page that called


@dataclass(frozen=True)
class AwardRequest:
    """One award of a batch (the arguments of ``points_award``)."""

    person: Person
    rule: PointRule
    occurred_on: date
    source_type: str
    source_id: str = ""
    quantity: Decimal | int = 1
    reason: str = ""

    @property
    def source_key(self) -> str | None:
        return f"{self.source_type}:{self.source_id}"[:120] if self.source_id else None


def rule_version_on(rule: PointRule, day: date) -> PointRuleVersion | None:
    return rule.versions.filter(effective_from__lte=day).order_by("-effective_from").first()


def points_award(
    *,
    access: Access | None,
    person: Person,
    rule: PointRule,
    occurred_on: date,
    source_type: str,
    source_id: str = "",
    quantity: Decimal | int = 1,
    reason: str = "",
) -> AwardResult:
    """Award (or, for a negative rule, deduct) points to a member.

    ``access`` is the acting user's access (None when a module awards on its own behalf,
    e.g. a QR check-in). Caps of the rule version in force on ``occurred_on`` apply per
    day, month, quarter and year; the award may be cut and says so. Idempotent on
    ``(source_type, source_id)`` per hospital: the same meeting attendance never pays
    twice, so modules pass a source per person (the attendance row, not the meeting)."""
    request = AwardRequest(person, rule, occurred_on, source_type, source_id, quantity, reason)
    return points_award_many(access=access, awards=[request])[0]


def points_award_many(
    *, access: Access | None, awards: Sequence[AwardRequest]
) -> list[AwardResult]:
    """Award a batch in one transaction (e.g. everyone present at a meeting), with the same
    rules as ``points_award``, one result per request in order. A request that is not
    allowed or not valid refuses the whole batch (ValidationError / PermissionDenied naming
    the person) and nothing is written; a capped or repeated source is a result, not an
    error."""
    if not awards:
        return []
    for award in awards:
        _check_request(access, award)
    actor_id = access.user_id if access else None
    results: list[AwardResult] = []
    for start in range(0, len(awards), BATCH_LIMIT):
        chunk = awards[start : start + BATCH_LIMIT]
        try:
            results += _award_chunk(chunk, actor_id)
        except IntegrityError:
            # Another transaction counted one of these sources between our read and our
            # write (a different member's award with the same source): read again, once.
            results += _award_chunk(chunk, actor_id)
    return results


def _check_request(access: Access | None, award: AwardRequest) -> None:
    person, rule = award.person, award.rule
    if access is not None and not access.manages_branch(person.branch_id, person.hospital_id):
        raise PermissionDenied("只能给本支部（本院）的党员计分")
    errors: dict[str, str] = {}
    if Decimal(award.quantity) <= 0:
        errors["quantity"] = "数量必须大于0"
    if person.political_status not in MEMBER_STATUSES or person.status != PersonStatus.ACTIVE:
        errors["person"] = f"{person.name}不是在册党员，不能计积分"
    if rule.hospital_id != person.hospital_id:
        errors["rule"] = "积分规则不属于此人所在医院"
    elif not rule.active:
        errors["rule"] = f"积分规则“{rule.name}”已停用"
    if award.occurred_on > today():
        errors["occurred_on"] = "发生日期不能晚于今天"
    if errors:
        raise ValidationError(errors)


# --- one chunk: lock, read, cut, write -----------------------------------------------------


@dataclass
class _Version:
    pk: int
    effective_from: date
    points: Decimal
    caps: dict[str, Decimal]  # period -> cap, the capped periods only


@dataclass
class _State:
    """What the read statement found, updated as the chunk's awards are cut."""

    versions: dict[int, list[_Version]] = field(default_factory=dict)  # rule -> newest first
    used: dict[tuple[int, int, str, date], Decimal] = field(default_factory=dict)
    counted: dict[tuple[int, str], int] = field(default_factory=dict)  # (hospital, key) -> id

    def version(self, rule_id: int, day: date) -> _Version | None:
        return next((v for v in self.versions.get(rule_id, []) if v.effective_from <= day), None)


def _award_chunk(chunk: Sequence[AwardRequest], actor_id: int | None) -> list[AwardResult]:
    with transaction.atomic():
        _lock_people({a.person.pk for a in chunk})
        state = _read_state(chunk)
        results: list[AwardResult | None] = []
        entries: list[tuple[PointEntry, Decimal]] = []  # new entries and what caps count
        for award in chunk:
            result, entry = _cut(award, state, actor_id)
            results.append(result)
            if entry is not None:
                entries.append((entry, abs(entry.points)))
        if entries:
            _write(entries)
    done: list[AwardResult] = []
    for award, result in zip(chunk, results, strict=True):
        if result is None:  # a duplicate: its earlier entry is read after the transaction
            result = _duplicate(award)
        done.append(result)
    return done


def _lock_people(person_ids: Iterable[int]) -> None:
    """Serialise awards per member: row locks in pk order on PostgreSQL (no deadlock
    between batches); SQLite's IMMEDIATE transactions already serialise writers."""
    if not connection.features.has_select_for_update:
        return
    ids = sorted(person_ids)
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE id IN ({', '.join(['%s'] * len(ids))})"  # noqa: S608
            " ORDER BY id FOR UPDATE",
            ids,
        )


def _decimal(value: Any) -> Decimal:
    """A DECIMAL read by raw SQL: PostgreSQL returns Decimal, SQLite int or float."""
    return Decimal(str(value)).quantize(POINT_STEP)


def _in(values: Iterable[Any]) -> tuple[str, list[Any]]:
    items = list(values)
    return ", ".join(["%s"] * len(items)), items


def _read_state(chunk: Sequence[AwardRequest]) -> _State:
    """One statement: the rule versions, the cap counters of the (member, rule, period)
    rollups of the chunk's days, and which of its sources are already counted."""
    q = connection.ops.quote_name
    version_t = q(PointRuleVersion._meta.db_table)
    total_t = q(PointTotal._meta.db_table)
    entry_t = q(PointEntry._meta.db_table)
    rules, rule_params = _in({a.rule.pk for a in chunk})
    people, people_params = _in({a.person.pk for a in chunk})
    starts, start_params = _in({period_start(p, a.occurred_on) for a in chunk for p in ALL_PERIODS})
    periods, period_params = _in(str(p) for p in ALL_PERIODS)
    keys = {(a.person.hospital_id, a.source_key) for a in chunk if a.source_key}
    num = "CAST(NULL AS NUMERIC)"
    parts = [
        "SELECT 'v', v.id, v.rule_id, v.effective_from, v.points, v.daily_cap,"  # noqa: S608
        f" v.monthly_cap, v.quarterly_cap, v.yearly_cap, NULL FROM {version_t} v"
        f" WHERE v.rule_id IN ({rules})",
        f"SELECT 't', t.person_id, t.rule_id, t.period_start, t.earned, {num}, {num}, {num},"  # noqa: S608
        f" {num}, t.period FROM {total_t} t WHERE t.person_id IN ({people})"
        f" AND t.rule_id IN ({rules}) AND t.period IN ({periods})"
        f" AND t.period_start IN ({starts})",
    ]
    params: list[Any] = [
        *rule_params,
        *people_params,
        *rule_params,
        *period_params,
        *start_params,
    ]
    if keys:
        hospitals, hospital_params = _in({h for h, _ in keys})
        sources, source_params = _in({k for _, k in keys})
        parts.append(
            f"SELECT 's', e.id, e.hospital_id, NULL, {num}, {num}, {num}, {num}, {num},"  # noqa: S608
            f" e.source_key FROM {entry_t} e WHERE e.hospital_id IN ({hospitals})"
            f" AND e.source_key IN ({sources})"
        )
        params += [*hospital_params, *source_params]
    state = _State()
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    for kind, a, b, day, amount, *caps, text in rows:
        if kind == "v":
            state.versions.setdefault(b, []).append(
                _Version(
                    pk=a,
                    effective_from=_as_date(day),
                    points=_decimal(amount),
                    caps={
                        str(p): _decimal(c)
                        for p, c in zip(ALL_PERIODS, caps, strict=True)
                        if c is not None
                    },
                )
            )
        elif kind == "t":
            state.used[(a, b, text, _as_date(day))] = _decimal(amount)
        else:
            state.counted[(b, text)] = a
    for versions in state.versions.values():
        versions.sort(key=lambda v: v.effective_from, reverse=True)
    return state


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _cut(
    award: AwardRequest, state: _State, actor_id: int | None
) -> tuple[AwardResult | None, PointEntry | None]:
    """The award cut to its caps, as a result and the entry to write (None: nothing to
    write; a None result marks a source already counted)."""
    person, rule, day = award.person, award.rule, award.occurred_on
    version = state.version(rule.pk, day)
    if version is None:
        raise ValidationError({"occurred_on": f"积分规则“{rule.name}”在{day:%Y-%m-%d}尚未生效"})
    # The ledger keeps one decimal: round here so that what the caller is told, the entry and
    # the totals agree (0.5 × 1.5 h is 0.8, not 0.75 told and 0.8 stored).
    requested = (version.points * Decimal(award.quantity)).quantize(
        POINT_STEP, rounding=ROUND_HALF_UP
    )
    if requested == 0:
        raise ValidationError({"quantity": f"{person.name}：数量太小，折合积分为0"})
    key = award.source_key
    if key is not None and (person.hospital_id, key) in state.counted:
        return None, None
    magnitude = abs(requested)
    capped_by = None
    for period, cap in version.caps.items():
        used = state.used.get((person.pk, rule.pk, period, period_start(period, day)), Decimal(0))
        room = max(Decimal(0), cap - used)
        if room < magnitude:
            magnitude, capped_by = room, period
    granted = magnitude if requested > 0 else -magnitude
    if granted == 0:
        assert capped_by is not None
        message = (
            f"已达“{rule.name}”{CAP_LABELS[Period(capped_by)]}上限"
            f"（{version.caps[capped_by]}分），本次不计分"
        )
        return AwardResult(None, requested, granted, capped_by, False, message), None
    for period in version.caps:
        slot = (person.pk, rule.pk, period, period_start(period, day))
        state.used[slot] = state.used.get(slot, Decimal(0)) + magnitude
    if key is not None:
        state.counted[(person.hospital_id, key)] = 0  # a repeat later in the same batch
    entry = PointEntry(
        hospital_id=person.hospital_id,
        person=person,
        rule=rule,
        rule_version_id=version.pk,
        kind=EntryKind.AWARD if granted > 0 else EntryKind.DEDUCTION,
        points=granted,
        requested=requested,
        occurred_on=day,
        reason=(award.reason or rule.name)[:200],
        source_type=award.source_type[:40],
        source_id=award.source_id[:64],
        source_key=key,
        actor_id=actor_id,
    )
    if capped_by:
        message = (
            f"按“{rule.name}”{CAP_LABELS[Period(capped_by)]}上限"
            f"（{version.caps[capped_by]}分），本次计{granted}分（申请{requested}分）"
        )
    else:
        message = f"已计{granted:+}分"
    return AwardResult(entry, requested, granted, capped_by, False, message), entry


def _duplicate(award: AwardRequest) -> AwardResult:
    """The result for a source already counted (earlier, or earlier in the same batch)."""
    existing = PointEntry.objects.get(
        hospital_id=award.person.hospital_id, source_key=award.source_key
    )
    return AwardResult(existing, existing.requested, existing.points, None, True, DUPLICATE_MESSAGE)


# --- the write -----------------------------------------------------------------------------

_ENTRY_COLUMNS = (
    "hospital_id",
    "person_id",
    "rule_id",
    "rule_version_id",
    "kind",
    "points",
    "requested",
    "occurred_on",
    "reason",
    "source_type",
    "source_id",
    "source_key",
    "actor_id",
    "created_at",
)
_UPSERT = (
    "INSERT INTO {table} (hospital_id, person_id, rule_id, period, period_start, points, earned)"
    " VALUES {values}"
    " ON CONFLICT ({target}) WHERE {predicate}"
    " DO UPDATE SET points = {table}.points + excluded.points,"
    " earned = {table}.earned + excluded.earned"
)


def total_upserts(rows: Iterable[tuple[PointEntry, Decimal]]) -> list[tuple[str, list[Any]]]:
    """The rollup upserts of entries (with what each adds to the cap counters): their rules'
    and the overall totals for their day, month, quarter and year, summed per rollup row
    (an upsert may not touch a row twice). PostgreSQL and SQLite both speak ON CONFLICT
    with the partial unique indexes of PointTotal."""
    per_rule: dict[tuple[Any, ...], list[Decimal]] = {}
    overall: dict[tuple[Any, ...], list[Decimal]] = {}
    for entry, earned in rows:
        for period in ALL_PERIODS:
            start = period_start(period, entry.occurred_on)
            for sums, rule_id in ((per_rule, entry.rule_id), (overall, None)):
                slot = (entry.hospital_id, entry.person_id, rule_id, str(period), start)
                acc = sums.setdefault(slot, [Decimal(0), Decimal(0)])
                acc[0] += entry.points
                acc[1] += earned
    table = connection.ops.quote_name(PointTotal._meta.db_table)
    statements = []
    for sums, target, predicate in (
        (per_rule, "person_id, rule_id, period, period_start", "rule_id IS NOT NULL"),
        (overall, "person_id, period, period_start", "rule_id IS NULL"),
    ):
        params: list[Any] = []
        for slot, (points, earned) in sums.items():
            params += [*slot, points, earned]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(sums))
        statements.append(
            (_UPSERT.format(table=table, values=values, target=target, predicate=predicate), params)
        )
    return statements


def _write(entries: list[tuple[PointEntry, Decimal]]) -> None:
    entry_table = connection.ops.quote_name(PointEntry._meta.db_table)
    now = timezone.now()
    params: list[Any] = []
    for entry, _ in entries:
        entry.created_at = now
        params += [getattr(entry, column) for column in _ENTRY_COLUMNS]
    row = f"({', '.join(['%s'] * len(_ENTRY_COLUMNS))})"
    insert = (
        f"INSERT INTO {entry_table} ({', '.join(_ENTRY_COLUMNS)})"  # noqa: S608
        f" VALUES {', '.join([row] * len(entries))} RETURNING id"
    )
    (rule_sql, rule_params), (all_sql, all_params) = total_upserts(entries)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH e AS ({insert}), r AS ({rule_sql} RETURNING 1),"  # noqa: S608
                f" o AS ({all_sql} RETURNING 1) SELECT id FROM e",
                [*params, *rule_params, *all_params],
            )
        else:
            cursor.execute(insert, params)
        ids = [r[0] for r in cursor.fetchall()]
        if connection.vendor != "postgresql":
            cursor.execute(rule_sql, rule_params)
            cursor.execute(all_sql, all_params)
    # Both databases return the rows of a multi-row INSERT in the order of its VALUES (what
    # Django's bulk_create relies on too).
    for (entry, _), pk in zip(entries, ids, strict=True):
        entry.pk = pk
        entry._state.adding = False
        entry._state.db = connection.alias


def add_to_totals(entry: PointEntry, *, earned: Decimal) -> None:
    """Add a saved entry (a reversal) to its rollups."""
    with connection.cursor() as cursor:
        for sql, params in total_upserts([(entry, earned)]):
            cursor.execute(sql, params)


def lock_person(person: Person) -> None:
    _lock_people([person.pk])
