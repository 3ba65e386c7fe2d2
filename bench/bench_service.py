"""Volunteer service (为民服务) at city scale: the hospital and city service dashboards, the
brand page and the place register, timed with their query counts.

Usage (from the project root)::

    uv run python bench/bench_service.py                         # SQLite and PostgreSQL
    uv run python bench/bench_service.py --vendor sqlite
    uv run python bench/bench_service.py --database-url URL      # one database
    uv run python bench/bench_service.py --report                # the tables of the last results
    uv run python bench/bench_service.py --database-url URL --profile dash_large   # cProfile
    uv run python bench/bench_service.py --database-url URL --per-query sel_city   # each query

The databases are the ones bench/servicegen.py loads (``bench/var/service.sqlite3``,
``<BENCH_PG_URL name>_service``; build them first). For each the script runs itself once
(a child process with DATABASE_URL set, as run_all.py does). What a child measures, for the
current year (the year the pages open on) unless said otherwise:

- the hospital dashboard ``service:dashboard?hospital=&year=`` of the hospital with the
  most staff (济宁医学院附属医院: ~1,125 activities and ~37,000 hour entries in the year) as
  its hospital admin, and of the hospital with the fewest (济宁市口腔医院) as its admin;
- the city dashboard ``service:dashboard_city?year=`` as a city admin (30 hospitals, ~9,000
  activities, ~300,000 hour entries), and the same for the previous year, which
  servicegen loads at 1/10 of the volume;
- the brand page ``service:brand`` and the place register ``service:places`` of the
  largest and the smallest hospital (they aggregate the year too);
- the dashboards' selectors alone (``selectors.dashboard.hospital_dashboard`` for the
  largest hospital, ``city_dashboard``), on a kept connection;
- baselines in the same run: the anonymous login page, and a plain ``COUNT(*)`` of the
  largest hospital's hour entries of the year (what a single indexed aggregate costs on
  this machine now).

**Query-count growth check**: each page's queries for the large data set must equal those
for the small one (large vs small hospital; the city's full year vs the 1/10 year).

If the service app has no dashboard URLs yet (``service:dashboard`` does not resolve), a
**FALLBACK** is timed instead, clearly marked: the aggregate queries such a dashboard is
expected to run (per month and per branch for a hospital; per hospital for the city:
activities held, distinct places, hours from the ledger, people served, desk help, loans,
nursing bookings and the within-a-day share), one grouped query each.

Pages go through Django's test ``Client`` (the whole middleware stack, the view, the
selectors, the templates and the database) as the accounts servicegen creates
(``force_login``). Every measure gets ``--warmup`` untimed calls and then ``--requests``
timed ones, round-robin over all measures so that a burst of load from other processes is
spread over all of them. After every page the connection is handled as a WSGI server does
at ``request_finished`` (as bench_pages.py). Wall-clock and CPU time of this process are
both recorded (on PostgreSQL the server's work is in wall time only).

Target (issue 12): p95 < 150 ms for the hospital and city dashboards, with a query count
that does not grow with the rows. Results: a table per database and
bench/results/service_<vendor>.json; the exit status is 1 on a miss.
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

TARGET_P95_MS = 150.0
VENDORS = ("sqlite", "postgresql")
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/hongfan_bench")
# measures held to the target, and the measure whose query count must equal theirs
TARGETS = {"dash_large": "dash_small", "city": "city_prev"}
GROWTH = {"brand_large": "brand_small", "places_large": "places_small", "sel_hospital": "sel_hospital_small",
          "fb_hospital": "fb_hospital_small", "fb_city": "fb_city_prev",
          "prop_hospital": "prop_hospital_small"}  # fmt: skip

from bench_orglife import Call, Page, client_for, configure  # noqa: E402
from bench_points import db_version, stats  # noqa: E402

# --- the fallback: what a dashboard is expected to run ---------------------------------------------


def fallback_hospital(hospital_id: int, year: int) -> dict:
    """A hospital's year per month and per branch: one grouped query per figure."""
    from django.db.models import Count, F, Q, Sum
    from django.db.models.functions import ExtractMonth

    from hongfan.core.dates import year_bounds
    from hongfan.service.models import (
        Activity,
        DeskHelp,
        HourEntry,
        Loan,
        NursingBooking,
        ServiceRecord,
    )

    start, end = year_bounds(year)
    acts = Activity.objects.filter(
        hospital_id=hospital_id,
        status__in=["published", "closed"],
        starts_at__gte=start,
        starts_at__lt=end,
    )
    out: dict[str, Any] = {}
    out["acts_month"] = list(
        acts.annotate(m=ExtractMonth("starts_at")).order_by().values("m")
        .annotate(n=Count("id"), places=Count("place", distinct=True))
    )  # fmt: skip
    out["acts_branch"] = list(
        acts.order_by()
        .values("branch_id")
        .annotate(n=Count("id"), places=Count("place", distinct=True))
    )
    out["places"] = acts.exclude(place__isnull=True).values("place").distinct().count()
    entries = HourEntry.objects.filter(
        hospital_id=hospital_id, kind="service", occurred_on__year=year
    )
    out["hours_month"] = list(
        entries.annotate(m=ExtractMonth("occurred_on"))
        .order_by()
        .values("m")
        .annotate(h=Sum("hours"))
    )
    out["hours_branch"] = list(entries.order_by().values("branch_id").annotate(h=Sum("hours")))
    served = ServiceRecord.objects.filter(activity__in=acts)
    out["served_month"] = list(
        served.annotate(m=ExtractMonth("activity__starts_at")).order_by().values("m")
        .annotate(n=Sum("people_served"))
    )  # fmt: skip
    out["served_branch"] = list(
        served.order_by().values("activity__branch_id").annotate(n=Sum("people_served"))
    )
    out["help"] = list(
        DeskHelp.objects.filter(hospital_id=hospital_id, occurred_at__gte=start, occurred_at__lt=end)
        .annotate(m=ExtractMonth("occurred_at")).order_by().values("m").annotate(n=Sum("count"))
    )  # fmt: skip
    out["loans"] = list(
        Loan.objects.filter(hospital_id=hospital_id, lent_at__gte=start, lent_at__lt=end)
        .annotate(m=ExtractMonth("lent_at")).order_by().values("m").annotate(n=Count("id"))
    )  # fmt: skip
    from datetime import timedelta

    out["nursing"] = list(
        NursingBooking.objects.filter(hospital_id=hospital_id, requested_at__gte=start, requested_at__lt=end)
        .annotate(m=ExtractMonth("requested_at")).order_by().values("m")
        .annotate(n=Count("id"), v=Count("id", filter=Q(arrived_at__isnull=False)),
                  t=Count("id", filter=Q(arrived_at__lte=F("requested_at") + timedelta(hours=24))))
    )  # fmt: skip
    return out


