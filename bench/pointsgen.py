"""Load a year of points ledger (积分流水) and its rollups into a city database.

Usage (from the project root)::

    uv run python bench/pointsgen.py --entries 1500000                   # SQLite
    uv run python bench/pointsgen.py --entries 15000000 --vendor postgresql
    uv run python bench/pointsgen.py --entries 1500000 --database-url URL
    uv run python bench/pointsgen.py --entries 1500000 --if-present      # skip when loaded

The target is a database of its own per size, so that the page benchmarks' city
(bench/var/city.sqlite3, hongfan_bench) is left alone: by default
``bench/var/points_<entries>.sqlite3`` (a copy of bench/var/city.sqlite3, or built by
citygen.py when that is missing) or, with ``--vendor postgresql``, the database
``<BENCH_PG_URL name>_points_<entries>`` (built by citygen.py, which drops and creates it).
``--database-url`` (or DATABASE_URL) names any other target; like citygen, pointsgen refuses
a database whose name does not contain "bench".

Then: ``migrate``, the city's default point rules and their copy in every hospital
(``point_rules_seed_city`` + ``point_rules_copy_defaults``, both idempotent), and the load:

- ``--entries`` ledger rows (PointEntry) over the 365 days up to yesterday for every active
  member, in time order (as a ledger grows). Each member gets a share proportional to a
  random zeal (0.5-1.5), spread over the days (weekends 0.6 of a weekday); rules drawn
  with a fixed mix (study items most, complaints least). The caps of the rule versions are
  respected the way ``points_award`` applies them (an award is cut to the room left; a rule
  with no room left is drawn again; an entry with no room on its day moves to the next
  day), so that the ledger is one the service could have written. Every entry has a source
  (``load:<n>``), as module awards will.
- the matching PointTotal rollups: per person, per rule and overall (rule NULL), for day,
  month, quarter and year, both ``points`` and ``earned`` (what caps count).

Both are generated in one Python stream and loaded with the tables' secondary indexes and
foreign keys dropped (recreated afterwards; their definitions are saved in
bench/var/<db>.pointsgen-schema.json until then, so that a run that dies half-way is
repaired by the next one): PostgreSQL ``COPY ... FREEZE`` on two connections (one per
table) and then ``VACUUM ANALYZE`` of the two tables (what autovacuum would do);
SQLite ``executemany`` in one transaction from a writer thread, with ``journal_mode=OFF``,
``synchronous=OFF`` and a large cache for the load only (WAL again afterwards; no ANALYZE,
as a SQLite deployment never runs it).

At the end the rollups are checked against the ledger: the city-wide sums, and
``hongfan.points.selectors.ledger.points_check`` for one hospital (``--check-hospital``: the
largest by default). Results: stdout and bench/results/pointsgen_<vendor>_<entries>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VAR = BENCH / "var"
CITY_SQLITE = VAR / "city.sqlite3"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/hongfan_bench")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from hongfan.points import rules as codes  # noqa: E402  (after the sys.path lines above)

TABLES = ("points_pointentry", "points_pointtotal")
ENTRY_COLUMNS = (
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
    "created_at",
)
TOTAL_COLUMNS = (
    "hospital_id",
    "person_id",
    "rule_id",
    "period",
    "period_start",
    "points",
    "earned",
)
SOURCE_TYPE = "load"

# Rule code -> (share of the entries drawn, largest quantity). Codes not listed are not used.
# The mix is a year of the national study app's habits: study items and quizzes every day,
# meetings, duty and volunteering weekly, praise and merit now and then, few deductions.
MIX: dict[str, tuple[float, int]] = {
    codes.STUDY_ITEM: (0.46, 1),
    codes.STUDY_QUIZ: (0.20, 1),
    codes.ORG_MEETING: (0.07, 1),
    codes.POST_DUTY: (0.07, 1),
    codes.VOL_HOUR: (0.05, 3),
    codes.PUBLIC_PRAISE: (0.04, 1),
    codes.POST_MERIT: (0.02, 1),
    codes.ORG_LECTURE: (0.01, 1),
    codes.DED_ABSENT: (0.015, 1),
    codes.DED_COMPLAINT: (0.005, 1),
}
WEEKEND_WEIGHT = 0.6
ZEAL = (0.5, 1.5)
ATTEMPTS = 12  # draws of a rule before an entry moves to the next day


# --- target database ---------------------------------------------------------------------------


def setup_django(url: str) -> None:
    """Point Django at ``url`` and set it up, as the benchmark processes run: development
    settings, DEBUG off (no query log), errors only in the log."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongfan.settings")
    os.environ.setdefault("HONGFAN_ENV", "dev")
    os.environ.setdefault("HONGFAN_DEBUG", "false")
    os.environ.setdefault("HONGFAN_ALLOWED_HOSTS", "testserver,127.0.0.1")
    os.environ.setdefault("HONGFAN_LOG_LEVEL", "ERROR")
    import django

    django.setup()


