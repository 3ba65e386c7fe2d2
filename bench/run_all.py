"""Run every benchmark on SQLite and on PostgreSQL and print the tables (``make bench``).

    uv run python bench/run_all.py                 # build the city databases if missing
    uv run python bench/run_all.py --rebuild       # build them again first
    uv run python bench/run_all.py --only sqlite   # one database
    uv run python bench/run_all.py --requests 100  # passed to bench_pages.py

For each database: ``bench/citygen.py`` (when the city is missing or ``--rebuild``),
``bench/bench_pages.py``, ``bench/bench_roster_import.py`` if that file exists, and the
points stage (below). The roster benchmark imports 40,000 people into a new hospital of
whatever database it is given, so it never gets the city database (that would leave a 31st
hospital and 80,000 staff behind): on SQLite it uses its own temporary database, on
PostgreSQL a database ``<city database>_roster`` that is dropped and created for it. Its results go to
bench/results/roster_import_<vendor>.json.

Points stage (``bench/bench_points.py``, skipped with ``--skip-points``): for each size of
``--points-entries`` (default 1.5 M and 15 M) ``bench/pointsgen.py --if-present`` loads a
ledger of that size into a database of its own (``bench/var/points_<n>.sqlite3``,
``<city database>_points_<n>``) unless it is there already (the first time: about 1 + 7
minutes on SQLite, 1.5 + 4.5 on PostgreSQL; 5.6 and 7.8 GB of disk), then
``bench_points.py`` measures every size and prints them side by side. Results:
bench/results/points_<vendor>_<n>.json.

Organisational-life stage (``bench/bench_orglife.py``, skipped with ``--skip-orglife``):
``bench/orglifegen.py --if-present`` loads a year of meetings (60,000, with 420,000
attendance rows) into a database of its own (``bench/var/orglife.sqlite3``,
``<city database>_orglife``) unless the same 12 months are there already (the first time
about 1 minute on SQLite and 2.5 on PostgreSQL, citygen included), then
``bench_orglife.py`` times the compliance matrix and the city summary. Results:
bench/results/orglife_<vendor>.json.

Volunteer-service stage (``bench/bench_service.py``, skipped with ``--skip-service``):
``bench/servicegen.py --if-present`` loads a year of volunteer service (9,000 activities,
~300,000 hour entries, desks' help and loans, home nursing) into a database of its own
(``bench/var/service.sqlite3``, ``<city database>_service``) unless this year is loaded
already, then ``bench_service.py`` times the hospital and city service dashboards, the
brand page and the place register. Results: bench/results/service_<vendor>.json. Then a
summary of everything.

PostgreSQL: ``--pg-url`` or ``BENCH_PG_URL``, default
postgres://postgres@127.0.0.1:5432/hongfan_bench. When the server cannot be reached, the
PostgreSQL runs are skipped with a message (and the exit status is 1).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SQLITE_URL = f"sqlite:///{BENCH / 'var' / 'city.sqlite3'}"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/hongfan_bench")


def child_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="hongfan.settings",
        HONGFAN_ENV="dev",
        HONGFAN_DEBUG="false",
        HONGFAN_ALLOWED_HOSTS="testserver,127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    return env


def run(script: str, database_url: str | None, *args: str) -> int:
    cmd = [sys.executable, str(BENCH / script), *args]
    env = child_env(database_url or "")
    if database_url is None:
        del env["DATABASE_URL"]
    shown = f"DATABASE_URL={database_url} " if database_url else ""
    print(f"\n$ {shown}python bench/{script} {' '.join(args)}".rstrip())
    t = time.monotonic()
    rc = subprocess.call(cmd, cwd=ROOT, env=env)
    print(f"  ({script}: exit {rc}, {time.monotonic() - t:.1f}s)")
    return rc


def city_ready(database_url: str) -> bool | None:
    """True if the city is built, False if not, None if the server cannot be reached."""
    import dj_database_url

    cfg = dj_database_url.parse(database_url)
    sql_h = "select count(*) from org_hospital"
    sql_u = "select count(*) from accounts_user where username like 'bench\\_%' escape '\\'"
    if cfg["ENGINE"].endswith("sqlite3"):
        import sqlite3

        if not Path(cfg["NAME"]).exists():
            return False
        try:
            with sqlite3.connect(cfg["NAME"]) as conn:
                h = conn.execute(sql_h).fetchone()[0]
                u = conn.execute(sql_u).fetchone()[0]
        except sqlite3.Error:
            return False
        return h == 30 and u >= 4
    import psycopg

    params = {
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
    }
    params = {k: v for k, v in params.items() if v}
    try:
        with psycopg.connect(dbname="postgres", connect_timeout=5, **params) as conn:
            exists = conn.execute(
                "select 1 from pg_database where datname = %s", [cfg["NAME"]]
            ).fetchone()
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL not reachable at {database_url}: {str(exc).strip()}")
        return None
    if not exists:
        return False
    try:
        with psycopg.connect(dbname=cfg["NAME"], connect_timeout=5, **params) as conn:
            h = conn.execute(sql_h).fetchone()[0]
            u = conn.execute(sql_u).fetchone()[0]
    except psycopg.Error:
        return False
    return h == 30 and u >= 4


def fresh_pg_database(url: str, suffix: str) -> str:
    """Drop and create ``<name><suffix>`` on the server of ``url``; return its URL."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    name = f"{cfg['NAME']}{suffix}"
    params = {
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
    }
    with psycopg.connect(
        dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v}
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, query = url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")


