"""Load a year of organisational life (组织生活: meetings and their attendance) into a city.

Usage (from the project root)::

    uv run python bench/orglifegen.py                        # SQLite: bench/var/orglife.sqlite3
    uv run python bench/orglifegen.py --vendor postgresql    # hongfan_bench_orglife
    uv run python bench/orglifegen.py --database-url URL
    uv run python bench/orglifegen.py --if-present           # skip when this window is loaded

The target is a database of its own, so that the page benchmarks' city is left alone:
``bench/var/orglife.sqlite3`` (a copy of bench/var/city.sqlite3 made with SQLite's backup
API, or built by citygen.py when that is missing) or, with ``--vendor postgresql``, the
database ``<BENCH_PG_URL name>_orglife`` (built by citygen.py, which drops and creates it).
Like citygen, orglifegen refuses a database whose name does not contain "bench".

Then ``migrate``, the city's frequency rules (``meeting_requirements_seed``, idempotent,
effective from 1 January of the window's first year), the bench accounts of
bench/bench_orglife.py (``BENCH_USERS``), and the load: the 12 months up to last month,
for every active branch of the city, as a branch that keeps the rules mostly would hold
them (``Generator`` below):

- monthly 支委会 (branches with a committee; its seats are the roster), 主题党日, and
  党小组会 per Party group (branches that have groups; the group's members);
- quarterly 支部党员大会 and 党课 (one 党课 of the year given by the secretary:
  ``by_secretary``); a quarterly meeting falls in a random month of its quarter, so the
  current quarter is often still open;
- yearly 组织生活会 and 民主评议党员 (January or February);
- 6-12 集中学习 (whole branch) per branch, a second 支委会 in one month of five, and
  谈心谈话 (two people): the secretary with nearly every member once, and up to half as
  many again by the committee's other members; that gives about 52,000 meetings, and
  more 集中学习 and 谈心谈话 in random branches top the year up to ``--meetings``
  (default 60,000, the issue's figure);
- each branch keeps the rules with its own probability (most 84-97 %, one branch in ten
  55-80 %); a missed meeting is absent, or (three in ten) scheduled and then cancelled.

A held meeting is closed: ``closed_at``, minutes, the quorum fields of the kinds that need
one, and one Attendance row per expected person (present ~90 %, on leave ~6 %, absent ~4 %;
the host is present). A cancelled meeting keeps its roster unmarked. No points are
awarded (``points_entry`` is empty; the points benchmark has its own ledger).

Loaded meetings carry a check-in token starting with ``load-``; a new run deletes them
first. Loading: SQLite ``executemany`` in one transaction; PostgreSQL ``COPY`` in one
transaction and then ``VACUUM ANALYZE`` of both tables (what autovacuum would do).
Results: a table on stdout and bench/results/orglifegen_<vendor>.json.
"""

from __future__ import annotations

import argparse
import base64
import calendar
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VAR = BENCH / "var"
CITY_SQLITE = VAR / "city.sqlite3"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/hongfan_bench")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

TZ = ZoneInfo("Asia/Shanghai")
TOKEN_PREFIX = "load-"

MEETING_COLUMNS = (
    "id",
    "hospital_id",
    "branch_id",
    "party_group_id",
    "kind",
    "status",
    "topic",
    "starts_at",
    "ends_at",
    "place",
    "online",
    "host_id",
    "recorder_id",
    "lecturer_id",
    "agenda",
    "minutes",
    "resolutions",
    "by_secretary",
    "checkin_token",
    "checkin_opens_at",
    "checkin_closes_at",
    "voters_expected",
    "voters_present",
    "quorate",
    "cancel_reason",
    "created_by_id",
    "created_at",
    "closed_at",
    "closed_by_id",
)
ATTENDANCE_COLUMNS = (
    "meeting_id",
    "person_id",
    "status",
    "reason",
    "method",
    "checked_in_at",
    "voting",
    "points_entry_id",
)

# Accounts bench_orglife.py logs in as (force_login; no usable password).
BENCH_USERS = {
    "bench_orglife_admin_large": "hospital admin of the hospital with the most branches",
    "bench_orglife_admin_small": "hospital admin of the hospital with the fewest branches",
    "bench_orglife_city": "city admin",
}

