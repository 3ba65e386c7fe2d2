"""Benchmark: roster (名册) import of N rows with full validation, against a plain openpyxl read.

    uv run python bench/bench_roster_import.py [--rows 40000] [--seed 7] [--keep-db]

Uses a temporary SQLite database unless DATABASE_URL is set (then that database is
migrated and a uniquely named bench hospital is created in it). Prints a table and writes
bench/results/roster_import.json. The target: 40,000 rows in under 30 s on SQLite.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "roster_import.json"
TARGET_SECONDS = 30.0


def setup_django() -> str | None:
    """Configure Django; returns the temporary directory to remove, if one was made."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongfan.settings")
    os.environ.setdefault("HONGFAN_DEBUG", "false")  # no query log in memory
    tmpdir = None
    if not os.environ.get("DATABASE_URL"):
        tmpdir = tempfile.mkdtemp(prefix="hongfan-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmpdir}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return tmpdir


def build_hospital(stamp: str) -> Any:
    from hongfan.org.models import Authority, Branch, Department, Hospital, PartyGroup

    authority, _ = Authority.objects.get_or_create(
        name=f"基准测试卫健委-{stamp}", defaults={"city": "基准市"}
    )
    h = Hospital.objects.create(
        authority=authority, name=f"基准测试医院-{stamp}", short_name="基准", region_code="370811"
    )
    kinds = ["clinical", "medtech", "nursing", "admin"]
    depts = [
        Department.objects.create(hospital=h, name=f"科室{i:02d}", kind=kinds[i % 4])
        for i in range(40)
    ]
    branches = []
    for i in range(20):
        b = Branch.objects.create(hospital=h, name=f"第{i + 1}党支部")
        b.departments.set(depts[i * 2 : i * 2 + 2])
        for g in range(2):
            PartyGroup.objects.create(branch=b, name=f"第{g + 1}党小组")
        branches.append(b)
    return h, depts, branches


def generate_rows(n: int, depts: list[Any], branches: list[Any], seed: int) -> list[list[Any]]:
    """N valid rows with unique ID numbers, in a mix of value styles people really use."""
    from hongfan.core.idcard import check_digit

    rng = random.Random(seed)
    today = date.today()
    used: set[str] = set()
    out: list[list[Any]] = []
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    date_styles = [
        lambda d: d.isoformat(),
        lambda d: f"{d.year}/{d.month}/{d.day}",
        lambda d: f"{d.year}年{d.month}月{d.day}日",
        lambda d: d.strftime("%Y%m%d"),
        lambda d: datetime(d.year, d.month, d.day),
    ]
    while len(out) < n:
        gender = rng.choice("MF")
        birth = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
        seq = rng.randrange(0, 500) * 2 + (1 if gender == "M" else 0)
        first17 = f"370811{birth:%Y%m%d}{seq:03d}"
        idn = first17 + check_digit(first17)
        if idn in used:
            continue
        used.add(idn)
        i = len(out)
        branch = rng.choice(branches)
        roll = rng.random()
        political, joined, full, br, grp = "群众", None, None, None, None
        if roll < 0.40:
            political = "中共党员"
            joined = birth + timedelta(days=365 * 22 + rng.randrange(0, 3000))
            joined = min(joined, today - timedelta(days=800))
            full = joined + timedelta(days=365)
            br, grp = branch.name, rng.choice(["第1党小组", "第2党小组", None])
        elif roll < 0.45:
            political = "预备党员"
            joined = today - timedelta(days=rng.randrange(10, 360))
            br = branch.name
        elif roll < 0.50:
            political, br = "入党申请人/积极分子", branch.name
        elif roll < 0.53:
            political = "民主党派"
        style = date_styles[i % len(date_styles)]
        out.append(
            [
                rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if i % 3 else ""),
                "男" if gender == "M" else "女",
                "汉族",
                datetime(birth.year, birth.month, birth.day) if i % 2 else None,
                rng.choice(["博士", "硕士研究生", "本科", "大学专科", "中专及以下"]),
                rng.choice(depts).name,
                rng.choice(["医师", "护士", "技师", "科员", ""]),
                rng.choice(["主任医师", "副主任医师", "主治医师", "主管护师", "护师", ""]),
                "是" if i % 17 == 0 else "否",
                "是" if i % 41 == 0 else "否",
                political,
                style(joined) if joined else None,
                style(full) if full else None,
                br,
                grp if br else None,
                idn,
                f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" if i % 4 else None,
            ]
        )
    return out


