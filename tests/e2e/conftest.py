"""Browser tests: Playwright's sync API driving Debian's Chromium against Django's live server."""

from __future__ import annotations

import shutil

import pytest

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


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    """A fresh desktop browser profile in Chinese, pointed at the live server."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    yield context
    context.close()


@pytest.fixture
def phone(browser, live_server):
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