def points_url(vendor: str, pg_url: str, entries: str) -> str:
    """The points benchmark's database of one size (as bench/pointsgen.py names it)."""
    if vendor == "sqlite":
        return f"sqlite:///{BENCH / 'var' / f'points_{entries}.sqlite3'}"
    base, _, query = pg_url.partition("?")
    head, name = base.rsplit("/", 1)
    return f"{head}/{name}_points_{entries}" + (f"?{query}" if query else "")


def points_summary(vendors: list[str], sizes: list[str]) -> None:
    if not (BENCH / "bench_points.py").exists():
        return
    sys.path.insert(0, str(BENCH))
    import bench_points

    for v in vendors:
        reports = [
            json.loads(p.read_text())
            for n in sizes
            if (p := BENCH / "results" / f"points_{v}_{n}.json").exists()
        ]
        bench_points.print_side_by_side(v, reports)


def orglife_url(vendor: str, pg_url: str) -> str:
    """The organisational-life benchmark's database (as bench/orglifegen.py names it)."""
    if vendor == "sqlite":
        return f"sqlite:///{BENCH / 'var' / 'orglife.sqlite3'}"
    base, _, query = pg_url.partition("?")
    head, name = base.rsplit("/", 1)
    return f"{head}/{name}_orglife" + (f"?{query}" if query else "")


def orglife_summary(vendors: list[str]) -> None:
    if not (BENCH / "bench_orglife.py").exists():
        return
    sys.path.insert(0, str(BENCH))
    import bench_orglife

    reports = [
        json.loads(p.read_text())
        for v in vendors
        if (p := BENCH / "results" / f"orglife_{v}.json").exists()
    ]
    bench_orglife.print_side_by_side(reports)


def service_url(vendor: str, pg_url: str) -> str:
    """The volunteer-service benchmark's database (as bench/servicegen.py names it)."""
    if vendor == "sqlite":
        return f"sqlite:///{BENCH / 'var' / 'service.sqlite3'}"
    base, _, query = pg_url.partition("?")
    head, name = base.rsplit("/", 1)
    return f"{head}/{name}_service" + (f"?{query}" if query else "")


def service_summary(vendors: list[str]) -> None:
    if not (BENCH / "bench_service.py").exists():
        return
    sys.path.insert(0, str(BENCH))
    import bench_service

    reports = [
        json.loads(p.read_text())
        for v in vendors
        if (p := BENCH / "results" / f"service_{v}.json").exists()
    ]
    bench_service.print_side_by_side(reports)


def summary(vendors: list[str]) -> None:
    reports = {}
    for v in vendors:
        path = BENCH / "results" / f"pages_{v}.json"
        if path.exists():
            reports[v] = json.loads(path.read_text())
    if not reports:
        return
    first = next(iter(reports.values()))
    print(
        "\n== summary: p50 / p95 ms (x baseline p50), queries; target p95 < "
        f"{first['target_p95_ms']:.0f} ms =="
    )
    head = f"{'page':<40}" + "".join(f" {v:>32}" for v in reports)
    print(head)
    print("-" * len(head))
    for i, page in enumerate(first["pages"]):
        line = f"{page['label']:<40}"
        for rep in reports.values():
            r = rep["pages"][i]
            g = r.get("growth")
            q = f"{r['queries']}" + (f"={g['small_queries']}" if g and g["equal"] else "")
            if g and not g["equal"]:
                q = f"{r['queries']}!={g['small_queries']}"
            mark = "" if r.get("ok", True) else " MISS"
            cell = f"{r['p50_ms']:.0f}/{r['p95_ms']:.0f} ({r['ratio_p50']:.0f}x) q{q}{mark}"
            line += f" {cell:>32}"
        print(line)
    for v, rep in reports.items():
        print(
            f"{v}: {rep['when']}, load average {rep['loadavg_before'][0]}→"
            f"{rep['loadavg_after'][0]} on {rep['machine']}"
        )
    for v in vendors:
        path = BENCH / "results" / f"roster_import_{v}.json"
        if not path.exists():
            continue
        rep = json.loads(path.read_text())
        sec = rep.get("seconds", {})
        total = sec.get("roster_import_end_to_end")
        if total is None:
            continue
        print(
            f"roster import on {v}: {rep.get('rows', 0):,} rows in {total:.1f} s end to end "
            f"(openpyxl read alone {sec.get('baseline_openpyxl_read', 0):.1f} s; target "
            f"{rep.get('target_seconds', 0):.0f} s: {'ok' if rep.get('passed') else 'MISS'}), "
            f"{rep.get('at', '')}"
        )


