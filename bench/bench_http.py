"""Pages under load, end to end: the production server, real HTTP, concurrent clients.

Usage (from the project root)::

    uv run python bench/bench_http.py                               # gunicorn, demo database
    uv run python bench/bench_http.py --database-url postgres://postgres@127.0.0.1:5432/hongfan_perf
    uv run python bench/bench_http.py --servers gunicorn,granian,uvicorn --pages login,member.points
    uv run python bench/bench_http.py --label before --app-dir /tmp/hongfan_main   # another checkout

What it does:

1. starts the production server itself (``--server``: gunicorn sync workers, or gthread with
   ``--threads``; granian ``--interface wsgi``; uvicorn with ``hongfan.asgi``) on 127.0.0.1
   on a free port, ``--workers`` processes (default 3), DEBUG off, against
   ``--database-url`` (default the demo database var/hongfan.sqlite3, built with
   ``manage.py builddemo`` when missing);
2. logs in through the login form as each demo role (member, sec, hosp, city; password
   Hongfan@2026) and keeps the session cookie;
3. loads each page for ``--duration`` seconds with ``--clients`` concurrent keep-alive
   clients from a second process on the loopback (wrk when installed, else a Python client
   of threads over http.client), after ``--warmup`` seconds unmeasured. The anonymous login
   page is the baseline, loaded first and last in the same run; each page's ratio is its
   requests/s over the mean of the two;
4. prints a table (requests/s, p50, p99, errors, ratio, the server's CPU per request) and
   writes bench/results/http_<vendor>_<server>[_<label>].json.

Any answer other than 2xx under load (a redirect to the login page included) and any
socket error or timeout counts as an error. The targets of issue 11: every member page
≥ 1/4 of the login page's requests/s, secretary and hospital pages ≥ 1/8, no error.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PASSWORD = "Hongfan@2026"
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Page:
    key: str
    role: str | None  # the demo account, None for the anonymous login page
    path: str
    title: str
    target: float | None  # the least ratio to the login page's requests/s


MEMBER, STAFF = 1 / 4, 1 / 8
PAGES = [
    Page("login", None, "/accounts/login/", "登录页 (baseline)", None),
    Page("member.home", "member", "/", "党员 首页", MEMBER),
    Page("member.points", "member", "/points/me/", "党员 我的积分", MEMBER),
    Page("member.orglife", "member", "/orglife/mine/", "党员 我的组织生活", MEMBER),
    Page("member.study", "member", "/study/", "党员 我的学习", MEMBER),
    Page("sec.home", "sec", "/", "书记 首页", STAFF),
    Page("sec.meetings", "sec", "/orglife/", "书记 组织生活", STAFF),
    Page("sec.claims", "sec", "/points/claims/review/", "书记 积分审核", STAFF),
    Page("sec.members", "sec", "/org/people/", "书记 党员", STAFF),
    Page("hosp.home", "hosp", "/", "医院 首页", STAFF),
    Page("hosp.people", "hosp", "/org/people/", "医院 人员", STAFF),
    Page("hosp.rankings", "hosp", "/points/rankings/", "医院 积分排名", STAFF),
    Page("hosp.matrix", "hosp", "/orglife/matrix/", "医院 组织生活矩阵", STAFF),
    Page("city.home", "city", "/", "市 首页", None),
    Page("city.summary", "city", "/orglife/city/", "市 组织生活汇总", None),
]


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(database_url: str, app_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="hongfan.settings",
        HONGFAN_ENV="dev",
        HONGFAN_DEBUG="false",
        HONGFAN_ALLOWED_HOSTS=f"{HOST},testserver",
        HONGFAN_LOG_LEVEL="ERROR",
        PYTHONPATH=str(app_dir),
    )
    return env


def server_command(server: str, port: int, workers: int, threads: int, app_dir: Path) -> list[str]:
    py = sys.executable
    if server == "gunicorn":
        cmd = [py, "-m", "gunicorn", "hongfan.wsgi:application", "--chdir", str(app_dir)]
        cmd += ["--bind", f"{HOST}:{port}", "--workers", str(workers)]
        cmd += ["--log-level", "warning", "--timeout", "120"]
        if threads > 1:
            cmd += ["--worker-class", "gthread", "--threads", str(threads)]
        return cmd
    if server == "granian":
        cmd = [py, "-m", "granian", "--interface", "wsgi", "hongfan.wsgi:application"]
        cmd += ["--host", HOST, "--port", str(port), "--workers", str(workers)]
        cmd += ["--working-dir", str(app_dir), "--log-level", "warning", "--no-ws"]
        cmd += ["--blocking-threads", str(max(threads, 1))]
        return cmd
    if server == "uvicorn":
        cmd = [py, "-m", "uvicorn", "hongfan.asgi:application", "--app-dir", str(app_dir)]
        cmd += ["--host", HOST, "--port", str(port), "--workers", str(workers)]
        cmd += ["--log-level", "warning", "--no-access-log", "--lifespan", "off"]
        return cmd
    raise SystemExit(f"bench_http: unknown server {server!r}")


class Server:
    def __init__(self, server: str, args: argparse.Namespace) -> None:
        self.name = server
        self.port = free_port()
        self.command = server_command(
            server, self.port, args.workers, args.threads, Path(args.app_dir)
        )
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench_http_{server}_", suffix=".log")
        self.proc = subprocess.Popen(
            self.command,
            cwd=args.app_dir,
            env=server_env(args.database_url, Path(args.app_dir)),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: its CPU is summed, then killed
        )

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                status, _, _ = request("GET", self.port, "/accounts/login/")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        self.log.seek(0)
        tail = self.log.read().decode(errors="replace")[-3000:]
        raise SystemExit(f"bench_http: {self.name} did not come up:\n{tail}")

    def cpu_seconds(self) -> float:
        """User + system CPU of every process of the server's group (master and workers)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                raw = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = raw[raw.rindex(")") + 2 :].split()
            # fields[2] is the process group; [11], [12] utime, stime ([13], [14] of waited-for
            # children, which a master's exited workers would add)
            if int(fields[2]) == self.proc.pid:
                total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
        return total / ticks

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