def fallback_city(hospital_ids: list[int], year: int) -> dict:
    """The city's year per hospital: one grouped query per figure."""
    from datetime import timedelta

    from django.db.models import Count, F, Q, Sum

    from hongfan.core.dates import year_bounds
    from hongfan.service.models import (
        Activity,
        DeskHelp,
        HourEntry,
        Loan,
        NursingBooking,
        ServiceRecord,
    )

    start, end = year_bounds(year)
    acts = Activity.objects.filter(
        hospital_id__in=hospital_ids,
        status__in=["published", "closed"],
        starts_at__gte=start,
        starts_at__lt=end,
    )
    return {
        "acts": list(
            acts.order_by().values("hospital_id").annotate(n=Count("id"), places=Count("place", distinct=True))
        ),
        "hours": list(
            HourEntry.objects.filter(hospital_id__in=hospital_ids, kind="service", occurred_on__year=year)
            .order_by().values("hospital_id").annotate(h=Sum("hours"))
        ),
        "served": list(
            ServiceRecord.objects.filter(activity__in=acts).order_by().values("activity__hospital_id")
            .annotate(n=Sum("people_served"))
        ),
        "help": list(
            DeskHelp.objects.filter(hospital_id__in=hospital_ids, occurred_at__gte=start, occurred_at__lt=end)
            .order_by().values("hospital_id").annotate(n=Sum("count"))
        ),
        "loans": list(
            Loan.objects.filter(hospital_id__in=hospital_ids, lent_at__gte=start, lent_at__lt=end)
            .order_by().values("hospital_id").annotate(n=Count("id"))
        ),
        "nursing": list(
            NursingBooking.objects.filter(hospital_id__in=hospital_ids, requested_at__gte=start, requested_at__lt=end)
            .order_by().values("hospital_id")
            .annotate(n=Count("id"), v=Count("id", filter=Q(arrived_at__isnull=False)),
                      t=Count("id", filter=Q(arrived_at__lte=F("requested_at") + timedelta(hours=24))))
        ),
    }  # fmt: skip


