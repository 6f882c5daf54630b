"""The PWA end to end in Debian's Chromium: log in online, inspect offline, reload offline, sync exactly once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspections.models import Inspection, Photo

from .browser import CACHED_PATHS, SYNC_TIMEOUT_MS, inspect_station, log_in, wait_for_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_offline_inspections_reach_the_server_exactly_once(street, phone):
    page = phone.new_page()
    log_in(page)
    wait_for_worker(page)
    assert page.inner_text("#pack-refreshed")

    phone.set_offline(True)
    scores = [
        inspect_station(page, photo="orientation/landscape_6.jpg", reload_midway=True),
        inspect_station(page, photo="gps/DSCN0021.jpg", fail_bs01=True),
        inspect_station(page, photo="phones/jolla.jpg"),
    ]
    page.reload()
    page.goto("/#/outbox")
    page.wait_for_selector("#outbox-list li.outbox-item")
    assert page.locator("#outbox-list li.outbox-item").count() == 3
    assert page.get_attribute("#queue-badge", "data-count") == "3"
    assert Inspection.objects.count() == 0
    with page.expect_download() as download:
        page.click("#export-outbox")
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["user"] == "wang"
    assert sorted(len(r["photos"]) for r in exported["records"]) == [2, 2, 3]
    assert all(p["base64"] for r in exported["records"] for p in r["photos"])

    phone.set_offline(False)
    page.wait_for_selector("#outbox-empty", timeout=SYNC_TIMEOUT_MS)
    assert page.get_attribute("#queue-badge", "data-count") == "0"

    inspections = list(Inspection.objects.order_by("started_at"))
    assert len(inspections) == 3
    assert all(i.status == Inspection.Status.COMPLETE for i in inspections)
    assert sorted(f"{i.score:.1f}" for i in inspections) == sorted(scores)
    # The phone sent its clock with each inspection: same machine, so no skew worth flagging.
    assert all(i.clock_skew_s is not None and abs(i.clock_skew_s) < 60 for i in inspections)
    assert not any("clock_skew" in i.flags for i in inspections)
    assert [Photo.objects.filter(inspection=i).count() for i in inspections] == [2, 3, 2]
    cached = page.evaluate(CACHED_PATHS)
    assert "/" in cached and "/static/app/js/sync.js" in cached
    assert not [path for path in cached if path.startswith(("/api/", "/admin/"))]
    rotated = Photo.objects.get(inspection=inspections[0], item_code="BS06")
    assert rotated.width > rotated.height  # landscape_6 is stored turned; it arrives upright
    assert max(rotated.width, rotated.height) <= 1600

