"""Organisational life (组织生活) at city scale: the hospital compliance matrix and the city
summary, timed with their query counts.

Usage (from the project root)::

    uv run python bench/bench_orglife.py                         # SQLite and PostgreSQL
    uv run python bench/bench_orglife.py --vendor sqlite
    uv run python bench/bench_orglife.py --database-url URL      # one database
    uv run python bench/bench_orglife.py --report                # the tables of the last results
    uv run python bench/bench_orglife.py --database-url URL --profile city   # cProfile

The databases are the ones bench/orglifegen.py loads (``bench/var/orglife.sqlite3``,
``<BENCH_PG_URL name>_orglife``; build them first). For each the script runs itself once
(a child process with DATABASE_URL set, as run_all.py does). What a child measures, for the
current year (the year the pages open on):

- the matrix page ``orglife:matrix?hospital=&year=`` of the hospital with the most branches
  (济宁医学院附属医院, 125) as its hospital admin, and of the hospital with the fewest
  (济宁市口腔医院, 9) as its admin: the query counts of the two must be equal;
- the city summary page ``orglife:city?year=`` as a city admin (all 1,000 branches);
- ``selectors.compliance()`` alone for the largest hospital (its branches read once
  beforehand; the connection kept between calls) and, for information,
  ``selectors.city_summary()`` alone (on every fifth round only: it costs as much as the
  city page);
- the baseline in the same run: the anonymous login page.

Pages go through Django's test ``Client`` (the whole middleware stack, the view, the
selectors, the templates and the database) as the accounts orglifegen creates
(``force_login``). Every measure gets ``--warmup`` untimed calls and then ``--requests``
timed ones, round-robin over all measures so that a burst of load from other processes is
spread over all of them. After every page the connection is handled as a WSGI server does
at ``request_finished`` (as bench_pages.py). Wall-clock and CPU time of this process are
both recorded (on PostgreSQL the server's work is in wall time only).

Targets (issue 4): p95 < 200 ms for both matrix pages and the city summary, and the same
query count for the small and the large hospital's matrix. Results: a table per database
and bench/results/orglife_<vendor>.json; the exit status is 1 on a miss.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

TARGET_P95_MS = 200.0
INFO_EVERY = 5
VENDORS = ("sqlite", "postgresql")
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/hongfan_bench")

from bench_points import db_version, stats  # noqa: E402  (after the sys.path lines above)


def configure(database_url: str) -> None:
    from bench_points import configure as points_configure

    points_configure(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --- one database ---------------------------------------------------------------------------------


class Page:
    """A GET through the test client, then what a WSGI server does at request_finished."""

    def __init__(self, client, url: str):  # type: ignore[no-untyped-def]
        self.client, self.url = client, url
        self.body = b""

    def __call__(self) -> bytes:
        from django.db import close_old_connections

        response = self.client.get(self.url)
        self.body = response.content
        close_old_connections()
        if response.status_code != 200:
            raise SystemExit(f"bench_orglife: GET {self.url} answered {response.status_code}")
        return self.body

    def queries(self) -> tuple[int, list[str]]:
        """Queries of one request (after one more, so that neither includes the
        once-a-minute session write)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.get(self.url)
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(self.url)
        assert response.status_code == 200, response.status_code
        return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


