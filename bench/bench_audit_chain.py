"""Cost of the audit chain: time to write N audit rows with and without sealing.

    DATABASE_URL=sqlite:////tmp/bench-audit.sqlite3 uv run python bench/bench_audit_chain.py [N]

Uses the configured database (migrated first); prints a table and writes
bench/results/audit_chain_<vendor>.json. Each row is one ``audit_log`` call in its own transaction,
as a request writes it. "without" disconnects the sealing receiver for the run.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongfan.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models.signals import post_save  # noqa: E402

from hongfan.core import audit  # noqa: E402
from hongfan.core.models import AuditAction, AuditEvent  # noqa: E402


def write(n: int, tag: str) -> float:
    start = time.perf_counter()
    for i in range(n):
        audit.audit_log(action=AuditAction.EXPORT, username=f"bench-{tag}", what="x", i=i)
    return time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    call_command("migrate", verbosity=0)
    write(200, "warm")
    post_save.disconnect(sender=AuditEvent, dispatch_uid="audit_chain_event")
    try:
        without = write(n, "plain")
    finally:
        audit.connect_signals()
    with_chain = write(n, "chain")
    start = time.perf_counter()
    report = audit.chain_verify()
    verify = time.perf_counter() - start
    result = {
        "database": connection.vendor,
        "rows": n,
        "without_chain_s": round(without, 3),
        "with_chain_s": round(with_chain, 3),
        "ratio": round(with_chain / without, 2),
        "per_row_ms_without": round(without / n * 1000, 3),
        "per_row_ms_with": round(with_chain / n * 1000, 3),
        "verify_links": report.links,
        "verify_s": round(verify, 3),
        "verify_links_per_s": round(report.links / verify) if verify else None,
        "note": "the unsealed rows written by the 'without' run show as inserted rows to "
        "auditverify; use a throw-away database",
    }
    print(f"{'':24}{'seconds':>10}{'ms/row':>10}")
    print(f"{'without chain':24}{without:>10.2f}{without / n * 1000:>10.3f}")
    print(f"{'with chain':24}{with_chain:>10.2f}{with_chain / n * 1000:>10.3f}")
    print(f"ratio {result['ratio']}x; verify {report.links} links in {verify:.2f}s")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"audit_chain_{connection.vendor}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
