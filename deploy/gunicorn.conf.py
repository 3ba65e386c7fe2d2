"""gunicorn's configuration for Hongfan: the one place the production web server is set up
(`make serve`, `make demo`, deploy/hongfan-web.service and CI's prodserver stage all start
`gunicorn -c deploy/gunicorn.conf.py`). Why gunicorn with gthread workers:
docs/decisions/0011-production-server.md.

Environment (every value has a default; a bad one stops the start-up):
  HOST, PORT                   where to listen (127.0.0.1:8000); nginx sits in front
  HONGFAN_WEB_BIND             or a full bind, e.g. unix:/run/hongfan/web.sock
  HONGFAN_WEB_WORKERS          processes (2 x CPUs + 1, at most 8)
  HONGFAN_WEB_THREADS          threads per process (4)
  HONGFAN_WEB_TIMEOUT          seconds before a stuck worker is killed and restarted (60)
  HONGFAN_FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-Proto (127.0.0.1,::1)
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise SystemExit(f"{name} must be >= {minimum}, got {value}")
    return value


wsgi_app = "hongfan.wsgi:application"
bind = [
    os.environ.get("HONGFAN_WEB_BIND")
    or f"{os.environ.get('HOST') or '127.0.0.1'}:{_int('PORT', 8000)}"
]

# Each process holds one copy of Django (~100 MB); the threads overlap waits on the database,
# Redis and the network, and keep browsers' connections alive between requests.
worker_class = "gthread"
workers = _int("HONGFAN_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8))
threads = _int("HONGFAN_WEB_THREADS", 4)
timeout = _int("HONGFAN_WEB_TIMEOUT", 60)  # an import is cut at HONGFAN_IMPORT_MAX_SECONDS
graceful_timeout = 30
keepalive = 5
# A process is replaced after this many requests (any slow leak stays bounded); the jitter
# keeps the processes from restarting together.
max_requests = 2000
max_requests_jitter = 200

# Logging: the access log is Django's own (one structured line per request, with the request
# id and no personal data); gunicorn's error log (start, stop, worker deaths) to stderr,
# which systemd's journal or `make serve`'s terminal keeps.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("HONGFAN_WEB_LOG_LEVEL", "info")
capture_output = False

# X-Forwarded-Proto is believed only from nginx on this box; Django's own proxy settings
# (HONGFAN_BEHIND_PROXY) decide what the application trusts.
forwarded_allow_ips = os.environ.get("HONGFAN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "hongfan-web"
# gunicorn's control socket (gunicornc) is not used: systemd and signals manage the server,
# and no extra socket is left in the service account's home.
control_socket_disable = True
