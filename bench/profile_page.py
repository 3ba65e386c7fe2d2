"""Where one page's time goes, in-process: queries and a profile of one request.

Usage (from the project root)::

    uv run python bench/profile_page.py member /points/me/             # queries + cProfile
    uv run python bench/profile_page.py member /points/me/ --sql        # and every query
    uv run python bench/profile_page.py member /points/me/ --repeat 50   # CPU ms per request
    uv run python bench/profile_page.py - /accounts/login/              # anonymous
    uv run python bench/profile_page.py sec / --cold                    # as after a write

The request goes through Django's test Client (the whole middleware stack, templates and
database; no network) with DEBUG off, as the demo account (``-`` for anonymous), against
``--database-url`` (default the demo database). A few requests first warm the caches a
server's worker would have warm (templates, URL resolver, the per-process caches), then one
request is counted (CaptureQueriesContext) and ``--repeat`` are profiled with cProfile.
``--cold`` empties the per-process cache kept under the data stamp (``core.datastamp``: the
home page's tasks and panels, the 待办 badge) before every request, as a write anywhere does.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("user")
    parser.add_argument("path")
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'hongfan.sqlite3'}")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--filter", default="", help="only functions whose path matches")
    parser.add_argument("--cold", action="store_true", help="as if data changed before each")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongfan.settings")
    os.environ["HONGFAN_ENV"] = "dev"
    os.environ["HONGFAN_DEBUG"] = "false"
    os.environ["HONGFAN_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ.setdefault("HONGFAN_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from hongfan.accounts.models import User
    from hongfan.core import datastamp

    client = Client()
    if args.user != "-":
        client.force_login(User.objects.get(username=args.user))

    def get() -> int:
        if args.cold:
            datastamp.clear()
        response = client.get(args.path)
        close_old_connections()  # what a WSGI server does at request_finished
        return response.status_code

    for _ in range(3):
        status = get()
    print(f"GET {args.path} as {args.user}: {status}")
    if args.cold:
        datastamp.clear()
    with CaptureQueriesContext(connection) as ctx:
        client.get(args.path)
    close_old_connections()
    print(f"queries: {len(ctx.captured_queries)}")
    if args.sql:
        for q in ctx.captured_queries:
            print(f"  [{q['time']}] {q['sql'][:400]}")

    profile = cProfile.Profile()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    profile.enable()
    for _ in range(args.repeat):
        get()
    profile.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    print(f"function calls per request: {calls // args.repeat} (steadier than time on a busy box)")
    print(
        f"{args.repeat} requests under cProfile: {cpu * 1000 / args.repeat:.1f} ms CPU, "
        f"{wall * 1000 / args.repeat:.1f} ms wall per request (the profiler adds ~2x)"
    )
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(args.repeat):
        get()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    print(
        f"{args.repeat} requests unprofiled: {cpu * 1000 / args.repeat:.1f} ms CPU, "
        f"{wall * 1000 / args.repeat:.1f} ms wall per request"
    )
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(
        *([args.filter] if args.filter else []), args.top
    )
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