# --- PROPOSED: the dashboards' selectors without per-row functions (to measure the gain) -----------
#
# Since the dashboards took these proposals (and the monthly tally, HourTally), these stay as an
# independent check of their figures: computed from the raw rows and the ledger itself (hours per
# day from HourEntry, nursing with the rule in force today and date arithmetic), they must equal
# what ``selectors.dashboard`` shows from the tally and the stored ``due_at``.
#
# The same figures as ``selectors.dashboard`` computes (checked against it in every run:
# ``proposed_matches`` in the results), but: per-month figures as twelve conditional
# aggregates over local month boundaries computed in Python (no ExtractMonth: on SQLite that
# is a Python function called for every row); hours per month grouped by the day and folded
# into months in Python; the city's hours from the yearly rollup (HourTotal, one row per
# person and kind) instead of the ledger; people served joined on the activity's own filters
# instead of ``activity_id IN (subquery)``.


def _month_bounds(year: int) -> list:
    from datetime import date, datetime, time

    from django.utils import timezone

    tz = timezone.get_current_timezone()
    return [
        datetime.combine(date(year + (m > 12), (m - 1) % 12 + 1, 1), time.min, tzinfo=tz)
        for m in range(1, 14)
    ]


def _monthly(field: str, bounds: list, agg, name: str, also=None) -> dict:  # type: ignore[no-untyped-def]
    from django.db.models import Q

    out = {}
    for m in range(1, 13):
        q = Q(**{f"{field}__gte": bounds[m - 1], f"{field}__lt": bounds[m]})
        out[f"{name}{m}"] = agg(filter=q & also if also is not None else q)
    return out


def proposed_hospital(hospital, year: int) -> dict:  # type: ignore[no-untyped-def]
    """Per month: activities, places, people served, hours, desk help, loans, nursing
    (made, visited, in time); per branch: activities, places, people served, hours."""
    from collections import defaultdict
    from datetime import timedelta
    from functools import partial

    from django.db.models import Count, F, Q, Sum
    from django.utils import timezone

    from hongfan.service.choices import HourKind
    from hongfan.service.models import (
        Activity,
        DeskHelp,
        HourEntry,
        Loan,
        NursingBooking,
        ServiceRecord,
    )
    from hongfan.service.selectors.brand import held
    from hongfan.service.selectors.rules import nursing_rule_for

    b = _month_bounds(year)
    start, end = b[0], b[12]
    now = timezone.now()
    promise = nursing_rule_for(hospital.authority_id, timezone.localdate()).promise_hours
    acts = Activity.objects.filter(
        held(now), hospital=hospital, starts_at__gte=start, starts_at__lt=end
    )
    a = acts.aggregate(
        **_monthly("starts_at", b, partial(Count, "id"), "n"),
        **_monthly("starts_at", b, partial(Count, "place", distinct=True), "p"),
        places=Count("place", distinct=True),
    )
    served = ServiceRecord.objects.filter(
        activity__hospital=hospital, activity__starts_at__gte=start, activity__starts_at__lt=end,
        activity__status__in=["published", "closed"], activity__starts_at__lte=now,
    )  # fmt: skip
    s = served.aggregate(**_monthly("activity__starts_at", b, partial(Sum, "people_served"), "s"))
    entries = HourEntry.objects.filter(
        hospital=hospital,
        kind=HourKind.SERVICE,
        occurred_on__gte=start.date(),
        occurred_on__lt=end.date(),
    )
    hours: dict = defaultdict(int)
    for day, h in entries.order_by().values_list("occurred_on").annotate(h=Sum("hours")):
        hours[day.month] += h
    help_ = DeskHelp.objects.filter(
        hospital=hospital, occurred_at__gte=start, occurred_at__lt=end
    ).aggregate(**_monthly("occurred_at", b, partial(Sum, "count"), "h"))
    loans = Loan.objects.filter(hospital=hospital, lent_at__gte=start, lent_at__lt=end).aggregate(
        **_monthly("lent_at", b, partial(Count, "id"), "l")
    )
    in_time = Q(arrived_at__lte=F("requested_at") + timedelta(hours=promise))
    nursing = NursingBooking.objects.filter(
        hospital=hospital, requested_at__gte=start, requested_at__lt=end
    ).aggregate(
        **_monthly("requested_at", b, partial(Count, "id"), "n"),
        **_monthly("requested_at", b, partial(Count, "id"), "v", also=Q(arrived_at__isnull=False)),
        **_monthly("requested_at", b, partial(Count, "id"), "t", also=in_time),
    )
    months = [
        (m, a[f"n{m}"], a[f"p{m}"], s[f"s{m}"] or 0, hours.get(m, 0), help_[f"h{m}"] or 0, loans[f"l{m}"],
         nursing[f"n{m}"], nursing[f"v{m}"], nursing[f"t{m}"])
        for m in range(1, 13)
    ]  # fmt: skip
    by_branch = {
        "acts": {r[0]: r[1:] for r in acts.order_by().values_list("branch_id").annotate(n=Count("id"), p=Count("place", distinct=True))},
        "served": dict(served.order_by().values_list("activity__branch_id").annotate(n=Sum("people_served"))),
        "hours": dict(entries.order_by().values_list("branch_id").annotate(n=Sum("hours"))),
    }  # fmt: skip
    return {"months": months, "places": a["places"], "branches": by_branch}


