"""Writes the demo's environment file (var/demo.env, mode 0600) once, with real random
secrets, so that `make demo` runs as production does (HONGFAN_ENV=prod requires them) and
keeps reading the same demo database on later runs. A key missing from an existing file is
added; existing values are never changed (the demo's personal data is encrypted with them).

    python deploy/demo_env.py [var/demo.env]
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

# name -> how to make its value. The demo is plain HTTP on 127.0.0.1: secure cookies (and
# with them the HTTPS redirect and HSTS) are off; its own database and task queue, apart from
# `make dev`'s (which uses the development keys).
VALUES: dict[str, Callable[[], str]] = {
    "HONGFAN_ENV": lambda: "prod",
    "HONGFAN_SECRET_KEY": lambda: secrets.token_urlsafe(64),
    "HONGFAN_PII_KEY": lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
    "HONGFAN_PII_HASH_KEY": lambda: secrets.token_urlsafe(32),
    "HONGFAN_AUDIT_CHAIN_KEY": lambda: secrets.token_urlsafe(32),
    "HONGFAN_SECURE_COOKIES": lambda: "false",
    "HONGFAN_ALLOWED_HOSTS": lambda: "127.0.0.1,localhost",
    "DATABASE_URL": lambda: "sqlite:///var/demo.sqlite3",
    "HONGFAN_HUEY_FILE": lambda: "var/demo-huey.sqlite3",
    "HONGFAN_STATIC_MANIFEST": lambda: "true",
}


def ensure(path: Path) -> list[str]:
    """Create or complete the file; the names added."""
    path.parent.mkdir(parents=True, exist_ok=True)
    present: set[str] = set()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, sep, _ = line.partition("=")
            if sep and not line.lstrip().startswith("#"):
                present.add(name.strip())
    added = [name for name in VALUES if name not in present]
    if added:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            if not present:
                out.write("# make demo's environment: generated once, keep it (git-ignored).\n")
            for name in added:
                out.write(f"{name}={VALUES[name]()}\n")
    os.chmod(path, 0o600)
    return added


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "var/demo.env")
    names = ensure(target)
    if names:
        print(f"{target}: wrote {', '.join(names)}")
