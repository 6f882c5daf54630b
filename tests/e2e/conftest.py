"""Browser tests: Playwright's sync API driving Debian's Chromium against Django's live server.

A browser profile is closed when its test ends, and the test waits until the live server has answered
every request it had started: closing a page aborts its requests only on the browser's side, and a
request still running on the server while the test database is flushed inherits half a test's data or,
on PostgreSQL, deadlocks against the flush's TRUNCATE."""

from __future__ import annotations

import shutil
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started

from inspections.models import Place, Profile, Role, Street

from .browser import PASSWORD, STATION_LAT, STATION_LNG

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DRAIN_TIMEOUT_S = 30


class InFlight:
    """How many requests the live server's threads are handling: from Django's request_started to its
    request_finished, which is sent once the whole answer has been written (or the client went away).
    Requests of the test client, made in the test's own thread, are not counted."""

    def __init__(self) -> None:
        self.count = 0
        self.changed = threading.Condition()

    def started(self, **kwargs) -> None:
        if threading.current_thread() is not threading.main_thread():
            with self.changed:
                self.count += 1

    def finished(self, **kwargs) -> None:
        if threading.current_thread() is not threading.main_thread():
            with self.changed:
                self.count -= 1
                self.changed.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count <= 0, timeout=timeout)


IN_FLIGHT = InFlight()
request_started.connect(IN_FLIGHT.started, dispatch_uid="e2e-in-flight-started")
request_finished.connect(IN_FLIGHT.finished, dispatch_uid="e2e-in-flight-finished")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def server_drained(live_server):
    """Set up before the browser profiles that use it, so torn down after they are closed (and before
    the database is flushed): the test ends only once the server has finished every request."""
    yield
    if not IN_FLIGHT.wait_until_idle(DRAIN_TIMEOUT_S):
        pytest.fail(f"the live server was still handling {IN_FLIGHT.count} request(s) {DRAIN_TIMEOUT_S} s "
                    "after the browser closed")


@pytest.fixture
def context(browser, live_server, server_drained):
    """A fresh desktop browser profile in Chinese, pointed at the live server."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    yield context
    context.close()


@pytest.fixture
def phone(browser, live_server, server_drained):
    """A fresh phone-sized profile with geolocation granted (a bin station in Shapingba)."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        geolocation={"latitude": 29.5630, "longitude": 106.4560, "accuracy": 10},
        permissions=["geolocation"],
        **PHONE,
    )
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page


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


@pytest.fixture
def case_street(street):
    """The street with a property company managing the compound, its user zhou (物业), and a case (opened by hand
    through the services) for item BS01 at the bin station: (street, case)."""
    from inspections.models import PropertyCompany
    from rectifications.services import case_open_manual

    company = PropertyCompany.objects.create(code="PC-LSW", name="梨树湾物业")
    Place.objects.filter(code="LF-01-01").update(company=company)
    user = get_user_model().objects.create_user("zhou", password=PASSWORD)
    Profile.objects.create(user=user, role=Role.COMPANY_USER, display_name="周物业", street=street, company=company)
    case = case_open_manual(place=Place.objects.get(code="LF-01-01-BS01"), item_code="BS01",
                            by=get_user_model().objects.get(username="wang"), reason="巡查发现桶身脏污")
    return street, case


@pytest.fixture
def axe_phone(browser, live_server, server_drained):
    """Opens phone profiles like `phone`'s (more options, e.g. a user agent, as keywords), with `bypass_csp`: the
    accessibility tests inject axe-core as an inline script, which the app's Content-Security-Policy
    (script-src 'self') would refuse. Only these tests use it; every other browser test runs under the real policy."""
    contexts = []

    def open_profile(**options):
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            geolocation={"latitude": 29.5630, "longitude": 106.4560, "accuracy": 10},
            permissions=["geolocation"],
            bypass_csp=True,
            **PHONE,
            **options,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_profile
    for context in contexts:
        context.close()
