"""The award engine: ``points_award`` and ``points_award_many``, the one door through which
every module awards or deducts points; modules name the rule by its code
(``award_by_code`` / ``award_many_by_code`` with a constant of ``hongfan.points.rules``).

An award applies the caps of the rule version in force on its day (per day, month, quarter
and year), is idempotent on its source, appends a ledger entry and adds it to the
PointTotal rollups, all in one transaction. A batch (a meeting's attendance, an exam's
results) goes through the same code as a single award and costs the same number of
statements whatever its size:

1. lock the members (PostgreSQL: transaction-scoped advisory locks taken in pk order;
   SQLite's IMMEDIATE transactions already serialise writers);
2. read, in one statement, the versions of the rules involved, the cap counters (``earned``)
   of the (member, rule, period) rollups and the sources already counted;
3. cut each award to the room its caps leave (in request order, counting the batch's own
   earlier awards), then write the entries and add them to the rollups: on PostgreSQL one
   statement (data-modifying CTEs), on SQLite three (a statement there costs no round trip).

Statements are raw SQL because this is the platform's hottest write (bench/bench_points.py);
only quoted table names are interpolated into them, every value is a parameter. On
PostgreSQL the values travel as arrays and the statements are prepared once per connection
(docs/decisions/0005).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import psycopg
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.dates import today
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Person
from hongfan.points import rules as codes
from hongfan.points.choices import EntryKind, Period
from hongfan.points.models import PointEntry, PointRule, PointRuleVersion, PointTotal
from hongfan.points.models.catalogue import POINT_STEP
from hongfan.points.periods import ALL_PERIODS, period_start

CAP_LABELS = {
    Period.DAY: "每日",
    Period.MONTH: "每月",
    Period.QUARTER: "每季度",
    Period.YEAR: "每年",
}
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
    return rule.versions.in_force_on(day)


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


@dataclass(frozen=True)
class CodedAward:
    """One award by rule code (a constant of ``hongfan.points.rules``): the rule is the
    active one of that code in the person's hospital."""

    person: Person
    code: str
    occurred_on: date
    source_type: str
    source_id: str = ""
    quantity: Decimal | int = 1
    reason: str = ""


def award_by_code(
    *,
    access: Access | None,
    person: Person,
    code: str,
    occurred_on: date,
    source_type: str,
    source_id: str = "",
    quantity: Decimal | int = 1,
    reason: str = "",
) -> AwardResult | None:
    """``points_award`` under the person's hospital's active rule of ``code``. None when the
    hospital has no active rule of that code (not adopted, or stopped): nothing is written
    and the calling module says so in its own words."""
    award = CodedAward(person, code, occurred_on, source_type, source_id, quantity, reason)
    return award_many_by_code(access=access, awards=[award])[0]


def award_many_by_code(
    *, access: Access | None, awards: Sequence[CodedAward]
) -> list[AwardResult | None]:
    """``points_award_many`` by rule code, one result per award in order: None for an award
    whose code has no active rule in its person's hospital (the others are still awarded,
    in one batch). The rules are looked up in one query."""
    unknown = {a.code for a in awards} - set(codes.ALL_CODES)
    if unknown:
        raise ValueError(f"not a code of hongfan.points.rules: {sorted(unknown)}")
    if not awards:
        return []
    rules = {
        (r.hospital_id, r.code): r
        for r in PointRule.objects.filter(
            hospital_id__in={a.person.hospital_id for a in awards},
            code__in={a.code for a in awards},
            active=True,
        )
    }
    requests: list[AwardRequest] = []
    placed: list[int | None] = []  # per award: its index in requests, None without a rule
    for a in awards:
        rule = rules.get((a.person.hospital_id, a.code))
        if rule is None:
            placed.append(None)
            continue
        placed.append(len(requests))
        requests.append(
            AwardRequest(
                a.person, rule, a.occurred_on, a.source_type, a.source_id, a.quantity, a.reason
            )
        )
    results = points_award_many(access=access, awards=requests)
    return [None if i is None else results[i] for i in placed]


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


# The first key of the engine's advisory locks on PostgreSQL ("HF"); the second is the
# person's id, an int4 there (ids stay far below 2**31: a city has ~10**5 people).
ADVISORY_LOCK_SPACE = 0x4846


def _lock_people(person_ids: Iterable[int]) -> None:
    """Serialise awards per member. PostgreSQL: transaction-scoped advisory locks taken in
    pk order (no deadlock between batches); unlike ``SELECT … FOR UPDATE`` they write
    nothing to the person rows. SQLite's IMMEDIATE transactions already serialise writers."""
    if connection.vendor != "postgresql":
        return
    with _cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, u.id) FROM unnest(%s::int[]) AS u(id)",
            [ADVISORY_LOCK_SPACE, _array(sorted(person_ids))],
        )