# --- one request, logging in ------------------------------------------------------------------


def request(
    method: str, port: int, path: str, *, body: str | None = None, headers: dict | None = None
) -> tuple[int, dict[str, list[str]], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        got: dict[str, list[str]] = {}
        for name, value in resp.getheaders():
            got.setdefault(name.lower(), []).append(value)
        return resp.status, got, data
    finally:
        conn.close()


def cookies_of(headers: dict[str, list[str]]) -> dict[str, str]:
    jar = {}
    for line in headers.get("set-cookie", []):
        name, _, rest = line.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def login(port: int, username: str) -> str:
    """Logs in through the login form; returns the Cookie header of the session."""
    status, headers, body = request("GET", port, "/accounts/login/")
    jar = cookies_of(headers)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not match or "csrftoken" not in jar:
        raise SystemExit(f"bench_http: the login page answered {status} without a CSRF token")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match.group(1).decode(), "username": username, "password": PASSWORD}
    )
    status, headers, _ = request(
        "POST",
        port,
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={jar['csrftoken']}",
            "Referer": f"http://{HOST}:{port}/accounts/login/",
        },
    )
    jar.update(cookies_of(headers))
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(
            f"bench_http: could not log in as {username!r} (answer {status}); is the demo "
            "built in this database? uv run python manage.py builddemo"
        )
    return f"sessionid={jar['sessionid']}; csrftoken={jar['csrftoken']}"


# --- the load -------------------------------------------------------------------------------


@dataclass
class Load:
    requests: int
    seconds: float
    errors: int
    latencies_ms: list[float] = field(default_factory=list)  # python client only
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    client: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


WRK_SCRIPT = r"""
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  bad = 0
  statuses = ""
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    statuses = statuses .. status .. ","
  end
end
function done(summary, latency, requests)
  local total_bad, codes = 0, ""
  for _, t in ipairs(threads) do
    total_bad = total_bad + t:get("bad")
    codes = codes .. t:get("statuses")
  end
  local e = summary.errors
  io.write(string.format(
    "HONGFAN {\"requests\": %d, \"duration_us\": %d, \"non2xx\": %d, \"socket_errors\": %d, " ..
    "\"p50_us\": %d, \"p90_us\": %d, \"p99_us\": %d, \"codes\": \"%s\"}\n",
    summary.requests, summary.duration, total_bad,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), codes))
end
"""


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def load_wrk(port: int, path: str, cookie: str | None, clients: int, seconds: float) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        cmd = ["wrk", "-t", str(min(2, clients)), "-c", str(clients), "-d", f"{seconds:g}s"]
        cmd += ["--timeout", "30s", "-s", script.name]
        if cookie:
            cmd += ["-H", f"Cookie: {cookie}"]
        cmd.append(f"http://{HOST}:{port}{path}")
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next((x for x in out.splitlines() if x.startswith("HONGFAN ")), None)
    if line is None:
        raise SystemExit(f"bench_http: wrk said:\n{out}")
    got = json.loads(line[len("HONGFAN ") :])
    codes: dict[str, int] = {}
    for code in filter(None, got["codes"].split(",")):
        codes[code] = codes.get(code, 0) + 1
    if got["socket_errors"]:
        codes["socket"] = got["socket_errors"]
    return Load(
        requests=got["requests"],
        seconds=got["duration_us"] / 1e6,
        errors=got["non2xx"] + got["socket_errors"],
        p50_ms=got["p50_us"] / 1000,
        p90_ms=got["p90_us"] / 1000,
        p99_ms=got["p99_us"] / 1000,
        statuses=codes,
        client="wrk",
    )


