"""The outbox under stress in Chromium: dropped requests and answers, 500s, a second tab, a new app version,
and a GPS fix far from the place."""

from __future__ import annotations

import pytest
from playwright.sync_api import Route

from inspections import app_views
from inspections.models import Inspection, Photo

from .browser import (
    CACHED_PATHS,
    SYNC_TIMEOUT_MS,
    answer_the_rest,
    inspect_station,
    log_in,
    start_inspection,
    wait_for_worker,
)

pytestmark = pytest.mark.django_db(transaction=True)


CONTROLLER_VERSION = """() => new Promise((resolve) => {
  const channel = new MessageChannel();
  channel.port1.onmessage = (event) => resolve(event.data);
  navigator.serviceWorker.controller.postMessage({type: "version"}, [channel.port2]);
})"""


def drain(page, tries: int = 12) -> None:
    """Presses "upload now" until the outbox is empty (it ignores the backoff wait, not the state machine)."""
    page.goto("/#/outbox")
    for _ in range(tries):
        if page.locator("#outbox-empty").count():
            return
        page.click("#sync-now")
        page.wait_for_selector("#sync-now:not([disabled])")
    page.wait_for_selector("#outbox-empty", timeout=SYNC_TIMEOUT_MS)


def test_aborted_dropped_and_failed_requests_and_two_tabs_deliver_exactly_once(street, phone):
    page = phone.new_page()
    log_in(page)
    wait_for_worker(page)
    phone.set_offline(True)
    for photo in ("gps/DSCN0025.jpg", "gps/DSCN0027.jpg", "gps/DSCN0029.jpg"):
        inspect_station(page, photo=photo)
    uuids = page.evaluate("""async () => new Promise((resolve) => {
        const open = indexedDB.open("sortpatrol");
        open.onsuccess = () => {
          const all = open.result.transaction("records").objectStore("records").getAll();
          all.onsuccess = () => resolve(all.result.filter((r) => r.state === "queued").map((r) => r.uuid).sort());
        };
    })""")
    assert len(uuids) == 3
    first, second, third = uuids
    faults = {"aborted": 0, "dropped": 0, "failed": 0}

    def before_sending(route: Route) -> None:
        if route.request.method == "PUT" and not faults["aborted"]:
            faults["aborted"] += 1
            return route.abort()  # never reaches the server
        route.fallback()

    def after_commit(route: Route) -> None:
        if route.request.method == "PUT" and not faults["dropped"]:
            faults["dropped"] += 1
            route.fetch()  # the server stores the photo …
            return route.abort()  # … and the answer is lost on the way back
        route.fallback()

    def server_error(route: Route) -> None:
        if route.request.method == "PUT" and not faults["failed"]:
            faults["failed"] += 1
            return route.fulfill(status=500, json={"error": {"code": "boom", "message": "boom", "fields": {}}})
        route.fallback()

    phone.route(f"**/api/v1/inspections/{first}/", before_sending)
    phone.route(f"**/api/v1/inspections/{second}/photos/*", after_commit)
    phone.route(f"**/api/v1/inspections/{third}/", server_error)

    other_tab = phone.new_page()
    phone.set_offline(False)
    other_tab.goto("/#/outbox")
    drain(page)
    drain(other_tab)

    assert faults == {"aborted": 1, "dropped": 1, "failed": 1}
    assert sorted(str(i.uuid) for i in Inspection.objects.all()) == uuids
    assert set(Inspection.objects.values_list("status", flat=True)) == {Inspection.Status.COMPLETE}
    assert Photo.objects.count() == 6
    assert other_tab.get_attribute("#queue-badge", "data-count") == "0"