@contextmanager
def _cursor() -> Iterator[CursorWrapper]:
    """A cursor for the engine's statements. On PostgreSQL it binds parameters on the server
    and prepares each statement once per connection, so its text is neither parsed nor
    planned again for the next award (the statements' text does not change with the batch
    size: arrays, see ``_arrays``). Django's wrapper is kept: the query log, execute
    wrappers and the translation of database errors (IntegrityError) still apply."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = _PreparingCursor(connection.connection)
    # What connection.cursor() does with the cursor it creates.
    connection.validate_thread_sharing()
    if connection.queries_logged:
        cursor = _DebugWrapper(raw, connection)
    else:
        cursor = connection.make_cursor(raw)  # type: ignore[arg-type]
    with cursor:
        yield cursor


class _DebugWrapper(CursorDebugWrapper):
    """Django's logging wrapper, logging the statement as written (``%s`` placeholders): a
    prepared statement leaves psycopg no text to report back."""

    def execute(self, sql, params=None):  # type: ignore[no-untyped-def]
        with self.debug_sql(sql, params):
            return super(CursorDebugWrapper, self).execute(sql, params)


class _PreparingCursor(psycopg.Cursor):  # type: ignore[type-arg]
    """psycopg's server-side-binding cursor, preparing every statement it executes."""

    def execute(self, query, params=None, **kwargs):  # type: ignore[no-untyped-def]
        return super().execute(query, params, prepare=True, **kwargs)


def _decimal(value: Any) -> Decimal:
    """A DECIMAL read by raw SQL: PostgreSQL returns Decimal, SQLite int or float."""
    return Decimal(str(value)).quantize(POINT_STEP)


def _arrays() -> bool:
    """PostgreSQL takes a batch's values as array parameters: the statements' text is then
    the same for every batch size, so it is prepared once per connection (``_cursor``), and
    a batch of 500 is 28 parameters, not 3,500."""
    return connection.vendor == "postgresql"


def _array(values: Iterable[Any]) -> str:
    """A PostgreSQL array literal (``{"1","2",NULL}``) of ints, decimals, dates, times or
    text, for a ``%s::type[]`` parameter. Every element is quoted and escaped, so any text is
    safe. Written here because psycopg's adaptation of a Python list inspects its elements
    to choose a type: ~40 µs a list, 1.4 ms of a single award's 35 lists (measured)."""
    items = []
    for value in values:
        if value is None:
            items.append("NULL")
        else:
            text = value.isoformat() if isinstance(value, date) else str(value)
            items.append('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(items) + "}"


def _any(column: str, values: Iterable[Any], kind: str) -> tuple[str, list[Any]]:
    """``column`` equal to one of ``values``: ``= ANY(array of kind)`` on PostgreSQL,
    ``IN (…)`` elsewhere."""
    items = list(values)
    if _arrays():
        return f"{column} = ANY(%s::{kind}[])", [_array(items)]
    return f"{column} IN ({', '.join(['%s'] * len(items))})", items


def _read_state(chunk: Sequence[AwardRequest]) -> _State:
    """One statement: the rule versions, the cap counters of the (member, rule, period)
    rollups of the chunk's days, and which of its sources are already counted."""
    q = connection.ops.quote_name
    version_t = q(PointRuleVersion._meta.db_table)
    total_t = q(PointTotal._meta.db_table)
    entry_t = q(PointEntry._meta.db_table)
    rules = {a.rule.pk for a in chunk}
    version_in, version_params = _any("v.rule_id", rules, "bigint")
    conditions = [
        _any("t.person_id", {a.person.pk for a in chunk}, "bigint"),
        _any("t.rule_id", rules, "bigint"),
        _any("t.period", [str(p) for p in ALL_PERIODS], "text"),
        _any(
            "t.period_start",
            {period_start(p, a.occurred_on) for a in chunk for p in ALL_PERIODS},
            "date",
        ),
    ]
    keys = {(a.person.hospital_id, a.source_key) for a in chunk if a.source_key}
    num = "CAST(NULL AS NUMERIC)"
    parts = [
        "SELECT 'v', v.id, v.rule_id, v.effective_from, v.points, v.daily_cap,"  # noqa: S608
        f" v.monthly_cap, v.quarterly_cap, v.yearly_cap, NULL FROM {version_t} v"
        f" WHERE {version_in}",
        f"SELECT 't', t.person_id, t.rule_id, t.period_start, t.earned, {num}, {num}, {num},"  # noqa: S608
        f" {num}, t.period FROM {total_t} t WHERE {' AND '.join(c for c, _ in conditions)}",
    ]
    params: list[Any] = [*version_params, *(p for _, ps in conditions for p in ps)]
    if keys:
        hospital_in, hospital_params = _any("e.hospital_id", {h for h, _ in keys}, "bigint")
        source_in, source_params = _any("e.source_key", {k for _, k in keys}, "text")
        parts.append(
            f"SELECT 's', e.id, e.hospital_id, NULL, {num}, {num}, {num}, {num}, {num},"  # noqa: S608
            f" e.source_key FROM {entry_t} e WHERE {hospital_in} AND {source_in}"
        )
        params += [*hospital_params, *source_params]
    state = _State()
    with _cursor() as cursor:
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

# Column, and its array type for PostgreSQL's unnest().
_ENTRY_COLUMNS = (
    ("hospital_id", "bigint"),
    ("person_id", "bigint"),
    ("rule_id", "bigint"),
    ("rule_version_id", "bigint"),
    ("kind", "text"),
    ("points", "numeric"),
    ("requested", "numeric"),
    ("occurred_on", "date"),
    ("reason", "text"),
    ("source_type", "text"),
    ("source_id", "text"),
    ("source_key", "text"),
    ("actor_id", "bigint"),
    ("created_at", "timestamptz"),
)
_TOTAL_COLUMNS = (
    ("hospital_id", "bigint"),
    ("person_id", "bigint"),
    ("rule_id", "bigint"),
    ("period", "text"),
    ("period_start", "date"),
    ("points", "numeric"),
    ("earned", "numeric"),
)


def _rows_sql(
    columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]
) -> tuple[str, list[Any]]:
    """The rows to insert and their parameters: ``SELECT * FROM unnest(array, …)``, one
    array per column, on PostgreSQL (the same text for any number of rows; Django's
    bulk_create does the same), ``VALUES (…), (…)`` elsewhere."""
    if _arrays():
        arrays = ", ".join(f"%s::{kind}[]" for _, kind in columns)
        return f"SELECT * FROM unnest({arrays})", [_array(c) for c in zip(*rows, strict=True)]  # noqa: S608
    row = f"({', '.join(['%s'] * len(columns))})"
    return f"VALUES {', '.join([row] * len(rows))}", [v for r in rows for v in r]


