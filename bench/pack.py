"""Benchmark: the size of the offline pack on the wire, with and without gzip (issue 10, point 6).

The demo street 联芳街道 as `make run` seeds it (places, users, months of history), in a throwaway SQLite file.
The street inspector logs in through the token endpoint and fetches GET /api/v1/pack/ through the whole Django
stack (middleware, JWT authentication, DRF, the view's gzip), once as a phone that asks for gzip
(`Accept-Encoding: gzip, deflate, br`, what Chromium and WebView send) and once without; then the phone's
revalidation with the tag it got must be a 304. The bar: the compressed pack is at most a quarter of the raw
JSON measured in the same run.

Run: .venv/bin/python bench/pack.py
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.TemporaryDirectory(prefix="sortpatrol-bench-pack-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP.name}/bench.sqlite3"
os.environ["MEDIA_ROOT"] = f"{TMP.name}/media"
os.environ["PRIVATE_MEDIA_ROOT"] = f"{TMP.name}/private"
os.environ["ALLOWED_HOSTS"] = "testserver"  # the test client's host name; DEBUG is off by default
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from inspections.demo.street import demo_logins  # noqa: E402

BAR = 0.25
USERNAME = "street"  # the demo street's street inspector
GZIP = "gzip, deflate, br"


def main() -> None:
    started = time.perf_counter()
    call_command("migrate", verbosity=0)  # (also makes the database cache's table)
    cache.clear()
    call_command("load_checklists", verbosity=0, stdout=io.StringIO())
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())  # (it prints the demo logins)
    password = next(p for username, p, _role in demo_logins() if username == USERNAME)
    client = Client()
    login = client.post("/api/v1/auth/token/", {"username": USERNAME, "password": password},
                        content_type="application/json")
    if login.status_code != 200:
        raise SystemExit(f"login as {USERNAME} failed: {login.status_code} {login.content[:200]!r}")
    auth = {"Authorization": f"Bearer {login.json()['access']}"}

    raw = client.get("/api/v1/pack/", headers=auth)
    packed = client.get("/api/v1/pack/", headers={**auth, "Accept-Encoding": GZIP})
    if raw.status_code != 200 or packed.status_code != 200:
        raise SystemExit(f"pack: {raw.status_code} / {packed.status_code}")
    if "Content-Encoding" in raw or packed.get("Content-Encoding") != "gzip":
        raise SystemExit("pack: gzip must be sent when asked for, and only then")
    unpacked = json.loads(gzip.decompress(packed.content))
    if {**unpacked, "server_time": None} != {**raw.json(), "server_time": None}:
        raise SystemExit("pack: the gzipped pack is not the same pack")
    again = client.get("/api/v1/pack/", headers={**auth, "Accept-Encoding": GZIP, "If-None-Match": packed["ETag"]})
    if again.status_code != 304 or again.content:
        raise SystemExit(f"pack: revalidating with {packed['ETag']} answered {again.status_code}, not 304")

    pack = raw.json()
    raw_kb, packed_kb = len(raw.content) / 1024, len(packed.content) / 1024
    ratio = len(packed.content) / len(raw.content)
    print(f"demo street, user {USERNAME!r}: {len(pack['places'])} places, {len(pack['checklists'])} checklist "
          f"versions, {len(pack['assignments'])} assignments (set-up {time.perf_counter() - started:.0f} s)")
    print(f"raw JSON: {raw_kb:.1f} KB; gzip: {packed_kb:.1f} KB; revalidation with {packed['ETag']}: "
          f"{again.status_code}, {len(again.content)} bytes")
    print(f"pack: {packed_kb:.1f} KB compressed; {ratio:.2f} x raw (bar {BAR}): {'met' if ratio <= BAR else 'missed'}")


if __name__ == "__main__":
    main()