def target_url(args: argparse.Namespace) -> str:
    if args.database_url:
        return args.database_url
    if args.vendor == "postgresql":
        base, _, query = (getattr(args, "pg_url", None) or PG_URL).partition("?")
        head, name = base.rsplit("/", 1)
        return f"{head}/{name}_points_{args.entries}" + (f"?{query}" if query else "")
    if args.vendor == "sqlite":
        return f"sqlite:///{VAR / f'points_{args.entries}.sqlite3'}"
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return f"sqlite:///{VAR / f'points_{args.entries}.sqlite3'}"


def parse_url(url: str) -> dict:
    import dj_database_url

    return dj_database_url.parse(url)


def pg_params(cfg: dict, dbname: str | None = None) -> dict:
    params = {
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
        "dbname": dbname or cfg["NAME"],
    }
    return {k: v for k, v in params.items() if v}


def vendor_of(cfg: dict) -> str:
    if cfg["ENGINE"].endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in cfg["ENGINE"]:
        return "postgresql"
    raise SystemExit(f"pointsgen: unsupported database {cfg['ENGINE']}")


def ensure_city(url: str, cfg: dict, vendor: str, *, fresh: bool, who: str = "pointsgen") -> str:
    """Make sure the target holds the city (30 hospitals and the bench accounts): present,
    copied from bench/var/city.sqlite3 (SQLite) or built by citygen.py. Also orglifegen's."""
    from run_all import city_ready

    ready = city_ready(url)
    if ready is None:
        raise SystemExit(f"{who}: PostgreSQL not reachable for {url}")
    if ready and not fresh:
        return "present"
    if vendor == "sqlite" and city_ready(f"sqlite:///{CITY_SQLITE}"):
        target = Path(cfg["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        # The backup API gives a consistent copy even if someone is reading the city.
        with sqlite3.connect(CITY_SQLITE) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return f"copied from {CITY_SQLITE.relative_to(ROOT)}"
    env = dict(os.environ, DATABASE_URL=url, HONGFAN_ENV="dev", PYTHONUNBUFFERED="1")
    rc = subprocess.call(
        [sys.executable, str(BENCH / "citygen.py"), "--database-url", url], cwd=ROOT, env=env
    )
    if rc:
        raise SystemExit(f"{who}: citygen failed")
    return "built by citygen.py"


def has_rows(url: str, sql: str, *, who: str) -> bool | None:
    """Whether ``sql`` (a ``select 1 … limit 1``) finds a row in the database of ``url``.
    None: the PostgreSQL server is unreachable; False: no database, no table or no row.
    (bench_points and bench_orglife ask it whether their data is loaded.)"""
    import dj_database_url

    cfg = dj_database_url.parse(url)
    if cfg["ENGINE"].endswith("sqlite3"):
        if not Path(cfg["NAME"]).exists():
            return False
        try:
            with sqlite3.connect(cfg["NAME"]) as conn:
                return conn.execute(sql).fetchone() is not None
        except sqlite3.Error:
            return False
    import psycopg

    try:
        with psycopg.connect(**pg_params(cfg, "postgres"), connect_timeout=5) as conn:
            if not conn.execute(
                "select 1 from pg_database where datname = %s", [cfg["NAME"]]
            ).fetchone():
                return False
        with psycopg.connect(**pg_params(cfg), connect_timeout=5) as conn:
            return conn.execute(sql).fetchone() is not None
    except psycopg.OperationalError as exc:
        print(f"{who}: cannot reach {url}: {str(exc).strip()}")
        return None
    except psycopg.Error:
        return False


# --- the plan: members, rules, days --------------------------------------------------------------


class Plan:
    """Everything the generator needs, read once through the ORM."""

    def __init__(self, *, entries: int, seed: int, end: date):
        from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
        from hongfan.org.models import Person
        from hongfan.points.models import PointRule, PointRuleVersion

        self.entries = entries
        self.end = end
        self.start = end - timedelta(days=364)
        self.days = [self.start + timedelta(days=i) for i in range(365)]
        rng = random.Random(seed)
        self.rng = rng

        members = list(
            Person.objects.filter(status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES)
            .order_by("pk")
            .values_list("pk", "hospital_id")
        )
        if not members:
            raise SystemExit("pointsgen: the city has no members")
        self.member_pid = [m[0] for m in members]
        self.member_hid = [m[1] for m in members]

        versions: dict[int, list] = {}
        for v in PointRuleVersion.objects.filter(rule__hospital__isnull=False).order_by(
            "rule_id", "-effective_from"
        ):
            versions.setdefault(v.rule_id, []).append(v)
        # hospital -> list of rule rows; each rule row is a per-day list of
        # (rule_id, version_id, points10, qmax, daily, monthly, quarterly, yearly) or None
        self.reason: dict[int, str] = {}
        self.hospital_rules: dict[int, list[list]] = {}
        self.hospital_table: dict[int, list[int]] = {}
        self.hospital_fallback: dict[int, int | None] = {}
        for rule in PointRule.objects.filter(hospital__isnull=False, active=True).order_by("pk"):
            share, qmax = MIX.get(rule.code, (0.0, 1))
            if share <= 0 or rule.pk not in versions:
                continue
            self.reason[rule.pk] = rule.name[:200]
            per_day = []
            for day in self.days:
                v = next((x for x in versions[rule.pk] if x.effective_from <= day), None)
                if v is None:
                    per_day.append(None)
                    continue
                per_day.append(
                    (
                        rule.pk,
                        v.pk,
                        tenths(v.points),
                        qmax,
                        tenths(v.daily_cap),
                        tenths(v.monthly_cap),
                        tenths(v.quarterly_cap),
                        tenths(v.yearly_cap),
                    )
                )
            rules = self.hospital_rules.setdefault(rule.hospital_id, [])
            index = len(rules)
            rules.append(per_day)
            self.hospital_table.setdefault(rule.hospital_id, []).extend(
                [index] * round(share * 1000)
            )
            if all(x is None or x[4:] == (None, None, None, None) for x in per_day):
                self.hospital_fallback.setdefault(rule.hospital_id, index)
        missing = set(self.member_hid) - set(self.hospital_rules)
        if missing:
            raise SystemExit(f"pointsgen: hospitals without point rules: {sorted(missing)}")

        # Entries per member (exact total), then per day.
        zeal = [rng.uniform(*ZEAL) for _ in members]
        from citygen import apportion

        per_member = apportion(entries, zeal)
        weights = [WEEKEND_WEIGHT if d.weekday() >= 5 else 1.0 for d in self.days]
        table: list[int] = []
        for i, w in enumerate(weights):
            table.extend([i] * round(w * 10))
        self.counts = []
        rand = rng.random
        n = len(table)
        for k in per_member:
            c = [0] * len(self.days)
            for _ in range(k):
                c[table[int(rand() * n)]] += 1
            self.counts.append(c)


def tenths(value) -> int | None:  # type: ignore[no-untyped-def]
    if value is None:
        return None
    return int((value * 10).to_integral_value())


class Fmt(dict):
    """Tenths of a point -> the text the database gets ('2.0', '-0.5')."""

    def __missing__(self, t: int) -> str:
        s = f"{'-' if t < 0 else ''}{abs(t) // 10}.{abs(t) % 10}"
        self[t] = s
        return s


# --- the generator -------------------------------------------------------------------------------


def generate(plan: Plan, sink) -> dict:  # type: ignore[no-untyped-def]  # noqa: C901, PLR0915
    """Stream the ledger in time order into ``sink.entry`` and the rollups into
    ``sink.total``. Returns counters."""
    rng = plan.rng
    rand = rng.random
    randint = rng.randint
    days = plan.days
    D = len(days)
    day_s = [d.isoformat() for d in days]
    month_s = [d.replace(day=1).isoformat() for d in days]
    quarter_s = [date(d.year, 3 * ((d.month - 1) // 3) + 1, 1).isoformat() for d in days]
    year_s = [date(d.year, 1, 1).isoformat() for d in days]
    M = len(plan.member_pid)
    carry = [0] * M
    hid_of = dict(zip(plan.member_pid, plan.member_hid, strict=True))
    entry = sink.entry

    def total(hid, pid, rid, period, start, p, e) -> None:  # type: ignore[no-untyped-def]
        # as the award engine writes them: a rule's rows count only what its caps count
        sink.total(hid, pid, rid, period, start, p if rid is None else 0, e)

    acc_m: dict = {}
    acc_q: dict = {}
    acc_y: dict = {}
    seq = 0
    moved = fallback = cut = 0

    def flush(acc: dict, period: str, start: str) -> None:
        for (pid, rid), (p, e) in acc.items():
            total(hid_of[pid], pid, rid, period, start, p, e)

    def add(acc: dict, key, p: int, e: int) -> None:  # type: ignore[no-untyped-def]
        t = acc.get(key)
        if t is None:
            acc[key] = [p, e]
        else:
            t[0] += p
            t[1] += e

    for d in range(D):
        if d and month_s[d] != month_s[d - 1]:
            flush(acc_m, "month", month_s[d - 1])
            acc_m = {}
        if d and quarter_s[d] != quarter_s[d - 1]:
            flush(acc_q, "quarter", quarter_s[d - 1])
            acc_q = {}
        if d and year_s[d] != year_s[d - 1]:
            flush(acc_y, "year", year_s[d - 1])
            acc_y = {}
        last_day = d == D - 1
        ds = day_s[d]
        for i in range(M):
            k = plan.counts[i][d] + carry[i]
            if not k:
                continue
            carry[i] = 0
            pid = plan.member_pid[i]
            hid = plan.member_hid[i]
            rules = plan.hospital_rules[hid]
            table = plan.hospital_table[hid]
            n = len(table)
            dacc: dict = {}
            for _ in range(k):
                for _attempt in range(ATTEMPTS):
                    v = rules[table[int(rand() * n)]][d]
                    if v is None:
                        continue
                    rid, vid, p10, qmax, dc, mc, qc, yc = v
                    req = p10 * randint(1, qmax) if qmax > 1 else p10
                    mag = req if req > 0 else -req
                    if dc is not None:
                        t = dacc.get(rid)
                        room = dc - (t[1] if t else 0)
                        if room < mag:
                            mag = room
                    if mc is not None:
                        t = acc_m.get((pid, rid))
                        room = mc - (t[1] if t else 0)
                        if room < mag:
                            mag = room
                    if qc is not None:
                        t = acc_q.get((pid, rid))
                        room = qc - (t[1] if t else 0)
                        if room < mag:
                            mag = room
                    if yc is not None:
                        t = acc_y.get((pid, rid))
                        room = yc - (t[1] if t else 0)
                        if room < mag:
                            mag = room
                    if mag > 0:
                        break
                else:
                    if not last_day:
                        carry[i] += 1
                        moved += 1
                        continue
                    # The year is over: an uncapped rule (a deduction in the default catalogue).
                    fb = plan.hospital_fallback.get(hid)
                    v = rules[fb][d] if fb is not None else None
                    if v is None:
                        raise SystemExit(f"pointsgen: no room left for person {pid}")
                    rid, vid, p10, qmax, dc, mc, qc, yc = v
                    req = p10
                    mag = abs(p10)
                    fallback += 1
                pts = mag if req > 0 else -mag
                if mag != abs(req):
                    cut += 1
                seq += 1
                entry(hid, pid, rid, vid, pts, req, d, seq)
                add(dacc, rid, pts, mag)
                add(dacc, None, pts, mag)
                add(acc_m, (pid, rid), pts, mag)
                add(acc_m, (pid, None), pts, mag)
                add(acc_q, (pid, rid), pts, mag)
                add(acc_q, (pid, None), pts, mag)
                add(acc_y, (pid, rid), pts, mag)
                add(acc_y, (pid, None), pts, mag)
            for rid, (p, e) in dacc.items():
                total(hid, pid, rid, "day", ds, p, e)
            sink.tick()
        if d % 30 == 29:
            sink.progress(d + 1, D, seq)
    flush(acc_m, "month", month_s[-1])
    flush(acc_q, "quarter", quarter_s[-1])
    flush(acc_y, "year", year_s[-1])
    sink.progress(D, D, seq)
    return {"entries": seq, "moved_to_next_day": moved, "cut_by_cap": cut, "fallback": fallback}


class BaseSink:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.fmt = Fmt()
        self.day_s = [d.isoformat() for d in plan.days]
        self.totals = 0
        self.started = time.monotonic()

    def progress(self, done: int, of: int, entries: int) -> None:
        t = time.monotonic() - self.started
        print(
            f"  day {done}/{of}: {entries:,} entries, {self.totals:,} totals, {t:.0f}s "
            f"({entries / max(t, 1e-9):,.0f} entries/s)",
            flush=True,
        )


class PgSink(BaseSink):
    """Text-format COPY lines, written in chunks to two COPY streams."""

    def __init__(self, plan: Plan, copy_entries, copy_totals):  # type: ignore[no-untyped-def]
        super().__init__(plan)
        self.ce, self.ct = copy_entries, copy_totals
        self.be: list[str] = []
        self.bt: list[str] = []
        # Asia/Shanghai evening of the day the entry happened.
        self.created = [f"{d} 20:00:00+08" for d in self.day_s]
        self.prefix = {rid: f"\t{reason}\t{SOURCE_TYPE}\t" for rid, reason in plan.reason.items()}

    def entry(self, hid, pid, rid, vid, pts, req, d, seq) -> None:  # type: ignore[no-untyped-def]
        f = self.fmt
        kind = "award" if pts > 0 else "deduction"
        self.be.append(
            f"{hid}\t{pid}\t{rid}\t{vid}\t{kind}\t{f[pts]}\t{f[req]}\t{self.day_s[d]}"
            f"{self.prefix[rid]}{seq}\t{SOURCE_TYPE}:{seq}\t{self.created[d]}\n"
        )

    def total(self, hid, pid, rid, period, start, p, e) -> None:  # type: ignore[no-untyped-def]
        f = self.fmt
        r = "\\N" if rid is None else rid
        self.bt.append(f"{hid}\t{pid}\t{r}\t{period}\t{start}\t{f[p]}\t{f[e]}\n")
        self.totals += 1

    def tick(self) -> None:
        if len(self.be) >= 20000:
            self.ce.write("".join(self.be))
            self.be.clear()
        if len(self.bt) >= 20000:
            self.ct.write("".join(self.bt))
            self.bt.clear()

    def close(self) -> None:
        if self.be:
            self.ce.write("".join(self.be))
        if self.bt:
            self.ct.write("".join(self.bt))
        self.be, self.bt = [], []


class SqliteSink(BaseSink):
    """Row tuples handed in batches to a writer thread (sqlite3 releases the GIL while it
    steps, so generation and insertion overlap on the two cores)."""

    BATCH = 50000

    def __init__(self, plan: Plan, conn: sqlite3.Connection):
        super().__init__(plan)
        self.conn = conn
        self.be: list[tuple] = []
        self.bt: list[tuple] = []
        # Django stores aware datetimes as naive UTC on SQLite: 20:00 in Shanghai.
        self.created = [f"{d} 12:00:00" for d in self.day_s]
        cols = ", ".join(ENTRY_COLUMNS)
        self.sql_e = (
            f"INSERT INTO points_pointentry ({cols}) VALUES ({', '.join('?' * len(ENTRY_COLUMNS))})"
        )
        cols = ", ".join(TOTAL_COLUMNS)
        self.sql_t = (
            f"INSERT INTO points_pointtotal ({cols}) VALUES ({', '.join('?' * len(TOTAL_COLUMNS))})"
        )
        self.q: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._writer, daemon=True)
        self.thread.start()

    def _writer(self) -> None:
        try:
            while True:
                item = self.q.get()
                if item is None:
                    return
                self.conn.executemany(*item)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            self.error = exc
            while self.q.get() is not None:  # drain so the producer never blocks
                pass

    def _put(self, sql: str, rows: list) -> None:
        if self.error:
            raise self.error
        self.q.put((sql, rows))

    def entry(self, hid, pid, rid, vid, pts, req, d, seq) -> None:  # type: ignore[no-untyped-def]
        f = self.fmt
        self.be.append(
            (
                hid,
                pid,
                rid,
                vid,
                "award" if pts > 0 else "deduction",
                f[pts],
                f[req],
                self.day_s[d],
                self.plan.reason[rid],
                SOURCE_TYPE,
                str(seq),
                f"{SOURCE_TYPE}:{seq}",
                self.created[d],
            )
        )

    def total(self, hid, pid, rid, period, start, p, e) -> None:  # type: ignore[no-untyped-def]
        f = self.fmt
        self.bt.append((hid, pid, rid, period, start, f[p], f[e]))
        self.totals += 1

    def tick(self) -> None:
        if len(self.be) >= self.BATCH:
            self._put(self.sql_e, self.be)
            self.be = []
        if len(self.bt) >= self.BATCH:
            self._put(self.sql_t, self.bt)
            self.bt = []

    def close(self) -> None:
        if self.be:
            self._put(self.sql_e, self.be)
        if self.bt:
            self._put(self.sql_t, self.bt)
        self.be, self.bt = [], []
        self.q.put(None)
        self.thread.join()
        if self.error:
            raise self.error


# --- secondary indexes and constraints: dropped for the load, then rebuilt -----------------------


def schema_file(cfg: dict) -> Path:
    label = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(str(cfg["NAME"])).name)
    return VAR / f"{label}.pointsgen-schema.json"


def pg_schema(conn) -> dict:  # type: ignore[no-untyped-def]
    """What to drop and how to rebuild it: foreign keys, unique constraints, plain indexes
    (not the primary keys) of the two tables."""
    cons = conn.execute(
        """
        select c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
        from pg_constraint c
        where c.conrelid in ('points_pointentry'::regclass, 'points_pointtotal'::regclass)
          and c.contype in ('f', 'u')
        order by c.contype desc, c.conname
        """
    ).fetchall()
    idx = conn.execute(
        """
        select t.relname, i.relname, pg_get_indexdef(x.indexrelid)
        from pg_index x
        join pg_class i on i.oid = x.indexrelid
        join pg_class t on t.oid = x.indrelid
        where x.indrelid in ('points_pointentry'::regclass, 'points_pointtotal'::regclass)
          and not x.indisprimary
          and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
        order by t.relname, i.relname
        """
    ).fetchall()
    return {
        "vendor": "postgresql",
        # contype 'u' sorts before 'f' with "desc"; drop FKs first, rebuild them last.
        "drop": [
            f'ALTER TABLE "{t}" DROP CONSTRAINT IF EXISTS "{n}"' for t, n, k, _ in cons if k == "f"
        ]
        + [f'ALTER TABLE "{t}" DROP CONSTRAINT IF EXISTS "{n}"' for t, n, k, _ in cons if k == "u"]
        + [f'DROP INDEX IF EXISTS "{n}"' for _t, n, _ in idx],
        "rebuild": [d for _t, _n, d in idx]
        + [f'ALTER TABLE "{t}" ADD CONSTRAINT "{n}" {d}' for t, n, k, d in cons if k == "u"]
        + [f'ALTER TABLE "{t}" ADD CONSTRAINT "{n}" {d}' for t, n, k, d in cons if k == "f"],
    }


def sqlite_schema(conn: sqlite3.Connection) -> dict:
    rows = conn.execute(
        "select name, sql from sqlite_master where type = 'index' and sql is not null "
        "and tbl_name in (?, ?) order by tbl_name, name",
        TABLES,
    ).fetchall()
    return {
        "vendor": "sqlite",
        "drop": [f'DROP INDEX IF EXISTS "{n}"' for n, _ in rows],
        "rebuild": [s for _, s in rows],
    }


def saved_schema(cfg: dict, read) -> dict:  # type: ignore[no-untyped-def]
    """The definitions to rebuild: from a previous run that did not finish, else from the
    catalogue (and saved before anything is dropped)."""
    path = schema_file(cfg)
    if path.exists():
        print(f"  {path.relative_to(ROOT)} left by an unfinished load: rebuilding from it")
        return json.loads(path.read_text())
    schema = read()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(schema, indent=2))
    return schema


# --- loaders -------------------------------------------------------------------------------------


def load_postgresql(cfg: dict, plan: Plan, timings: dict) -> dict:
    import psycopg

    params = pg_params(cfg)
    with psycopg.connect(**params, autocommit=True) as conn:
        schema = saved_schema(cfg, lambda: pg_schema(conn))
        t = time.monotonic()
        for stmt in schema["drop"]:
            conn.execute(stmt)
        timings["drop_indexes"] = time.monotonic() - t

    t = time.monotonic()
    cols_e = ", ".join(ENTRY_COLUMNS)
    cols_t = ", ".join(TOTAL_COLUMNS)
    with psycopg.connect(**params) as ce, psycopg.connect(**params) as ct:
        for c in (ce, ct):
            c.execute("SET synchronous_commit = off")
        # Truncated in the COPY's own transaction, so that COPY can FREEZE the rows (no
        # hint-bit rewrite, a quick VACUUM afterwards).
        ce.execute("TRUNCATE points_pointentry RESTART IDENTITY CASCADE")
        ct.execute("TRUNCATE points_pointtotal RESTART IDENTITY")
        with (
            ce.cursor().copy(f"COPY points_pointentry ({cols_e}) FROM STDIN WITH (FREEZE)") as cpe,
            ct.cursor().copy(f"COPY points_pointtotal ({cols_t}) FROM STDIN WITH (FREEZE)") as cpt,
        ):
            sink = PgSink(plan, cpe, cpt)
            counters = generate(plan, sink)
            sink.close()
        ce.commit()
        ct.commit()
    counters["totals"] = sink.totals
    timings["generate_and_copy"] = time.monotonic() - t

    t = time.monotonic()
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        for stmt in schema["rebuild"]:
            ts = time.monotonic()
            conn.execute(stmt)
            print(f"  {time.monotonic() - ts:5.1f}s  {stmt[:110]}", flush=True)
        schema_file(cfg).unlink(missing_ok=True)
        timings["rebuild_indexes_and_constraints"] = time.monotonic() - t
        t = time.monotonic()
        conn.execute("VACUUM ANALYZE points_pointentry")
        conn.execute("VACUUM ANALYZE points_pointtotal")
        timings["vacuum_analyze"] = time.monotonic() - t
    return counters


def load_sqlite(cfg: dict, plan: Plan, timings: dict) -> dict:
    path = cfg["NAME"]
    # Temporary files of the index builds go next to the database, not to /tmp.
    os.environ["SQLITE_TMPDIR"] = str(VAR)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("PRAGMA cache_size=-1000000")  # 1 GB, for the index builds' sorts
        conn.execute("PRAGMA threads=2")
        schema = saved_schema(cfg, lambda: sqlite_schema(conn))
        t = time.monotonic()
        conn.execute("BEGIN")
        for stmt in schema["drop"]:
            conn.execute(stmt)
        conn.execute("DELETE FROM points_pointentry")  # the truncate optimisation (no FKs)
        conn.execute("DELETE FROM points_pointtotal")
        conn.execute("DELETE FROM sqlite_sequence WHERE name IN (?, ?)", TABLES)
        timings["drop_indexes"] = time.monotonic() - t
        t = time.monotonic()
        sink = SqliteSink(plan, conn)
        try:
            counters = generate(plan, sink)
        finally:
            sink.close()
        counters["totals"] = sink.totals
        timings["generate_and_insert"] = time.monotonic() - t
        t = time.monotonic()
        for stmt in schema["rebuild"]:
            ts = time.monotonic()
            conn.execute(stmt)
            print(f"  {time.monotonic() - ts:5.1f}s  {stmt[:110]}", flush=True)
        conn.execute("COMMIT")
        timings["rebuild_indexes"] = time.monotonic() - t
        schema_file(cfg).unlink(missing_ok=True)
        conn.execute("PRAGMA locking_mode=NORMAL")
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()
    return counters


# --- verification --------------------------------------------------------------------------------


def verify(check: str) -> dict:
    """City-wide sums of the ledger against the rollups, and points_check for one hospital."""
    from django.db.models import Count, Sum

    from hongfan.org.models import Hospital
    from hongfan.points.models import PointEntry, PointTotal
    from hongfan.points.selectors.ledger import points_check

    out: dict = {}
    t = time.monotonic()
    ledger = PointEntry.objects.aggregate(n=Count("id"), p=Sum("points"))
    by_period = dict(
        PointTotal.objects.filter(rule__isnull=True)
        .order_by()
        .values_list("period")
        .annotate(s=Sum("points"))
    )
    out["ledger_entries"] = ledger["n"]
    out["ledger_points"] = str(ledger["p"])
    out["overall_totals_by_period"] = {k: str(v) for k, v in by_period.items()}
    out["citywide_equal"] = (
        all(v == ledger["p"] for v in by_period.values()) and len(by_period) == 4
    )
    out["citywide_seconds"] = round(time.monotonic() - t, 1)

    hospitals = list(Hospital.objects.annotate(n=Count("people")).order_by("n", "pk"))
    chosen = {"small": hospitals[:1], "large": hospitals[-1:], "all": hospitals, "none": []}[check]
    out["points_check"] = []
    for h in chosen:
        t = time.monotonic()
        n = PointEntry.objects.filter(hospital=h).count()
        mismatches = points_check(hospital=h)
        seconds = time.monotonic() - t
        out["points_check"].append(
            {
                "hospital": h.name,
                "hospital_id": h.pk,
                "entries": n,
                "mismatches": len(mismatches),
                "first": [str(m) for m in mismatches[:5]],
                "seconds": round(seconds, 1),
            }
        )
    return out


def loaded_entries(vendor: str) -> int:
    from hongfan.points.models import PointEntry

    return PointEntry.objects.filter(source_type=SOURCE_TYPE).count()


def db_size(cfg: dict, vendor: str) -> int:
    if vendor == "sqlite":
        return sum(
            Path(str(cfg["NAME"]) + s).stat().st_size
            for s in ("", "-wal")
            if Path(str(cfg["NAME"]) + s).exists()
        )
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("select pg_database_size(current_database())")
        return cur.fetchone()[0]


def main() -> None:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_500_000)
    parser.add_argument("--vendor", choices=["sqlite", "postgresql"])
    parser.add_argument("--database-url", help="target (default: a points database per size)")
    parser.add_argument(
        "--pg-url",
        default=PG_URL,
        help="with --vendor postgresql: the server and the name the points database's is "
        "derived from (<name>_points_<entries>); default BENCH_PG_URL or hongfan_bench",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--fresh", action="store_true", help="rebuild the city in the target first")
    parser.add_argument(
        "--if-present",
        action="store_true",
        help="do nothing when the target already holds exactly --entries loaded entries",
    )
    parser.add_argument(
        "--check-hospital",
        choices=["large", "small", "all", "none"],
        default="large",
        help="points_check for the largest (default) or smallest hospital, all, or none",
    )
    parser.add_argument("--force", action="store_true", help="allow a name without 'bench'")
    args = parser.parse_args()

    url = target_url(args)
    cfg = parse_url(url)
    vendor = vendor_of(cfg)
    if "bench" not in str(cfg["NAME"]) and not args.force:
        raise SystemExit(f"pointsgen: refusing {cfg['NAME']!r}: the name does not contain 'bench'")
    print(f"pointsgen: {args.entries:,} entries into {vendor} {url}", flush=True)
    started = time.monotonic()
    timings: dict[str, float] = {}
    city = ensure_city(url, cfg, vendor, fresh=args.fresh)
    timings["city"] = time.monotonic() - started
    print(f"  city: {city} ({timings['city']:.1f}s)")

    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    from hongfan.core.dates import today
    from hongfan.org.models import Authority, Hospital
    from hongfan.points.models import PointRule
    from hongfan.points.services.catalogue import point_rules_copy_defaults, point_rules_seed_city

    t = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    timings["migrate"] = time.monotonic() - t

    if args.if_present and not args.fresh and not schema_file(cfg).exists():
        have = loaded_entries(vendor)
        if have == args.entries:
            print(f"pointsgen: {have:,} loaded entries already present; nothing to do")
            return
        print(f"  {have:,} loaded entries present, {args.entries:,} wanted: loading")

    t = time.monotonic()
    day = today()
    seeded = copied = 0
    for authority in Authority.objects.filter(hospitals__isnull=False).distinct():
        seeded += point_rules_seed_city(
            authority=authority, effective_from=date(day.year - 1, 1, 1)
        )
    for h in Hospital.objects.order_by("pk"):
        copied += point_rules_copy_defaults(access=None, hospital=h)
    timings["rules"] = time.monotonic() - t
    print(
        f"  rules: {seeded} city rules seeded, {copied} copied into hospitals; "
        f"{PointRule.objects.filter(hospital__isnull=False).count()} hospital rules"
    )

    t = time.monotonic()
    plan = Plan(entries=args.entries, seed=args.seed, end=day - timedelta(days=1))
    timings["plan"] = time.monotonic() - t
    print(
        f"  plan: {len(plan.member_pid):,} members, days {plan.start} .. {plan.end}, "
        f"{args.entries / len(plan.member_pid):,.0f} entries per member on average "
        f"({timings['plan']:.1f}s)",
        flush=True,
    )
    connection.close()
    VAR.mkdir(parents=True, exist_ok=True)  # a PostgreSQL-only run has no var/ yet
    free_before = shutil.disk_usage(VAR).free

    t = time.monotonic()
    if vendor == "postgresql":
        counters = load_postgresql(cfg, plan, timings)
    else:
        counters = load_sqlite(cfg, plan, timings)
    timings["load_total"] = time.monotonic() - t
    print(
        f"  loaded {counters['entries']:,} entries and {counters['totals']:,} totals in "
        f"{timings['load_total']:.1f}s ({counters['cut_by_cap']:,} cut by a cap, "
        f"{counters['moved_to_next_day']:,} moved to the next day, "
        f"{counters['fallback']:,} on an uncapped rule at the end)",
        flush=True,
    )
    gen_seconds = time.monotonic() - started

    t = time.monotonic()
    checks = verify(args.check_hospital)
    timings["verify"] = time.monotonic() - t
    size = db_size(cfg, vendor)
    total = time.monotonic() - started
    ok = checks["citywide_equal"] and all(c["mismatches"] == 0 for c in checks["points_check"])
    print(
        f"  city-wide: ledger {checks['ledger_entries']:,} entries, {checks['ledger_points']} "
        f"points; overall totals per period {checks['overall_totals_by_period']}: "
        f"{'equal' if checks['citywide_equal'] else 'DIFFERENT'}"
    )
    for c in checks["points_check"]:
        print(
            f"  points_check({c['hospital']}, {c['entries']:,} entries): "
            f"{c['mismatches']} mismatches in {c['seconds']:.1f}s"
            + ("".join(f"\n    {m}" for m in c["first"]))
        )
    print("  timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    print(
        f"pointsgen: {counters['entries']:,} entries on {vendor} generated and loaded in "
        f"{gen_seconds:.1f}s (whole run with checks {total:.1f}s); database {size / 2**30:.2f} GiB, "
        f"{(free_before - shutil.disk_usage(VAR).free) / 2**30:+.2f} GiB of disk used by the load"
    )
    report = {
        "vendor": vendor,
        "url": url,
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
        "python": platform.python_version(),
        "entries_requested": args.entries,
        "seed": args.seed,
        "days": [plan.start.isoformat(), plan.end.isoformat()],
        "members": len(plan.member_pid),
        "counters": counters,
        "timings_s": {k: round(v, 2) for k, v in timings.items()},
        "generate_and_load_s": round(gen_seconds, 1),
        "total_s": round(total, 1),
        "database_bytes": size,
        "checks": checks,
        "ok": ok,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }
    out = BENCH / "results" / f"pointsgen_{vendor}_{args.entries}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"written {out.relative_to(ROOT)}")
    if not ok:
        raise SystemExit("pointsgen: the rollups differ from the ledger")


if __name__ == "__main__":
    main()
