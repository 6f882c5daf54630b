"""The PWA end to end in Debian's Chromium: log in online, inspect offline, reload offline, sync exactly once."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command

from inspections.models import Inspection, Photo, Place, Profile, Role, Street

pytestmark = pytest.mark.django_db(transaction=True)

PHOTOS = Path(__file__).resolve().parents[1] / "fixtures" / "photos"
PASSWORD = "correct horse"
STATION_LAT, STATION_LNG = Decimal("29.563000"), Decimal("106.456000")
SYNC_TIMEOUT_MS = 60_000


@pytest.fixture
def street(transactional_db):
    """A street with one community, compound and bin station where the phone stands, default checklists and
    two street inspectors."""
    cache.clear()  # login throttling counts per process: each test starts afresh
    call_command("load_checklists", verbosity=0)
    street = Street.objects.create(code="LF", name="联芳街道", district="沙坪坝区")
    community = Place.objects.create(street=street, kind="community", code="LF-01", name="联芳社区",
                                     lat=STATION_LAT, lng=STATION_LNG)
    compound = Place.objects.create(street=street, kind="compound", code="LF-01-01", name="梨树湾小区",
                                    parent=community, lat=STATION_LAT, lng=STATION_LNG)
    Place.objects.create(street=street, kind="bin_station", code="LF-01-01-BS01", name="梨树湾1号桶站",
                         parent=compound, lat=STATION_LAT, lng=STATION_LNG)
    for username, name in (("wang", "王巡查"), ("li", "李巡查")):
        user = get_user_model().objects.create_user(username, password=PASSWORD)
        Profile.objects.create(user=user, role=Role.STREET_INSPECTOR, display_name=name, street=street)
    return street


CACHED_PATHS = """async () => {
  const paths = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
  }
  return paths;
}"""


def log_in(page, username="wang"):
    page.goto("/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#place-list a.place")


def wait_for_worker(page):
    """The service worker controls the page (so a reload works offline)."""
    # A function, not an expression string: Playwright evals strings in the page, which its CSP forbids.
    page.wait_for_function("() => navigator.serviceWorker?.controller != null", timeout=20_000)


def inspect_station(page, *, photo: str, fail_bs01: bool = False, reload_midway: bool = False) -> str:
    """Runs the monthly covert checklist at the bin station; returns the provisional score shown."""
    page.click("#tabs a[data-tab=places]")
    page.click("a.place[data-code='LF-01-01-BS01']")
    page.check("input[name=regime][value=monthly_covert]")
    page.click("#start-inspection")
    page.wait_for_selector("#item-BS06")
    page.check(f"#item-BS01 input[value={'fail' if fail_bs01 else 'pass'}]")
    page.fill("input[name=answer-BS06-checked]", "12")
    page.fill("input[name=answer-BS06-wrong]", "2")
    page.press("input[name=answer-BS06-wrong]", "Tab")
    page.check("#item-BS08 input[value=pass]")
    page.set_input_files("#photo-BS06", str(PHOTOS / photo))
    page.wait_for_selector("#item-BS06 .photos img")
    page.set_input_files("#photo-BS08", str(PHOTOS / "gps" / "DSCN0010.jpg"))
    page.wait_for_selector("#item-BS08 .photos img")
    if reload_midway:  # the draft is saved as it is typed: a reload (offline too) loses nothing
        page.reload()
        page.wait_for_selector("#item-BS08 .photos img")
        assert page.locator(f"#item-BS01 input[value={'fail' if fail_bs01 else 'pass'}]").is_checked()
        assert page.input_value("input[name=answer-BS06-wrong]") == "2"
        assert page.locator("#item-BS06 .photos img").count() == 1
    if fail_bs01:
        page.click("#finish")
        page.wait_for_selector("#finish-error:has-text('BS01')")
        page.set_input_files("#photo-BS01", str(PHOTOS / "gps" / "DSCN0012.jpg"))
        page.wait_for_selector("#item-BS01 .photos img")
    score = page.get_attribute("#provisional-score", "data-score")
    page.click("#finish")
    page.wait_for_selector("#outbox-list")
    return score


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