def main() -> None:  # noqa: C901, PLR0915
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild the city databases")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--requests", default="50")
    parser.add_argument("--warmup", default="5")
    parser.add_argument(
        "--points-entries",
        default="1500000,15000000",
        help="ledger sizes of the points benchmark, comma-separated",
    )
    parser.add_argument("--skip-points", action="store_true", help="no points stage")
    parser.add_argument("--skip-orglife", action="store_true", help="no organisational-life stage")
    parser.add_argument("--skip-service", action="store_true", help="no volunteer-service stage")
    args = parser.parse_args()
    sizes = [n.strip() for n in args.points_entries.split(",") if n.strip()]

    targets = [("sqlite", SQLITE_URL), ("postgresql", args.pg_url)]
    if args.only:
        targets = [t for t in targets if t[0] == args.only]
    failures = []
    done = []
    points_done: list[str] = []
    orglife_done: list[str] = []
    service_done: list[str] = []
    started = time.monotonic()
    for vendor, url in targets:
        print(f"\n######## {vendor} ########")
        ready = city_ready(url)
        if ready is None:
            failures.append(f"{vendor}: server not reachable, skipped")
            continue
        if args.rebuild or not ready:
            if run("citygen.py", url) != 0:
                failures.append(f"{vendor}: citygen failed")
                continue
        else:
            print(f"city database present ({url}); --rebuild to build it again")
        if run("bench_pages.py", url, "--requests", args.requests, "--warmup", args.warmup):
            failures.append(f"{vendor}: bench_pages failed")
        else:
            done.append(vendor)
        roster = BENCH / "bench_roster_import.py"
        if roster.exists():
            out = str(BENCH / "results" / f"roster_import_{vendor}.json")
            roster_url = None if vendor == "sqlite" else fresh_pg_database(url, "_roster")
            if run("bench_roster_import.py", roster_url, "--output", out) != 0:
                failures.append(f"{vendor}: bench_roster_import failed or missed its target")
        else:
            print("\n(bench/bench_roster_import.py not present: skipped)")
        if (BENCH / "bench_points.py").exists() and not args.skip_points:
            loaded = []
            for n in sizes:
                gen = ["--database-url", points_url(vendor, args.pg_url, n), "--entries", n]
                if run("pointsgen.py", None, *gen, "--if-present") != 0:
                    failures.append(f"{vendor}: pointsgen {n} failed")
                else:
                    loaded.append(n)
            if loaded:
                points_args = ["--vendor", vendor, "--pg-url", args.pg_url, "--entries", *loaded]
                if run("bench_points.py", None, *points_args) != 0:
                    failures.append(f"{vendor}: bench_points failed or missed a target")
                points_done.append(vendor)
        if (BENCH / "bench_orglife.py").exists() and not args.skip_orglife:
            gen = ["--database-url", orglife_url(vendor, args.pg_url), "--if-present"]
            if run("orglifegen.py", None, *gen) != 0:
                failures.append(f"{vendor}: orglifegen failed")
            else:
                orglife_args = ["--vendor", vendor, "--pg-url", args.pg_url]
                orglife_args += ["--requests", args.requests, "--warmup", args.warmup]
                if run("bench_orglife.py", None, *orglife_args) != 0:
                    failures.append(f"{vendor}: bench_orglife failed or missed a target")
                orglife_done.append(vendor)
        if (BENCH / "bench_service.py").exists() and not args.skip_service:
            gen = ["--database-url", service_url(vendor, args.pg_url), "--if-present"]
            if run("servicegen.py", None, *gen) != 0:
                failures.append(f"{vendor}: servicegen failed")
            else:
                service_args = ["--vendor", vendor, "--pg-url", args.pg_url]
                service_args += ["--requests", args.requests, "--warmup", args.warmup]
                if run("bench_service.py", None, *service_args) != 0:
                    failures.append(f"{vendor}: bench_service failed or missed a target")
                service_done.append(vendor)
    summary(done)
    points_summary(points_done, sizes)
    orglife_summary(orglife_done)
    service_summary(service_done)
    print(f"\nrun_all: {time.monotonic() - started:.0f}s")
    if failures:
        print("run_all: " + "; ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