# Shares of a roster's marks (the host is always present).
PRESENT, LEAVE = 0.90, 0.06  # absent: the rest, 0.04
LEAVE_REASONS = ("值班", "手术", "门诊", "外出学习", "病假", "出差", "夜班后休息", "事假")
PLACES = ("支部活动室", "科室会议室", "党员活动室", "门诊楼三楼会议室", "病区示教室")
STUDY_PER_YEAR = (6, 12)  # 集中学习 of the whole branch
EXTRA_COMMITTEE = 0.2  # months with a second 支委会
CANCELLED_SHARE = 0.3  # of the missed meetings: scheduled, then cancelled
CANCEL_REASONS = ("临时抢救任务", "上级会议冲突", "疫情防控要求", "改期召开")
THEMES = (
    "学习贯彻党的二十届三中全会精神",
    "深入学习贯彻习近平新时代中国特色社会主义思想",
    "弘扬伟大建党精神",
    "纠正医药购销领域和医疗服务中不正之风",
    "党建引领公立医院高质量发展",
    "清廉医院建设",
    "改善就医感受、提升患者体验",
    "学习《中国共产党纪律处分条例》",
    "医德医风建设",
    "志愿服务进社区",
)


# --- target database -----------------------------------------------------------------------------


def target_url(args: argparse.Namespace) -> str:
    if args.database_url:
        return args.database_url
    if args.vendor == "postgresql":
        base, _, query = (getattr(args, "pg_url", None) or PG_URL).partition("?")
        head, name = base.rsplit("/", 1)
        return f"{head}/{name}_orglife" + (f"?{query}" if query else "")
    if args.vendor == "sqlite":
        return f"sqlite:///{VAR / 'orglife.sqlite3'}"
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return f"sqlite:///{VAR / 'orglife.sqlite3'}"


def ensure_city(url: str, cfg: dict, vendor: str, *, fresh: bool) -> str:
    """Make sure the target holds the city (pointsgen's way: present, copied or built)."""
    from pointsgen import ensure_city as points_ensure_city

    return points_ensure_city(url, cfg, vendor, fresh=fresh, who="orglifegen")


def ensure_bench_users() -> dict[str, dict]:
    """The hospital admins of the hospitals with the most and the fewest active branches
    and a city admin (idempotent). Returns what each account is for."""
    from django.db.models import Count, Q

    from hongfan.accounts.models import RoleAssignment, User
    from hongfan.core.roles import Role
    from hongfan.org.choices import BranchKind
    from hongfan.org.models import Hospital

    hospitals = list(
        Hospital.objects.annotate(
            n=Count("branches", filter=Q(branches__active=True, branches__kind=BranchKind.BRANCH))
        ).order_by("n", "pk")
    )
    if not hospitals:
        raise SystemExit("orglifegen: the database has no hospitals; build the city first")
    small, large = hospitals[0], hospitals[-1]
    grants = {
        "bench_orglife_admin_large": (Role.HOSPITAL_ADMIN, large),
        "bench_orglife_admin_small": (Role.HOSPITAL_ADMIN, small),
        "bench_orglife_city": (Role.CITY_ADMIN, None),
    }
    out = {}
    for username, (role, hospital) in grants.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=username)
            user.set_unusable_password()
            user.save()
        user.role_assignments.exclude(role=role, hospital=hospital).delete()
        RoleAssignment.objects.get_or_create(user=user, role=role, hospital=hospital, branch=None)
        out[username] = {
            "role": str(role),
            "hospital_id": hospital.pk if hospital else None,
            "hospital": hospital.name if hospital else None,
            "branches": hospital.n if hospital else None,
        }
    return out


# --- the plan ------------------------------------------------------------------------------------


def window(today: date) -> list[tuple[int, int]]:
    """(year, month) of the 12 months up to last month, oldest first."""
    y, m = today.year, today.month
    out = []
    for _ in range(12):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append((y, m))
    return out[::-1]