def test_a_new_version_waits_while_records_wait_and_never_switches_during_an_inspection(street, phone, monkeypatch):
    page = phone.new_page()
    log_in(page)
    wait_for_worker(page)
    first_version = page.evaluate(CONTROLLER_VERSION)
    assert first_version == app_views.shell_version()
    # The server is down for uploads: two finished inspections wait in the outbox.
    phone.route("**/api/v1/inspections/**", lambda route: route.fulfill(status=503, json={}))
    inspect_station(page, photo="gps/DSCN0038.jpg")
    inspect_station(page, photo="gps/DSCN0040.jpg")

    monkeypatch.setattr(app_views, "shell_version", lambda: "0123456789abcdef")  # a deploy
    page.evaluate("navigator.serviceWorker.getRegistration('/').then((r) => r.update())")
    page.wait_for_selector("#update-button")

    start_inspection(page, "monthly_covert", from_tabs=True)
    page.check("#item-BS01 input[value=pass]")
    page.click("#update-button")
    page.wait_for_selector("#update-reason:not(:empty)")
    assert page.evaluate(CONTROLLER_VERSION) == first_version  # no switch with an inspection open
    assert page.locator("#item-BS01 input[value=pass]").is_checked()

    page.click("#leave-inspection")  # the finish bar hides the tabs while answering
    page.click("#tabs a[data-tab=outbox]")
    with page.expect_navigation():
        page.click("#update-button")
    page.wait_for_selector("#outbox-list li.outbox-item")
    assert page.evaluate(CONTROLLER_VERSION) == "0123456789abcdef"
    assert page.evaluate("caches.keys()") == ["sortpatrol-shell-0123456789abcdef"]  # the old cache is gone
    assert page.locator("#outbox-list li.outbox-item").count() == 2
    assert page.locator("#draft-list li").count() == 1

    phone.unroute("**/api/v1/inspections/**")
    drain(page)
    assert Inspection.objects.filter(status=Inspection.Status.COMPLETE).count() == 2
    assert "/" in page.evaluate(CACHED_PATHS)


def test_a_far_away_fix_warns_and_reaches_the_server_as_a_flag(street, phone):
    phone.set_geolocation({"latitude": 29.5730, "longitude": 106.4560, "accuracy": 10})  # ~1.1 km north
    page = phone.new_page()
    log_in(page)
    page.click("a.place[data-code='LF-01-01-BS01']")
    page.check("input[name=regime][value=weekly_guidance]")
    page.click("#start-inspection")
    page.wait_for_selector("#gps-far")
    assert "1.1 km" in page.inner_text("#gps-far")
    answer_the_rest(page)
    page.click("#finish")
    page.wait_for_selector("#outbox-empty", timeout=SYNC_TIMEOUT_MS)
    inspection = Inspection.objects.get()
    assert "far_from_place" in inspection.flags
    assert inspection.distance_m > 1000
    page.click("#tabs a[data-tab=history]")
    page.wait_for_selector("#history-list [data-flag=far_from_place]")


def test_a_draft_is_open_in_one_tab_only(street, phone):
    page = phone.new_page()
    log_in(page)
    page.click("a.place[data-code='LF-01-01-BS01']")
    page.click("#start-inspection")
    page.wait_for_selector("#finish")
    other_tab = phone.new_page()
    # Every start of the app refreshes the pack after showing the screen: the test waits for that answer
    # each time, so that no request of the tab is still running on the server when the test ends.
    with other_tab.expect_response("**/api/v1/pack/") as opened:
        other_tab.goto(page.url)
    other_tab.wait_for_selector("#draft-elsewhere")
    assert other_tab.locator("#finish").count() == 0
    page.click("#leave-inspection")  # leaving the draft releases it (the finish bar hides the tabs while answering)
    page.click("#tabs a[data-tab=outbox]")
    page.wait_for_selector("#outbox-empty")
    with other_tab.expect_response("**/api/v1/pack/") as reloaded:
        other_tab.reload()
    other_tab.wait_for_selector("#finish")
    assert opened.value.status in (200, 304) and reloaded.value.status in (200, 304)
    other_tab.close()
    page.close()


def test_a_refused_record_needs_attention_with_the_servers_message_and_is_never_dropped(street, phone):
    page = phone.new_page()
    log_in(page)
    refusal = {"error": {"code": "out_of_scope", "message": "该地点不在您的检查范围内", "fields": {}}}
    phone.route("**/api/v1/inspections/*/", lambda route: route.fulfill(status=403, json=refusal))
    page.click("a.place[data-code='LF-01-01-BS01']")
    page.check("input[name=regime][value=weekly_guidance]")
    page.click("#start-inspection")
    page.wait_for_selector("#finish")
    answer_the_rest(page)
    page.click("#finish")
    page.wait_for_selector("#outbox-list li[data-state=attention]")
    assert "该地点不在您的检查范围内" in page.inner_text("#outbox-list li[data-state=attention]")
    assert page.get_attribute("#queue-badge", "data-count") == "1"
    assert Inspection.objects.count() == 0

    phone.unroute("**/api/v1/inspections/*/")  # the office fixed the scope
    page.click("#outbox-list li[data-state=attention] button")
    page.wait_for_selector("#outbox-empty", timeout=SYNC_TIMEOUT_MS)
    assert Inspection.objects.get().status == Inspection.Status.COMPLETE
