"""Tokens never decide whether a queued record gets uploaded (SYNC.md rule 9, PWA rules 3 and 7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from inspections.models import Inspection

from .browser import PASSWORD, SYNC_TIMEOUT_MS, log_in, log_out, wait_for_worker, weekly_visit

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_OWNERS = """() => new Promise((resolve) => {
  const open = indexedDB.open("sortpatrol");
  open.onsuccess = () => {
    const all = open.result.transaction("records").objectStore("records").getAll();
    all.onsuccess = () => resolve(all.result.filter((r) => r.state !== "done").map((r) => r.owner).sort());
  };
})"""


STORED_SESSION = """() => new Promise((resolve) => {
  const open = indexedDB.open("sortpatrol");
  open.onsuccess = () => {
    const row = open.result.transaction("kv").objectStore("kv").get("session");
    row.onsuccess = () => resolve(row.result ? row.result.value : null);
  };
})"""


def refresh_status(token: str) -> int:
    return Client().post("/api/v1/auth/refresh/", {"refresh": token}, content_type="application/json").status_code



def test_an_access_token_that_expired_offline_is_refreshed(street, phone):
    page = phone.new_page()
    log_in(page)
    wait_for_worker(page)
    phone.set_offline(True)
    weekly_visit(page)
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(minutes=20), tick=True):
        phone.set_offline(False)
        page.wait_for_selector("#outbox-empty", timeout=SYNC_TIMEOUT_MS)
    inspection = Inspection.objects.get()
    assert inspection.status == Inspection.Status.COMPLETE
    assert inspection.uploader.username == "wang"
    assert BlacklistedToken.objects.count() == 1  # the refresh token rotated once


def test_an_expired_refresh_token_asks_for_a_login_then_the_outbox_drains(street, phone):
    page = phone.new_page()
    log_in(page)
    wait_for_worker(page)
    phone.set_offline(True)
    weekly_visit(page)
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(days=31), tick=True):
        phone.set_offline(False)
        page.wait_for_selector("#relogin-notice")
        assert Inspection.objects.count() == 0
        assert page.evaluate(RECORD_OWNERS) == ["wang"]
        assert page.input_value("#username") == "wang"
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#place-list")
        page.click("#tabs a[data-tab=outbox]")
        page.wait_for_selector("#outbox-empty", timeout=SYNC_TIMEOUT_MS)
    assert Inspection.objects.get().status == Inspection.Status.COMPLETE


def test_on_a_shared_phone_each_user_sees_and_sends_only_their_own_records(street, phone):
    page = phone.new_page()
    log_in(page, "wang")
    wait_for_worker(page)
    phone.set_offline(True)
    weekly_visit(page)
    # wang may not log out with a record unsent; when his login runs out, li logs in on the same phone.
    page.click("#menu-button")
    page.click("#menu #logout")
    page.wait_for_selector("#logout-refused[data-count='1']")
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(days=31), tick=True):
        phone.set_offline(False)
        page.wait_for_selector("#relogin-notice")
        page.fill("#username", "li")
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#place-list a.place")

        page.click("#tabs a[data-tab=outbox]")
        page.wait_for_selector("#outbox-empty")
        assert page.get_attribute("#queue-badge", "data-count") == "0"
        assert page.locator("#draft-list li").count() == 0
        page.click("#sync-now")
        page.wait_for_selector("#sync-message[data-key=nothingToSend]")
        assert Inspection.objects.count() == 0
        assert page.evaluate(RECORD_OWNERS) == ["wang"]  # li's login deleted nothing

        log_out(page)
        log_in(page, "wang")
        page.click("#tabs a[data-tab=outbox]")
        page.wait_for_selector("#outbox-empty", timeout=SYNC_TIMEOUT_MS)
    assert Inspection.objects.get().uploader.username == "wang"


def test_logging_out_online_ends_the_refresh_token_on_the_server(street, phone):
    page = phone.new_page()
    log_in(page)
    held = page.evaluate(STORED_SESSION)["refresh"]
    page.click("#menu-button")
    page.click("#menu #logout")
    with page.expect_response("**/api/v1/auth/logout/") as answer:
        page.click("#logout-yes")
    page.wait_for_selector("#login-form")
    assert answer.value.status == 204
    stored = page.evaluate(STORED_SESSION)
    assert stored["loggedOut"] and "refresh" not in stored and "access" not in stored
    assert BlacklistedToken.objects.filter(token__token=held).exists()
    assert refresh_status(held) == 401  # a copy of the token is worth nothing now

    # When the server cannot be reached, the phone logs out all the same (the token then runs out by itself).
    log_in(page)
    second = page.evaluate(STORED_SESSION)["refresh"]
    phone.route("**/api/v1/auth/logout/", lambda route: route.abort())
    log_out(page)
    assert page.evaluate(STORED_SESSION)["loggedOut"]
    assert not BlacklistedToken.objects.filter(token__token=second).exists()
    assert OutstandingToken.objects.filter(token=second).exists()
