"""In-app browsers (WeChat and the like) get a screen that sends the user to the phone's own browser instead of
the login; the phone's own browsers get the login, and iPhone Safari the Add-to-Home-Screen hint."""

from __future__ import annotations

import pytest

from .conftest import PHONE

WECHAT = ("Mozilla/5.0 (Linux; Android 13; V2148A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
          "Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5061 MMWEBSDK/20230405 MicroMessenger/8.0.35.2360"
          "(0x28002351) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64")
WECHAT_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Mobile/15E148 MicroMessenger/8.0.40(0x1800282a) NetType/WIFI Language/zh_CN")
ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.0.0 Mobile Safari/537.36")
IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/17.5 Mobile/15E148 Safari/604.1")


@pytest.fixture
def open_as(browser, live_server, server_drained):
    """Opens the app in a fresh phone profile that reports the given user agent."""
    contexts = []

    def open_page(user_agent: str):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", user_agent=user_agent, **PHONE)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_wechat_shows_the_open_in_browser_screen_instead_of_the_login(open_as, street):
    page = open_as(WECHAT)
    screen = page.wait_for_selector("#inapp-screen")
    assert "在浏览器打开" in screen.inner_text()
    assert page.locator("#login-form").count() == 0
    assert page.input_value("#inapp-address") == page.evaluate("location.origin") + "/"
    page.click("#inapp-copy")
    page.wait_for_selector("#inapp-copied:not(:empty)")


def test_wechat_on_an_iphone_says_to_open_safari_without_the_home_screen_hint(open_as, street):
    page = open_as(WECHAT_IPHONE)
    assert "Safari" in page.wait_for_selector("#inapp-screen").inner_text()
    assert page.locator("#ios-hint").count() == 0


def test_going_on_anyway_from_wechat_shows_the_login(open_as, street):
    page = open_as(WECHAT)
    page.click("#inapp-continue")
    page.wait_for_selector("#login-form")
    assert page.locator("#inapp-screen").count() == 0


def test_a_phones_own_browser_shows_the_login(open_as, street):
    page = open_as(ANDROID_CHROME)
    page.wait_for_selector("#login-form")
    assert page.locator("#inapp-screen").count() == 0
    assert page.locator("#ios-hint").count() == 0


def test_iphone_safari_shows_the_login_and_the_add_to_home_screen_hint(open_as, street):
    page = open_as(IPHONE_SAFARI)
    page.wait_for_selector("#login-form")
    assert "添加到主屏幕" in page.inner_text("#ios-hint")
    assert page.locator("#inapp-screen").count() == 0
