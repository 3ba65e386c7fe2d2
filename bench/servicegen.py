"""Load a year of volunteer service (为民服务) into a city: brands, places, activities with
shifts and sign-ups, the hours ledger and its rollups, records, 红帆驿站 help and loans, and
home-nursing bookings.

Usage (from the project root)::

    uv run python bench/servicegen.py                        # SQLite: bench/var/service.sqlite3
    uv run python bench/servicegen.py --vendor postgresql    # hongfan_bench_service
    uv run python bench/servicegen.py --database-url URL
    uv run python bench/servicegen.py --if-present           # skip when this year is loaded

The target is a database of its own, so the page benchmarks' city is left alone:
``bench/var/service.sqlite3`` (a copy of bench/var/city.sqlite3 made with SQLite's backup
API, or built by citygen.py when that is missing) or, with ``--vendor postgresql``, the
database ``<BENCH_PG_URL name>_service`` (built by citygen.py). Like citygen, servicegen
refuses a database whose name does not contain "bench".

Then ``migrate``, the bench accounts of bench/bench_service.py (``BENCH_USERS``) and the
load. A run first empties every table of the service app except the rules (the bench
database is the generator's own), then writes, for the 30 hospitals:

- per hospital a brand (the reports' names first) with 4-6 measures, a register of places
  (villages, communities and schools by township of the hospital's county; 12 for the
  smallest hospital, 240 for the largest), 1-3 红帆驿站 with 4-6 items to lend, a catalogue
  of home-nursing services and the nurses qualified for it;
- **the current year**: ``--activities`` (default 9,000) activities city-wide, shared
  among the hospitals by staff (济宁医学院附属医院 ~1,125, 济宁市口腔医院 ~80), held
  between 1 January and yesterday — a full year's volume in the year so far, so that the
  dashboards of the current year show a whole year of rows — plus ~2 % published for the
  coming four weeks with open sign-ups. Of them: each desk's monthly duty roster
  (红帆驿站值守, two shifts a day, two places each), ~3 % volunteer training (training
  hours, kept apart), and the rest free clinics, home visits, patrols, talks, festivals;
  ~3 % of the past ones cancelled. Shifts (1-3 per field activity) are sized so that the
  checked-in sign-ups come near ``--entries`` (default 300,000): members three times as
  likely as other staff to volunteer, nobody twice on one day; 4 % no-shows, ~8 % cancelled
  sign-ups, a waiting list behind full shifts;
- one HourEntry per checked-in sign-up (hours from the in/out times, travel excluded,
  capped at the shift's length), 1 % of them corrected by a reversing entry and a new
  one; HourTotal rows (person, year, kind) that are exactly the sums of the entries;
- a ServiceRecord with people served by service (ServedCount) for every held activity but
  duty and training, households (encrypted, as the services write them) for home visits;
- per desk and day 3-6 lines of help given and loans in proportion to the hospital's staff
  (returned, a few lost, the last days' still out, some overdue);
- home-nursing bookings (~1.2 a day per 1,000 staff): most visited and closed, ~85 % within
  24 hours, some refused or cancelled, the last days' still open;
- **the previous year** at ``--previous-share`` (default 1/10) of the same volume, so that
  bench_service.py can show the city dashboard's query count at two data sizes.

Loaded activities carry a check-in token starting with ``load-``. Loading: SQLite
``executemany`` in one transaction (no FK checks on the raw connection: the rows are
consistent by construction); PostgreSQL ``COPY`` in one transaction (deferred FK checks at
commit) and then ``VACUUM ANALYZE`` of the tables. The columns come from the models, so a
field another part adds later is written with its default. Results: a table on stdout and
bench/results/servicegen_<vendor>.json.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import random
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VAR = BENCH / "var"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/hongfan_bench")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

TZ = ZoneInfo("Asia/Shanghai")
# NursingBooking.due_at: requested_at + the promise of the default rule (the bench city has
# no versions of the nursing rule).
PROMISE_HOURS = 24
TOKEN_PREFIX = "load-"

# Accounts bench_service.py logs in as (force_login; no usable password).
BENCH_USERS = {
    "bench_service_admin_large": "hospital admin of the hospital with the most staff",
    "bench_service_admin_small": "hospital admin of the hospital with the fewest staff",
    "bench_service_city": "city admin",
}

BRANDS = [
    ("心连馨", "用心服务 呵护健康"),
    ("党建引领 暖医惠民", "服务患者 服务基层 服务发展"),
    ("医心向党", "医心向党 姓党为民"),
    ("红帆暖心", "红帆领航 暖心为民"),
    ("仁心惠民", "仁心仁术 惠及于民"),
]
# (name, the activity kinds that fall under it)
MEASURES = [
    ("送医上门爱心服务", ("home_visit",)),
    ("健康巡诊进乡村", ("health_patrol", "free_clinic")),
    ("节日互动暖心服务", ("festival",)),
    ("慢病管理全程服务", ("health_talk", "other")),
    ("健康知识进校园", ("health_talk",)),
    ("红帆驿站便民服务", ("desk_duty",)),
]
TOWNSHIPS = {
    "370811": ("任城区", ["李营街道", "唐口街道", "长沟镇", "喻屯镇", "二十里铺街道", "安居街道", "南张街道", "接庄街道"]),
    "370812": ("兖州区", ["鼓楼街道", "龙桥街道", "酒仙桥街道", "新驿镇", "小孟镇", "漕河镇", "颜店镇", "大安镇"]),
    "370828": ("金乡县", ["金乡街道", "鸡黍镇", "羊山镇", "胡集镇", "卜集镇", "化雨镇", "司马镇", "霄云镇"]),
    "370881": ("曲阜市", ["鲁城街道", "书院街道", "时庄街道", "尼山镇", "王庄镇", "息陬镇", "陵城镇", "姚村镇"]),
    "370826": ("微山县", ["夏镇街道", "韩庄镇", "欢城镇", "留庄镇", "两城镇", "马坡镇", "高楼乡", "张楼镇"]),
    "370883": ("邹城市", ["钢山街道", "千泉街道", "凫山街道", "峄山镇", "太平镇", "中心店镇", "唐村镇", "田黄镇"]),
    "370829": ("嘉祥县", ["嘉祥街道", "纸坊镇", "梁宝寺镇", "满硐镇", "卧龙山街道", "马村镇", "金屯镇", "大张楼镇"]),
    "370832": ("梁山县", ["梁山街道", "水泊街道", "小路口镇", "韩岗镇", "拳铺镇", "杨营镇", "馆驿镇", "赵堌堆乡"]),
    "370830": ("汶上县", ["汶上街道", "中都街道", "南站镇", "次丘镇", "寅寺镇", "郭楼镇", "康驿镇", "苑庄镇"]),
    "370827": ("鱼台县", ["谷亭街道", "滨湖街道", "王鲁镇", "张黄镇", "清河镇", "唐马镇", "老砦镇", "李阁镇"]),
    "370831": ("泗水县", ["泗河街道", "济河街道", "泉林镇", "星村镇", "柘沟镇", "金庄镇", "苗馆镇", "中册镇"]),
}  # fmt: skip
VILLAGE_STEMS = [
    "东王", "西李", "北张", "前刘", "后赵", "南陈", "大庄", "小营", "孙家", "郭庄", "杨楼",
    "高庙", "马集", "周村", "吴桥", "徐营", "何庄", "林屯", "罗家", "宋庄", "韩楼", "唐村",
    "白庙", "黄屯", "石桥", "新庄", "朱楼", "田集", "曹营", "袁庄",
]  # fmt: skip
FIELD_KINDS = [
    ("free_clinic", 30),
    ("home_visit", 25),
    ("health_patrol", 20),
    ("health_talk", 12),
    ("festival", 8),
    ("other", 5),
]
TITLES = {
    "free_clinic": "{place}义诊活动",
    "home_visit": "送医上门到{place}",
    "health_patrol": "健康巡诊进{place}",
    "health_talk": "健康讲座进{place}",
    "festival": "节日暖心行（{place}）",
    "other": "{place}健康咨询活动",
}
SERVED = {  # people served (range) of an activity kind
    "free_clinic": (60, 260),
    "health_patrol": (30, 120),
    "health_talk": (40, 200),
    "festival": (20, 100),
    "other": (20, 80),
}
SERVED_KINDS = [
    "blood_pressure", "glucose", "ecg", "consultation", "health_education", "physical_exam",
    "medicine", "other",
]  # fmt: skip
HELP_KINDS = [
    ("guidance", 40, 30),
    ("accompany", 15, 6),
    ("printing", 10, 10),
    ("charging", 15, 15),
    ("complaint", 3, 2),
    ("consultation", 12, 10),
    ("other", 5, 4),
]  # (kind, weight, largest count of a line)
ITEMS = [
    ("wheelchair", "轮椅", 6, Decimal("200"), 8),
    ("umbrella", "爱心雨伞", 30, Decimal("0"), 48),
    ("charger", "充电宝", 10, Decimal("50"), 4),
    ("glasses", "老花镜", 10, Decimal("0"), 4),
    ("stretcher", "平车", 2, Decimal("0"), 4),
    ("other", "保温杯", 10, Decimal("0"), 24),
]  # (kind, name, stock, deposit, loan hours)
NURSING_SERVICES = [
    ("basic", "基础护理（鼻饲、导尿等）"),
    ("tube", "PICC导管维护"),
    ("rehab", "康复护理指导"),
    ("wound", "伤口造口护理"),
    ("maternal", "母婴护理"),
    ("tcm", "中医护理（艾灸、拔罐）"),
]
PATIENT_KINDS = ["elderly", "disabled", "recovering", "terminal", "maternal", "other"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "秀英桂兰玉兰淑珍凤英建国建华志强海燕丽娟明亮国庆德顺春花金凤永福长青"


# --- target database -----------------------------------------------------------------------------


def target_url(args: argparse.Namespace) -> str:
    if args.database_url:
        return args.database_url
    if args.vendor == "postgresql":
        base, _, query = (getattr(args, "pg_url", None) or PG_URL).partition("?")
        head, name = base.rsplit("/", 1)
        return f"{head}/{name}_service" + (f"?{query}" if query else "")
    if args.vendor == "sqlite":
        return f"sqlite:///{VAR / 'service.sqlite3'}"
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return f"sqlite:///{VAR / 'service.sqlite3'}"


def ensure_city(url: str, cfg: dict, vendor: str, *, fresh: bool) -> str:
    """Make sure the target holds the city (pointsgen's way: present, copied or built)."""
    from pointsgen import ensure_city as points_ensure_city

    return points_ensure_city(url, cfg, vendor, fresh=fresh, who="servicegen")


def ensure_bench_users() -> dict[str, dict]:
    """The hospital admins of the hospitals with the most and the fewest staff and a city
    admin (idempotent). Returns what each account is for."""
    from django.db.models import Count, Q

    from hongfan.accounts.models import RoleAssignment, User
    from hongfan.core.roles import Role
    from hongfan.org.choices import PersonStatus
    from hongfan.org.models import Hospital

    hospitals = list(
        Hospital.objects.annotate(
            n=Count("people", filter=Q(people__status=PersonStatus.ACTIVE))
        ).order_by("n", "pk")
    )
    if not hospitals:
        raise SystemExit("servicegen: the database has no hospitals; build the city first")
    small, large = hospitals[0], hospitals[-1]
    grants = {
        "bench_service_admin_large": (Role.HOSPITAL_ADMIN, large),
        "bench_service_admin_small": (Role.HOSPITAL_ADMIN, small),
        "bench_service_city": (Role.CITY_ADMIN, None),
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
            "staff": hospital.n if hospital else None,
        }
    return out


# --- tables --------------------------------------------------------------------------------------


class Table:
    """Rows of one model's table as tuples in ``columns`` order (values ready for the
    database); any other column of the model is written with its field's default, so a
    field added by another part of the app does not break the load."""

    def __init__(self, model: Any, columns: tuple[str, ...], optional: tuple[str, ...] = ()):
        self.model = model
        self.name = model._meta.db_table
        # ``optional``: the last values of each row, written only if the model has those
        # columns (a field another part of the app adds on its branch).
        have = {f.column for f in model._meta.concrete_fields}
        self.columns = columns + tuple(c for c in optional if c in have)
        self.drop = sum(1 for c in optional if c not in have)
        self.rows: list[tuple] = []
        self.next_id = 1
        self.extra: tuple[str, ...] = ()
        self.extra_values: tuple = ()

    def new_id(self) -> int:
        i = self.next_id
        self.next_id += 1
        return i

    def add(self, row: tuple) -> None:
        self.rows.append(row)

    def resolve_extra(self, connection: Any) -> None:
        from django.db.models import NOT_PROVIDED
        from django.utils import timezone

        names, values = [], []
        for f in self.model._meta.concrete_fields:
            if f.column in self.columns:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = timezone.now()
            elif f.default is not NOT_PROVIDED:
                value = f.get_default()
            elif f.null:
                value = None
            elif f.blank and f.get_internal_type() in ("CharField", "TextField"):
                value = ""
            else:
                raise SystemExit(
                    f"servicegen: {self.name}.{f.column} is required and has no default; "
                    "teach servicegen.py its value"
                )
            names.append(f.column)
            values.append(f.get_db_prep_save(value, connection))
        self.extra, self.extra_values = tuple(names), tuple(values)

    @property
    def all_columns(self) -> tuple[str, ...]:
        return self.columns + self.extra

    def full_rows(self):  # type: ignore[no-untyped-def]
        rows = self.rows
        if self.drop:
            keep = len(self.columns)
            rows = (r[:keep] for r in rows)
        if not self.extra:
            return rows
        ev = self.extra_values
        return (r + ev for r in rows)


def tables_of() -> dict[str, Table]:
    from hongfan.service import models as m

    T = Table
    return {
        "brand": T(m.ServiceBrand, ("id", "hospital_id", "name", "slogan", "description", "created_at", "updated_at")),
        "measure": T(m.ServiceMeasure, ("id", "hospital_id", "brand_id", "name", "description", "order", "active")),
        "place": T(m.Place, ("id", "hospital_id", "name", "kind", "township", "county", "active", "created_at")),
        "desk": T(m.ServiceDesk, ("id", "hospital_id", "name", "location", "opening_hours", "phone", "active", "created_at")),
        "item": T(m.LendItem, ("id", "hospital_id", "desk_id", "kind", "name", "stock", "deposit", "loan_hours", "active")),
        "activity": T(m.Activity, (
            "id", "hospital_id", "branch_id", "measure_id", "kind", "status", "title", "description",
            "place_id", "place_detail", "desk_id", "starts_at", "ends_at", "signup_deadline",
            "cancel_deadline", "skills", "open_to_staff", "checkin_token", "cancel_reason",
            "created_by_id", "created_at", "published_at", "closed_at", "closed_by_id",
        )),
        "shift": T(m.Shift, ("id", "activity_id", "label", "starts_at", "ends_at", "capacity", "lead_id")),
        "signup": T(m.Signup, (
            "id", "hospital_id", "activity_id", "shift_id", "person_id", "status", "created_at",
            "cancelled_at", "checked_in_at", "checked_out_at", "checkin_method", "checked_by_id",
            "excluded_minutes", "confirmed_hours",
        )),
        "entry": T(m.HourEntry, (
            "id", "hospital_id", "person_id", "branch_id", "kind", "hours", "occurred_on",
            "activity_id", "signup_id", "reverses_id", "reason", "created_by_id", "created_at",
        ), optional=("corrects_id",)),
        "total": T(m.HourTotal, ("id", "hospital_id", "person_id", "year", "kind", "hours", "activities")),
        "tally": T(m.HourTally, ("id", "hospital_id", "branch_id", "year", "month", "kind", "hours")),
        "record": T(m.ServiceRecord, (
            "id", "activity_id", "people_served", "referrals", "materials", "medicine_value",
            "summary", "recorded_by_id", "recorded_at",
        )),
        "served": T(m.ServedCount, ("id", "record_id", "kind", "count")),
        "household": T(m.Household, (
            "id", "hospital_id", "activity_id", "name", "mobile", "mobile_hash", "address",
            "what_done", "follow_up_needed", "follow_up_note", "follow_up_due", "followed_up_at",
            "recorded_by_id", "recorded_at",
        )),
        "help": T(m.DeskHelp, ("id", "hospital_id", "desk_id", "kind", "count", "note", "occurred_at", "recorded_by_id")),
        "loan": T(m.Loan, (
            "id", "hospital_id", "item_id", "borrower", "mobile", "mobile_hash", "deposit", "status",
            "lent_at", "due_at", "returned_at", "deposit_refunded", "note", "lent_by_id", "closed_by_id",
        )),
        "nservice": T(m.NursingService, ("id", "hospital_id", "category", "name", "description", "active", "order")),
        "nurse": T(m.NurseProfile, ("id", "hospital_id", "person_id", "clinical_since", "title", "active")),
        "booking": T(m.NursingBooking, (
            "id", "hospital_id", "reference", "service_id", "patient_kind", "patient_name", "mobile",
            "mobile_hash", "address", "note", "status", "requested_at", "risk_level", "assessment",
            "triaged_at", "triaged_by_id", "refused_reason", "nurse_id", "assigned_at", "arrived_at",
            "what_done", "consumables", "next_visit_on", "closed_at", "closed_by_id", "cancel_reason",
        ), optional=("due_at",)),
    }  # fmt: skip


# --- the city ------------------------------------------------------------------------------------


class City:
    """The hospitals, their active people (with branch and membership) and branches."""

    def __init__(self) -> None:
        from hongfan.org.choices import MEMBER_STATUSES, BranchKind, PersonStatus
        from hongfan.org.models import Branch, Hospital, Person

        self.hospitals = list(
            Hospital.objects.order_by("pk").values_list(
                "pk", "name", "short_name", "region_code", "brand_name"
            )
        )
        self.people: dict[int, list[tuple[int, int | None, bool]]] = defaultdict(list)
        for pid, hid, bid, status in (
            Person.objects.filter(status=PersonStatus.ACTIVE)
            .order_by("pk")
            .values_list("pk", "hospital_id", "branch_id", "political_status")
        ):
            self.people[hid].append((pid, bid, status in MEMBER_STATUSES))
        self.branches: dict[int, list[int]] = defaultdict(list)
        for bid, hid in (
            Branch.objects.filter(active=True, kind=BranchKind.BRANCH)
            .order_by("pk")
            .values_list("pk", "hospital_id")
        ):
            self.branches[hid].append(bid)
        self.staff = sum(len(v) for v in self.people.values())


# --- the generator -------------------------------------------------------------------------------


class Generator:
    def __init__(
        self,
        city: City,
        tables: dict[str, Table],
        args: argparse.Namespace,
        *,
        vendor: str,
        now: datetime,
    ):
        self.city = city
        self.t = tables
        self.args = args
        self.vendor = vendor
        self.rng = random.Random(args.seed)
        self.now = now
        self.today = now.astimezone(TZ).date()
        self.stats: Counter = Counter()
        self.totals: dict[
            tuple[int, int, str], list
        ] = {}  # (person, year, kind) -> [hospital, hours, set(acts)]
        # (hospital, branch, year, month, kind) -> hours: the monthly tally (HourTally)
        self.tally: dict[tuple, Decimal] = defaultdict(Decimal)
        self.busy: dict[int, set[int]] = defaultdict(set)  # person -> ordinal days
        from hongfan.core import pii

        rng = self.rng
        # Personal data as the services write it (encrypted); a pool, reused, keeps it fast.
        self.pii_pool = []
        for _ in range(300):
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
            mobile = f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"
            addr = f"{rng.choice(VILLAGE_STEMS)}村{rng.randint(1, 12)}组{rng.randint(1, 60)}号"
            self.pii_pool.append(
                (pii.encrypt(name), pii.encrypt(mobile), pii.keyed_hash(mobile), pii.encrypt(addr))
            )

    # values as the database takes them
    def ts(self, dt: datetime | None):  # type: ignore[no-untyped-def]
        if dt is None:
            return None
        u = dt.astimezone(UTC)
        return u if self.vendor == "postgresql" else u.strftime("%Y-%m-%d %H:%M:%S")

    def d(self, day: date | None):  # type: ignore[no-untyped-def]
        if day is None:
            return None
        return day if self.vendor == "postgresql" else day.isoformat()

    def token(self) -> str:
        return (TOKEN_PREFIX + base64.urlsafe_b64encode(self.rng.randbytes(30)).decode())[:43]

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)

    # --- per hospital: the fixed things ---------------------------------------------------------

    def setup_hospital(self, index: int, h: tuple) -> dict:  # noqa: C901, PLR0915
        rng, t = self.rng, self.t
        hid, name, short, region, brand_name = h
        staff = len(self.city.people[hid])
        created = self.ts(datetime(self.today.year - 2, 3, 1, 9, tzinfo=TZ))
        bname, slogan = next((b for b in BRANDS if b[0] == brand_name), BRANDS[index % len(BRANDS)])
        brand = t["brand"].new_id()
        t["brand"].add(
            (
                brand,
                hid,
                brand_name or bname,
                slogan,
                "以党建引领志愿服务，把医疗服务送到群众身边。",
                created,
                created,
            )
        )
        count = 4 + index % 3
        chosen = MEASURES[: count - 1] + [MEASURES[-1]]  # the desks' measure always
        measure_of: dict[str, int] = {}
        for order, (mname, kinds) in enumerate(chosen):
            mid = t["measure"].new_id()
            t["measure"].add((mid, hid, brand, mname, "", order + 1, True))
            for k in kinds:
                measure_of.setdefault(k, mid)
        for k, _w in FIELD_KINDS:
            measure_of.setdefault(
                k,
                measure_of["health_talk"]
                if "health_talk" in measure_of
                else next(iter(measure_of.values())),
            )
        county, towns = TOWNSHIPS.get(region, (f"{short}所在县区", TOWNSHIPS["370811"][1]))
        n_places = max(12, round(240 * staff / 5000))
        places = []
        seen = set()
        k = 0
        while len(places) < n_places:
            town = towns[k % len(towns)]
            stem = VILLAGE_STEMS[(k // len(towns)) % len(VILLAGE_STEMS)]
            rnd = k // (len(towns) * len(VILLAGE_STEMS))
            if k % 9 == 4:
                pname, kind = f"{stem}社区", "community"
            elif k % 13 == 6:
                pname, kind = f"{town[:2]}第{k % 5 + 1}小学", "school"
            else:
                pname, kind = f"{stem}村", "village"
            if rnd:
                pname = f"{pname[:-1]}{rnd + 1}{pname[-1]}"
            k += 1
            if (town, pname) in seen:
                continue
            seen.add((town, pname))
            pid = t["place"].new_id()
            t["place"].add((pid, hid, pname, kind, town, county, True, created))
            places.append((pid, kind, pname))
        desks = []
        for i in range(1 + staff // 2000):
            did = t["desk"].new_id()
            label = ("门诊大厅", "急诊大厅", "住院部大厅")[i]
            t["desk"].add(
                (
                    did,
                    hid,
                    f"{label}红帆驿站",
                    f"{label}服务台",
                    "周一至周日 8:00-17:30",
                    "",
                    True,
                    created,
                )
            )
            items = []
            for kind, iname, stock, deposit, hours in ITEMS[: 4 + i % 3]:
                iid = t["item"].new_id()
                t["item"].add(
                    (iid, hid, did, kind, iname, stock + staff // 1000, str(deposit), hours, True)
                )
                items.append((iid, deposit, hours))
            desks.append((did, label, items))
        services = []
        for order, (cat, sname) in enumerate(NURSING_SERVICES):
            sid = t["nservice"].new_id()
            t["nservice"].add((sid, hid, cat, sname, "", True, order + 1))
            services.append(sid)
        people = self.city.people[hid]
        nurses = [p[0] for p in rng.sample(people, max(3, staff // 40))]
        for pid in nurses:
            since = date(rng.randint(1995, 2019), rng.randint(1, 12), 1)
            t["nurse"].add(
                (t["nurse"].new_id(), hid, pid, self.d(since), rng.choice((2, 2, 3, 3, 4, 5)), True)
            )
        # Volunteers: every member, and four in ten of the other staff; members three
        # times as likely to sign up, each with a zeal of their own.
        pool, weights = [], []
        for pid, bid, member in people:
            if member or rng.random() < 0.4:
                pool.append((pid, bid))
                weights.append((3.0 if member else 1.0) * rng.uniform(0.3, 1.7))
        cum, acc = [], 0.0
        for w in weights:
            acc += w
            cum.append(acc)
        return {
            "hid": hid, "staff": staff, "measure_of": measure_of, "places": places, "desks": desks,
            "services": services, "nurses": nurses, "pool": pool, "cum": cum,
            "branches": self.city.branches.get(hid, []),
        }  # fmt: skip

    # --- activities -------------------------------------------------------------------------------

    def volunteers(self, ctx: dict, day: date, n: int) -> list[tuple[int, int | None]]:
        """``n`` distinct volunteers (or fewer) free on ``day``."""
        ordinal = day.toordinal()
        out: list[tuple[int, int | None]] = []
        seen: set[int] = set()
        for _ in range(3):
            for p in self.rng.choices(ctx["pool"], cum_weights=ctx["cum"], k=2 * n + 4):
                if p[0] in seen or ordinal in self.busy[p[0]]:
                    continue
                seen.add(p[0])
                out.append(p)
                if len(out) == n:
                    return out
        return out

    def activity(  # noqa: C901, PLR0915
        self,
        ctx: dict,
        *,
        kind: str,
        start: datetime,
        end: datetime,
        shifts: list[tuple[datetime, datetime, int, str]],
        place: int | None = None,
        desk: int | None = None,
        title: str,
        training: bool = False,
    ) -> None:
        rng, t = self.rng, self.t
        hid = ctx["hid"]
        aid = t["activity"].new_id()
        past = end < self.now
        if past:
            status = "cancelled" if rng.random() < 0.03 and kind != "desk_duty" else "closed"
        elif start < self.now:
            status = "published"  # a duty roster of this month
        else:
            status = "published" if rng.random() < 0.9 else "draft"
        branch = (
            rng.choice(ctx["branches"])
            if ctx["branches"] and rng.random() < 0.8 and kind != "desk_duty"
            else None
        )
        created = start - timedelta(days=rng.randint(7, 30))
        closed = end + timedelta(hours=rng.randint(2, 72)) if status == "closed" else None
        if closed and closed > self.now:
            closed = self.now - timedelta(minutes=5)
        t["activity"].add((
            aid, hid, branch, ctx["measure_of"][kind], kind, status, title[:100], "", place,
            "村卫生室" if kind in ("free_clinic", "health_patrol") else "", desk,
            self.ts(start), self.ts(end), self.ts(start - timedelta(hours=14)),
            self.ts(start - timedelta(hours=20)), "全科、护理" if kind == "home_visit" else "",
            True, self.token(), "人员调整，活动改期" if status == "cancelled" else "",
            None, self.ts(created), None if status == "draft" else self.ts(created + timedelta(hours=2)),
            self.ts(closed), None,
        ))  # fmt: skip
        self.stats[f"activities {status}"] += 1
        self.stats[f"kind {kind}"] += 1
        if status in ("cancelled", "draft"):
            return
        hour_kind = "training" if training else "service"
        checked_in = 0
        for s_start, s_end, capacity, label in shifts:
            sid = t["shift"].new_id()
            day = s_start.astimezone(TZ).date()
            taken = (
                capacity if rng.random() < 0.7 else max(1, round(capacity * rng.uniform(0.6, 1.0)))
            )
            wait = rng.randint(1, 3) if taken == capacity and rng.random() < 0.3 else 0
            cancels = sum(1 for _ in range(taken) if rng.random() < 0.08)
            people = self.volunteers(ctx, day, taken + wait + cancels)
            lead = people[0][0] if people else None
            t["shift"].add((sid, aid, label, self.ts(s_start), self.ts(s_end), capacity, lead))
            shift_past = s_end < self.now
            length = (s_end - s_start).total_seconds() / 3600
            for i, (pid, bid) in enumerate(people):
                signed_at = s_start - timedelta(
                    days=rng.randint(1, 10), minutes=rng.randint(0, 600)
                )
                if i >= taken + wait:  # signed up, then cancelled before the deadline
                    t["signup"].add((t["signup"].new_id(), hid, aid, sid, pid, "cancelled", self.ts(signed_at),
                                     self.ts(signed_at + timedelta(hours=rng.randint(1, 48))), None, None, "", None, 0, None))  # fmt: skip
                    self.stats["signups cancelled"] += 1
                    continue
                if i >= taken:
                    t["signup"].add((t["signup"].new_id(), hid, aid, sid, pid, "waitlisted", self.ts(signed_at),
                                     None, None, None, "", None, 0, None))  # fmt: skip
                    self.stats["signups waitlisted"] += 1
                    continue
                self.busy[pid].add(day.toordinal())
                if not shift_past:
                    t["signup"].add((t["signup"].new_id(), hid, aid, sid, pid, "signed", self.ts(signed_at),
                                     None, None, None, "", None, 0, None))  # fmt: skip
                    self.stats["signups open"] += 1
                    continue
                if rng.random() < 0.04:
                    t["signup"].add((t["signup"].new_id(), hid, aid, sid, pid, "no_show", self.ts(signed_at),
                                     None, None, None, "", None, 0, None))  # fmt: skip
                    self.stats["signups no_show"] += 1
                    continue
                cin = s_start + timedelta(minutes=rng.randint(-15, 10))
                cout = s_end + timedelta(minutes=rng.randint(-20, 15))
                excluded = rng.choice((0, 0, 0, 20, 30, 40)) if kind == "home_visit" else 0
                raw = ((cout - cin).total_seconds() / 60 - excluded) / 60
                hours = Decimal(min(length, raw) * 4).quantize(Decimal(1)) / 4
                hours = max(hours, Decimal("0.25"))
                method = "qr" if rng.random() < 0.75 else "lead"
                uid = t["signup"].new_id()
                t["signup"].add((uid, hid, aid, sid, pid, "signed", self.ts(signed_at), None, self.ts(cin),
                                 self.ts(cout), method, None, excluded, f"{hours:.2f}"))  # fmt: skip
                self.stats["signups checked in"] += 1
                checked_in += 1
                confirmed = closed or (cout + timedelta(hours=rng.randint(1, 48)))
                if confirmed > self.now:
                    confirmed = self.now - timedelta(minutes=1)
                eid = self.entry(
                    hid, pid, bid, hour_kind, hours, day, aid, uid, None, "", confirmed
                )
                if rng.random() < 0.01:  # corrected: reversed, then the right hours
                    fixed = max(Decimal("0.25"), hours - Decimal("0.5"))
                    later = confirmed + timedelta(days=rng.randint(1, 5))
                    if later > self.now:
                        later = self.now
                    self.entry(
                        hid,
                        pid,
                        bid,
                        hour_kind,
                        -hours,
                        day,
                        aid,
                        uid,
                        eid,
                        "更正：签退时间有误",
                        later,
                    )
                    # With the hours part's ``corrects`` the new entry keeps the sign-up and
                    # points at the one it replaces; without it, it stands alone.
                    corrects = "corrects_id" in self.t["entry"].columns
                    self.entry(
                        hid, pid, bid, hour_kind, fixed, day, aid, uid if corrects else None,
                        None, "更正后时长", later, eid if corrects else None,
                    )  # fmt: skip
                    self.stats["entries corrected"] += 1
        if status == "closed" and kind not in ("desk_duty",) and not training:
            self.record(ctx, aid, kind, closed)

    def entry(
        self, hid, pid, bid, kind, hours, day, aid, uid, reverses, reason, at, corrects=None
    ) -> int:  # type: ignore[no-untyped-def]
        eid = self.t["entry"].new_id()
        self.t["entry"].add(
            (
                eid,
                hid,
                pid,
                bid,
                kind,
                f"{hours:.2f}",
                self.d(day),
                aid,
                uid,
                reverses,
                reason,
                None,
                self.ts(at),
                corrects,
            )
        )
        tot = self.totals.get((pid, day.year, kind))
        if tot is None:
            tot = self.totals[(pid, day.year, kind)] = [hid, Decimal(0), set()]
        tot[1] += hours
        self.tally[(hid, bid, day.year, day.month, kind)] += hours
        if reverses is None and hours > 0:
            tot[2].add(aid)
        return eid

    def record(self, ctx: dict, aid: int, kind: str, closed: datetime) -> None:
        rng, t = self.rng, self.t
        rid = t["record"].new_id()
        if kind == "home_visit":
            households = rng.randint(3, 8)
            served = households
            for _ in range(households):
                name, mobile, mhash, addr = rng.choice(self.pii_pool)
                follow = rng.random() < 0.3
                due = (
                    (closed.astimezone(TZ).date() + timedelta(days=rng.randint(7, 30)))
                    if follow
                    else None
                )
                done = (
                    self.ts(closed + timedelta(days=rng.randint(7, 30)))
                    if follow and rng.random() < 0.6
                    else None
                )
                t["household"].add((t["household"].new_id(), ctx["hid"], aid, name, mobile, mhash, addr,
                                    "测血压血糖，调整用药，健康指导", follow, "复查血压" if follow else "",
                                    self.d(due), done, None, self.ts(closed)))  # fmt: skip
            self.stats["households"] += households
        else:
            served = rng.randint(*SERVED[kind])
        t["record"].add((rid, aid, served, rng.randint(0, max(1, served // 15)), rng.randint(0, served * 2),
                         str(Decimal(rng.randint(0, 3000))), "服务小结", None, self.ts(closed)))  # fmt: skip
        for sk in rng.sample(SERVED_KINDS, rng.randint(2, 4)):
            t["served"].add(
                (t["served"].new_id(), rid, sk, rng.randint(max(1, served // 4), served))
            )
        self.stats["people served"] += served

    def activities(self, ctx: dict, year: int, share: float) -> None:
        """One hospital's activities of ``year`` at ``share`` of the full volume."""
        rng = self.rng
        first = date(year, 1, 1)
        last = min(date(year, 12, 31), self.today - timedelta(days=1))
        span = (last - first).days + 1
        n_total = round(self.args.activities * share * ctx["staff"] / self.city.staff)
        # Duty rosters: per desk, one per month (this month's partly ahead).
        rosters = 0
        months = [m for m in range(1, 13) if date(year, m, 1) <= self.today]
        if share < 1:
            months = months[:: max(1, round(1 / share))]
        for did, label, _items in ctx["desks"]:
            for m in months:
                days = [date(year, m, d) for d in range(1, 32) if _valid(year, m, d)]
                shifts = []
                for day in days:
                    shifts.append((self.at(day, 8), self.at(day, 12), 2, "上午班"))
                    shifts.append((self.at(day, 14), self.at(day, 17, 30), 2, "下午班"))
                self.activity(ctx, kind="desk_duty", start=shifts[0][0], end=shifts[-1][1], shifts=shifts,
                              desk=did, title=f"{label}红帆驿站{m}月值守排班")  # fmt: skip
                rosters += 1
        n_field = max(1, n_total - rosters)
        per_activity = self.args.per_activity
        kinds = [k for k, _ in FIELD_KINDS]
        weights = [w for _, w in FIELD_KINDS]
        places = ctx["places"]
        reachable = places[: max(1, int(len(places) * 0.92))]
        ahead = round(n_field * 0.02) if share == 1 else 0
        for i in range(n_field + ahead):
            if i < n_field:
                day = first + timedelta(days=rng.randrange(span))
            else:
                day = self.today + timedelta(days=rng.randint(1, 28))
            training = rng.random() < 0.03
            kind = "other" if training else rng.choices(kinds, weights)[0]
            morning = rng.random() < 0.7
            start = self.at(day, 8, 30) if morning else self.at(day, 14, 30)
            n_shifts = (
                1 if kind in ("health_talk", "festival") or training else rng.choice((1, 2, 2, 3))
            )
            length = timedelta(hours=3 if kind != "home_visit" else 4)
            shifts = []
            cap_total = max(2, round(per_activity * rng.uniform(0.6, 1.4)))
            for s in range(n_shifts):
                s_start = start + s * length
                shifts.append(
                    (s_start, s_start + length, max(2, round(cap_total / n_shifts)), f"第{s + 1}班")
                )
            if kind == "health_talk" and rng.random() < 0.5:
                place = rng.choice([p for p in reachable if p[1] == "school"] or reachable)
            else:
                place = (
                    reachable[i % len(reachable)] if i < len(reachable) else rng.choice(reachable)
                )
            title = "志愿服务培训：急救技能" if training else TITLES[kind].format(place=place[2])
            self.activity(ctx, kind=kind, start=shifts[0][0], end=shifts[-1][1], shifts=shifts, place=place[0],
                          title=title, training=training)  # fmt: skip

    # --- desks and nursing ------------------------------------------------------------------------

    def desks_and_nursing(self, ctx: dict, year: int, share: float) -> None:  # noqa: C901
        rng, t = self.rng, self.t
        hid, staff = ctx["hid"], ctx["staff"]
        first = date(year, 1, 1)
        last = min(date(year, 12, 31), self.today - timedelta(days=1))
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        if share < 1:
            days = [d for d in days if rng.random() < share]
        kinds = [k[0] for k in HELP_KINDS]
        top = {k[0]: k[2] for k in HELP_KINDS}
        for did, _label, items in ctx["desks"]:
            item_w = [12 if i[2] == 48 else 6 if i[1] else 4 for i in items]
            for day in days:
                for kind in rng.sample(kinds, rng.randint(3, 6)) if rng.random() < 0.97 else []:
                    at = self.at(day, rng.randint(8, 16), rng.randint(0, 59))
                    t["help"].add(
                        (
                            t["help"].new_id(),
                            hid,
                            did,
                            kind,
                            rng.randint(1, top[kind]),
                            "",
                            self.ts(at),
                            None,
                        )
                    )
                    self.stats["desk help lines"] += 1
                for _ in range(rng.randint(1, max(2, staff // 500))):
                    iid, deposit, hours = rng.choices(items, item_w)[0]
                    lent = self.at(day, rng.randint(8, 16), rng.randint(0, 59))
                    due = lent + timedelta(hours=hours)
                    name, mobile, mhash, _addr = rng.choice(self.pii_pool)
                    r = rng.random()
                    if due > self.now or (due < self.now - timedelta(days=3) and r < 0.004):
                        status, back = (
                            ("lent", None) if due > self.now or r < 0.002 else ("lost", None)
                        )
                    elif r < 0.02:  # overdue, still out
                        status, back = "lent", None
                    else:
                        status, back = (
                            "returned",
                            lent + timedelta(hours=rng.uniform(0.5, hours * 1.1)),
                        )
                        if back > self.now:
                            status, back = "lent", None
                    t["loan"].add((t["loan"].new_id(), hid, iid, name, mobile, mhash, str(deposit), status,
                                   self.ts(lent), self.ts(due), self.ts(back), bool(back and deposit), "", None,
                                   None))  # fmt: skip
                    self.stats[f"loans {status}"] += 1
        # Home nursing: ~1.2 bookings a day per 1,000 staff.
        rate = 1.2 * staff / 1000
        for day in days:
            n = int(rate) + (1 if rng.random() < rate - int(rate) else 0)
            for _ in range(n):
                bid_ = t["booking"].new_id()
                req = self.at(day, rng.randint(7, 21), rng.randint(0, 59))
                name, mobile, mhash, addr = rng.choice(self.pii_pool)
                r = rng.random()
                row: dict[str, Any] = dict(
                    status="closed",
                    triaged=req + timedelta(minutes=rng.randint(10, 180)),
                    risk=rng.choice(("low", "low", "medium", "high")),
                )
                if r < 0.05:
                    row.update(status="refused", refused="超出上门服务范围")
                elif r < 0.08:
                    row.update(status="cancelled", cancel="患者已入院")
                else:
                    row["nurse"] = rng.choice(ctx["nurses"])
                    row["assigned"] = row["triaged"] + timedelta(minutes=rng.randint(10, 120))
                    delay = rng.uniform(2, 20) if rng.random() < 0.85 else rng.uniform(24.5, 60)
                    row["arrived"] = req + timedelta(hours=delay)
                    row["closed"] = row["arrived"] + timedelta(hours=rng.uniform(1, 30))
                    if row["arrived"] > self.now:
                        row.update(status="assigned", arrived=None, closed=None)
                    elif row["closed"] > self.now:
                        row.update(status="visited", closed=None)
                if row["triaged"] > self.now:
                    row = {"status": "booked", "triaged": None, "risk": ""}
                t["booking"].add((
                    bid_, hid, f"HL{year}{bid_:08d}", rng.choice(ctx["services"]), rng.choice(PATIENT_KINDS),
                    name, mobile, mhash, addr, "", row["status"], self.ts(req), row["risk"],
                    "生命体征平稳，可居家护理" if row["triaged"] else "", self.ts(row["triaged"]), None,
                    row.get("refused", ""), row.get("nurse"), self.ts(row.get("assigned")), self.ts(row.get("arrived")),
                    "按医嘱完成护理操作" if row.get("arrived") else "", "", None, self.ts(row.get("closed")), None,
                    row.get("cancel", ""), self.ts(req + timedelta(hours=PROMISE_HOURS)),
                ))  # fmt: skip
                self.stats[f"nursing {row['status']}"] += 1

    def run(self) -> None:
        year = self.today.year
        for index, h in enumerate(self.city.hospitals):
            if not self.city.people[h[0]]:
                continue
            ctx = self.setup_hospital(index, h)
            for y, share in ((year - 1, self.args.previous_share), (year, 1.0)):
                if share <= 0:
                    continue
                self.activities(ctx, y, share)
                self.desks_and_nursing(ctx, y, share)
        for (pid, y, kind), (hid, hours, acts) in sorted(self.totals.items()):
            self.t["total"].add(
                (self.t["total"].new_id(), hid, pid, y, kind, f"{hours:.2f}", len(acts))
            )
        for (hid, bid, y, mo, kind), hours in sorted(self.tally.items(), key=str):
            self.t["tally"].add((self.t["tally"].new_id(), hid, bid, y, mo, kind, f"{hours:.2f}"))


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


# --- loading -------------------------------------------------------------------------------------


def check_columns(tables: dict[str, Table]) -> None:
    """Every column the load writes exists: a database migrated with service migrations that
    were since regenerated (same names, other content) lacks the newer columns."""
    from django.db import connection

    with connection.cursor() as cur:
        for tab in tables.values():
            have = {c.name for c in connection.introspection.get_table_description(cur, tab.name)}
            missing = [c for c in tab.all_columns if c not in have]
            if missing:
                raise SystemExit(
                    f"servicegen: {tab.name} lacks {', '.join(missing)}: the database was "
                    "migrated with older service migrations; rebuild it: bench/citygen.py "
                    "(SQLite: the city it is copied from), then servicegen.py --fresh"
                )


def data_tables() -> list[str]:
    """Every table of the service app but the rules, M2M tables included (emptied first)."""
    from django.apps import apps

    names = []
    for model in apps.get_app_config("service").get_models():
        if model.__module__.endswith(".rules"):
            continue
        names.append(model._meta.db_table)
        for f in model._meta.local_many_to_many:
            names.append(f.remote_field.through._meta.db_table)
    return names


def load_sqlite(path: str, tables: dict[str, Table], timings: dict) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-400000")
        t = time.monotonic()
        conn.execute("BEGIN IMMEDIATE")
        for name in data_tables():
            conn.execute(f'DELETE FROM "{name}"')
        timings["delete_previous"] = time.monotonic() - t
        t = time.monotonic()
        for tab in tables.values():
            cols = ", ".join(f'"{c}"' for c in tab.all_columns)
            marks = ", ".join("?" * len(tab.all_columns))
            conn.executemany(f'INSERT INTO "{tab.name}" ({cols}) VALUES ({marks})', tab.full_rows())
        timings["insert"] = time.monotonic() - t
        t = time.monotonic()
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        timings["commit_analyze"] = time.monotonic() - t
    finally:
        conn.close()


def load_postgresql(cfg: dict, tables: dict[str, Table], timings: dict) -> None:
    import psycopg
    from pointsgen import pg_params

    params = pg_params(cfg)
    with psycopg.connect(**params) as conn:
        conn.execute("SET synchronous_commit = off")
        t = time.monotonic()
        conn.execute("TRUNCATE " + ", ".join(f'"{n}"' for n in data_tables()) + " RESTART IDENTITY")
        timings["delete_previous"] = time.monotonic() - t
        t = time.monotonic()
        with conn.cursor() as cur:
            for tab in tables.values():
                cols = ", ".join(f'"{c}"' for c in tab.all_columns)
                with cur.copy(f'COPY "{tab.name}" ({cols}) FROM STDIN') as cp:
                    for row in tab.full_rows():
                        cp.write_row(row)
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{tab.name}\"', 'id'), "
                    f'(SELECT coalesce(max(id), 1) FROM "{tab.name}"))'
                )
        timings["copy"] = time.monotonic() - t
        t = time.monotonic()
        conn.commit()
        timings["commit"] = time.monotonic() - t
    t = time.monotonic()
    with psycopg.connect(**params, autocommit=True) as conn:
        for tab in tables.values():
            conn.execute(f'VACUUM ANALYZE "{tab.name}"')
    timings["vacuum_analyze"] = time.monotonic() - t


# --- checks and the report -----------------------------------------------------------------------


def loaded_year() -> tuple[int, int | None]:
    """(loaded activities, the year of the latest held one)."""
    from django.db.models import Max

    from hongfan.service.models import Activity

    qs = Activity.objects.filter(checkin_token__startswith=TOKEN_PREFIX)
    n = qs.count()
    last = qs.filter(status="closed").aggregate(m=Max("starts_at"))["m"]
    return n, (last.astimezone(TZ).year if last else None)


def summarise(year: int) -> dict:
    """What the database holds now, and whether the rollups match the ledger."""
    from django.db.models import Count, Sum

    from hongfan.service import models as m

    t = time.monotonic()
    out: dict[str, Any] = {"rows": {}}
    for model in (m.ServiceBrand, m.ServiceMeasure, m.Place, m.Activity, m.Shift, m.Signup, m.HourEntry,
                  m.HourTotal, m.HourTally, m.ServiceRecord, m.ServedCount, m.Household, m.ServiceDesk, m.LendItem,
                  m.DeskHelp, m.Loan, m.NursingService, m.NurseProfile, m.NursingBooking):  # fmt: skip
        out["rows"][model.__name__] = model.objects.count()
    for y in (year - 1, year):
        ledger = {
            r["kind"]: (r["h"], r["n"])
            for r in m.HourEntry.objects.filter(occurred_on__year=y).order_by().values("kind").annotate(h=Sum("hours"), n=Count("id"))
        }  # fmt: skip
        rollup = {
            r["kind"]: (r["h"], r["p"])
            for r in m.HourTotal.objects.filter(year=y).order_by().values("kind").annotate(h=Sum("hours"), p=Count("id"))
        }  # fmt: skip
        out[str(y)] = {
            "activities": m.Activity.objects.filter(starts_at__year=y).count(),
            "activities_by_status": dict(m.Activity.objects.filter(starts_at__year=y).order_by().values_list("status").annotate(n=Count("id"))),
            "entries": {k: v[1] for k, v in ledger.items()},
            "hours": {k: float(v[0]) for k, v in ledger.items()},
            "rollup_hours": {k: float(v[0]) for k, v in rollup.items()},
            "rollup_people": {k: v[1] for k, v in rollup.items()},
            "checked_in_signups": m.Signup.objects.filter(activity__starts_at__year=y, checked_in_at__isnull=False).count(),
            "people_served": m.ServiceRecord.objects.filter(activity__starts_at__year=y).aggregate(n=Sum("people_served"))["n"],
            "places_reached": m.Activity.objects.filter(starts_at__year=y, status="closed", place__isnull=False).values("place").distinct().count(),
        }  # fmt: skip
        tally = {
            r["kind"]: float(r["h"])
            for r in m.HourTally.objects.filter(year=y).order_by().values("kind").annotate(h=Sum("hours"))
        }  # fmt: skip
        out[str(y)]["tally_hours"] = tally
        out[str(y)]["tally_matches_ledger"] = all(
            abs(out[str(y)]["hours"].get(k, 0) - tally.get(k, 0)) < 0.01
            for k in set(out[str(y)]["hours"]) | set(tally)
        )
        out[str(y)]["rollup_matches_ledger"] = all(
            abs(out[str(y)]["hours"].get(k, 0) - out[str(y)]["rollup_hours"].get(k, 0)) < 0.01
            for k in set(out[str(y)]["hours"]) | set(out[str(y)]["rollup_hours"])
        )
    out["seconds"] = round(time.monotonic() - t, 1)
    return out


def db_size(cfg: dict, vendor: str) -> int:
    from orglifegen import db_size as orglife_db_size

    return orglife_db_size(cfg, vendor)


def print_report(rep: dict) -> None:
    s = rep["summary"]
    print(
        f"\n== servicegen on {rep['vendor']}: {rep['year']} (and {rep['year'] - 1} at {rep['previous_share']:.0%}) =="
    )
    head = f"{'table':<16} {'rows':>10}"
    print(head)
    print("-" * len(head))
    for k, v in s["rows"].items():
        print(f"{k:<16} {v:>10,}")
    for y in (rep["year"] - 1, rep["year"]):
        d = s[str(y)]
        print(
            f"{y}: {d['activities']:,} activities {d['activities_by_status']}, "
            f"{d['checked_in_signups']:,} checked-in sign-ups, entries {d['entries']}, hours "
            f"{ {k: round(v) for k, v in d['hours'].items()} }, people served {d['people_served'] or 0:,}, "
            f"places reached {d['places_reached']:,}; rollups match the ledger: {d['rollup_matches_ledger']}"
        )
    print("timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in rep["timings_s"].items()))
    for u, what in rep["bench_users"].items():
        target = f"{what['hospital']} ({what['staff']} staff)" if what["hospital"] else "city"
        print(f"  {u}: {what['role']} of {target}")


def main() -> None:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vendor", choices=["sqlite", "postgresql"])
    parser.add_argument("--database-url", help="target (default: the service database)")
    parser.add_argument(
        "--pg-url",
        default=PG_URL,
        help="with --vendor postgresql: server and base name (<name>_service)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--activities", type=int, default=9_000, help="activities of the current year, city-wide"
    )
    parser.add_argument("--per-activity", type=float, default=34.0,
                        help="places per field activity, on average (sizes the year to ~300,000 hour entries)")  # fmt: skip
    parser.add_argument(
        "--previous-share", type=float, default=0.1, help="the previous year's volume, as a share"
    )
    parser.add_argument("--fresh", action="store_true", help="copy/build the city again first")
    parser.add_argument(
        "--if-present", action="store_true", help="do nothing when this year is loaded"
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
        raise SystemExit(f"servicegen: unsupported database {cfg['ENGINE']}")
    if "bench" not in str(cfg["NAME"]) and not args.force:
        raise SystemExit(f"servicegen: refusing {cfg['NAME']!r}: the name does not contain 'bench'")
    print(f"servicegen: {vendor} {url}", flush=True)
    started = time.monotonic()
    timings: dict[str, float] = {}
    city_how = ensure_city(url, cfg, vendor, fresh=args.fresh)
    timings["city"] = time.monotonic() - started
    print(f"  city: {city_how} ({timings['city']:.1f}s)", flush=True)

    from pointsgen import setup_django

    setup_django(url)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    t = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    timings["migrate"] = time.monotonic() - t
    now = timezone.now()
    year = now.astimezone(TZ).year
    if args.if_present and not args.fresh:
        n, last = loaded_year()
        if n and last == year:
            print(f"servicegen: {n:,} loaded activities of {year} present; nothing to do")
            ensure_bench_users()
            return
    users = ensure_bench_users()

    t = time.monotonic()
    city = City()
    tables = tables_of()
    gen = Generator(city, tables, args, vendor=vendor, now=now)
    for tab in tables.values():
        tab.resolve_extra(connection)
    check_columns(tables)
    gen.run()
    timings["generate"] = time.monotonic() - t
    n_rows = sum(len(tab.rows) for tab in tables.values())
    print(f"  generated {n_rows:,} rows ({timings['generate']:.1f}s): " + ", ".join(
        f"{k} {len(tab.rows):,}" for k, tab in tables.items()), flush=True)  # fmt: skip
    connection.close()

    t = time.monotonic()
    if vendor == "postgresql":
        load_postgresql(cfg, tables, timings)
    else:
        load_sqlite(cfg["NAME"], tables, timings)
    timings["load_total"] = time.monotonic() - t
    print(
        f"  loaded in {timings['load_total']:.1f}s ({n_rows / max(timings['load_total'], 1e-9):,.0f} rows/s)",
        flush=True,
    )
    gen_seconds = time.monotonic() - started

    t = time.monotonic()
    summary = summarise(year)
    timings["summary"] = time.monotonic() - t
    size = db_size(cfg, vendor)
    report = {
        "vendor": vendor,
        "url": url,
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
        "python": platform.python_version(),
        "seed": args.seed,
        "today": gen.today.isoformat(),
        "year": year,
        "previous_share": args.previous_share,
        "city": city_how,
        "generated_rows": {k: len(tab.rows) for k, tab in tables.items()},
        "counters": dict(gen.stats),
        "bench_users": users,
        "summary": summary,
        "timings_s": {k: round(v, 2) for k, v in timings.items()},
        "generate_and_load_s": round(gen_seconds, 1),
        "database_bytes": size,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }
    print_report(report)
    print(
        f"servicegen: {n_rows:,} rows on {vendor} in {gen_seconds:.1f}s (city included); "
        f"database {size / 2**20:,.0f} MiB; load average {os.getloadavg()[0]:.2f}"
    )
    out = BENCH / "results" / f"servicegen_{vendor}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    print(f"written {out.relative_to(ROOT)}")
    if not all(summary[str(y)]["rollup_matches_ledger"] for y in (year - 1, year)):
        raise SystemExit("servicegen: the HourTotal rollups do not match the ledger")
    if not all(summary[str(y)]["tally_matches_ledger"] for y in (year - 1, year)):
        raise SystemExit("servicegen: the HourTally monthly tally does not match the ledger")


if __name__ == "__main__":
    main()