class City:
    """The branches, their members, committees and groups, read once through the ORM."""

    def __init__(self) -> None:
        from hongfan.org.choices import MEMBER_STATUSES, BranchKind, PersonStatus, PoliticalStatus
        from hongfan.org.models import Branch, BranchCommittee, CommitteeSeat, PartyGroup, Person

        self.branches = list(
            Branch.objects.filter(active=True, kind=BranchKind.BRANCH)
            .order_by("pk")
            .values_list("pk", "hospital_id", "secretary_id", "name")
        )
        # branch -> [(person, full member)], group -> [(person, full member)]
        self.members: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        self.group_members: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        for pid, bid, status, gid in (
            Person.objects.filter(
                status=PersonStatus.ACTIVE,
                political_status__in=MEMBER_STATUSES,
                branch__isnull=False,
            )
            .order_by("pk")
            .values_list("pk", "branch_id", "political_status", "party_group_id")
        ):
            full = status == PoliticalStatus.MEMBER
            self.members[bid].append((pid, full))
            if gid:
                self.group_members[gid].append((pid, full))
        self.groups: dict[int, list[int]] = defaultdict(list)
        for gid, bid in PartyGroup.objects.order_by("pk").values_list("pk", "branch_id"):
            self.groups[bid].append(gid)
        # The latest committee of a branch, whatever its term: citygen records the current
        # term only, so the seats of that committee stand for the earlier one too.
        latest: dict[int, tuple[date, int]] = {}
        for cid, bid, start in BranchCommittee.objects.values_list("pk", "branch_id", "term_start"):
            if bid not in latest or start > latest[bid][0]:
                latest[bid] = (start, cid)
        seats: dict[int, list[int]] = defaultdict(list)
        for cid, pid in (
            CommitteeSeat.objects.filter(person__status=PersonStatus.ACTIVE)
            .order_by("person_id")
            .values_list("committee_id", "person_id")
        ):
            seats[cid].append(pid)
        self.committee = {bid: seats[cid] for bid, (_s, cid) in latest.items() if seats[cid]}


