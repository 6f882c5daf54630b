"""Benchmark: the PWA syncing 10 inspections × 3 photos over a slow phone network, in Chromium.

The network is throttled through the DevTools protocol (Network.emulateNetworkConditions: 150 ms latency,
750 kbit/s up). The baseline is what no client could beat on that link: every byte sent at the full uplink
rate plus one round trip per request. The bar: the real sync (IndexedDB reads, SHA-checked multipart uploads,
the server's photo pipeline, the outbox state machine) within 1.3 × that bound.

It starts its own server (`manage.py runserver` on a free port with a throwaway SQLite database and media
folders), logs in through the app, puts ten finished inspections with real camera photos into the outbox, then
times the drain until the server has said `complete` to all ten.

Run: .venv/bin/python bench/sync.py
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHOTOS = ROOT / "tests" / "fixtures" / "photos" / "gps"
WORK = tempfile.TemporaryDirectory(prefix="sortpatrol-bench-sync-")
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "backend.settings",
    "DATABASE_URL": f"sqlite:///{WORK.name}/db.sqlite3",
    "MEDIA_ROOT": f"{WORK.name}/media",
    "PRIVATE_MEDIA_ROOT": f"{WORK.name}/private",
    "LOG_LEVEL": "WARNING",
    "THROTTLE_LOGIN": "1000/min",
    "STATIC_FROM_APP_FOLDERS": "1",  # DEBUG is off by default: serve the app's files without collectstatic
}
os.environ.update(ENV)
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from checklists.models import ChecklistVersion  # noqa: E402
from inspections.models import Inspection, Photo, Place, Profile, Role, Street  # noqa: E402

INSPECTIONS = 10
PHOTOS_EACH = 3
LATENCY_MS = 150
UPLINK_BPS = 750_000
DOWNLINK_BPS = 4_000_000
BAR = 1.3
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--no-first-run", "--disable-quic"]

FILL_OUTBOX = """async ({owner, checklist, photos, count, rest}) => {
  const db = await import("/static/app/js/db.js");
  const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const items = ["BS01", "BS06", "BS08"];
  for (let n = 0; n < count; n += 1) {
    const uuid = crypto.randomUUID();
    const manifest = [];
    for (let k = 0; k < items.length; k += 1) {
      const bytes = Uint8Array.from(atob(photos[(n * items.length + k) % photos.length]), (c) => c.charCodeAt(0));
      const data = bytes.buffer;
      const sha256 = hex(await crypto.subtle.digest("SHA-256", data));
      const photo = {uuid: crypto.randomUUID(), inspection: uuid, item: items[k], type: "image/jpeg", data,
                     bytes: data.byteLength, sha256};
      await db.put("photos", photo);
      manifest.push({uuid: photo.uuid, item: photo.item, sha256, bytes: photo.bytes});
    }
    const now = new Date().toISOString();
    const body = {checklist_version: checklist, place: "BENCH-01-01-BS01", regime: "monthly_covert",
      device_id: "bench", started_at: now, finished_at: now,
      location: {lat: 29.563, lng: 106.456, accuracy: 8, captured_at: now, mock: false},
      answers: [{item: "BS01", value: "fail"}, {item: "BS06", value: {checked: 10, wrong: 1}},
                {item: "BS08", value: "pass"}, ...rest],
      photos: manifest};
    await db.put("records", {uuid, owner, state: "queued", place: body.place, regime: body.regime, checklist,
      createdAt: Date.now(), answers: {}, photos: manifest, body, sync: {attempts: 0, nextAt: 0}});
  }
}"""

UNSENT = """async () => {
  const db = await import("/static/app/js/db.js");
  return (await db.all("records")).filter((r) => r.state !== "done").length;
}"""


def seed() -> int:
    call_command("migrate", verbosity=0)
    call_command("load_checklists", verbosity=0)
    street = Street.objects.create(code="BENCH", name="基准街道")
    lat, lng = Decimal("29.563000"), Decimal("106.456000")
    community = Place.objects.create(street=street, kind="community", code="BENCH-01", name="社区", lat=lat, lng=lng)
    compound = Place.objects.create(street=street, kind="compound", code="BENCH-01-01", name="小区",
                                    parent=community, lat=lat, lng=lng)
    Place.objects.create(street=street, kind="bin_station", code="BENCH-01-01-BS01", name="桶站",
                         parent=compound, lat=lat, lng=lng)
    user = get_user_model().objects.create_user("bench", password="bench-password")
    Profile.objects.create(user=user, role=Role.STREET_INSPECTOR, street=street)
    version = ChecklistVersion.objects.get(
        checklist__place_kind="bin_station", checklist__regime="monthly_covert", state="published"
    )
    return version.pk


def other_answers(version_pk: int) -> list[dict]:
    """Clean answers to the scored items besides BS01, BS06 and BS08: a phone must answer every one (docs/sync.md)."""
    clean = {"check": "pass", "deduct": 0, "percent": 100}
    items = ChecklistVersion.objects.get(pk=version_pk).items.filter(type__in=clean).exclude(
        code__in=("BS01", "BS06", "BS08"))
    return [{"item": item.code, "value": clean[item.type]} for item in items.order_by("order")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)  # a benchmark, not a test: wait for the server to listen
    server.kill()
    raise SystemExit("runserver did not start")


def main() -> None:
    from playwright.sync_api import sync_playwright

    checklist = seed()
    photos = [base64.b64encode(p.read_bytes()).decode() for p in sorted(PHOTOS.glob("*.jpg"))]
    port = free_port()
    server = start_server(port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=f"http://127.0.0.1:{port}", locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(300_000)
            page.goto("/")
            page.fill("#username", "bench")
            page.fill("#password", "bench-password")
            page.click("#login-form button[type=submit]")
            page.wait_for_selector("#place-list a.place")
            page.evaluate(FILL_OUTBOX, {"owner": "bench", "checklist": checklist, "photos": photos,
                                        "count": INSPECTIONS, "rest": other_answers(checklist)})
            requests = []
            page.on("requestfinished", lambda r: requests.append(r) if "/api/v1/inspections/" in r.url else None)
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", {
                "offline": False, "latency": LATENCY_MS,
                "uploadThroughput": UPLINK_BPS / 8, "downloadThroughput": DOWNLINK_BPS / 8,
            })
            started = time.perf_counter()
            page.evaluate("import('/static/app/js/sync.js').then((m) => m.syncOutbox({force: true}))")
            page.wait_for_function(f"({UNSENT})().then((n) => n === 0)", polling=100)
            elapsed = time.perf_counter() - started
            # Multipart bodies built from a Blob are not in requestBodySize: the Content-Length header is exact.
            sent = sum(int(r.all_headers().get("content-length", 0)) + r.sizes()["requestHeadersSize"]
                       for r in requests)
            browser.close()
    finally:
        server.terminate()
        server.wait()

    complete = Inspection.objects.filter(status=Inspection.Status.COMPLETE).count()
    assert complete == INSPECTIONS, complete
    assert Photo.objects.count() == INSPECTIONS * PHOTOS_EACH
    assert len(requests) == INSPECTIONS * (1 + PHOTOS_EACH), len(requests)
    bound = sent * 8 / UPLINK_BPS + len(requests) * LATENCY_MS / 1000
    ratio = elapsed / bound
    print(f"{len(requests)} requests, {sent / 1024:.0f} KB sent; lower bound {bound:.1f} s")
    verdict = "met" if ratio <= BAR else "missed"
    print(f"sync: {elapsed:.1f} s for {INSPECTIONS} inspections; {ratio:.2f} x lower bound (bar {BAR}): {verdict}")


if __name__ == "__main__":
    main()