def proposed_city(hospitals: list, year: int) -> dict:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.db.models import Count, F, Q, Sum
    from django.utils import timezone

    from hongfan.service.choices import HourKind
    from hongfan.service.models import (
        Activity,
        DeskHelp,
        HourTotal,
        Loan,
        NursingBooking,
        ServiceRecord,
    )
    from hongfan.service.selectors.brand import held
    from hongfan.service.selectors.rules import nursing_rule_for

    b = _month_bounds(year)
    start, end = b[0], b[12]
    now = timezone.now()
    ids = [h.pk for h in hospitals]
    promise = nursing_rule_for(hospitals[0].authority_id, timezone.localdate()).promise_hours
    acts = Activity.objects.filter(
        held(now), hospital_id__in=ids, starts_at__gte=start, starts_at__lt=end
    )
    return {
        "acts": {r[0]: r[1:] for r in acts.order_by().values_list("hospital_id").annotate(n=Count("id"), p=Count("place", distinct=True))},
        "served": dict(
            ServiceRecord.objects.filter(
                activity__hospital_id__in=ids, activity__starts_at__gte=start, activity__starts_at__lt=end,
                activity__status__in=["published", "closed"], activity__starts_at__lte=now,
            ).order_by().values_list("activity__hospital_id").annotate(n=Sum("people_served"))
        ),
        "hours": dict(
            HourTotal.objects.filter(hospital_id__in=ids, year=year, kind=HourKind.SERVICE)
            .order_by().values_list("hospital_id").annotate(n=Sum("hours"))
        ),
        "help": dict(
            DeskHelp.objects.filter(hospital_id__in=ids, occurred_at__gte=start, occurred_at__lt=end)
            .order_by().values_list("hospital_id").annotate(n=Sum("count"))
        ),
        "loans": dict(
            Loan.objects.filter(hospital_id__in=ids, lent_at__gte=start, lent_at__lt=end)
            .order_by().values_list("hospital_id").annotate(n=Count("id"))
        ),
        "nursing": {r[0]: r[1:] for r in NursingBooking.objects.filter(
            hospital_id__in=ids, requested_at__gte=start, requested_at__lt=end
        ).order_by().values_list("hospital_id").annotate(
            n=Count("id"), v=Count("id", filter=Q(arrived_at__isnull=False)),
            t=Count("id", filter=Q(arrived_at__lte=F("requested_at") + timedelta(hours=promise))),
        )},
    }  # fmt: skip


def proposed_matches(hospital, hospitals: list, authority, year: int) -> dict:  # type: ignore[no-untyped-def]
    """Whether the proposed selectors give the figures ``selectors.dashboard`` gives."""
    from hongfan.service.selectors import dashboard as dash

    d = dash.hospital_dashboard(hospital=hospital, year=year)
    p = proposed_hospital(hospital, year)
    mine = [tuple(float(x) for x in row[1:]) for row in p["months"]]
    theirs = [
        tuple(float(x) for x in (ln.activities, ln.places, ln.people_served, ln.hours, ln.desk_help, ln.loans,
                                 ln.nursing, ln.nursing_visited, ln.nursing_in_time))
        for ln in d.lines
    ]  # fmt: skip
    c = dash.city_dashboard(authority=authority, hospitals=hospitals, year=year)
    pc = proposed_city(hospitals, year)
    city_mine = [
        (float((pc["acts"].get(h.pk) or (0, 0))[0]), float(pc["served"].get(h.pk) or 0), float(pc["hours"].get(h.pk) or 0),
         float(pc["help"].get(h.pk) or 0), float(pc["loans"].get(h.pk) or 0), float((pc["nursing"].get(h.pk) or (0,))[0]))
        for h in hospitals
    ]  # fmt: skip
    city_theirs = [
        (float(ln.activities), float(ln.people_served), float(ln.hours), float(ln.desk_help), float(ln.loans), float(ln.nursing))
        for ln in c.lines
    ]  # fmt: skip
    return {
        "hospital_months": mine == theirs,
        "hospital_places": p["places"] == d.total.places,
        "city": city_mine == city_theirs,
    }


