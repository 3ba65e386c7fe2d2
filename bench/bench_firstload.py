"""First-load bytes of the member's pages: HTML + CSS + JS + fonts (+ images), raw and gzip.

Usage (from the project root)::

    uv run python bench/bench_firstload.py                 # bench/var/firstload.sqlite3
    uv run python bench/bench_firstload.py --label before  # names the JSON file

The demo city (``builddemo --small``) is built into its own SQLite file on the first run.
Each page is requested through Django's test ``Client`` as the demo member (redirects
followed, the final page counted); every stylesheet, script and image the HTML names, and
every font or image a stylesheet names with ``url(...)``, is read from the static files
(``django.contrib.staticfiles.finders``) as a browser with an empty cache would fetch it.
Sizes are given uncompressed and gzip-compressed (level 9, as whitenoise's precompressed
files are), and brotli-compressed (quality 11, whitenoise's .br files, sent to browsers over
HTTPS); an asset is counted once per page. With ``HONGFAN_STATIC_MANIFEST=true`` (as
``make serve`` and ``make demo`` run; ``make static`` first) the pages name hashed files,
read from ``STATIC_ROOT``.

Results: a table on stdout and ``bench/results/firstload_<label>.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    ("首页", "home", []),
    ("我的积分", "points:mine", []),
    ("我的组织生活", "orglife:mine", []),
    ("我的学习", "study:mine", []),
]
USER = "member"

LINK_RE = re.compile(r"<link\b[^>]*\brel=[\"']?stylesheet[^>]*>", re.I)
SCRIPT_RE = re.compile(r"<script\b[^>]*\bsrc=[\"']([^\"']+)[\"']", re.I)
IMG_RE = re.compile(r"<img\b[^>]*\bsrc=[\"']([^\"']+)[\"']", re.I)
HREF_RE = re.compile(r"\bhref=[\"']([^\"']+)[\"']", re.I)
CSS_URL_RE = re.compile(r"url\(\s*[\"']?([^\"')]+)[\"']?\s*\)")
FONT_EXT = (".woff2", ".woff", ".ttf", ".otf", ".eot")


def configure(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hongfan.settings")
    os.environ.setdefault("HONGFAN_ENV", "dev")
    os.environ.setdefault("HONGFAN_DEBUG", "false")
    os.environ.setdefault("HONGFAN_ALLOWED_HOSTS", "testserver,127.0.0.1")
    os.environ.setdefault("HONGFAN_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from hongfan.accounts.models import User

    if not User.objects.filter(username=USER).exists():
        call_command("builddemo", "--small", verbosity=0)


def static_bytes(url: str) -> bytes | None:
    """The bytes of a static asset named by its URL (None when it is not a static file)."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    path = url.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith(settings.STATIC_URL):
        return None
    name = path[len(settings.STATIC_URL) :]
    found = finders.find(name)
    if not found and (Path(settings.STATIC_ROOT) / name).is_file():
        found = str(Path(settings.STATIC_ROOT) / name)  # a hashed name, as collected
    return Path(found).read_bytes() if found else None


def kind_of(url: str) -> str:
    path = url.split("?", 1)[0].lower()
    if path.endswith(".css"):
        return "css"
    if path.endswith(".js"):
        return "js"
    if path.endswith(FONT_EXT):
        return "font"
    return "image"


def assets_of(html: str) -> list[str]:
    urls: list[str] = []
    for tag in LINK_RE.findall(html):
        m = HREF_RE.search(tag)
        if m:
            urls.append(m.group(1))
    urls += SCRIPT_RE.findall(html) + IMG_RE.findall(html)
    # Fonts and images a stylesheet names, resolved against the stylesheet's address.
    for css_url in [u for u in urls if kind_of(u) == "css"]:
        data = static_bytes(css_url)
        if data is None:
            continue
        base = css_url.rsplit("/", 1)[0] + "/"
        for ref in CSS_URL_RE.findall(data.decode("utf-8", "replace")):
            if ref.startswith(("data:", "#")):
                continue
            urls.append(ref if ref.startswith("/") else os.path.normpath(base + ref))
    seen: list[str] = []
    for u in urls:
        if u not in seen:
            seen.append(u)
    return seen


def measure(client, label: str, url: str) -> dict:
    response = client.get(url, follow=True)
    html = response.content
    row = {
        "page": label,
        "url": url,
        "final_url": response.request["PATH_INFO"],
        "status": response.status_code,
        "assets": [],
        "missing": [],
    }
    totals = {k: [0, 0, 0] for k in ("html", "css", "js", "font", "image")}
    totals["html"] = [len(html), len(gzip.compress(html, 9)), len(brotli.compress(html))]
    for asset in assets_of(html.decode("utf-8", "replace")):
        data = static_bytes(asset)
        if data is None:
            row["missing"].append(asset)
            continue
        kind = kind_of(asset)
        raw, gz, br = len(data), len(gzip.compress(data, 9)), len(brotli.compress(data))
        totals[kind][0] += raw
        totals[kind][1] += gz
        totals[kind][2] += br
        row["assets"].append({"url": asset, "kind": kind, "bytes": raw, "gzip": gz, "br": br})
    row["totals"] = {k: {"bytes": v[0], "gzip": v[1], "br": v[2]} for k, v in totals.items()}
    row["total"] = {
        "bytes": sum(v[0] for v in totals.values()),
        "gzip": sum(v[1] for v in totals.values()),
        "br": sum(v[2] for v in totals.values()),
    }
    return row


def kb(n: int) -> str:
    return f"{n / 1024:8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        default=f"sqlite:///{ROOT / 'bench' / 'var' / 'firstload.sqlite3'}",
    )
    parser.add_argument("--label", default="latest")
    args = parser.parse_args()
    (ROOT / "bench" / "var").mkdir(exist_ok=True)
    configure(args.database_url)

    from django.test import Client
    from django.urls import reverse

    from hongfan.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=USER))
    rows = [measure(client, label, reverse(name, args=a)) for label, name, a in PAGES]

    print(f"first-load bytes as {USER!r}, KiB raw / gzip")
    head = (
        f"{'page':<10} {'final':<28} {'html':>17} {'css':>17} {'js':>17} {'font':>17} {'total':>17}"
    )
    print(head)
    for r in rows:
        t = r["totals"]
        cells = [
            f"{kb(t[k]['bytes'])}/{kb(t[k]['gzip'])}".replace(" ", "")
            for k in ("html", "css", "js", "font")
        ]
        total = f"{kb(r['total']['bytes'])}/{kb(r['total']['gzip'])}".replace(" ", "")
        print(
            f"{r['page']:<10} {r['final_url']:<28} "
            + " ".join(f"{c:>17}" for c in cells)
            + f" {total:>17}"
        )
        print(f"{'':<10} {'':<28} total brotli {kb(r['total']['br']).strip()} KiB")
        if r["missing"]:
            print(f"  not found among the static files: {', '.join(r['missing'])}")
    out = ROOT / "bench" / "results" / f"firstload_{args.label}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"user": USER, "pages": rows}, ensure_ascii=False, indent=2))
    print(f"written: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