class Call:
    """A selector call on a kept connection (opened untimed if a page closed it); ``before``
    runs untimed before each call."""

    def __init__(self, fn, before=None):  # type: ignore[no-untyped-def]
        self.fn = fn
        self.before = before

    def prepare(self) -> None:
        from django.db import connection

        connection.ensure_connection()
        if self.before is not None:
            self.before()

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.fn()

    def queries(self) -> tuple[int, list[str]]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.prepare()
        with CaptureQueriesContext(connection) as ctx:
            self.fn()
        return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def client_for(username: str | None):  # type: ignore[no-untyped-def]
    from django.test import Client

    from hongfan.accounts.models import User

    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def measure(args: argparse.Namespace) -> dict:  # noqa: C901, PLR0915
    configure(args.database_url)
    load_before = os.getloadavg()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.urls import reverse
    from orglifegen import TOKEN_PREFIX, ensure_bench_users

    from hongfan.accounts.models import User
    from hongfan.core.access import access_for
    from hongfan.core.dates import today as today_fn
    from hongfan.core.dates import year_bounds
    from hongfan.org.models import Branch, Hospital
    from hongfan.orglife.models import Attendance, ComplianceTally, Meeting
    from hongfan.orglife.selectors import compliance as selectors
    from hongfan.orglife.services import compliance as services

    vendor = connection.vendor
    loaded = Meeting.objects.filter(checkin_token__startswith=TOKEN_PREFIX).count()
    if not loaded:
        raise SystemExit("bench_orglife: no meetings loaded; run bench/orglifegen.py first")
    users = ensure_bench_users()
    large = Hospital.objects.get(pk=users["bench_orglife_admin_large"]["hospital_id"])
    small = Hospital.objects.get(pk=users["bench_orglife_admin_small"]["hospital_id"])
    day = today_fn()
    year = day.year
    start, end = year_bounds(year)

    def hospital_info(h: Hospital) -> dict:
        branches = selectors.compliance_branches(h)
        return {
            "id": h.pk,
            "name": h.name,
            "branches": len(branches),
            "meetings_in_year": Meeting.objects.filter(
                hospital=h, starts_at__gte=start, starts_at__lt=end
            ).count(),
        }

    info = {
        "year": year,
        "today": day.isoformat(),
        "meetings": Meeting.objects.count(),
        "meetings_in_year": Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end).count(),
        "attendance": Attendance.objects.count(),
        "branches": Branch.objects.filter(active=True, kind="branch").count(),
        "by_status": dict(Meeting.objects.order_by().values_list("status").annotate(n=Count("id"))),
        "large": hospital_info(large),
        "small": hospital_info(small),
    }

    matrix = reverse("orglife:matrix")
    city_url = reverse("orglife:city")
    large_branches = selectors.compliance_branches(large)
    small_branches = selectors.compliance_branches(small)
    city_access = access_for(User.objects.get(username="bench_orglife_city"))
    measures = {
        "login": (
            "login page (baseline, anonymous)",
            Page(client_for(None), reverse("accounts:login")),
        ),
        "matrix_large": (
            f"matrix, largest hospital ({len(large_branches)} branches)",
            Page(
                client_for("bench_orglife_admin_large"),
                f"{matrix}?hospital={large.pk}&year={year}",
            ),
        ),
        "matrix_small": (
            f"matrix, smallest hospital ({len(small_branches)} branches)",
            Page(
                client_for("bench_orglife_admin_small"),
                f"{matrix}?hospital={small.pk}&year={year}",
            ),
        ),
        "city": (
            f"city summary ({info['branches']:,} branches)",
            Page(client_for("bench_orglife_city"), f"{city_url}?year={year}"),
        ),
        "compliance": (
            "compliance() alone, largest hospital",
            Call(lambda: selectors.compliance(large_branches, year, day, large.authority_id)),
        ),
        # The city page sums the branches' stored tallies (ComplianceTally), judged again
        # once a day (the reminder run) or after a rule change; this is that judging of all
        # 1,000 branches, for information: the tallies are dropped (untimed) before each call.
        "city_summary": (
            "city_summary(), tallies judged again (info)",
            Call(
                lambda: (
                    services.tallies_refresh_stale(access=city_access, year=year, today=day),
                    selectors.city_summary(access=city_access, year=year, today=day),
                ),
                before=lambda: ComplianceTally.objects.filter(year=year).delete(),
            ),
        ),
    }
    small_compliance = Call(
        lambda: selectors.compliance(small_branches, year, day, small.authority_id)
    )

    if args.profile:
        import cProfile
        import pstats

        _label, fn = measures[args.profile]
        for _ in range(3):
            fn()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.profile_calls):
            fn()
        prof.disable()
        print(f"\n-- profile of {args.profile_calls} x {args.profile} on {vendor}")
        pstats.Stats(prof).sort_stats(args.profile_sort).print_stats(args.profile_lines)
        return {}

    # The city_summary() selector alone is for information (the city page minus its small
    # template): timed on every INFO_EVERY-th round only, since it costs as much as the page.
    every = {"city_summary": INFO_EVERY}
    for key, (_label, fn) in measures.items():
        for _ in range(max(1, args.warmup // every.get(key, 1))):
            fn()
    wall: dict[str, list[float]] = {k: [] for k in measures}
    cpu: dict[str, list[float]] = {k: [] for k in measures}
    started = time.monotonic()
    for i in range(args.requests):
        for key, (_label, fn) in measures.items():
            if i % every.get(key, 1):
                continue
            if isinstance(fn, Call):
                fn.prepare()
            c = time.process_time()
            t = time.perf_counter()
            fn()
            wall[key].append((time.perf_counter() - t) * 1000)
            cpu[key].append((time.process_time() - c) * 1000)
    timed_seconds = time.monotonic() - started

    rows = []
    for key, (label, fn) in measures.items():
        r = stats(wall[key], cpu[key])
        q, sql = fn.queries()
        r.update(key=key, label=label, queries=q, sql=sql)
        if isinstance(fn, Page):
            r["bytes"] = len(fn.body)
        rows.append(r)
    by_key = {r["key"]: r for r in rows}
    base = by_key["login"]
    for r in rows:
        r["x_base_p50"] = round(r["p50_ms"] / base["p50_ms"], 1)
    for key in ("matrix_large", "matrix_small", "city"):
        by_key[key]["target_p95_ms"] = TARGET_P95_MS
        by_key[key]["ok"] = by_key[key]["p95_ms"] < TARGET_P95_MS
    by_key["matrix_large"]["small_queries"] = by_key["matrix_small"]["queries"]
    growth_equal = by_key["matrix_large"]["queries"] == by_key["matrix_small"]["queries"]
    by_key["matrix_large"]["ok"] = by_key["matrix_large"]["ok"] and growth_equal
    q_small_sel, _ = small_compliance.queries()
    by_key["compliance"]["small_queries"] = q_small_sel
    body = measures["matrix_large"][1].body.decode()
    info["large"]["cells_in_page"] = body.count('data-status="')
    info["large"]["overdue_cells_in_page"] = body.count('data-status="overdue"')
    info["large"]["done_cells_in_page"] = body.count('data-status="done"')

    report = {
        "vendor": vendor,
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "database": {
            "name": str(settings.DATABASES["default"]["NAME"]),
            "version": db_version(connection),
        },
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
        "debug": settings.DEBUG,
        "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "requests": args.requests,
        "warmup": args.warmup,
        "timed_seconds": round(timed_seconds, 1),
        "target_p95_ms": TARGET_P95_MS,
        "data": info,
        "accounts": users,
        "growth_equal": growth_equal,
        "measures": rows,
    }
    report["ok"] = all(r.get("ok", True) for r in rows)
    return report


# --- tables ---------------------------------------------------------------------------------------


def print_one(rep: dict) -> None:
    d = rep["data"]
    lg, sm = d["large"], d["small"]
    print(
        f"\n== orglife on {rep['database']['version']}: {d['meetings']:,} meetings "
        f"({d['meetings_in_year']:,} in {d['year']}), {d['attendance']:,} attendance rows, "
        f"{d['branches']:,} branches; {rep['requests']} calls after {rep['warmup']} warm-up =="
    )
    print(
        f"{rep['machine']}, load average {rep['loadavg_before'][0]} before / "
        f"{rep['loadavg_after'][0]} after; DEBUG={rep['debug']}, "
        f"CONN_MAX_AGE={rep['conn_max_age']}"
    )
    print(
        f"largest: {lg['name']} ({lg['branches']} branches, {lg['meetings_in_year']:,} meetings in "
        f"{d['year']}; the page shows {lg.get('cells_in_page', 0):,} cells, "
        f"{lg.get('done_cells_in_page', 0):,} done, {lg.get('overdue_cells_in_page', 0):,} "
        f"overdue); smallest: {sm['name']} ({sm['branches']} branches)"
    )
    head = (
        f"{'measure':<44} {'n':>3} {'min':>6} {'p50':>7} {'p95':>7} {'max':>7} {'cpu50':>6} {'cpu95':>6} "
        f"{'x base':>7} {'KB':>5} {'queries':>8} {'small':>6}  result"
    )
    print(head)
    print("-" * len(head))
    for r in rep["measures"]:
        if r["key"] == "login":
            verdict = "baseline"
        elif "ok" in r:
            verdict = "ok" if r["ok"] else "MISS"
            if not r["p95_ms"] < r["target_p95_ms"]:
                verdict += f" (p95 >= {r['target_p95_ms']:.0f} ms)"
            if "small_queries" in r and r["small_queries"] != r["queries"]:
                verdict += " (queries grow)"
        else:
            verdict = "info"
        kb = f"{r['bytes'] / 1024:.0f}" if "bytes" in r else ""
        print(
            f"{r['label']:<44} {r['n']:>3} {r['min_ms']:>6.1f} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} "
            f"{r['max_ms']:>7.1f} {r['cpu_p50_ms']:>6.1f} {r['cpu_p95_ms']:>6.1f} "
            f"{r['x_base_p50']:>7.1f} {kb:>5} {r['queries']:>8} {r.get('small_queries', ''):>6}  "
            f"{verdict}"
        )
    print(
        "(ms, wall clock; cpu50/cpu95 = CPU time of this process; 'x base' = p50 / login-page "
        "p50; 'small' = queries of the same for the smallest hospital)"
    )


def print_side_by_side(reports: list[dict]) -> None:
    if not reports:
        return
    print(
        "\n== orglife: p50 / p95 ms (x baseline p50), queries; target p95 < "
        f"{TARGET_P95_MS:.0f} ms, matrix queries equal for the smallest and largest hospital =="
    )
    head = f"{'measure':<44}" + "".join(f" {r['vendor']:>34}" for r in reports)
    print(head)
    print("-" * len(head))
    for i, r0 in enumerate(reports[0]["measures"]):
        line = f"{r0['label']:<44}"
        for rep in reports:
            r = rep["measures"][i]
            q = f"q{r['queries']}" + (f"={r['small_queries']}" if "small_queries" in r else "")
            if "small_queries" in r and r["small_queries"] != r["queries"]:
                q = f"q{r['queries']}!={r['small_queries']}"
            mark = "" if r.get("ok", True) else " MISS"
            cell = f"{r['p50_ms']:.0f} / {r['p95_ms']:.0f} ({r['x_base_p50']:.0f}x) {q}{mark}"
            line += f" {cell:>34}"
        print(line)
    for rep in reports:
        print(
            f"  {rep['vendor']}: {rep['when']}, load average {rep['loadavg_before'][0]}→"
            f"{rep['loadavg_after'][0]} on {rep['machine']}, {rep['data']['meetings']:,} meetings"
        )


# --- the parent -----------------------------------------------------------------------------------


def result_path(vendor: str) -> Path:
    return RESULTS / f"orglife_{vendor}.json"


def database_has_meetings(url: str) -> bool | None:
    """None: server unreachable; False: no database or no loaded meetings."""
    from orglifegen import TOKEN_PREFIX
    from pointsgen import has_rows

    sql = f"select 1 from orglife_meeting where checkin_token like '{TOKEN_PREFIX}%' limit 1"
    return has_rows(url, sql, who="bench_orglife")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vendor", choices=VENDORS, nargs="+", default=list(VENDORS))
    parser.add_argument("--database-url", help="measure this one database only")
    parser.add_argument(
        "--pg-url",
        default=PG_URL,
        help="PostgreSQL server and base name (the database is <name>_orglife)",
    )
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--profile",
        choices=["matrix_large", "matrix_small", "city", "compliance", "city_summary"],
        help="with --database-url: cProfile one measure instead of timing",
    )
    parser.add_argument("--profile-calls", type=int, default=20)
    parser.add_argument("--profile-sort", default="cumulative")
    parser.add_argument("--profile-lines", type=int, default=40)
    parser.add_argument("--report", action="store_true", help="print the last results only")
    args = parser.parse_args()

    if args.database_url:
        report = measure(args)
        if not report:
            return
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = result_path(report["vendor"])
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
        print_one(report)
        print(f"written {out.relative_to(ROOT)}")
        sys.exit(0 if report["ok"] else 1)

    from orglifegen import target_url

    failed = []
    reports = []
    for vendor in args.vendor:
        url = target_url(argparse.Namespace(database_url=None, vendor=vendor, pg_url=args.pg_url))
        if not args.report:
            present = database_has_meetings(url)
            if not present:
                print(
                    f"\nbench_orglife: no meetings in {url}; load them first: uv run python "
                    f"bench/orglifegen.py --vendor {vendor}"
                )
                failed.append(f"{vendor}: {'unreachable' if present is None else 'no data'}")
                continue
            cmd = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--database-url",
                url,
                "--requests",
                str(args.requests),
                "--warmup",
                str(args.warmup),
            ]
            env = dict(os.environ, DATABASE_URL=url, PYTHONUNBUFFERED="1")
            print(f"\n$ DATABASE_URL={url} python bench/bench_orglife.py ...", flush=True)
            rc = subprocess.call(cmd, cwd=ROOT, env=env)
            if rc:
                failed.append(f"{vendor}: exit {rc}")
        path = result_path(vendor)
        if path.exists():
            rep = json.loads(path.read_text())
            if args.report:
                print_one(rep)
            reports.append(rep)
    print_side_by_side(reports)
    if failed:
        print("bench_orglife: " + "; ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
