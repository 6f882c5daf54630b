"""Benchmark: a month's ranking lists for a city-sized data set, and serving a published list (QUALITY.md).

Data (temp SQLite file, WAL): 1 street, 100 communities, 1,000 compounds (200 property companies),
5,000 bin stations, 50,000 monthly covert inspections over two months with 20 answers each = 1,000,000
answers. Bars: building the month's lists (every category, ranks, trend, red and black lists with
reasons) costs ≤ 1 × a plain scan summing the answers table (`SELECT SUM(earned_tenths) FROM
inspections_answer`), because lists come from the stored per-place sums; a published list page is
served (median over many requests through the Django test client) in ≤ 5 ms from its snapshot.

Run: .venv/bin/python bench/rankings.py
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.TemporaryDirectory(prefix="sortpatrol-bench-rankings-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP.name}/bench.sqlite3"
os.environ["MEDIA_ROOT"] = f"{TMP.name}/media"
os.environ["STATIC_FROM_APP_FOLDERS"] = "1"  # pages link static files without collectstatic
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from checklists.models import Checklist, ChecklistVersion, Item  # noqa: E402
from inspections.models import Place, PropertyCompany, Street  # noqa: E402
from rankings.lists import compute_lists  # noqa: E402
from rankings.publication import (  # noqa: E402
    publication_draft,
    publication_publish,
    publication_review,
)
from rankings.scores import scores_rebuild  # noqa: E402

COMMUNITIES, COMPOUNDS_PER, STATIONS_PER, COMPANIES = 100, 10, 5, 200
INSPECTIONS, ITEMS = 50_000, 20
MONTH, PREVIOUS = "2026-10", "2026-09"
SERVE_REQUESTS, RUNS = 300, 9
BAR_SERVE_MS, BAR_BUILD = 5.0, 1.0


def log(message: str) -> None:
    print(message, flush=True)


def versions(user) -> dict[str, int]:
    out = {}
    for kind in ("compound", "bin_station"):
        checklist, _ = Checklist.objects.get_or_create(place_kind=kind, regime="monthly_covert",
                                                       defaults={"title": kind})
        version = ChecklistVersion.objects.create(checklist=checklist, number=900)
        Item.objects.bulk_create([
            Item(version=version, code=f"X{i:02d}", order=i, label=f"项目{i}", type="check",
                 points=0 if i == ITEMS - 1 else 5, veto=i == ITEMS - 1)
            for i in range(ITEMS)
        ])
        ChecklistVersion.objects.filter(pk=version.pk).update(state="published")
        out[kind] = version.pk
    return out


def places() -> tuple[Street, list[tuple[int, str]]]:
    street = Street.objects.create(code="CITY", name="城市街道")
    companies = PropertyCompany.objects.bulk_create(
        [PropertyCompany(code=f"PC{i:03d}", name=f"物业公司{i:03d}") for i in range(COMPANIES)])
    communities = Place.objects.bulk_create(
        [Place(street=street, kind="community", code=f"C{c:03d}", name=f"社区{c:03d}") for c in range(COMMUNITIES)])
    compounds = Place.objects.bulk_create([
        Place(street=street, kind="compound", code=f"C{c:03d}K{k}", name=f"小区{c:03d}{k}", parent=community,
              company=companies[(c * COMPOUNDS_PER + k) % COMPANIES])
        for c, community in enumerate(communities) for k in range(COMPOUNDS_PER)
    ])
    stations = Place.objects.bulk_create([
        Place(street=street, kind="bin_station", code=f"{compound.code}B{b}", name=f"{compound.name}{b}号点",
              parent=compound)
        for compound in compounds for b in range(STATIONS_PER)
    ])
    return street, [(p.id, p.kind) for p in compounds + stations]


def inspections_and_answers(targets: list[tuple[int, str]], version_ids: dict[str, int], user_id: int) -> None:
    """Raw executemany: Django's ORM would take minutes for a million answers."""
    rng = random.Random(7)
    quality = {pid: rng.uniform(0.6, 0.98) for pid, _kind in targets}
    inspection_rows, answer_rows = [], []
    fmt = "%Y-%m-%d %H:%M:%S"
    for n in range(INSPECTIONS):
        place_id, kind = targets[n % len(targets)]
        month = 10 if (n // len(targets)) % 2 == 0 else 9
        moment = dt.datetime(2026, month, 1 + n % 28, 2 + n % 8, tzinfo=dt.UTC).strftime(fmt)
        earned_total, vetoed = 0, rng.random() < 0.01
        answers = []
        for i in range(ITEMS):
            if i == ITEMS - 1:
                answers.append((f"X{i:02d}", 0, 0, vetoed))
                continue
            ok = rng.random() < quality[place_id]
            answers.append((f"X{i:02d}", 50, 50 if ok else 0, not ok))
            earned_total += 50 if ok else 0
        possible = 50 * (ITEMS - 1)
        score = (2000 * earned_total + possible) // (2 * possible)
        inspection_id = n + 1
        inspection_rows.append((
            inspection_id, uuid.UUID(int=rng.getrandbits(128)).hex, user_id, "bench", version_ids[kind], place_id,
            "monthly_covert", moment, moment, moment, moment, "[]", score, "fail" if vetoed else "good", vetoed,
            "complete", moment, "f" * 64, "{}", False, "", False, "", "{}",
        ))
        answer_rows.extend((inspection_id, code, '"x"', "", mx, earned, failed) for code, mx, earned, failed in answers)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO inspections_inspection (id, uuid, uploader_id, device_id, checklist_version_id, place_id, "
            "regime, finished_at, received_at, inspected_at, completed_at, flags, score_tenths, grade, vetoed, "
            "status, started_at, fingerprint, body, voided, void_reason, mock_location, scope_review, scope_lapses) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            inspection_rows,
        )
        cursor.executemany(
            "INSERT INTO inspections_answer (inspection_id, item_code, value, note, max_tenths, earned_tenths, failed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            answer_rows,
        )


def scan_and_build_seconds(street: Street) -> tuple[float, float, dict]:
    """Medians of the answer scan and of the build, measured alternately so both see the same machine load."""
    scans, builds, lists = [], [], {}
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            start = time.perf_counter()
            cursor.execute("SELECT SUM(earned_tenths) FROM inspections_answer")
            cursor.fetchone()
            scans.append(time.perf_counter() - start)
            start = time.perf_counter()
            lists = compute_lists(street=street, kind="month", period=MONTH)
            builds.append(time.perf_counter() - start)
    return statistics.median(scans), statistics.median(builds), lists


def serve_ms(street: Street, admin) -> tuple[float, int]:
    draft = publication_draft(street=street, period_kind="month", period=MONTH, user=admin)
    for category in draft.data["categories"]:
        for key in category["black"]:
            draft = publication_review(publication=draft, key=key, photo_ids=[])
    published = publication_publish(publication=draft, user=admin)
    client, url = Client(), f"/public/lists/{published.pk}/"
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    times = []
    for _ in range(SERVE_REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    return statistics.median(times) * 1000, len(first.content)


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)  # (also makes the database cache's table)
    cache.clear()
    admin = get_user_model().objects.create_user("bench-admin", password="x", is_superuser=True, is_staff=True)
    version_ids = versions(admin)
    street, targets = places()
    start = time.perf_counter()
    inspections_and_answers(targets, version_ids, admin.pk)
    log(f"data: {len(targets)} compounds+bin stations, {INSPECTIONS} inspections, "
        f"{INSPECTIONS * ITEMS} answers written in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    rows = scores_rebuild()
    log(f"rebuild_scores: {rows} place period rows in {time.perf_counter() - start:.2f} s (one-off; then incremental)")
    scan, build, lists = scan_and_build_seconds(street)
    log(f"answer scan (SUM over {INSPECTIONS * ITEMS} answers), median of {RUNS}: {scan * 1000:.1f} ms")
    entries = sum(len(c["entries"]) for c in lists["categories"])
    black = sum(len(c["black"]) for c in lists["categories"])
    log(f"month's lists: {entries} ranked entries, {black} black-list entries with reasons, "
        f"median of {RUNS}: {build * 1000:.1f} ms")
    serve, size = serve_ms(street, admin)
    log(f"rankings-serve: {serve:.2f} ms per published list (bar {BAR_SERVE_MS:g} ms): "
        f"{'met' if serve <= BAR_SERVE_MS else 'missed'}  [{size // 1024} KB page, median of {SERVE_REQUESTS}]")
    ratio = build / scan
    log(f"rankings: {build:.3f} s to build a month's lists; {ratio:.2f} x answer scan (bar {BAR_BUILD:g}): "
        f"{'met' if ratio <= BAR_BUILD else 'missed'}")


if __name__ == "__main__":
    main()