_UPSERT = (
    "INSERT INTO {table} ({columns}) {rows}"
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
                if rule_id is None:  # a rule's rows count only what its caps count
                    acc[0] += entry.points
                acc[1] += earned
    table = connection.ops.quote_name(PointTotal._meta.db_table)
    columns = ", ".join(c for c, _ in _TOTAL_COLUMNS)
    statements = []
    for sums, target, predicate in (
        (per_rule, "person_id, rule_id, period, period_start", "rule_id IS NOT NULL"),
        (overall, "person_id, period, period_start", "rule_id IS NULL"),
    ):
        values, params = _rows_sql(
            _TOTAL_COLUMNS, [(*slot, points, earned) for slot, (points, earned) in sums.items()]
        )
        statements.append(
            (
                _UPSERT.format(
                    table=table, columns=columns, rows=values, target=target, predicate=predicate
                ),
                params,
            )
        )
    return statements


def _write(entries: list[tuple[PointEntry, Decimal]]) -> None:
    entry_table = connection.ops.quote_name(PointEntry._meta.db_table)
    now = timezone.now()
    for entry, _ in entries:
        entry.created_at = now
    values, params = _rows_sql(
        _ENTRY_COLUMNS,
        [[getattr(entry, column) for column, _ in _ENTRY_COLUMNS] for entry, _ in entries],
    )
    insert = (
        f"INSERT INTO {entry_table} ({', '.join(c for c, _ in _ENTRY_COLUMNS)})"  # noqa: S608
        f" {values} RETURNING id"
    )
    (rule_sql, rule_params), (all_sql, all_params) = total_upserts(entries)
    with _cursor() as cursor:
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
    # Both databases return the rows of a multi-row INSERT in the order of its VALUES (and
    # PostgreSQL those of INSERT … SELECT FROM unnest() in the order of the arrays), what
    # Django's bulk_create relies on too.
    for (entry, _), pk in zip(entries, ids, strict=True):
        entry.pk = pk
        entry._state.adding = False
        entry._state.db = connection.alias


def add_to_totals(entry: PointEntry, *, earned: Decimal) -> None:
    """Add a saved entry (a reversal) to its rollups."""
    with _cursor() as cursor:
        for sql, params in total_upserts([(entry, earned)]):
            cursor.execute(sql, params)


def lock_person(person: Person) -> None:
    _lock_people([person.pk])