def write_xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    from hongfan.org.imports.roster_parsing import COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名册")
    ws.append([c.template_header for c in COLUMNS])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep-db", action="store_true", help="keep the temporary database")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    tmpdir = setup_django()
    try:
        return run(args)
    finally:
        if tmpdir and not args.keep_db:
            shutil.rmtree(tmpdir, ignore_errors=True)
        elif tmpdir:
            print(f"database kept in {tmpdir}")


def run(args: argparse.Namespace) -> int:
    import django
    import openpyxl
    from django.db import connection

    from hongfan.core.access import Access
    from hongfan.core.roles import Role
    from hongfan.org.imports import roster_parsing, roster_validation
    from hongfan.org.models import Person
    from hongfan.org.services import roster

    stamp = datetime.now().strftime("%Y%m%d%H%M%S%f")
    h, depts, branches = build_hospital(stamp)
    rows, t_gen = timed(lambda: generate_rows(args.rows, depts, branches, args.seed))
    data, t_write = timed(lambda: write_xlsx(rows))
    print(
        f"generated {len(rows):,} rows in {t_gen:.1f}s; xlsx {len(data) / 1e6:.1f} MB "
        f"written in {t_write:.1f}s; database {connection.vendor}"
    )

    def baseline() -> int:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        count = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True)) - 1
        wb.close()
        return count

    base_count, t_base = timed(baseline)
    table, t_read = timed(lambda: roster_parsing.roster_read(filename="bench.xlsx", data=data))
    validated, t_validate = timed(
        lambda: roster_validation.roster_validate(hospital=h, table=table)
    )
    assert base_count == len(table.rows) == len(validated.people) == args.rows
    access = Access(
        user_id=None, roles=frozenset({Role.HOSPITAL_ADMIN}), hospital_ids=frozenset({h.pk})
    )
    result, t_import = timed(
        lambda: roster.roster_import(access=access, hospital=h, filename="bench.xlsx", data=data)
    )
    stored = Person.objects.filter(hospital=h).count()
    assert result.count == stored == args.rows, (result.count, stored)

    steps = [
        ("baseline: openpyxl read-only, no validation", t_base),
        ("roster_read (type checks + cells)", t_read),
        ("roster_validate (rules, lookups, hash, encrypt)", t_validate),
        ("roster_import end to end (+ bulk_create, audit)", t_import),
    ]
    print()
    print(f"{'step':<50} {'rows':>8} {'seconds':>8} {'rows/s':>9} {'x base':>7}")
    for name, seconds in steps:
        print(
            f"{name:<50} {args.rows:>8,} {seconds:>8.2f} {args.rows / seconds:>9,.0f} "
            f"{seconds / t_base:>7.2f}"
        )
    passed = t_import < TARGET_SECONDS
    print(
        f"\nend-to-end import {t_import:.2f}s for {args.rows:,} rows: "
        f"{'within' if passed else 'OVER'} the {TARGET_SECONDS:.0f}s target"
    )

    report = {
        "benchmark": "roster_import",
        "at": datetime.now().isoformat(timespec="seconds"),
        "rows": args.rows,
        "seed": args.seed,
        "file_bytes": len(data),
        "database": connection.vendor,
        "seconds": {
            "baseline_openpyxl_read": round(t_base, 3),
            "roster_read": round(t_read, 3),
            "roster_validate": round(t_validate, 3),
            "roster_import_end_to_end": round(t_import, 3),
        },
        "rows_per_second": {
            "baseline_openpyxl_read": round(args.rows / t_base),
            "roster_import_end_to_end": round(args.rows / t_import),
        },
        "ratio_to_baseline": {
            "roster_read": round(t_read / t_base, 2),
            "roster_validate": round(t_validate / t_base, 2),
            "roster_import_end_to_end": round(t_import / t_base, 2),
        },
        "target_seconds": TARGET_SECONDS,
        "passed": passed,
        "versions": {
            "python": platform.python_version(),
            "django": django.get_version(),
            "openpyxl": openpyxl.__version__,
        },
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(
        f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
