"""Static files as production serves them (HONGFAN_ENV=prod, `make serve`): `collectstatic`
writes hashed names with gzip and brotli copies; whitenoise sends the compressed copy the
browser accepts, with a far-future, immutable Cache-Control on hashed names; pages name the
hashed files; /favicon.ico answers. Tests otherwise run on the plain storage, so this one
collects into a temporary folder in a fresh Python, as `make serve` does."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import brotli
import pytest
from django.conf import settings as django_settings
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"
BOOTSTRAP = ROOT / "hongfan" / "static" / "vendor" / "bootstrap.min.css"


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("static")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HONGFAN_STATIC")}
    env |= {"HONGFAN_STATIC_MANIFEST": "true", "HONGFAN_STATIC_ROOT": str(root)}
    subprocess.run(
        # The other apps' files (admin, DRF) are left out here only to keep the test short.
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
        + ["-i", "admin", "-i", "rest_framework", "-i", "django_htmx", "-i", "axe-core"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return root


@pytest.fixture
def production_static(settings, collected):
    settings.DEBUG = False
    settings.STATIC_ROOT = collected
    settings.STORAGES = {**django_settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    settings.WHITENOISE_USE_FINDERS = False
    return collected


def hashed_url(html: str, name: str, ext: str) -> str:
    match = re.search(rf'/static/{re.escape(name)}\.([0-9a-f]{{12}})\.{ext}"', html)
    assert match, f"no hashed {name}.{ext} in the page"
    return match.group(0).rstrip('"')


@pytest.mark.django_db
def test_pages_name_hashed_files_served_compressed_with_a_far_future_cache(production_static):
    client = Client()
    html = client.get("/accounts/login/").content.decode()
    css = hashed_url(html, "vendor/bootstrap.min", "css")
    assert hashed_url(html, "hongfan/favicon", "svg")
    original = BOOTSTRAP.read_bytes()

    br = client.get(css, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert br.status_code == 200
    assert br["Content-Encoding"] == "br"
    assert br["Content-Type"].startswith("text/css")
    assert "max-age=315360000" in br["Cache-Control"]
    assert "immutable" in br["Cache-Control"]
    assert "Accept-Encoding" in br["Vary"]
    body = b"".join(br.streaming_content)
    assert len(body) < len(original) / 4
    assert brotli.decompress(body) == original

    gz = client.get(css, HTTP_ACCEPT_ENCODING="gzip")
    assert gz["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(gz.streaming_content)) == original

    plain = client.get(css)
    assert "Content-Encoding" not in plain
    assert b"".join(plain.streaming_content) == original


@pytest.mark.django_db
def test_an_unhashed_name_is_served_but_only_briefly_cached(production_static):
    response = Client().get("/static/vendor/bootstrap.min.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_favicon_answers_at_the_site_root(production_static):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_every_collected_file_has_its_hashed_name_in_the_manifest(collected):
    import json

    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    assert manifest["vendor/echarts.min.js"] != "vendor/echarts.min.js"
    for hashed in manifest.values():
        assert (collected / hashed).exists(), hashed
    assert (collected / (manifest["vendor/echarts.min.js"] + ".br")).exists()