# --- one database ---------------------------------------------------------------------------------


def has_url(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


# Indexes the README proposes (the hours and desks parts' models); ``--with-indexes`` creates
# them for one run and drops them afterwards (the bench database stays as migrated).
PROPOSED_INDEXES = {
    "bench_prop_hourentry": (
        "service_hourentry",
        "hospital_id, kind, occurred_on, branch_id, hours",
    ),
    "bench_prop_deskhelp": ("service_deskhelp", "hospital_id, occurred_at, count"),
}


def proposed_indexes(create: bool) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for name, (table, cols) in PROPOSED_INDEXES.items():
            if create:
                cur.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({cols})")
                cur.execute(f"ANALYZE {table}")
            else:
                cur.execute(f"DROP INDEX IF EXISTS {name}")


def measure(args: argparse.Namespace) -> dict:
    configure(args.database_url)
    if not args.with_indexes:
        return measure_one(args)
    proposed_indexes(create=True)
    try:
        report = measure_one(args)
    finally:
        proposed_indexes(create=False)
    if report:
        report["label"] = "with the proposed indexes"
    return report


def measure_one(args: argparse.Namespace) -> dict:  # noqa: C901, PLR0915
    load_before = os.getloadavg()
    from django.conf import settings
    from django.db import connection
    from django.urls import reverse
    from servicegen import TOKEN_PREFIX, ensure_bench_users

    from hongfan.accounts.models import User
    from hongfan.core.access import access_for
    from hongfan.core.dates import today as today_fn
    from hongfan.core.dates import year_bounds
    from hongfan.org.models import Authority, Hospital
    from hongfan.service.models import Activity, HourEntry

    vendor = connection.vendor
    if not Activity.objects.filter(checkin_token__startswith=TOKEN_PREFIX).exists():
        raise SystemExit("bench_service: no activities loaded; run bench/servicegen.py first")
    users = ensure_bench_users()
    large = Hospital.objects.get(pk=users["bench_service_admin_large"]["hospital_id"])
    small = Hospital.objects.get(pk=users["bench_service_admin_small"]["hospital_id"])
    day = today_fn()
    year = day.year

    def year_info(y: int, hospital: Hospital | None = None) -> dict:
        start, end = year_bounds(y)
        acts = Activity.objects.filter(starts_at__gte=start, starts_at__lt=end)
        entries = HourEntry.objects.filter(occurred_on__year=y)
        if hospital is not None:
            acts, entries = acts.filter(hospital=hospital), entries.filter(hospital=hospital)
        return {"activities": acts.count(), "hour_entries": entries.count()}

    info = {
        "year": year,
        "today": day.isoformat(),
        "city": year_info(year),
        "city_prev": year_info(year - 1),
        "large": {"id": large.pk, "name": large.name, **year_info(year, large)},
        "small": {"id": small.pk, "name": small.name, **year_info(year, small)},
    }
    real = has_url("service:dashboard") and has_url("service:dashboard_city")
    info["mode"] = "pages" if real else "FALLBACK (no dashboard URLs in the service app yet)"
    start, end = year_bounds(year)
    measures: dict[str, tuple[str, Any]] = {
        "login": (
            "login page (baseline, anonymous)",
            Page(client_for(None), reverse("accounts:login")),
        ),
        "count": (
            "COUNT(*) hour entries, large, year (baseline)",
            Call(
                lambda: HourEntry.objects.filter(
                    hospital=large, occurred_on__gte=start.date(), occurred_on__lt=end.date()
                ).count()
            ),
        ),  # fmt: skip
    }
    admin_l, admin_s, city_c = (
        client_for("bench_service_admin_large"),
        client_for("bench_service_admin_small"),
        client_for("bench_service_city"),
    )
    if real:
        from hongfan.service.selectors import dashboard as dash

        dash_url, city_url = reverse("service:dashboard"), reverse("service:dashboard_city")
        city_access = access_for(User.objects.get(username="bench_service_city"))
        authority = Authority.objects.get(pk=large.authority_id)
        from hongfan.org.selectors.hospitals import hospital_qs

        city_hospitals = list(
            hospital_qs(access=city_access).filter(authority=authority).order_by("pk")
        )
        measures.update({
            "dash_large": (f"hospital dashboard, {large.short_name or large.name}",
                           Page(admin_l, f"{dash_url}?hospital={large.pk}&year={year}")),
            "dash_small": (f"hospital dashboard, {small.short_name or small.name}",
                           Page(admin_s, f"{dash_url}?hospital={small.pk}&year={year}")),
            "city": (f"city dashboard, {year} (30 hospitals)", Page(city_c, f"{city_url}?year={year}")),
            "city_prev": (f"city dashboard, {year - 1} (1/10 load)", Page(city_c, f"{city_url}?year={year - 1}")),
        })  # fmt: skip
        if has_url("service:brand"):
            b = reverse("service:brand")
            measures["brand_large"] = (
                "brand page, large",
                Page(admin_l, f"{b}?hospital={large.pk}&year={year}"),
            )
            measures["brand_small"] = (
                "brand page, small",
                Page(admin_s, f"{b}?hospital={small.pk}&year={year}"),
            )
        if has_url("service:places"):
            p = reverse("service:places")
            measures["places_large"] = (
                "place register, large",
                Page(admin_l, f"{p}?hospital={large.pk}&year={year}"),
            )
            measures["places_small"] = (
                "place register, small",
                Page(admin_s, f"{p}?hospital={small.pk}&year={year}"),
            )
        measures["sel_hospital"] = (
            "hospital_dashboard() alone, large",
            Call(lambda: dash.hospital_dashboard(hospital=large, year=year)),
        )
        measures["sel_hospital_small"] = (
            "hospital_dashboard() alone, small",
            Call(lambda: dash.hospital_dashboard(hospital=small, year=year)),
        )
        measures["sel_city"] = (
            "city_dashboard() alone",
            Call(
                lambda: dash.city_dashboard(
                    authority=authority, hospitals=city_hospitals, year=year
                )
            ),
        )
        measures["prop_hospital"] = (
            "PROPOSED hospital selectors, large",
            Call(lambda: proposed_hospital(large, year)),
        )
        measures["prop_hospital_small"] = (
            "PROPOSED hospital selectors, small",
            Call(lambda: proposed_hospital(small, year)),
        )
        measures["prop_city"] = (
            "PROPOSED city selectors",
            Call(lambda: proposed_city(city_hospitals, year)),
        )
        info["proposed_matches"] = proposed_matches(large, city_hospitals, authority, year)
    else:
        ids = list(Hospital.objects.order_by("pk").values_list("pk", flat=True))
        measures.update({
            "fb_hospital": ("FALLBACK hospital aggregates, large", Call(lambda: fallback_hospital(large.pk, year))),
            "fb_hospital_small": ("FALLBACK hospital aggregates, small", Call(lambda: fallback_hospital(small.pk, year))),
            "fb_city": (f"FALLBACK city aggregates, {year}", Call(lambda: fallback_city(ids, year))),
            "fb_city_prev": (f"FALLBACK city aggregates, {year - 1} (1/10)", Call(lambda: fallback_city(ids, year - 1))),
        })  # fmt: skip

    if args.per_query:
        per_query(measures[args.per_query][1])
        return {}

    if args.profile:
        import cProfile
        import pstats

        _label, fn = measures[args.profile]
        for _ in range(3):
            if isinstance(fn, Call):
                fn.prepare()
            fn()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.profile_calls):
            fn()
        prof.disable()
        print(f"\n-- profile of {args.profile_calls} x {args.profile} on {vendor}")
        pstats.Stats(prof).sort_stats(args.profile_sort).print_stats(args.profile_lines)
        return {}

    for _key, (_label, fn) in measures.items():
        for _ in range(args.warmup):
            if isinstance(fn, Call):
                fn.prepare()
            fn()
    wall: dict[str, list[float]] = {k: [] for k in measures}
    cpu: dict[str, list[float]] = {k: [] for k in measures}
    started = time.monotonic()
    for _i in range(args.requests):
        for key, (_label, fn) in measures.items():
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
        r["x_count_p50"] = round(r["p50_ms"] / by_key["count"]["p50_ms"], 1)
    growth_equal = True
    for key, other in {**TARGETS, **GROWTH}.items():
        if key in by_key and other in by_key:
            by_key[key]["small_queries"] = by_key[other]["queries"]
            equal = by_key[key]["queries"] == by_key[other]["queries"]
            by_key[key]["growth_equal"] = equal
            growth_equal = growth_equal and equal
    for key in (*TARGETS, "fb_hospital", "fb_city"):
        if key in by_key:
            r = by_key[key]
            r["target_p95_ms"] = TARGET_P95_MS
            r["ok"] = r["p95_ms"] < TARGET_P95_MS and r.get("growth_equal", True)
    for key in GROWTH:
        if key in by_key and key not in TARGETS and "ok" not in by_key[key]:
            by_key[key]["growth_only"] = True
            by_key[key]["ok"] = by_key[key].get("growth_equal", True)

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


