"""Server-side page timings and query counts against the city database (bench/citygen.py).

Usage (from the project root)::

    uv run python bench/bench_pages.py                  # bench/var/city.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hongfan_bench uv run python bench/bench_pages.py

Each page is requested through Django's test ``Client`` (the whole middleware stack,
templates and database; no network, no browser) as the bench accounts citygen creates,
``--warmup`` times untimed and then ``--requests`` times timed. After every request the
database connection is handled as a WSGI server would at ``request_finished``
(``close_old_connections``), so SQLite (CONN_MAX_AGE=0) pays for its reconnect as it does in
production. The baseline is the anonymous login page timed the same way.

The query-count growth check requests the same page as the admin of the smallest and of
the largest hospital (or the secretary of the smallest and largest branch): the number of
queries must be equal, otherwise the page does a query per row somewhere.

Results: a table on stdout and bench/results/pages_<vendor>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = f"sqlite:///{ROOT / 'bench' / 'var' / 'city.sqlite3'}"
sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 150.0
CLOSE_CONNECTIONS = True  # --keep-connections turns it off


def configure(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongfan.settings")
    os.environ.setdefault("HONGFAN_ENV", "dev")
    # Closer to production than DEBUG=True (no query log, no debug template context).
    os.environ.setdefault("HONGFAN_DEBUG", "false")
    os.environ.setdefault("HONGFAN_ALLOWED_HOSTS", "testserver,127.0.0.1")
    os.environ.setdefault("HONGFAN_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    # A city built by an older checkout gets the newer tables (no data is changed).
    call_command("migrate", verbosity=0, interactive=False)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def make_client(username: str | None):
    from django.test import Client

    from hongfan.accounts.models import User

    client = Client()
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise SystemExit(
                f"bench_pages: no user {username!r}; build the city first: "
                "uv run python bench/citygen.py"
            )
        client.force_login(user)
    return client


def fetch(client, url: str):
    from django.db import close_old_connections

    response = client.get(url)
    body = response.content
    # What a WSGI server's request_finished does (the test client suppresses it).
    if CLOSE_CONNECTIONS:
        close_old_connections()
    if response.status_code != 200:
        raise SystemExit(f"bench_pages: GET {url} answered {response.status_code}")
    return body


def count_queries(client, url: str) -> tuple[int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # One request first, so that neither count includes the once-a-minute session write
    # (hongfan.accounts.middleware) that a client's first request makes.
    fetch_no_close(client, url)
    with CaptureQueriesContext(connection) as ctx:
        fetch_no_close(client, url)
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def fetch_no_close(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"bench_pages: GET {url} answered {response.status_code}")
    return response.content


def time_pages(pages: list[tuple[str, object, str]], *, warmup: int, requests: int) -> dict:
    """Time every page ``requests`` times, round-robin, so that a burst of load from other
    processes on the machine spreads over all pages instead of spoiling one of them.
    Records wall time and this process's CPU time (the CPU part excludes PostgreSQL's own
    work, which runs in the server process)."""
    sizes: dict[str, int] = {}
    for key, client, url in pages:
        for _ in range(warmup):
            sizes[key] = len(fetch(client, url))
    wall: dict[str, list[float]] = {key: [] for key, _, _ in pages}
    cpu: dict[str, list[float]] = {key: [] for key, _, _ in pages}
    for _ in range(requests):
        for key, client, url in pages:
            c = time.process_time()
            t = time.perf_counter()
            fetch(client, url)
            wall[key].append((time.perf_counter() - t) * 1000)
            cpu[key].append((time.process_time() - c) * 1000)
    out = {}
    for key, client, url in pages:
        w = wall[key]
        queries, sql = count_queries(client, url)
        out[key] = {
            "url": url,
            "bytes": sizes[key],
            "p50_ms": round(statistics.median(w), 2),
            "p95_ms": round(percentile(w, 95), 2),
            "max_ms": round(max(w), 2),
            "min_ms": round(min(w), 2),
            "mean_ms": round(statistics.fmean(w), 2),
            "cpu_p50_ms": round(statistics.median(cpu[key]), 2),
            "queries": queries,
            "sql": sql,
        }
    return out


def profile_page(client, url: str, n: int = 20) -> None:
    import cProfile
    import pstats

    for _ in range(3):
        fetch(client, url)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        fetch(client, url)
    prof.disable()
    print(f"\n-- profile of {n} x GET {url}")
    pstats.Stats(prof).sort_stats("cumulative").print_stats(30)


def targets() -> dict:
    """The hospitals and branches of the bench accounts, with their sizes."""
    from django.db.models import Q

    from hongfan.accounts.models import RoleAssignment
    from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
    from hongfan.org.models import Development, Person

    out = {}
    for ra in RoleAssignment.objects.filter(user__username__startswith="bench_").select_related(
        "user", "hospital", "branch", "branch__hospital"
    ):
        if ra.hospital_id:
            h = ra.hospital
            out[ra.user.username] = {
                "hospital_id": h.pk,
                "name": h.name,
                "staff": Person.objects.filter(hospital=h, status=PersonStatus.ACTIVE).count(),
                "members": Person.objects.filter(
                    hospital=h, status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
                ).count(),
                "branches": h.branches.filter(active=True).count(),
                "developments": Development.objects.filter(hospital=h, status="active").count(),
            }
        else:
            b = ra.branch
            out[ra.user.username] = {
                "branch_id": b.pk,
                "hospital_id": b.hospital_id,
                "name": f"{b.hospital.short_name} {b.name}",
                "members": Person.objects.filter(
                    Q(political_status__in=MEMBER_STATUSES),
                    branch=b,
                    status=PersonStatus.ACTIVE,
                ).count(),
                "developments": Development.objects.filter(branch=b, status="active").count(),
            }
    missing = {
        "bench_admin_large",
        "bench_admin_small",
        "bench_sec_large",
        "bench_sec_small",
    } - set(out)
    if missing:
        raise SystemExit(f"bench_pages: missing bench accounts {sorted(missing)}; run citygen")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--show-sql", action="store_true", help="print each page's queries")
    parser.add_argument(
        "--keep-connections",
        action="store_true",
        help="do not emulate request_finished (keeps the SQLite connection open between requests)",
    )
    parser.add_argument("--profile", metavar="KEY", help="cProfile one page (e.g. hospital)")
    args = parser.parse_args()
    global CLOSE_CONNECTIONS
    CLOSE_CONNECTIONS = not args.keep_connections
    configure(args.database_url)
    load_before = os.getloadavg()

    from django.conf import settings
    from django.db import connection
    from django.urls import reverse

    from hongfan.org.models import Branch, Hospital, Person

    vendor = connection.vendor
    if not Hospital.objects.exists():
        raise SystemExit("bench_pages: the database is empty; run bench/citygen.py first")
    t = targets()
    hl, hs = t["bench_admin_large"], t["bench_admin_small"]
    bl, bs = t["bench_sec_large"], t["bench_sec_small"]

    anon = make_client(None)
    clients = {u: make_client(u) for u in t}
    clients["city"] = make_client("city")  # builddemo's city admin, created by citygen

    people = reverse("org:people")
    dev = reverse("org:development")
    # (key, label, account, url, account for the growth check, its url)
    pages = [
        ("login", "login page (baseline, anonymous)", None, reverse("accounts:login"), None, None),
        (
            "hospital",
            "hospital overview (admin)",
            "bench_admin_large",
            reverse("org:hospital", args=[hl["hospital_id"]]),
            "bench_admin_small",
            reverse("org:hospital", args=[hs["hospital_id"]]),
        ),
        (
            "branch",
            "branch page (secretary)",
            "bench_sec_large",
            reverse("org:branch", args=[bl["branch_id"]]),
            "bench_sec_small",
            reverse("org:branch", args=[bs["branch_id"]]),
        ),
        (
            "development_hospital",
            "development board, hospital (admin)",
            "bench_admin_large",
            f"{dev}?hospital={hl['hospital_id']}",
            "bench_admin_small",
            f"{dev}?hospital={hs['hospital_id']}",
        ),
        (
            "development_branch",
            "development board, branch (secretary)",
            "bench_sec_large",
            f"{dev}?branch={bl['branch_id']}",
            "bench_sec_small",
            f"{dev}?branch={bs['branch_id']}",
        ),
        (
            "people_hospital",
            "people list, page 1 (admin)",
            "bench_admin_large",
            f"{people}?hospital={hl['hospital_id']}",
            "bench_admin_small",
            f"{people}?hospital={hs['hospital_id']}",
        ),
        (
            "people_hospital_last",
            "people list, last page (admin)",
            "bench_admin_large",
            f"{people}?hospital={hl['hospital_id']}&page={-(-hl['staff'] // 30)}",
            "bench_admin_small",
            f"{people}?hospital={hs['hospital_id']}&page={-(-hs['staff'] // 30)}",
        ),
        (
            "people_members",
            "people list, members filter (admin)",
            "bench_admin_large",
            f"{people}?hospital={hl['hospital_id']}&political_status=members",
            "bench_admin_small",
            f"{people}?hospital={hs['hospital_id']}&political_status=members",
        ),
        (
            "people_branch",
            "people list (secretary, menu link)",
            "bench_sec_large",
            people,
            "bench_sec_small",
            people,
        ),
        (
            "city_hospitals",
            "city: all hospitals (city admin)",
            "city",
            reverse("org:hospitals"),
            None,
            None,
        ),
    ]

    if args.profile:
        for key, _label, account, url, _sa, _su in pages:
            if key == args.profile:
                profile_page(clients[account] if account else anon, url)
                return
        raise SystemExit(f"bench_pages: no page {args.profile!r}")

    timed = time_pages(
        [(key, clients[account] if account else anon, url) for key, _, account, url, _, _ in pages],
        warmup=args.warmup,
        requests=args.requests,
    )
    results = []
    for key, label, account, _url, small_account, small_url in pages:
        r = timed[key]
        r.update(key=key, label=label, account=account)
        if small_account:
            q_small, sql_small = count_queries(clients[small_account], small_url)
            r["growth"] = {
                "small_account": small_account,
                "small_url": small_url,
                "small_queries": q_small,
                "large_queries": r["queries"],
                "equal": q_small == r["queries"],
            }
            r["sql_small"] = sql_small
        results.append(r)

    base = results[0]
    for r in results:
        r["ratio_p50"] = round(r["p50_ms"] / base["p50_ms"], 1)
        r["ratio_p95"] = round(r["p95_ms"] / base["p95_ms"], 1)
        r["meets_target"] = r["p95_ms"] < TARGET_P95_MS
        r["ok"] = r["meets_target"] and r.get("growth", {}).get("equal", True)

    db_info = {
        "vendor": vendor,
        "name": str(settings.DATABASES["default"]["NAME"]),
        "version": _db_version(connection),
        "hospitals": Hospital.objects.count(),
        "staff": Person.objects.count(),
        "branches": Branch.objects.filter(kind="branch").count(),
    }
    report = {
        "vendor": vendor,
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "database": db_info,
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
        "debug": settings.DEBUG,
        "close_connections": CLOSE_CONNECTIONS,
        "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "requests": args.requests,
        "warmup": args.warmup,
        "target_p95_ms": TARGET_P95_MS,
        "targets": t,
        "pages": results,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"pages_{vendor}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))

    print_table(report)
    if args.show_sql:
        for r in results:
            print(f"\n-- {r['label']} {r['url']} ({r['queries']} queries)")
            for q in r["sql"]:
                print("  ", q[:300])
    print(f"written {out.relative_to(ROOT)}")


def _db_version(connection) -> str:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("select sqlite_version()")
            return "SQLite " + cur.fetchone()[0]
        cur.execute("show server_version")
        return "PostgreSQL " + cur.fetchone()[0]


def print_table(report: dict) -> None:
    t = report["targets"]
    hl, hs = t["bench_admin_large"], t["bench_admin_small"]
    bl, bs = t["bench_sec_large"], t["bench_sec_small"]
    db = report["database"]
    print(
        f"\n== pages on {db['version']} ({db['hospitals']} hospitals, {db['staff']:,} staff, "
        f"{db['branches']:,} branches), DEBUG={report['debug']}, "
        f"{report['requests']} requests after {report['warmup']} warm-up =="
    )
    print(
        f"machine: {report['machine']}, load average {report['loadavg_before'][0]} before / "
        f"{report['loadavg_after'][0]} after; connections "
        + (
            "closed after each request (as a WSGI server)"
            if report["close_connections"]
            else "kept"
        )
        + f", CONN_MAX_AGE={report['conn_max_age']}"
    )
    print(
        f"large hospital: {hl['name']} ({hl['staff']} staff, {hl['members']} members, "
        f"{hl['branches']} branches, {hl['developments']} in development); "
        f"small: {hs['name']} ({hs['staff']} staff, {hs['branches']} branches)"
    )
    print(
        f"large branch: {bl['name']} ({bl['members']} members, {bl['developments']} in "
        f"development); small: {bs['name']} ({bs['members']} members)"
    )
    head = (
        f"{'page':<40} {'min':>6} {'p50':>7} {'p95':>7} {'max':>7} {'cpu50':>6} {'x base':>7} {'KB':>5} "
        f"{'queries':>8} {'small':>6}  result"
    )
    print(head)
    print("-" * len(head))
    for r in report["pages"]:
        g = r.get("growth")
        if r["key"] == "login":
            verdict = "baseline"
        else:
            verdict = "ok" if r["ok"] else "MISS"
        if g and not g["equal"]:
            verdict += " (queries grow)"
        if not r["meets_target"]:
            verdict += f" (p95 >= {report['target_p95_ms']:.0f} ms)"
        print(
            f"{r['label']:<40} {r['min_ms']:>6.1f} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} {r['max_ms']:>7.1f} "
            f"{r['cpu_p50_ms']:>6.1f} {r['ratio_p50']:>7.1f} {r['bytes'] / 1024:>5.0f} {r['queries']:>8} "
            f"{(g['small_queries'] if g else ''):>6}  {verdict}"
        )
    print(
        "(ms, wall clock; cpu50 = median CPU time of this process; 'x base' = p50 / login-page "
        "p50; 'small' = queries for the smallest hospital/branch)"
    )


if __name__ == "__main__":
    main()