def load_python(port: int, path: str, cookie: str | None, clients: int, seconds: float) -> Load:
    """``clients`` threads, each a keep-alive http.client connection (reopened when the
    server closes it, as gunicorn's sync workers do after every response)."""
    headers = {"Cookie": cookie} if cookie else {}
    lock = threading.Lock()
    latencies: list[float] = []
    codes: dict[str, int] = {}
    start_gate = threading.Barrier(clients + 1)
    deadline = [0.0]

    def worker() -> None:
        mine: list[float] = []
        bad: dict[str, int] = {}
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        start_gate.wait()
        while True:
            t0 = time.perf_counter()
            if t0 >= deadline[0]:
                break
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
                if resp.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                status = 0
            mine.append((time.perf_counter() - t0) * 1000)
            if not 200 <= status < 300:
                key = str(status) if status else "socket"
                bad[key] = bad.get(key, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for k, v in bad.items():
                codes[k] = codes.get(k, 0) + v

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    started = time.perf_counter()
    deadline[0] = started + seconds
    start_gate.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return Load(
        requests=len(latencies),
        seconds=elapsed,
        errors=sum(codes.values()),
        latencies_ms=latencies,
        p50_ms=percentile(latencies, 50),
        p90_ms=percentile(latencies, 90),
        p99_ms=percentile(latencies, 99),
        statuses=codes,
        client="python",
    )


def load(args: argparse.Namespace, port: int, path: str, cookie: str | None, seconds: float):
    if args.client == "wrk":
        return load_wrk(port, path, cookie, args.clients, seconds)
    return load_python(port, path, cookie, args.clients, seconds)


# --- the run --------------------------------------------------------------------------------


def vendor_of(url: str) -> str:
    return "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"


def ensure_demo(args: argparse.Namespace) -> None:
    """The default SQLite demo database is built when missing (about 3 minutes); any database
    is migrated (a database built by an older checkout gets the newer tables)."""
    env = server_env(args.database_url, Path(args.app_dir))
    manage = [sys.executable, str(Path(args.app_dir) / "manage.py")]
    path = args.database_url.removeprefix("sqlite:///")
    missing = vendor_of(args.database_url) == "sqlite" and not Path(path).exists()
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    if missing:
        print(f"bench_http: building the demo into {path} (builddemo, ~3 minutes)", flush=True)
        subprocess.run([*manage, "builddemo"], env=env, check=True, stdout=subprocess.DEVNULL)


def run_server(server_name: str, pages: list[Page], args: argparse.Namespace) -> dict:
    server = Server(server_name, args)
    try:
        server.wait_ready()
        cookies = {r: login(server.port, r) for r in sorted({p.role for p in pages if p.role})}
        rows = []
        order = list(pages)
        if pages[0].key == "login" and len(pages) > 1:
            order.append(pages[0])  # the baseline last as well as first
        for page in order:
            cookie = cookies.get(page.role) if page.role else None
            status, headers, body = request(
                "GET", server.port, page.path, headers={"Cookie": cookie} if cookie else {}
            )
            if args.warmup:
                load(args, server.port, page.path, cookie, args.warmup)
            cpu0 = server.cpu_seconds()
            got = load(args, server.port, page.path, cookie, args.duration)
            cpu = server.cpu_seconds() - cpu0
            row = {
                "key": page.key,
                "title": page.title,
                "role": page.role,
                "path": page.path,
                "first_status": status,
                "first_location": (headers.get("location") or [""])[0],
                "bytes": len(body),
                "requests": got.requests,
                "seconds": round(got.seconds, 3),
                "rps": round(got.rps, 1),
                "p50_ms": round(got.p50_ms, 1),
                "p90_ms": round(got.p90_ms, 1),
                "p99_ms": round(got.p99_ms, 1),
                "errors": got.errors + (0 if 200 <= status < 300 else 1),
                "statuses": got.statuses,
                "server_cpu_ms_per_request": round(cpu * 1000 / got.requests, 1)
                if got.requests
                else None,
                "target": page.target,
                "client": got.client,
            }
            rows.append(row)
            print(format_row(row), flush=True)
    finally:
        server.stop()
    logins = [r["rps"] for r in rows if r["key"] == "login"]
    baseline = statistics.mean(logins) if logins else None
    seen: set[str] = set()
    merged = []
    for row in rows:
        if row["key"] == "login":
            if "login" in seen:
                continue
            row = dict(row, rps_runs=logins, rps=round(baseline or 0, 1))
        seen.add(row["key"])
        merged.append(row)
    for row in merged:
        row["ratio"] = round(row["rps"] / baseline, 3) if baseline else None
        row["meets_target"] = (
            None
            if row["target"] is None or row["ratio"] is None
            else row["ratio"] >= row["target"] and row["errors"] == 0
        )
    return {
        "server": server_name,
        "command": server.command,
        "baseline_rps": baseline,
        "pages": merged,
    }


def format_row(row: dict) -> str:
    return (
        f"  {row['key']:<16} {row['rps']:>8.1f}/s  p50 {row['p50_ms']:>7.1f} ms  "
        f"p99 {row['p99_ms']:>7.1f} ms  errors {row['errors']:>4}  "
        f"cpu {row['server_cpu_ms_per_request'] or 0:>6.1f} ms/req  {row['bytes']:>7} B"
    )


def print_table(result: dict) -> None:
    print()
    print(
        f"{result['server']} ({result['vendor']}, {result['clients']} clients, "
        f"{result['duration']:g} s per page, {result['workers']} workers)"
    )
    print(
        f"| {'page':<16} | {'path':<24} | req/s | p50 ms | p99 ms | errors | ratio | target "
        f"| CPU ms/req |"
    )
    print(
        f"|{'-' * 18}|{'-' * 26}|------:|-------:|-------:|-------:|------:|:------:|-----------:|"
    )
    for row in result["pages"]:
        target = "" if row["target"] is None else f"≥{row['target']:.3g}"
        mark = {True: " ok", False: " MISS", None: ""}[row["meets_target"]]
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.2f}"
        print(
            f"| {row['key']:<16} | {row['path']:<24} | {row['rps']:>5.0f} | {row['p50_ms']:>6.0f} "
            f"| {row['p99_ms']:>6.0f} | {row['errors']:>6} | {ratio:>5} | {target + mark:<6} "
            f"| {row['server_cpu_ms_per_request'] or 0:>10.1f} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="gunicorn", choices=["gunicorn", "granian", "uvicorn"])
    parser.add_argument(
        "--servers", help="comma-separated servers to compare in one run (overrides --server)"
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn gthread / granian blocking threads"
    )
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'hongfan.sqlite3'}")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per page")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds unmeasured per page")
    parser.add_argument(
        "--pages", help="comma-separated page keys or roles (login is always included)"
    )
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--label", default="", help="names the results file (before, after…)")
    parser.add_argument(
        "--app-dir", default=str(ROOT), help="the checkout to serve (default this one)"
    )
    parser.add_argument("--list", action="store_true", help="list the pages and exit")
    args = parser.parse_args(argv)

    if args.list:
        for p in PAGES:
            print(f"{p.key:<16} {p.role or '-':<7} {p.path:<26} {p.title}")
        return 0
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    pages = PAGES
    if args.pages:
        wanted = {w.strip() for w in args.pages.split(",") if w.strip()}
        pages = [p for p in PAGES if p.key == "login" or p.key in wanted or p.role in wanted]
    servers = [s.strip() for s in (args.servers or args.server).split(",") if s.strip()]

    ensure_demo(args)
    vendor = vendor_of(args.database_url)
    code = 0
    for name in servers:
        print(f"bench_http: {name}, {vendor}, {args.client} client", flush=True)
        load_before = os.getloadavg()
        result = run_server(name, pages, args)
        result.update(
            vendor=vendor,
            database_url=re.sub(r"//[^@/]*@", "//***@", args.database_url),
            clients=args.clients,
            duration=args.duration,
            warmup=args.warmup,
            workers=args.workers,
            threads=args.threads,
            client=args.client,
            app_dir=args.app_dir,
            label=args.label,
            loadavg_before=load_before,
            loadavg_after=os.getloadavg(),
            cpus=os.cpu_count(),
            python=platform.python_version(),
            at=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        )
        print_table(result)
        RESULTS.mkdir(parents=True, exist_ok=True)
        suffix = f"_{args.label}" if args.label else ""
        out = RESULTS / f"http_{vendor}_{name}{suffix}.json"
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
        print(f"\nresults: {out.relative_to(ROOT)}  (load average {load_before[0]:.1f})")
        if any(r["errors"] for r in result["pages"]) or any(
            r["meets_target"] is False for r in result["pages"]
        ):
            code = 1
    return code


if __name__ == "__main__":
    sys.exit(main())