def per_query(fn) -> None:  # type: ignore[no-untyped-def]
    """Each query of one call of ``fn``, run again to its last row three times: wall and CPU
    ms (on SQLite the rows are computed while they are fetched, so timing ``execute`` alone
    would miss most of the work)."""
    from django.db import connection

    caught: list = []

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        caught.append((sql, params))
        return execute(sql, params, many, context)

    if isinstance(fn, Call):
        fn.prepare()
    with connection.execute_wrapper(wrapper):
        fn()
    total = 0.0
    print(f"{'wall':>7} {'cpu':>7} {'rows':>6}  query")
    for sql, params in caught:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            cur.fetchall()
            c, w = time.process_time(), time.perf_counter()
            for _ in range(3):
                cur.execute(sql, params)
                rows = cur.fetchall()
            cpu = (time.process_time() - c) * 1000 / 3
            total += cpu
            print(
                f"{(time.perf_counter() - w) * 1000 / 3:7.1f} {cpu:7.1f} {len(rows):>6}  {sql[:150]}"
            )
    print(f"{len(caught)} queries, {total:.1f} ms CPU in all")


# --- tables ---------------------------------------------------------------------------------------


def verdict(r: dict) -> str:
    if r["key"] in ("login", "count"):
        return "baseline"
    if "ok" not in r:
        return "info"
    v = "ok" if r["ok"] else "MISS"
    if "target_p95_ms" in r and not r["p95_ms"] < r["target_p95_ms"]:
        v += f" (p95 >= {r['target_p95_ms']:.0f} ms)"
    if not r.get("growth_equal", True):
        v += " (queries grow)"
    if r.get("growth_only") and r["ok"]:
        v = "info, queries equal"
    return v