class Generator:
    """Meeting and attendance rows (tuples in the column orders above)."""

    def __init__(self, city: City, *, today: date, seed: int, vendor: str, first_id: int):
        self.city = city
        self.today = today
        self.rng = random.Random(seed)
        self.months = window(today)
        self.in_window = set(self.months)
        self.vendor = vendor
        self.next_id = first_id
        self.meetings: list[tuple] = []
        self.attendance: list[tuple] = []
        self.stats: Counter = Counter()
        self.required = 0  # required meetings in the window (by the plan)
        self.kept = 0  # of which held
        self.branch_share: list[float] = []
        self.active: list[tuple] = []  # (branch tuple, committee seats) of branches with members

    # datetimes: aware UTC for PostgreSQL, naive UTC text for SQLite (as Django stores them)
    def ts(self, dt: datetime):  # type: ignore[no-untyped-def]
        u = dt.astimezone(UTC)
        return u if self.vendor == "postgresql" else u.strftime("%Y-%m-%d %H:%M:%S")

    def token(self) -> str:
        raw = base64.urlsafe_b64encode(self.rng.randbytes(30)).decode()
        return (TOKEN_PREFIX + raw)[:43]

    def weekday_in(self, y: int, m: int) -> date:
        days = calendar.monthrange(y, m)[1]
        while True:
            d = date(y, m, self.rng.randint(1, days))
            if d.weekday() < 5:
                return d

    def run(self) -> None:  # noqa: C901
        rng = self.rng
        for bid, hid, secretary, _name in self.city.branches:
            members = self.city.members.get(bid, [])
            if not members:
                self.stats["branches without members"] += 1
                continue
            share = rng.uniform(0.84, 0.97) if rng.random() >= 0.1 else rng.uniform(0.55, 0.80)
            self.branch_share.append(share)
            host = secretary if secretary else members[0][0]
            b = (bid, hid, host, members, share)
            committee = self.city.committee.get(bid)
            self.active.append((b, committee))
            for y, m in self.months:
                if committee:
                    self.required_meeting(b, "committee_meeting", y, m, roster=committee)
                    if rng.random() < EXTRA_COMMITTEE:
                        self.meeting(b, "committee_meeting", y, m, roster=committee)
                self.required_meeting(b, "theme_day", y, m)
                for gid in self.city.groups.get(bid, []):
                    people = self.city.group_members.get(gid)
                    if people:
                        self.required_meeting(b, "group_meeting", y, m, roster=people, group=gid)
            # Quarterly: a random month of each quarter that touches the window.
            quarters = sorted({(y, (m - 1) // 3) for y, m in self.months})
            lectures_this_year = []
            for y, q in quarters:
                for kind in ("general_meeting", "party_lecture"):
                    m = 3 * q + rng.randint(1, 3)
                    if (y, m) not in self.in_window:
                        continue
                    mid = self.required_meeting(b, kind, y, m)
                    if kind == "party_lecture" and mid is not None and y == self.today.year:
                        lectures_this_year.append(mid)
            # One 党课 of the current year by the secretary (kept with the branch's share).
            self.required += 1
            if secretary and lectures_this_year and rng.random() < share:
                self.kept += 1
                self.set_by_secretary(rng.choice(lectures_this_year), secretary)
            # Yearly, early in the current year.
            for kind in ("life_meeting", "appraisal"):
                m = 1 if rng.random() < 0.6 else 2
                if (self.today.year, m) in self.in_window:
                    self.required_meeting(b, kind, self.today.year, m)
            for _ in range(rng.randint(*STUDY_PER_YEAR)):
                y, m = rng.choice(self.months)
                self.meeting(b, "group_study", y, m)
            # 谈心谈话: the secretary with (nearly) every member once a year, and a few more
            # by the committee's other members.
            others = [p for p in members if p[0] != host]
            talkers = [p for p in (committee or []) if p != host] or [host]
            for person in others:
                if rng.random() < share:
                    y, m = rng.choice(self.months)
                    self.meeting(b, "talk", y, m, roster=[(host, False), (person[0], False)])
            for _ in range(rng.randint(0, len(others) // 2)):
                self.talk(b, talkers, others)

    def top_up(self, target: int) -> None:
        """More 集中学习 and 谈心谈话 in random branches until there are ``target`` meetings
        (the minimum rules alone give fewer than the city-scale figure of the issue)."""
        rng = self.rng
        while len(self.meetings) < target and self.active:
            b, committee = rng.choice(self.active)
            host, members = b[2], b[3]
            if rng.random() < 0.5:
                y, m = rng.choice(self.months)
                self.meeting(b, "group_study", y, m)
                self.stats["extra group_study"] += 1
                continue
            others = [p for p in members if p[0] != host]
            if others:
                self.talk(b, [p for p in (committee or []) if p != host] or [host], others)
                self.stats["extra talk"] += 1

    def talk(self, b, talkers, others) -> None:  # type: ignore[no-untyped-def]
        y, m = self.rng.choice(self.months)
        who = self.rng.choice(talkers)
        person = self.rng.choice(others)
        if person[0] != who:
            self.meeting(b, "talk", y, m, roster=[(who, False), (person[0], False)])

    def required_meeting(self, b, kind, y, m, *, roster=None, group=None):  # type: ignore[no-untyped-def]
        self.required += 1
        share = b[4]
        if self.rng.random() < share:
            self.kept += 1
            return self.meeting(b, kind, y, m, roster=roster, group=group)
        if self.rng.random() < CANCELLED_SHARE:
            self.meeting(b, kind, y, m, roster=roster, group=group, cancelled=True)
        return None

    def set_by_secretary(self, mid: int, secretary: int) -> None:
        i = mid - self.meetings[0][0]
        row = list(self.meetings[i])
        row[MEETING_COLUMNS.index("lecturer_id")] = secretary
        row[MEETING_COLUMNS.index("by_secretary")] = True
        row[MEETING_COLUMNS.index("topic")] = "书记讲党课：" + row[MEETING_COLUMNS.index("topic")]
        self.meetings[i] = tuple(row)
        self.stats["party_lecture by the secretary"] += 1

    def meeting(self, b, kind, y, m, *, roster=None, group=None, cancelled=False):  # type: ignore[no-untyped-def]
        rng = self.rng
        bid, hid, host, members, _share = b
        day = self.weekday_in(y, m)
        hour, minute = rng.choice(((12, 30), (14, 30), (16, 0), (17, 30)))
        starts = datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)
        length = {"talk": (30, 45), "life_meeting": (150, 180), "appraisal": (90, 150)}.get(
            kind, (60, 120)
        )
        ends = starts + timedelta(minutes=rng.randint(*length))
        if roster is None:
            roster = members
        # committee seats are plain ids; everyone on a committee votes
        people = [(p, True) if isinstance(p, int) else p for p in roster]
        if all(p != host for p, _ in people):
            host = people[0][0]  # a Party group's meeting: its leader (citygen: the first)
        others = [p for p, _ in people if p != host]
        recorder = rng.choice(others) if others else None
        lecturer = None
        if kind == "party_lecture":
            lecturer = rng.choice(others) if others else host
        mid = self.next_id
        self.next_id += 1
        theme = rng.choice(THEMES)
        topic = {
            "committee_meeting": f"{m}月支委会：研究支部近期工作",
            "theme_day": f"{m}月主题党日：{theme}",
            "group_meeting": f"{m}月党小组会：{theme}",
            "general_meeting": f"{y}年第{(m - 1) // 3 + 1}季度支部党员大会",
            "party_lecture": f"党课：{theme}",
            "life_meeting": f"{y - 1}年度组织生活会",
            "appraisal": f"{y - 1}年度民主评议党员",
            "group_study": f"集中学习：{theme}",
            "talk": "谈心谈话",
        }[kind]
        marks = []
        voters = voters_present = 0
        for pid, vote in people:
            if cancelled:
                marks.append((pid, "expected", "", "", None, vote))
                continue
            r = rng.random()
            if pid == host or r < PRESENT:
                method = "qr" if rng.random() < 0.75 else "roster"
                at = starts - timedelta(minutes=rng.randint(0, 20)) if method == "qr" else ends
                marks.append((pid, "present", "", method, self.ts(at), vote))
                voters_present += vote
            elif r < PRESENT + LEAVE:
                marks.append((pid, "leave", rng.choice(LEAVE_REASONS), "", None, vote))
            else:
                marks.append((pid, "absent", "", "", None, vote))
            voters += vote
        quorum = kind in ("general_meeting", "committee_meeting", "appraisal") and not cancelled
        closed = ends + timedelta(minutes=rng.randint(10, 2 * 24 * 60))
        self.meetings.append(
            (
                mid,
                hid,
                bid,
                group,
                kind,
                "cancelled" if cancelled else "held",
                topic,
                self.ts(starts),
                self.ts(ends),
                rng.choice(PLACES),
                rng.random() < 0.05,
                host,
                recorder,
                lecturer,
                "一、学习有关文件；二、讨论支部工作；三、其他事项",
                ""
                if cancelled
                else f"<p>会议应到{len(people)}人，实到"
                f"{sum(1 for mk in marks if mk[1] == 'present')}人。</p><p>{theme}。</p>",
                "" if cancelled else "会议议定事项按分工落实。",
                False,
                self.token(),
                self.ts(starts - timedelta(minutes=30)),
                self.ts(ends + timedelta(minutes=30)),
                voters if quorum else None,
                voters_present if quorum else None,
                (voters_present * 2 > voters) if quorum else None,
                rng.choice(CANCEL_REASONS) if cancelled else "",
                None,
                self.ts(starts - timedelta(days=rng.randint(2, 10), hours=rng.randint(0, 6))),
                None if cancelled else self.ts(closed),
                None,
            )
        )
        for pid, status, reason, method, at, vote in marks:
            self.attendance.append((mid, pid, status, reason, method, at, vote, None))
        self.stats[f"{kind} {'cancelled' if cancelled else 'held'}"] += 1
        return mid


# --- loading -------------------------------------------------------------------------------------


def delete_loaded_sql() -> list[str]:
    like = f"'{TOKEN_PREFIX}%'"
    return [
        "DELETE FROM orglife_attendance WHERE meeting_id IN "
        f"(SELECT id FROM orglife_meeting WHERE checkin_token LIKE {like})",
        f"UPDATE orglife_appraisal SET meeting_id = NULL WHERE meeting_id IN "
        f"(SELECT id FROM orglife_meeting WHERE checkin_token LIKE {like})",
        f"DELETE FROM orglife_meeting WHERE checkin_token LIKE {like}",
    ]


def load_sqlite(path: str, gen: Generator, timings: dict) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-200000")
        t = time.monotonic()
        conn.execute("BEGIN IMMEDIATE")
        for stmt in delete_loaded_sql():
            conn.execute(stmt)
        timings["delete_previous"] = time.monotonic() - t
        t = time.monotonic()
        cols = ", ".join(MEETING_COLUMNS)
        marks = ", ".join("?" * len(MEETING_COLUMNS))
        conn.executemany(f"INSERT INTO orglife_meeting ({cols}) VALUES ({marks})", gen.meetings)
        timings["insert_meetings"] = time.monotonic() - t
        t = time.monotonic()
        cols = ", ".join(ATTENDANCE_COLUMNS)
        marks = ", ".join("?" * len(ATTENDANCE_COLUMNS))
        conn.executemany(
            f"INSERT INTO orglife_attendance ({cols}) VALUES ({marks})", gen.attendance
        )
        timings["insert_attendance"] = time.monotonic() - t
        t = time.monotonic()
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        timings["commit"] = time.monotonic() - t
    finally:
        conn.close()


def load_postgresql(cfg: dict, gen: Generator, timings: dict) -> None:
    import psycopg
    from pointsgen import pg_params

    params = pg_params(cfg)
    with psycopg.connect(**params) as conn:
        conn.execute("SET synchronous_commit = off")
        t = time.monotonic()
        for stmt in delete_loaded_sql():
            conn.execute(stmt)
        timings["delete_previous"] = time.monotonic() - t
        with conn.cursor() as cur:
            t = time.monotonic()
            with cur.copy(f"COPY orglife_meeting ({', '.join(MEETING_COLUMNS)}) FROM STDIN") as cp:
                for row in gen.meetings:
                    cp.write_row(row)
            timings["copy_meetings"] = time.monotonic() - t
            t = time.monotonic()
            cols = ", ".join(ATTENDANCE_COLUMNS)
            with cur.copy(f"COPY orglife_attendance ({cols}) FROM STDIN") as cp:
                for row in gen.attendance:
                    cp.write_row(row)
            timings["copy_attendance"] = time.monotonic() - t
            # The ids were given: move the identity past them.
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('orglife_meeting', 'id'), "
                "(SELECT coalesce(max(id), 1) FROM orglife_meeting))"
            )
        t = time.monotonic()
        conn.commit()
        timings["commit"] = time.monotonic() - t
    t = time.monotonic()
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE orglife_meeting")
        conn.execute("VACUUM ANALYZE orglife_attendance")
    timings["vacuum_analyze"] = time.monotonic() - t


# --- checks and the report -----------------------------------------------------------------------


def loaded_window() -> tuple[int, str | None, str | None]:
    from django.db.models import Count, Max, Min

    from hongfan.orglife.models import Meeting

    agg = Meeting.objects.filter(checkin_token__startswith=TOKEN_PREFIX).aggregate(
        n=Count("id"), first=Min("starts_at"), last=Max("starts_at")
    )
    fmt = "%Y-%m"
    first = agg["first"].astimezone(TZ).strftime(fmt) if agg["first"] else None
    last = agg["last"].astimezone(TZ).strftime(fmt) if agg["last"] else None
    return agg["n"], first, last


def summarise(today: date) -> dict:
    """What the database holds now, and the compliance the selectors see for this year."""
    from django.db.models import Count

    from hongfan.org.models import Branch, Hospital
    from hongfan.orglife.choices import Compliance
    from hongfan.orglife.models import Attendance, Meeting
    from hongfan.orglife.selectors import compliance as selectors

    t = time.monotonic()
    by_kind: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, status, n in (
        Meeting.objects.order_by().values_list("kind", "status").annotate(n=Count("id"))
    ):
        by_kind[kind][status] = n
    att_kind: dict[str, int] = dict(
        Attendance.objects.order_by().values_list("meeting__kind").annotate(n=Count("id"))
    )
    att_status = dict(
        Attendance.objects.filter(meeting__status="held")
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    authority_of = dict(Hospital.objects.values_list("pk", "authority_id"))
    branches = selectors_branches = list(
        Branch.objects.filter(active=True, kind="branch").order_by("hospital_id", "pk")
    )
    by_authority: dict[int, list] = defaultdict(list)
    for b in branches:
        by_authority[authority_of[b.hospital_id]].append(b)
    tallies: Counter = Counter()
    shares = []
    for aid, group in by_authority.items():
        _reqs, rows = selectors.compliance(group, today.year, today, aid)
        for row in rows:
            c = row.counts()
            tallies.update(c)
            begun = c.get(Compliance.DONE, 0) + c.get(Compliance.OVERDUE, 0)
            if begun:
                shares.append(c.get(Compliance.DONE, 0) / begun)
    closed = tallies[Compliance.DONE] + tallies[Compliance.OVERDUE]
    shares.sort()
    return {
        "meetings": Meeting.objects.count(),
        "attendance": Attendance.objects.count(),
        "by_kind": by_kind,
        "attendance_by_kind": att_kind,
        "attendance_of_held_by_status": att_status,
        "compliance_year": today.year,
        "branches": len(selectors_branches),
        "cells": dict(tallies),
        "done_share_of_closed_periods": round(tallies[Compliance.DONE] / closed, 4)
        if closed
        else None,
        "branch_done_share": {
            "min": round(shares[0], 3),
            "p10": round(shares[len(shares) // 10], 3),
            "median": round(statistics.median(shares), 3),
            "max": round(shares[-1], 3),
        }
        if shares
        else {},
        "seconds": round(time.monotonic() - t, 1),
    }


def print_report(rep: dict) -> None:
    from hongfan.orglife.choices import MeetingKind

    s = rep["summary"]
    print(
        f"\n== orglifegen on {rep['vendor']}: {rep['window'][0]}..{rep['window'][1]}, "
        f"{rep['branches_with_members']:,} branches with members =="
    )
    head = f"{'kind':<14} {'held':>8} {'cancelled':>10} {'attendance rows':>16}"
    print(head)
    print("-" * len(head))
    for kind in MeetingKind.values:
        k = s["by_kind"].get(kind, {})
        print(
            f"{MeetingKind(kind).label:<14} {k.get('held', 0):>8,} {k.get('cancelled', 0):>10,} "
            f"{s['attendance_by_kind'].get(kind, 0):>16,}"
        )
    held = sum(k.get("held", 0) for k in s["by_kind"].values())
    cancelled = sum(k.get("cancelled", 0) for k in s["by_kind"].values())
    print("-" * len(head))
    print(f"{'total':<14} {held:>8,} {cancelled:>10,} {s['attendance']:>16,}")
    st = s["attendance_of_held_by_status"]
    n = sum(st.values()) or 1
    print(
        "attendance of held meetings: "
        + ", ".join(f"{k} {v:,} ({100 * v / n:.1f} %)" for k, v in sorted(st.items()))
    )
    c = s["cells"]
    b = s["branch_done_share"]
    p = rep["plan"]
    print(
        f"plan: {p['kept']:,} of {p['required']:,} required meetings held "
        f"({100 * p['kept_share']:.1f} %), branches' shares {100 * p['branch_share_mean']:.1f} % "
        "on average"
    )
    print(
        f"compliance {s['compliance_year']} as the selectors see it ({s['branches']:,} branches): "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(c.items()))
        + f"; done / (done + overdue) = {100 * (s['done_share_of_closed_periods'] or 0):.1f} %, "
        f"per branch min {100 * b.get('min', 0):.0f} % / p10 {100 * b.get('p10', 0):.0f} % / "
        f"median {100 * b.get('median', 0):.0f} % / max {100 * b.get('max', 0):.0f} %"
    )
    print("timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in rep["timings_s"].items()))
    for u, what in rep["bench_users"].items():
        target = f"{what['hospital']} ({what['branches']} branches)" if what["hospital"] else "city"
        print(f"  {u}: {what['role']} of {target}")


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
    parser.add_argument("--vendor", choices=["sqlite", "postgresql"])
    parser.add_argument("--database-url", help="target (default: the orglife database)")
    parser.add_argument(
        "--pg-url",
        default=PG_URL,
        help="with --vendor postgresql: the server and the name the database's is derived "
        "from (<name>_orglife); default BENCH_PG_URL or hongfan_bench",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--meetings",
        type=int,
        default=60_000,
        help="top the year up to this many meetings with more 集中学习 and 谈心谈话 (default "
        "60,000, the issue's figure; the minimum rules give about 52,000)",
    )
    parser.add_argument("--fresh", action="store_true", help="copy/build the city again first")
    parser.add_argument(
        "--if-present",
        action="store_true",
        help="do nothing when the target already holds a load of the same 12 months",
    )
    parser.add_argument("--force", action="store_true", help="allow a name without 'bench'")
    args = parser.parse_args()

    import dj_database_url

    url = target_url(args)
    cfg = dj_database_url.parse(url)
    if cfg["ENGINE"].endswith("sqlite3"):
        vendor = "sqlite"
    elif "postgresql" in cfg["ENGINE"]:
        vendor = "postgresql"
    else:
        raise SystemExit(f"orglifegen: unsupported database {cfg['ENGINE']}")
    if "bench" not in str(cfg["NAME"]) and not args.force:
        raise SystemExit(f"orglifegen: refusing {cfg['NAME']!r}: the name does not contain 'bench'")
    print(f"orglifegen: {vendor} {url}", flush=True)
    started = time.monotonic()
    timings: dict[str, float] = {}
    city_how = ensure_city(url, cfg, vendor, fresh=args.fresh)
    timings["city"] = time.monotonic() - started
    print(f"  city: {city_how} ({timings['city']:.1f}s)", flush=True)

    from pointsgen import setup_django

    setup_django(url)
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max

    from hongfan.core.dates import today as today_fn
    from hongfan.org.models import Authority
    from hongfan.orglife.models import Meeting
    from hongfan.orglife.services.rules import meeting_requirements_seed

    t = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    timings["migrate"] = time.monotonic() - t

    today = today_fn()
    months = window(today)
    want = (f"{months[0][0]}-{months[0][1]:02d}", f"{months[-1][0]}-{months[-1][1]:02d}")
    if args.if_present and not args.fresh:
        n, first, last = loaded_window()
        if n and (first, last) == want:
            print(f"orglifegen: {n:,} loaded meetings of {first}..{last} present; nothing to do")
            ensure_bench_users()
            return
        if n:
            print(f"  {n:,} loaded meetings of {first}..{last} present, {want} wanted: reloading")

    t = time.monotonic()
    seeded = 0
    for authority in Authority.objects.filter(hospitals__isnull=False).distinct():
        seeded += meeting_requirements_seed(
            authority=authority, effective_from=date(months[0][0], 1, 1)
        )
    users = ensure_bench_users()
    timings["rules_and_users"] = time.monotonic() - t

    t = time.monotonic()
    city = City()
    first_id = (
        Meeting.objects.exclude(checkin_token__startswith=TOKEN_PREFIX).aggregate(m=Max("id"))["m"]
        or 0
    ) + 1
    if vendor == "sqlite":
        # AUTOINCREMENT never reuses an id: start after the highest ever handed out.
        with connection.cursor() as cur:
            cur.execute("select seq from sqlite_sequence where name = 'orglife_meeting'")
            row = cur.fetchone()
            first_id = max(first_id, (row[0] if row else 0) + 1)
    gen = Generator(city, today=today, seed=args.seed, vendor=vendor, first_id=first_id)
    gen.run()
    base = len(gen.meetings)
    gen.top_up(args.meetings)
    timings["generate"] = time.monotonic() - t
    print(
        f"  rules: {seeded} seeded; generated {len(gen.meetings):,} meetings ({base:,} by the "
        f"plan, {len(gen.meetings) - base:,} extra) and "
        f"{len(gen.attendance):,} attendance rows for {want[0]}..{want[1]} "
        f"({timings['generate']:.1f}s)",
        flush=True,
    )
    connection.close()

    t = time.monotonic()
    if vendor == "postgresql":
        load_postgresql(cfg, gen, timings)
    else:
        load_sqlite(cfg["NAME"], gen, timings)
    timings["load_total"] = time.monotonic() - t
    rate = (len(gen.meetings) + len(gen.attendance)) / max(timings["load_total"], 1e-9)
    print(f"  loaded in {timings['load_total']:.1f}s ({rate:,.0f} rows/s)", flush=True)
    gen_seconds = time.monotonic() - started

    t = time.monotonic()
    summary = summarise(today)
    timings["summary"] = time.monotonic() - t
    size = db_size(cfg, vendor)
    report = {
        "vendor": vendor,
        "url": url,
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
        "python": platform.python_version(),
        "seed": args.seed,
        "today": today.isoformat(),
        "window": list(want),
        "city": city_how,
        "branches_with_members": len(gen.branch_share),
        "plan": {
            "meetings": len(gen.meetings),
            "meetings_by_plan": base,
            "attendance": len(gen.attendance),
            "required": gen.required,
            "kept": gen.kept,
            "kept_share": round(gen.kept / gen.required, 4) if gen.required else None,
            "branch_share_mean": round(statistics.fmean(gen.branch_share), 4),
            "counters": dict(gen.stats),
        },
        "bench_users": users,
        "summary": summary,
        "timings_s": {k: round(v, 2) for k, v in timings.items()},
        "generate_and_load_s": round(gen_seconds, 1),
        "database_bytes": size,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }
    print_report(report)
    print(
        f"orglifegen: {len(gen.meetings):,} meetings and {len(gen.attendance):,} attendance rows "
        f"on {vendor} in {gen_seconds:.1f}s (city included); database {size / 2**20:,.0f} MiB; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    out = BENCH / "results" / f"orglifegen_{vendor}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
