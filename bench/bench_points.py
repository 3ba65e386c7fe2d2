"""Points (积分) at city scale: awards per second, rankings, and a GROUP BY baseline.

Usage (from the project root)::

    uv run python bench/bench_points.py                        # SQLite, 1.5 M and 15 M side by side
    uv run python bench/bench_points.py --vendor postgresql
    uv run python bench/bench_points.py --entries 1500000      # one size
    uv run python bench/bench_points.py --database-url URL     # one database, any size
    uv run python bench/bench_points.py --report               # the tables of the last results
    uv run python bench/bench_points.py --database-url URL --profile awards   # cProfile

The databases are the ones bench/pointsgen.py loads (``points_<entries>`` per size; build
them first). For each size the script runs itself once per database (a child process with
DATABASE_URL set, as run_all.py does) and then prints the sizes side by side. What a child
measures, against the largest hospital (济宁医学院附属医院, 1,403 members) and the last
complete quarter of the ledger year:

(b) ``standings.member_ranking`` top 50 of the hospital for the quarter (as its admin),
    ``standings.member_rank`` of one member (a different member each call) and, for
    information, ``standings.branch_ranking``: ``--calls`` timed calls each after
    ``--warmup`` untimed ones, round-robin so that a burst of load spreads over all;
(c) the baseline in the same run: the same top 50 as a plain GROUP BY over the ledger
    (``PointEntry`` of the hospital in the quarter, ``Sum(points)`` per person, ordered by the
    sum, limit 50), ``--baseline-calls`` times interleaved with the others (it is slow at
    15 M). Its rows must equal the selector's (a check that the rollups equal the ledger);
(a) ``services.points_award`` for ``--awards`` awards (after 40 untimed ones, 20 of them
    counting the queries) to random members of the whole city with random rules of their
    hospital, dated on random days of the ledger year, each with its own source: single
    process, caps and totals included. An award whose cap is already full writes nothing;
    the outcomes are counted and the awards that wrote an entry are also timed alone (at
    15 M about half the draws find their cap full). These awards stay in the ledger
    (``source_type='bench'``; the draw is seeded by how many earlier runs left, so a rerun
    does not repeat them); afterwards the awarded members' ledger and year totals are
    compared. The awards' baseline, timed before each award: a one-row INSERT into a scratch
    table in its own transaction, the cheapest durable write (the "commit floor");
(d) ``services.points_award_many`` for ``--meetings`` meetings: a branch's members awarded
    for attending, one call (one transaction) per meeting, as a meeting's close does.

Targets (issue 3): awards >= 500/s; ranking and rank p95 < 30 ms. The connection is kept
between calls (the selector's cost, not a request's).
Results: a table per database and bench/results/points_<vendor>_<entries>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

TARGET_P95_MS = 30.0
TARGET_AWARDS_PER_S = 500.0
SIZES = (1_500_000, 15_000_000)


def configure(database_url: str) -> None:
    from pointsgen import setup_django

    setup_django(database_url)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100), as bench_pages.py."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def stats(wall: list[float], cpu: list[float]) -> dict:
    return {
        "n": len(wall),
        "min_ms": round(min(wall), 2),
        "p50_ms": round(statistics.median(wall), 2),
        "p95_ms": round(percentile(wall, 95), 2),
        "max_ms": round(max(wall), 2),
        "mean_ms": round(statistics.fmean(wall), 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(percentile(cpu, 95), 2),
    }


def timed(fn, wall: list[float], cpu: list[float]):  # type: ignore[no-untyped-def]
    c = time.process_time()
    t = time.perf_counter()
    out = fn()
    wall.append((time.perf_counter() - t) * 1000)
    cpu.append((time.process_time() - c) * 1000)
    return out


# --- one database ---------------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> dict:  # noqa: C901, PLR0915
    configure(args.database_url)
    load_before = os.getloadavg()
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext

    from hongfan.accounts.models import RoleAssignment
    from hongfan.core.access import access_for
    from hongfan.core.dates import today
    from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
    from hongfan.org.models import Person
    from hongfan.points import rules as codes
    from hongfan.points.choices import Period
    from hongfan.points.models import PointEntry, PointRule, PointTotal
    from hongfan.points.periods import period_start
    from hongfan.points.selectors import standings
    from hongfan.points.services.awarding import AwardRequest, points_award, points_award_many

    vendor = connection.vendor
    ra = (
        RoleAssignment.objects.filter(user__username="bench_admin_large")
        .select_related("user", "hospital")
        .first()
    )
    if ra is None or ra.hospital is None:
        raise SystemExit("bench_points: no bench_admin_large; build with bench/pointsgen.py")
    hospital = ra.hospital
    access = access_for(ra.user)
    day = today()
    q_start = period_start(Period.QUARTER, period_start(Period.QUARTER, day) - timedelta(days=1))
    q_end = period_start(Period.QUARTER, q_start + timedelta(days=95))  # next quarter's start
    year_start = day - timedelta(days=365)

    t = time.monotonic()
    ledger_rows = PointEntry.objects.count()
    if not ledger_rows:
        raise SystemExit("bench_points: the ledger is empty; run bench/pointsgen.py first")
    quarter_rows = PointEntry.objects.filter(
        hospital=hospital, occurred_on__gte=q_start, occurred_on__lt=q_end
    ).count()
    totals_rows = PointTotal.objects.count()
    rank_rows = PointTotal.objects.filter(
        hospital=hospital, rule__isnull=True, period=Period.QUARTER, period_start=q_start
    ).count()
    count_seconds = time.monotonic() - t
    members = list(
        Person.objects.filter(
            hospital=hospital, status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
        ).order_by("pk")
    )
    rng = random.Random(args.seed)
    rank_people = [rng.choice(members) for _ in range(args.calls + args.warmup)]
    print(
        f"bench_points: {vendor}, {ledger_rows:,} ledger entries, {totals_rows:,} rollup rows; "
        f"{hospital.name}: {len(members):,} members, {quarter_rows:,} entries and {rank_rows:,} "
        f"quarter totals in {q_start:%Y-%m-%d}..{q_end - timedelta(days=1):%Y-%m-%d} "
        f"(counted in {count_seconds:.1f}s)",
        flush=True,
    )

    def ranking():  # type: ignore[no-untyped-def]
        return standings.member_ranking(
            access=access, hospital=hospital, period=Period.QUARTER, start=q_start, limit=50
        )

    def rank_of(person):  # type: ignore[no-untyped-def]
        return lambda: standings.member_rank(
            hospital_id=hospital.pk, person=person, period=Period.QUARTER, start=q_start
        )

    def branches():  # type: ignore[no-untyped-def]
        return standings.branch_ranking(
            access=access, hospital=hospital, period=Period.QUARTER, start=q_start
        )

    def baseline():  # type: ignore[no-untyped-def]
        return list(
            PointEntry.objects.filter(
                hospital=hospital, occurred_on__gte=q_start, occurred_on__lt=q_end
            )
            .order_by()
            .values("person_id")
            .annotate(total=Sum("points"))
            .order_by("-total", "person_id")
            .values_list("person_id", "total")[:50]
        )

    if args.profile == "ranking":
        profile(lambda: [ranking() for _ in range(50)], "50 x member_ranking")
        return {}

    # -- (b) and (c): rankings and the baseline, round-robin -------------------------------------
    wall: dict[str, list[float]] = {k: [] for k in ("ranking", "rank", "branches", "baseline")}
    cpu: dict[str, list[float]] = {k: [] for k in wall}
    queries: dict[str, int] = {}
    for k, fn in (
        ("ranking", ranking),
        ("rank", rank_of(members[0])),
        ("branches", branches),
        ("baseline", baseline),
    ):
        with CaptureQueriesContext(connection) as ctx:
            fn()
        queries[k] = len(ctx.captured_queries)
    for i in range(args.warmup):
        ranking()
        rank_of(rank_people[i])()
        branches()
    for _ in range(min(2, args.baseline_calls)):
        baseline()
    stride = max(1, -(-args.calls // max(1, args.baseline_calls)))
    started = time.monotonic()
    top = base_rows = None
    for i in range(args.calls):
        top = timed(ranking, wall["ranking"], cpu["ranking"])
        timed(rank_of(rank_people[args.warmup + i]), wall["rank"], cpu["rank"])
        timed(branches, wall["branches"], cpu["branches"])
        if i % stride == 0 and len(wall["baseline"]) < args.baseline_calls:
            base_rows = timed(baseline, wall["baseline"], cpu["baseline"])
    read_seconds = time.monotonic() - started
    same = [(r.person_id, r.points) for r in top or []] == [tuple(r) for r in base_rows or []]
    if not same:
        print("bench_points: WARNING: the selector's top 50 differs from the GROUP BY's")

    base = stats(wall["baseline"], cpu["baseline"])
    labels = {
        "ranking": "member_ranking: top 50, hospital, quarter",
        "rank": "member_rank: one member, hospital, quarter",
        "branches": "branch_ranking: hospital, quarter (info)",
        "baseline": "baseline: GROUP BY over the ledger, top 50",
    }
    rows = []
    for key in ("ranking", "rank", "branches", "baseline"):
        r = stats(wall[key], cpu[key])
        r.update(key=key, label=labels[key], queries=queries[key])
        r["x_base_p50"] = round(r["p50_ms"] / base["p50_ms"], 4)
        r["base_over_this_p50"] = round(base["p50_ms"] / r["p50_ms"], 1)
        if key in ("ranking", "rank"):
            r["target_p95_ms"] = TARGET_P95_MS
            r["ok"] = r["p95_ms"] < TARGET_P95_MS
        rows.append(r)

    # -- (a) awards -----------------------------------------------------------------------------
    city_members = list(
        Person.objects.filter(status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES)
    )
    rules: dict[int, list] = {}
    for rule in PointRule.objects.filter(hospital__isnull=False, active=True).order_by("pk"):
        rules.setdefault(rule.hospital_id, []).append(rule)
    days = [year_start + timedelta(days=i) for i in range(365)]
    tag = f"{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}"
    # A new draw for every run (seeded by what earlier runs left), so that a rerun does not
    # award the same (member, rule, day) again and find its caps already used by itself.
    earlier = PointEntry.objects.filter(source_type="bench").count()
    rng = random.Random(args.seed * 1_000_003 + earlier)
    plan = [
        (p, rng.choice(rules[p.hospital_id]), rng.choice(days))
        for p in (rng.choice(city_members) for _ in range(args.awards + 40))
    ]

    def award(i: int):  # type: ignore[no-untyped-def]
        person, rule, when = plan[i]
        return points_award(
            access=None,
            person=person,
            rule=rule,
            occurred_on=when,
            source_type="bench",
            source_id=f"{tag}-{i}",
            reason="bench",
        )

    if args.profile == "awards":
        profile(lambda: [award(i) for i in range(min(300, args.awards))], "300 x points_award")
        return {}
    for i in range(20):
        award(i)
    with CaptureQueriesContext(connection) as ctx:
        for i in range(20, 40):
            award(i)
    award_queries = len(ctx.captured_queries) / 20
    aw: list[float] = []
    ac: list[float] = []
    outcomes = {"full": 0, "cut_by_cap": 0, "nothing_capped": 0, "duplicate": 0}
    by_kind: dict[str, tuple[list[float], list[float]]] = {"written": ([], []), "not": ([], [])}
    # The awards' baseline, interleaved with them so that both see the same load: the
    # cheapest durable write, one row inserted into a scratch table in its own transaction
    # (BEGIN, INSERT, COMMIT and the WAL flush). No single award can cost less.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_commit_floor (n integer)")

    def commit_floor(i: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_commit_floor (n) VALUES (%s)", [i])

    fw: list[float] = []
    fc: list[float] = []
    for i in range(40, 40 + args.awards):
        timed(lambda i=i: commit_floor(i), fw, fc)
        res = timed(lambda i=i: award(i), aw, ac)
        if res.duplicate:
            outcomes["duplicate"] += 1
        elif res.entry is None:
            outcomes["nothing_capped"] += 1
        elif res.capped_by:
            outcomes["cut_by_cap"] += 1
        else:
            outcomes["full"] += 1
        kind = "written" if res.entry is not None and not res.duplicate else "not"
        by_kind[kind][0].append(aw[-1])
        by_kind[kind][1].append(ac[-1])
    award_seconds = sum(aw) / 1000
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_commit_floor")
    awards = stats(aw, ac)
    floor = stats(fw, fc)
    awards["commit_floor"] = floor
    awards["x_floor_p50"] = round(awards["p50_ms"] / floor["p50_ms"], 2)
    # The share of awards that find their cap already reached (and write nothing) depends
    # on how full the ledger is; the rate of the writing awards alone compares sizes.
    awards["by_outcome"] = {k: stats(w, c) for k, (w, c) in by_kind.items() if w}
    if by_kind["written"][0]:
        awards["written_per_second"] = round(1000 / statistics.fmean(by_kind["written"][0]), 1)
    awards.update(
        seconds=round(award_seconds, 2),
        per_second=round(args.awards / award_seconds, 1),
        queries_per_award=award_queries,
        outcomes=outcomes,
        target_per_second=TARGET_AWARDS_PER_S,
        earlier_bench_awards=earlier,
    )
    # One transaction per award: bound by its round trips and commit (see bench/README.md).
    awards["ok"] = awards["per_second"] >= TARGET_AWARDS_PER_S

    # -- (d) batches: a meeting's attendance through points_award_many ----------------------
    by_branch: dict[int, list] = {}
    for p in city_members:
        if p.branch_id:
            by_branch.setdefault(p.branch_id, []).append(p)
    meeting_rule = {
        r.hospital_id: r
        for r in PointRule.objects.filter(
            hospital__isnull=False, active=True, code=codes.ORG_MEETING
        )
    }
    branches = sorted(b for b, ms in by_branch.items() if ms[0].hospital_id in meeting_rule)
    meetings = [(rng.choice(branches), rng.choice(days)) for _ in range(args.meetings + 7)]

    def meeting(i: int):  # type: ignore[no-untyped-def]
        branch, when = meetings[i]
        return points_award_many(
            access=None,
            awards=[
                AwardRequest(p, meeting_rule[p.hospital_id], when, "bench", f"{tag}-m{i}-{p.pk}")
                for p in by_branch[branch]
            ],
        )

    for i in range(5):
        meeting(i)
    with CaptureQueriesContext(connection) as ctx:
        meeting(5)
        meeting(6)
    batch_queries = len(ctx.captured_queries) / 2
    mw: list[float] = []
    mc: list[float] = []
    batch_awards = 0
    batch_written = 0
    started = time.monotonic()
    for i in range(7, 7 + args.meetings):
        res = timed(lambda i=i: meeting(i), mw, mc)
        batch_awards += len(res)
        batch_written += sum(1 for r in res if r.entry is not None and not r.duplicate)
    batch_seconds = time.monotonic() - started
    batches = stats(mw, mc)
    batches.update(
        meetings=args.meetings,
        awards=batch_awards,
        written=batch_written,
        mean_size=round(batch_awards / args.meetings, 1),
        seconds=round(batch_seconds, 2),
        per_second=round(batch_awards / batch_seconds, 1),
        queries_per_meeting=batch_queries,
        target_per_second=TARGET_AWARDS_PER_S,
    )
    batches["ok"] = batches["per_second"] >= TARGET_AWARDS_PER_S
    plan += [(p, None, None) for b, _ in meetings for p in by_branch[b]]

    # The awarded members' ledger against their year totals (all their entries, both years).
    sample = sorted({p.pk for p, _r, _d in plan})[:300]
    ledger = dict(
        PointEntry.objects.filter(person_id__in=sample)
        .order_by()
        .values_list("person_id")
        .annotate(s=Sum("points"))
    )
    rolled = dict(
        PointTotal.objects.filter(person_id__in=sample, rule__isnull=True, period=Period.YEAR)
        .order_by()
        .values_list("person_id")
        .annotate(s=Sum("points"))
    )
    awards["consistent_members"] = len(sample)
    awards["consistent"] = all(ledger.get(p, 0) == rolled.get(p, 0) for p in sample)

    report = {
        "vendor": vendor,
        "label": args.label,
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "database": {
            "name": str(settings.DATABASES["default"]["NAME"]),
            "version": db_version(connection),
            "ledger_entries": ledger_rows,
            "rollup_rows": totals_rows,
        },
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "hospital": {
            "id": hospital.pk,
            "name": hospital.name,
            "members": len(members),
            "quarter": [q_start.isoformat(), (q_end - timedelta(days=1)).isoformat()],
            "quarter_entries": quarter_rows,
            "quarter_totals": rank_rows,
        },
        "calls": args.calls,
        "warmup": args.warmup,
        "baseline_calls": len(wall["baseline"]),
        "read_seconds": round(read_seconds, 1),
        "same_top50_as_baseline": same,
        "reads": rows,
        "awards": awards,
        "batches": batches,
        "target_p95_ms": TARGET_P95_MS,
        "target_awards_per_s": TARGET_AWARDS_PER_S,
    }
    # The award target is met by the service as modules call it: batches (a meeting's
    # attendance, an exam's results) or single awards, whichever is faster here.
    report["awards_ok"] = awards["ok"] or batches["ok"]
    report["ok"] = all(r.get("ok", True) for r in rows) and report["awards_ok"] and same
    return report


def profile(fn, what: str) -> None:  # type: ignore[no-untyped-def]
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    print(f"\n-- profile of {what}")
    pstats.Stats(prof).sort_stats("cumulative").print_stats(35)


def db_version(connection) -> str:  # type: ignore[no-untyped-def]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("select sqlite_version()")
            return "SQLite " + cur.fetchone()[0]
        cur.execute("show server_version")
        return "PostgreSQL " + cur.fetchone()[0]


def print_one(rep: dict) -> None:
    db, h = rep["database"], rep["hospital"]
    print(
        f"\n== points on {db['version']}: {db['ledger_entries']:,} ledger entries, "
        f"{db['rollup_rows']:,} rollup rows =="
    )
    print(
        f"{h['name']} ({h['members']:,} members), quarter {h['quarter'][0]}..{h['quarter'][1]}: "
        f"{h['quarter_entries']:,} ledger entries, {h['quarter_totals']:,} quarter totals; "
        f"{rep['machine']}, load average {rep['loadavg_before'][0]} before / "
        f"{rep['loadavg_after'][0]} after"
    )
    head = (
        f"{'measure':<44} {'n':>5} {'min':>7} {'p50':>7} {'p95':>7} {'max':>7} {'cpu50':>6} "
        f"{'x base':>7} {'q':>3}  result"
    )
    print(head)
    print("-" * len(head))
    for r in rep["reads"]:
        if r["key"] == "baseline":
            verdict = "baseline" + ("" if rep["same_top50_as_baseline"] else " (rows DIFFER)")
        elif "ok" in r:
            verdict = "ok" if r["ok"] else f"MISS (p95 >= {r['target_p95_ms']:.0f} ms)"
        else:
            verdict = "info"
        print(
            f"{r['label']:<44} {r['n']:>5} {r['min_ms']:>7.1f} {r['p50_ms']:>7.1f} "
            f"{r['p95_ms']:>7.1f} {r['max_ms']:>7.1f} {r['cpu_p50_ms']:>6.1f} "
            f"{r['x_base_p50']:>7.3f} {r['queries']:>3}  {verdict}"
        )
    a = rep["awards"]
    print(
        f"{'points_award (per award)':<44} {a['n']:>5} {a['min_ms']:>7.1f} {a['p50_ms']:>7.1f} "
        f"{a['p95_ms']:>7.1f} {a['max_ms']:>7.1f} {a['cpu_p50_ms']:>6.1f} {'':>7} "
        f"{a['queries_per_award']:>3.0f}  {a['per_second']:.0f}/s "
        + ("ok" if a["ok"] else f"MISS (< {a['target_per_second']:.0f}/s)")
    )
    b = rep.get("batches")
    if b:
        print(
            f"{'points_award_many (per meeting)':<44} {b['n']:>5} {b['min_ms']:>7.1f} "
            f"{b['p50_ms']:>7.1f} {b['p95_ms']:>7.1f} {b['max_ms']:>7.1f} {b['cpu_p50_ms']:>6.1f} "
            f"{'':>7} {b['queries_per_meeting']:>3.0f}  {b['per_second']:.0f}/s "
            + ("ok" if b["ok"] else f"MISS (< {b['target_per_second']:.0f}/s)")
        )
        print(
            f"batches: {b['meetings']} meetings (whole branches, {b['mean_size']} members on "
            f"average) = {b['awards']} awards ({b['written']} wrote an entry) in "
            f"{b['seconds']:.1f}s = {b['per_second']:.0f}/s, one transaction per meeting"
        )
    f = a.get("commit_floor")
    if f:
        print(
            f"{'baseline: 1-row INSERT + COMMIT':<44} {f['n']:>5} {f['min_ms']:>7.1f} "
            f"{f['p50_ms']:>7.1f} {f['p95_ms']:>7.1f} {f['max_ms']:>7.1f} {f['cpu_p50_ms']:>6.1f} "
            f"{'':>7} {'':>3}  points_award p50 = {a['x_floor_p50']:.2f} x this"
        )
    o = a["outcomes"]
    print(
        f"awards: {a['n']} in {a['seconds']:.1f}s = {a['per_second']:.0f}/s; {o['full']} full, "
        f"{o['cut_by_cap']} cut by a cap, {o['nothing_capped']} nothing (cap reached), "
        f"{o['duplicate']} duplicates; ledger = year totals for {a['consistent_members']} awarded "
        f"members: {'yes' if a['consistent'] else 'NO'}"
    )
    w = a.get("by_outcome", {}).get("written")
    n = a.get("by_outcome", {}).get("not")
    if w:
        print(
            f"awards that wrote an entry: {w['n']}, p50 {w['p50_ms']:.1f} / p95 {w['p95_ms']:.1f} "
            f"ms, {a['written_per_second']:.0f}/s"
            + (f"; capped to nothing: {n['n']}, p50 {n['p50_ms']:.1f} ms" if n else "")
        )
    print(
        "(ms, wall clock; cpu50 = median CPU time of this process; 'x base' = p50 / baseline "
        "p50; q = queries per call)"
    )


def print_side_by_side(vendor: str, reports: list[dict]) -> None:  # noqa: C901
    if not reports:
        return
    # Named by the size pointsgen loaded (the ledger also holds earlier runs' awards).
    names = [
        fmt_entries(
            int(r["label"]) if str(r.get("label")).isdigit() else r["database"]["ledger_entries"]
        )
        for r in reports
    ]
    print(
        f"\n== points on {vendor}: p50 / p95 ms (x baseline p50) by ledger size; target p95 < "
        f"{TARGET_P95_MS:.0f} ms, awards >= {TARGET_AWARDS_PER_S:.0f}/s =="
    )
    head = f"{'measure':<44}" + "".join(f" {n:>26}" for n in names)
    if len(reports) > 1:
        head += f" {'growth p50':>11}"
    print(head)
    print("-" * len(head))
    for i, r0 in enumerate(reports[0]["reads"]):
        line = f"{r0['label']:<44}"
        for rep in reports:
            r = rep["reads"][i]
            mark = "" if r.get("ok", True) else " MISS"
            cell = f"{r['p50_ms']:.1f} / {r['p95_ms']:.1f} ({r['x_base_p50']:.3f}x){mark}"
            if r["key"] == "baseline":
                cell = f"{r['p50_ms']:.1f} / {r['p95_ms']:.1f} (n={r['n']})"
            line += f" {cell:>26}"
        if len(reports) > 1:
            g = reports[-1]["reads"][i]["p50_ms"] / reports[0]["reads"][i]["p50_ms"]
            line += f" {g:>10.1f}x"
        print(line)
    line = f"{'points_award: awards/s (p50 / p95 ms)':<44}"
    for rep in reports:
        a = rep["awards"]
        mark = "" if a["ok"] else " MISS"
        cell = f"{a['per_second']:.0f}/s ({a['p50_ms']:.1f} / {a['p95_ms']:.1f}){mark}"
        line += f" {cell:>26}"
    if len(reports) > 1:
        g = reports[-1]["awards"]["per_second"] / reports[0]["awards"]["per_second"]
        line += f" {g:>10.2f}x"
    print(line)
    line = f"{'  of which writing an entry: /s (p50 / p95)':<44}"
    for rep in reports:
        a = rep["awards"]
        w = a.get("by_outcome", {}).get("written")
        cell = (
            f"{w['n']}: {a['written_per_second']:.0f}/s ({w['p50_ms']:.1f} / {w['p95_ms']:.1f})"
            if w
            else "-"
        )
        line += f" {cell:>26}"
    print(line)
    line = f"{'points_award_many: awards/s (meeting p50/p95)':<44}"
    for rep in reports:
        b = rep.get("batches")
        cell = "-"
        if b:
            mark = "" if b["ok"] else " MISS"
            cell = f"{b['per_second']:.0f}/s ({b['p50_ms']:.1f} / {b['p95_ms']:.1f}){mark}"
        line += f" {cell:>26}"
    print(line)
    line = f"{'quarter entries the baseline sums':<44}"
    for rep in reports:
        line += f" {rep['hospital']['quarter_entries']:>26,}"
    print(line)
    for rep in reports:
        print(
            f"  {rep['database']['ledger_entries']:,} entries: {rep['when']}, load average "
            f"{rep['loadavg_before'][0]}→{rep['loadavg_after'][0]}, same top 50 as the baseline: "
            f"{'yes' if rep['same_top50_as_baseline'] else 'NO'}, "
            f"{rep['awards']['queries_per_award']:.1f} queries per award"
        )
    print("(growth = the largest size's p50 / the smallest's; awards: the ratio of awards/s)")


def fmt_entries(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.4g} M entries"
    return f"{n:,} entries"


def result_path(vendor: str, label: str) -> Path:
    return RESULTS / f"points_{vendor}_{label}.json"


def database_has_ledger(url: str) -> bool | None:
    """None: unreachable; False: no database or no ledger."""
    from pointsgen import has_rows

    return has_rows(url, "select 1 from points_pointentry limit 1", who="bench_points")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vendor", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--entries", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--database-url", help="measure this one database only")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/hongfan_bench"),
        help="PostgreSQL server and base name (the databases are <name>_points_<entries>)",
    )
    parser.add_argument("--label", help="file name part of the results (default: the entries)")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--baseline-calls", type=int, default=40)
    parser.add_argument("--awards", type=int, default=2000)
    parser.add_argument("--meetings", type=int, default=200, help="batches (whole branches)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", choices=["awards", "ranking"])
    parser.add_argument("--report", action="store_true", help="print the last results only")
    args = parser.parse_args()

    if args.database_url:
        if not args.label:
            import dj_database_url

            m = re_digits(str(dj_database_url.parse(args.database_url)["NAME"]))
            args.label = m or "db"
        report = measure(args)
        if not report:
            return
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = result_path(report["vendor"], args.label)
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
        print_one(report)
        print(f"written {out.relative_to(ROOT)}")
        sys.exit(0 if report["ok"] else 1)

    from pointsgen import target_url

    failed = []
    reports = []
    for n in sorted(args.entries):
        url = target_url(
            argparse.Namespace(database_url=None, vendor=args.vendor, entries=n, pg_url=args.pg_url)
        )
        if not args.report:
            present = database_has_ledger(url)
            if not present:
                print(
                    f"\nbench_points: no ledger in {url}; build it first: uv run python "
                    f"bench/pointsgen.py --vendor {args.vendor} --entries {n}"
                )
                failed.append(f"{n}: no database")
                continue
            cmd = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--database-url",
                url,
                "--label",
                str(n),
                "--calls",
                str(args.calls),
                "--warmup",
                str(args.warmup),
                "--baseline-calls",
                str(args.baseline_calls),
                "--awards",
                str(args.awards),
                "--meetings",
                str(args.meetings),
                "--seed",
                str(args.seed),
            ]
            env = dict(os.environ, DATABASE_URL=url, PYTHONUNBUFFERED="1")
            print(
                f"\n$ DATABASE_URL={url} python bench/bench_points.py --label {n} ...", flush=True
            )
            rc = subprocess.call(cmd, cwd=ROOT, env=env)
            if rc:
                failed.append(f"{n}: exit {rc}")
        path = result_path(args.vendor, str(n))
        if path.exists():
            reports.append(json.loads(path.read_text()))
    print_side_by_side(args.vendor, reports)
    if failed:
        print("bench_points: " + "; ".join(failed))
        sys.exit(1)


def re_digits(name: str) -> str | None:
    import re

    m = re.search(r"points_(\d+)", name)
    return m.group(1) if m else None


if __name__ == "__main__":
    main()