def print_one(rep: dict) -> None:
    d = rep["data"]
    print(
        f"\n== service on {rep['database']['version']} ({d['mode']}"
        + (f", {rep['label']}" if rep.get("label") else "")
        + f"): {d['year']}: "
        f"{d['city']['activities']:,} activities, {d['city']['hour_entries']:,} hour entries; "
        f"{d['year'] - 1}: {d['city_prev']['activities']:,} / {d['city_prev']['hour_entries']:,}; "
        f"{rep['requests']} calls after {rep['warmup']} warm-up =="
    )
    print(
        f"{rep['machine']}, load average {rep['loadavg_before'][0]} before / "
        f"{rep['loadavg_after'][0]} after; DEBUG={rep['debug']}, CONN_MAX_AGE={rep['conn_max_age']}"
    )
    lg, sm = d["large"], d["small"]
    print(
        f"large: {lg['name']} ({lg['activities']:,} activities, {lg['hour_entries']:,} hour entries in "
        f"{d['year']}); small: {sm['name']} ({sm['activities']:,} / {sm['hour_entries']:,})"
    )
    head = (
        f"{'measure':<46} {'n':>3} {'min':>6} {'p50':>7} {'p95':>7} {'max':>7} {'cpu50':>6} "
        f"{'x base':>7} {'x cnt':>6} {'KB':>5} {'queries':>8} {'small':>6}  result"
    )
    print(head)
    print("-" * len(head))
    for r in rep["measures"]:
        kb = f"{r['bytes'] / 1024:.0f}" if "bytes" in r else ""
        print(
            f"{r['label']:<46} {r['n']:>3} {r['min_ms']:>6.1f} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} "
            f"{r['max_ms']:>7.1f} {r['cpu_p50_ms']:>6.1f} {r['x_base_p50']:>7.1f} {r['x_count_p50']:>6.1f} "
            f"{kb:>5} {r['queries']:>8} {r.get('small_queries', ''):>6}  {verdict(r)}"
        )
    print(
        "(ms, wall clock; cpu50 = CPU time of this process; 'x base' = p50 / login-page p50; "
        "'x cnt' = p50 / the COUNT(*) baseline's p50; 'small' = queries of the same for the small "
        "hospital or the 1/10 year)"
    )


