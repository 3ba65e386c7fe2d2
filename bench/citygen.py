"""Build a city-scale database: 30 hospitals, 40,000 staff, 10,000 members, 1,000 branches.

Usage (from the project root)::

    uv run python bench/citygen.py                      # bench/var/city.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hongfan_bench uv run python bench/citygen.py

The target database is always rebuilt from scratch: the SQLite file is deleted, the
PostgreSQL database is dropped and created again. Then it is migrated, the hospitals are
built with ``hongfan.org.demo.build.build_hospital`` in one transaction, the demo accounts
of ``manage.py builddemo`` are created, and the bench accounts used by
``bench/bench_pages.py`` (see ``BENCH_USERS``).

Large hospitals ask for more branches than they have clinical specialities; the generator
then splits specialities into wards (病区), each with its own branch, and refuses to build
a hospital whose branch count differs from its spec.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = f"sqlite:///{ROOT / 'bench' / 'var' / 'city.sqlite3'}"
sys.path.insert(0, str(ROOT))

TOTAL_STAFF = 40_000
TOTAL_MEMBERS = 10_000
TOTAL_BRANCHES = 1_000

# (name, short name, staff, member share, level, region) — 济宁's hospitals: a few large
# city hospitals, district and county people's hospitals, county TCM hospitals.
HOSPITALS: list[tuple[str, str, int, float, str, str]] = [
    ("济宁医学院附属医院", "附属医院", 5000, 0.27, "三级甲等", "370811"),
    ("济宁市第一人民医院", "市一院", 4000, 0.26, "三级甲等", "370811"),
    ("济宁市第三人民医院", "市三院", 2600, 0.25, "三级甲等", "370812"),
    ("济宁市第二人民医院", "市二院", 2200, 0.25, "三级甲等", "370811"),
    ("邹城市人民医院", "邹城市医院", 2100, 0.24, "三级综合", "370883"),
    ("济宁市中医院", "市中医院", 2000, 0.26, "三级甲等", "370811"),
    ("济宁市兖州区人民医院", "兖州区医院", 1700, 0.25, "三级综合", "370812"),
    ("金乡县人民医院", "金乡县医院", 1600, 0.24, "三级综合", "370828"),
    ("济宁市妇幼保健院", "市妇幼", 1500, 0.23, "三级甲等", "370811"),
    ("曲阜市人民医院", "曲阜市医院", 1500, 0.24, "三级综合", "370881"),
    ("嘉祥县人民医院", "嘉祥县医院", 1400, 0.23, "二级甲等", "370829"),
    ("梁山县人民医院", "梁山县医院", 1400, 0.23, "二级甲等", "370832"),
    ("汶上县人民医院", "汶上县医院", 1300, 0.23, "二级甲等", "370830"),
    ("微山县人民医院", "微山县医院", 1200, 0.22, "二级甲等", "370826"),
    ("济宁市公共卫生医疗中心", "公卫中心", 1000, 0.24, "三级专科", "370811"),
    ("鱼台县人民医院", "鱼台县医院", 1100, 0.22, "二级甲等", "370827"),
    ("泗水县人民医院", "泗水县医院", 1100, 0.22, "二级甲等", "370831"),
    ("邹城市中医院", "邹城市中医院", 900, 0.22, "二级甲等", "370883"),
    ("曲阜市中医院", "曲阜市中医院", 800, 0.22, "二级甲等", "370881"),
    ("济宁市精神病防治院", "市精防院", 700, 0.24, "三级专科", "370811"),
    ("济宁市兖州区中医医院", "兖州区中医院", 600, 0.21, "二级甲等", "370812"),
    ("金乡县中医院", "金乡县中医院", 600, 0.21, "二级甲等", "370828"),
    ("嘉祥县中医医院", "嘉祥县中医院", 550, 0.21, "二级甲等", "370829"),
    ("梁山县中医院", "梁山县中医院", 550, 0.21, "二级甲等", "370832"),
    ("济宁市任城区人民医院", "任城区医院", 500, 0.22, "二级甲等", "370811"),
    ("汶上县中医院", "汶上县中医院", 500, 0.2, "二级甲等", "370830"),
    ("微山县中医院", "微山县中医院", 450, 0.2, "二级甲等", "370826"),
    ("鱼台县中医院", "鱼台县中医院", 400, 0.2, "二级甲等", "370827"),
    ("泗水县中医医院", "泗水县中医院", 400, 0.2, "二级甲等", "370831"),
    ("济宁市口腔医院", "市口腔医院", 350, 0.22, "三级专科", "370811"),
]

# Accounts bench_pages.py logs in as (force_login; they have no usable password).
BENCH_USERS = {
    "bench_admin_large": "hospital admin of the largest hospital",
    "bench_admin_small": "hospital admin of the smallest hospital",
    "bench_sec_large": "secretary of the largest branch (with a committee) of the largest hospital",
    "bench_sec_small": "secretary of the smallest branch with a committee",
}


def apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Integers proportional to ``weights`` (each >= minimum) summing exactly to ``total``."""
    spare = total - minimum * len(weights)
    raw = [spare * w / sum(weights) for w in weights]
    out = [minimum + int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    for i in by_remainder[: total - sum(out)]:
        out[i] += 1
    return out


def city_specs() -> list:
    from hongfan.org.demo.build import HospitalSpec

    staff = [h[2] for h in HOSPITALS]
    assert len(HOSPITALS) == 30 and sum(staff) == TOTAL_STAFF, sum(staff)
    members = apportion(TOTAL_MEMBERS, [h[2] * h[3] for h in HOSPITALS])
    branches = apportion(TOTAL_BRANCHES, [float(s) for s in staff], minimum=0)
    specs = []
    for (name, short, s, _share, level, region), m, b in zip(
        HOSPITALS, members, branches, strict=True
    ):
        specs.append(
            HospitalSpec(
                name=name,
                short_name=short,
                staff=s,
                members=m,
                branches=b,
                level=level,
                region=region,
                general_branches=0,  # only kind="branch" rows; the total is exactly 1,000
                warnings=True,
            )
        )
    assert sum(sp.branches for sp in specs) == TOTAL_BRANCHES
    assert sum(sp.members for sp in specs) == TOTAL_MEMBERS
    return specs


def _cn(n: int) -> str:
    from hongfan.org.demo.build import _cn as cn

    return cn(n)


def prepare_database(url: str, *, force: bool = False) -> str:
    """Delete the SQLite file or drop/create the PostgreSQL database. Returns the vendor.

    Refuses a database whose name does not contain "bench" (unless ``force``), so that an
    exported DATABASE_URL pointing at a real database is never dropped by accident."""
    import dj_database_url

    cfg = dj_database_url.parse(url)
    engine = cfg["ENGINE"]
    if "bench" not in str(cfg["NAME"]) and not force:
        raise SystemExit(
            f"citygen: refusing to drop {cfg['NAME']!r}: the name does not contain 'bench' "
            "(pass --force if you really mean it)"
        )
    if engine.endswith("sqlite3"):
        path = Path(cfg["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return "sqlite"
    if "postgresql" in engine:
        import psycopg

        name = cfg["NAME"]
        conninfo = {
            "host": cfg.get("HOST") or None,
            "port": cfg.get("PORT") or None,
            "user": cfg.get("USER") or None,
            "password": cfg.get("PASSWORD") or None,
            "dbname": "postgres",
        }
        with psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return "postgresql"
    raise SystemExit(f"unsupported database: {engine}")


def create_bench_users() -> dict[str, str]:
    from django.db.models import Count, Q

    from hongfan.accounts.models import RoleAssignment, User
    from hongfan.core.roles import Role
    from hongfan.org.choices import MEMBER_STATUSES, BranchKind
    from hongfan.org.models import Branch, Hospital

    hospitals = list(Hospital.objects.annotate(n=Count("people")).order_by("n", "pk"))
    small_h, large_h = hospitals[0], hospitals[-1]
    branches = list(
        Branch.objects.filter(
            kind=BranchKind.BRANCH,
            active=True,
            secretary__isnull=False,
            committees__isnull=False,
        )
        .annotate(n=Count("people", filter=Q(people__political_status__in=MEMBER_STATUSES)))
        .order_by("n", "pk")
        .distinct()
    )
    # The large branch is the largest of the largest hospital, so that both secretaries'
    # pages scan the same (largest) hospital and differ only by the size of the branch.
    small_b = branches[0]
    large_b = [b for b in branches if b.hospital_id == large_h.pk][-1]
    grants = {
        "bench_admin_large": [(Role.HOSPITAL_ADMIN, large_h, None)],
        "bench_admin_small": [(Role.HOSPITAL_ADMIN, small_h, None)],
        "bench_sec_large": [(Role.BRANCH_SECRETARY, None, large_b)],
        "bench_sec_small": [(Role.BRANCH_SECRETARY, None, small_b)],
    }
    described = {}
    for username, roles in grants.items():
        user = User(username=username, first_name=username)
        user.set_unusable_password()
        user.save()
        for role, hospital, branch in roles:
            RoleAssignment.objects.create(user=user, role=role, hospital=hospital, branch=branch)
            target = hospital or branch
            size = f"{target.n} staff" if hospital else f"{target.n} members"
            described[username] = f"{role} of {target} (pk={target.pk}, {size})"
    return described


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB))
    parser.add_argument(
        "--force", action="store_true", help="allow a database whose name lacks 'bench'"
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongfan.settings")
    os.environ.setdefault("HONGFAN_ENV", "dev")

    t0 = time.monotonic()
    vendor = prepare_database(args.database_url, force=args.force)
    t_prepare = time.monotonic() - t0

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count, Q

    from hongfan.core.dates import today
    from hongfan.org.choices import MEMBER_STATUSES, BranchKind
    from hongfan.org.demo import build as B
    from hongfan.org.management.commands.builddemo import Command as BuildDemo
    from hongfan.org.models import Branch, Department, Development, Hospital, Person

    t1 = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    t_migrate = time.monotonic() - t1

    specs = city_specs()
    day = today()
    print(f"citygen: {vendor} {args.database_url}")
    print(f"  prepare {t_prepare:.1f}s, migrate {t_migrate:.1f}s")
    t2 = time.monotonic()
    per_hospital = []
    with transaction.atomic():
        authority = B.ensure_authority()
        for i, spec in enumerate(specs):
            ts = time.monotonic()
            B.build_hospital(authority, spec, seed=7000 + i, day=day)
            per_hospital.append((spec, time.monotonic() - ts))
        t_build = time.monotonic() - t2
        t3 = time.monotonic()
        BuildDemo()._accounts(authority)
        bench_users = create_bench_users()
        t_accounts = time.monotonic() - t3
    t4 = time.monotonic()
    with connection.cursor() as cur:
        # A settled production PostgreSQL has been vacuumed and analysed by autovacuum:
        # statistics for the planner, a visibility map for index-only scans. Do it now, so
        # that autovacuum does not start in the middle of a benchmark. SQLite deployments
        # never run ANALYZE: leave it.
        if vendor == "postgresql":
            cur.execute("VACUUM ANALYZE")
    t_analyze = time.monotonic() - t4
    total = time.monotonic() - t0

    slowest = max(per_hospital, key=lambda x: x[1])
    print(
        f"  build {t_build:.1f}s for {len(specs)} hospitals "
        f"(slowest {slowest[0].short_name}, {slowest[0].staff} staff: {slowest[1]:.1f}s), "
        f"accounts {t_accounts:.1f}s, vacuum/analyze {t_analyze:.1f}s"
    )
    counts = {
        "hospitals": Hospital.objects.count(),
        "staff": Person.objects.count(),
        "members": Person.objects.filter(political_status__in=MEMBER_STATUSES).count(),
        "branches": Branch.objects.filter(kind=BranchKind.BRANCH).count(),
        "general_branches": Branch.objects.filter(kind=BranchKind.GENERAL_BRANCH).count(),
        "departments": Department.objects.count(),
        "developments": Development.objects.count(),
    }
    print("  counts: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    per = Hospital.objects.order_by("pk").annotate(
        staff=Count("people", distinct=True),
        branch_n=Count("branches", filter=Q(branches__kind=BranchKind.BRANCH), distinct=True),
    )
    sizes = [f"{h.short_name} {h.staff}/{h.branch_n}" for h in per]
    print("  hospitals (staff/branches): " + ", ".join(sizes))
    for username, what in bench_users.items():
        print(f"  {username}: {what}")
    print(f"citygen: done in {total:.1f}s")
    if counts["branches"] != TOTAL_BRANCHES or counts["staff"] != TOTAL_STAFF:
        raise SystemExit("citygen: the city does not have the intended shape")


if __name__ == "__main__":
    main()
