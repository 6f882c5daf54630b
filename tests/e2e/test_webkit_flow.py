"""The PWA end to end in WebKit (Debian's WebKitGTK, the engine of iPhone Safari), as test_pwa_flow.py does in
Chromium: log in online, inspect twice offline with photos, reload offline (the shell from the service worker),
come back online and find exactly two complete inspections on the server.

Offline is real: the browser reaches the live server only through `CuttableProxy` (webkit.py), which the test
cuts. The browser says it is an iPhone (its user agent), so the Add-to-Home-Screen hint must show.

Marked `webkit`: the PostgreSQL pass of `make test` deselects it (it exercises the browser, not the database)."""

from __future__ import annotations

import os
import time
from urllib.parse import urlsplit

import pytest

from inspections.models import Inspection, Photo

from . import webkit
from .browser import PASSWORD, PHOTOS

pytestmark = [
    pytest.mark.webkit,
    pytest.mark.django_db(transaction=True),
    # Selenium's own WebKitGTK driver still passes the address the old way (selenium 4.39).
    pytest.mark.filterwarnings("ignore:setting remote_server_addr:DeprecationWarning"),
]

# A developer's plain `pytest` without the Debian packages skips this module and says what to install;
# `make test` (which installs them) sets SORTPATROL_REQUIRE_WEBKIT, and there a missing piece fails the run.
if reason := webkit.missing():
    if os.environ.get("SORTPATROL_REQUIRE_WEBKIT"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

WAIT_S = 20
SYNC_WAIT_S = 75  # the app retries on its own (15 s timer, backoff from 5 s): nobody presses "upload now"
# Two inspections' photos for the items that always need one; real camera JPEGs, one stored turned (EXIF 6).
PHOTO_SETS = [
    {"BS06": "orientation/landscape_6.jpg", "BS08": "gps/DSCN0010.jpg"},
    {"BS06": "gps/DSCN0021.jpg", "BS08": "phones/jolla.jpg"},
]
SPARE_PHOTO = "gps/DSCN0012.jpg"  # for any item that asks for a photo after its answer


@pytest.fixture(scope="session")
def display():
    xvfb = webkit.Xvfb()
    yield xvfb.display
    xvfb.stop()


@pytest.fixture
def proxy(live_server, server_drained):
    proxy = webkit.CuttableProxy(urlsplit(live_server.url).port)
    yield proxy
    proxy.close()


@pytest.fixture
def safari(display, proxy):
    """A fresh WebKit profile posing as iPhone Safari; quit before the proxy closes and the server drains."""
    driver = webkit.start_webkit(display)
    driver.set_window_size(390, 844)
    yield driver
    driver.quit()


# Uncaught errors and unhandled rejections of the page from now on (WebDriver cannot read WebKitGTK's console).
TRAP_ERRORS = """
window.uncaught = [];
addEventListener("error", (e) => uncaught.push(`error: ${e.message}`));
addEventListener("unhandledrejection", (e) => uncaught.push(`rejection: ${e.reason?.stack || e.reason}`));
"""


def wait(driver, condition, timeout=WAIT_S, message=""):
    def safe(d):
        try:
            return condition(d)
        except (StaleElementReferenceException, WebDriverException):
            return False

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(safe, message)


def css(driver, selector):
    return driver.find_elements(By.CSS_SELECTOR, selector)


def wait_for(driver, selector, timeout=WAIT_S):
    return wait(driver, lambda d: css(d, selector), timeout, f"no {selector}")[0]


def tap(driver, element):
    """Clicks an element after scrolling it to the middle of the screen, as a thumb would: WebDriver scrolls it
    only just into view, where the fixed tab bar or the sticky finish bar may cover it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def log_in(driver, base):
    driver.get(base + "/")
    wait_for(driver, "#username").send_keys("wang")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    tap(driver, driver.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]"))
    wait_for(driver, "#place-list a.place")


def answer_every_item(driver):
    """The best answer to every item on the screen, whatever its type: pass, no faults, a sample, a number, a note.
    Returns how many items there were."""
    items = css(driver, "article.item[data-item]")
    for item in items:
        code = item.get_attribute("data-item")
        name = f"answer-{code}"
        radios = item.find_elements(By.CSS_SELECTOR, f"input[type=radio][name='{name}']")
        sample = item.find_elements(By.CSS_SELECTOR, f"input[name='{name}-checked']")
        number = item.find_elements(By.CSS_SELECTOR, f"input[type=number][name='{name}']")
        text = item.find_elements(By.CSS_SELECTOR, f"textarea[name='{name}']")
        if radios:
            passing = [r for r in radios if r.get_attribute("value") == "pass"]
            tap(driver, (passing or radios)[0])
        elif sample:
            sample[0].send_keys("12")
            item.find_element(By.CSS_SELECTOR, f"input[name='{name}-wrong']").send_keys("2")
        elif number:
            number[0].send_keys("0" if item.find_elements(By.CSS_SELECTOR, "button.step") else "1")
        elif text:
            text[0].send_keys("WebKit")
        else:
            raise AssertionError(f"{code}: no control this test knows")
    return len(items)


def add_photo(driver, code, photo):
    before = len(css(driver, f"#item-{code} .photos img"))
    driver.find_element(By.ID, f"photo-{code}").send_keys(str(PHOTOS / photo))
    wait(driver, lambda d: len(css(d, f"#item-{code} .photos img")) > before, message=f"{code}: photo not stored")


def inspect_station(driver, photos):
    """The monthly covert checklist at the bin station, every item answered; returns the provisional score and
    the items photographed and answered."""
    tap(driver, wait_for(driver, "#tabs a[data-tab=places]"))
    tap(driver, wait_for(driver, "a.place[data-code='LF-01-01-BS01']"))
    tap(driver, wait_for(driver, "input[name=regime][value=monthly_covert]"))
    tap(driver, driver.find_element(By.ID, "start-inspection"))
    wait_for(driver, "#finish")
    answered = answer_every_item(driver)
    photographed = []
    for code, photo in photos.items():
        add_photo(driver, code, photo)
        photographed.append(code)
    for item in css(driver, "article.item.needs-photo"):
        code = item.get_attribute("data-item")
        if not item.find_elements(By.CSS_SELECTOR, ".photos img"):
            add_photo(driver, code, SPARE_PHOTO)
            photographed.append(code)
    assert not [e.text for e in css(driver, ".answer-error") if e.text], "an answer was refused"
    score = driver.find_element(By.ID, "provisional-score").get_attribute("data-score")
    tap(driver, driver.find_element(By.ID, "finish"))
    wait(driver, lambda d: css(d, "#outbox-list") or any(e.text for e in css(d, "#finish-error")),
         message="finish did nothing")
    assert css(driver, "#outbox-list"), driver.find_element(By.ID, "finish-error").text
    return score, sorted(photographed), answered


def test_offline_inspections_reach_the_server_exactly_once_in_webkit(street, safari, proxy):
    driver, base = safari, proxy.url
    log_in(driver, base)
    wait(driver, lambda d: d.execute_script("return navigator.serviceWorker?.controller != null"),
         message="the service worker never took control")
    assert driver.find_element(By.ID, "pack-refreshed").text
    # An iPhone in Safari (not from the home screen) is told to add the app: Safari may clear its data otherwise.
    assert wait_for(driver, "#ios-hint").is_displayed()

    driver.execute_script(TRAP_ERRORS)
    proxy.cut()
    reach = "fetch('/api/v1/', {cache: 'no-store'}).then((r) => arguments[0](r.status), () => arguments[0]('failed'))"
    assert driver.execute_async_script(reach) == "failed"  # the server is really out of reach
    scores, photographed, answered = zip(*(inspect_station(driver, photos) for photos in PHOTO_SETS), strict=True)
    assert driver.execute_script("return window.uncaught") == []

    driver.execute_script("window.beforeReload = true")
    driver.refresh()  # offline: only the service worker can answer
    assert driver.execute_script("return window.beforeReload") is None  # a new document, not the old one
    assert driver.current_url == base + "/#/outbox"
    wait(driver, lambda d: len(css(d, "#outbox-list li.outbox-item")) == 2, message="outbox lost records")
    assert driver.find_element(By.ID, "queue-badge").get_attribute("data-count") == "2"
    assert driver.execute_script("return navigator.serviceWorker.controller != null")
    assert Inspection.objects.count() == 0
    driver.execute_script(TRAP_ERRORS)

    proxy.restore()
    started = time.monotonic()
    wait_for(driver, "#outbox-empty", timeout=SYNC_WAIT_S)
    print(f"synced {time.monotonic() - started:.0f} s after the network came back")
    wait(driver, lambda d: d.find_element(By.ID, "queue-badge").get_attribute("data-count") == "0")
    assert driver.execute_script("return window.uncaught") == []

    inspections = list(Inspection.objects.order_by("started_at"))
    assert len(inspections) == 2
    assert all(i.status == Inspection.Status.COMPLETE for i in inspections)
    assert sorted(f"{i.score:.1f}" for i in inspections) == sorted(scores)
    # WebDriver cannot grant WebKitGTK a location (Chromium's tests can): the inspections say they had no fix.
    assert all(i.lat is None and "no_fix" in i.flags for i in inspections)
    assert [i.answers.count() for i in inspections] == list(answered)
    photos = [list(Photo.objects.filter(inspection=i)) for i in inspections]
    assert [sorted(p.item_code for p in mine) for mine in photos] == list(photographed)
    assert all(p.received_at and p.display and not p.refused_reason for mine in photos for p in mine)
    assert Photo.objects.count() == sum(map(len, photographed))  # none twice
    rotated = Photo.objects.get(inspection=inspections[0], item_code="BS06")
    assert rotated.width > rotated.height  # landscape_6 is stored turned; it arrives upright
    assert max(rotated.width, rotated.height) <= 1600