def print_side_by_side(reports: list[dict]) -> None:
    if not reports:
        return
    print(
        "\n== service: p50 / p95 ms (x login p50), queries large=small; target p95 < "
        f"{TARGET_P95_MS:.0f} ms for the dashboards, queries equal at both data sizes =="
    )
    head = f"{'measure':<46}" + "".join(f" {r['vendor']:>36}" for r in reports)
    print(head)
    print("-" * len(head))
    keys = [r["key"] for r in reports[0]["measures"]]
    for key in keys:
        line = f"{next(r['label'] for r in reports[0]['measures'] if r['key'] == key):<46}"
        for rep in reports:
            r = next((x for x in rep["measures"] if x["key"] == key), None)
            if r is None:
                line += f" {'-':>36}"
                continue
            q = f"q{r['queries']}" + (f"={r['small_queries']}" if "small_queries" in r else "")
            if not r.get("growth_equal", True):
                q = f"q{r['queries']}!={r['small_queries']}"
            mark = "" if r.get("ok", True) else " MISS"
            cell = f"{r['p50_ms']:.0f} / {r['p95_ms']:.0f} ({r['x_base_p50']:.0f}x) {q}{mark}"
            line += f" {cell:>36}"
        print(line)
    for rep in reports:
        print(
            f"  {rep['vendor']}: {rep['when']}, load average {rep['loadavg_before'][0]}→"
            f"{rep['loadavg_after'][0]} on {rep['machine']}, {rep['data']['mode']}"
            + (f", {rep['label']}" if rep.get("label") else "")
        )


# --- the parent -----------------------------------------------------------------------------------


def result_path(vendor: str, indexes: bool = False) -> Path:
    return RESULTS / f"service_{vendor}{'_indexes' if indexes else ''}.json"


def database_has_activities(url: str) -> bool | None:
    """None: server unreachable; False: no database or no loaded activities."""
    from pointsgen import has_rows
    from servicegen import TOKEN_PREFIX

    sql = f"select 1 from service_activity where checkin_token like '{TOKEN_PREFIX}%' limit 1"
    return has_rows(url, sql, who="bench_service")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vendor", choices=VENDORS, nargs="+", default=list(VENDORS))
    parser.add_argument("--database-url", help="measure this one database only")
    parser.add_argument(
        "--pg-url", default=PG_URL, help="PostgreSQL server and base name (<name>_service)"
    )
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--profile", help="with --database-url: cProfile one measure (its key) instead of timing"
    )
    parser.add_argument(
        "--with-indexes",
        action="store_true",
        help="create the proposed indexes for this run (dropped after); results "
        "service_<vendor>_indexes.json",
    )
    parser.add_argument(
        "--per-query", metavar="KEY", help="with --database-url: each query of one measure, timed"
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
        out = result_path(report["vendor"], args.with_indexes)
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
        print_one(report)
        print(f"written {out.relative_to(ROOT)}")
        sys.exit(0 if report["ok"] else 1)

    from servicegen import target_url

    failed = []
    reports = []
    for vendor in args.vendor:
        url = target_url(argparse.Namespace(database_url=None, vendor=vendor, pg_url=args.pg_url))
        if not args.report:
            present = database_has_activities(url)
            if not present:
                print(
                    f"\nbench_service: no activities in {url}; load them first: uv run python "
                    f"bench/servicegen.py --vendor {vendor}"
                )
                failed.append(f"{vendor}: {'unreachable' if present is None else 'no data'}")
                continue
            cmd = [sys.executable, str(Path(__file__).resolve()), "--database-url", url,
                   "--requests", str(args.requests), "--warmup", str(args.warmup)]  # fmt: skip
            if args.with_indexes:
                cmd.append("--with-indexes")
            env = dict(os.environ, DATABASE_URL=url, PYTHONUNBUFFERED="1")
            # no access line per request on the console (~800 per database)
            env.setdefault("HONGFAN_ACCESS_LOG_LEVEL", "WARNING")
            print(f"\n$ DATABASE_URL={url} python bench/bench_service.py ...", flush=True)
            rc = subprocess.call(cmd, cwd=ROOT, env=env)
            if rc:
                failed.append(f"{vendor}: exit {rc}")
        path = result_path(vendor, args.with_indexes)
        if path.exists():
            rep = json.loads(path.read_text())
            if args.report:
                print_one(rep)
            reports.append(rep)
    print_side_by_side(reports)
    if failed:
        print("bench_service: " + "; ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
