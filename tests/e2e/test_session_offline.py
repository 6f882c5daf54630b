"""Session and offline on a 360×640 phone (issue 11, point 5): logout in a menu, asks first, refused while records
are unsent; offline unlock with the password hash kept from the last online login; the offline banner, what
"立即上传" says and "已上传 N 条"."""

from __future__ import annotations

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from inspections.models import Inspection

from .browser import PASSWORD, SYNC_TIMEOUT_MS, log_in, log_out, wait_for_worker, weekly_visit

pytestmark = pytest.mark.django_db(transaction=True)

KV = """(key) => new Promise((resolve) => {
  const open = indexedDB.open("sortpatrol");
  open.onsuccess = () => {
    const row = open.result.transaction("kv").objectStore("kv").get(key);
    row.onsuccess = () => resolve(row.result ? row.result.value : null);
  };
})"""



def test_logout_is_in_the_menu_asks_first_and_waits_for_unsent_records(street, phone):
    page = phone.new_page()
    log_in(page)
    wait_for_worker(page)
    assert page.locator("#view #logout").count() == 0  # no longer on the working screen
    menu = page.locator("#menu-button").bounding_box()
    assert menu and menu["x"] + menu["width"] <= 360

    page.click("#menu-button")
    assert page.inner_text("#menu-user") == "当前用户：王巡查"
    assert "null" not in page.inner_text("#menu")
    page.click("#menu #logout")
    assert page.inner_text("#logout-confirm") == "确定退出登录吗？"
    page.click("#logout-no")
    assert page.locator("#menu").is_hidden()
    assert page.locator("#place-list a.place").count() == 3  # still logged in

    phone.set_offline(True)
    weekly_visit(page)
    page.click("#menu-button")
    page.click("#menu #logout")
    refused = page.locator("#logout-refused")
    assert refused.get_attribute("data-count") == "1"
    assert refused.inner_text() == "还有 1 条记录未上传，上传后才能退出登录。"
    assert page.locator("#logout-yes").count() == 0
    page.click("#logout-to-outbox")
    page.wait_for_selector("#outbox-list li.outbox-item")
    assert page.locator("#menu").is_hidden()  # a menu action that navigates closes it
    assert page.get_attribute("#menu-button", "aria-expanded") == "false"

    phone.set_offline(False)
    page.wait_for_selector("#outbox-empty", timeout=SYNC_TIMEOUT_MS)
    assert Inspection.objects.get().uploader.username == "wang"
    log_out(page)
    assert BlacklistedToken.objects.count() == 1


FOCUSED = "() => document.activeElement?.id || document.activeElement?.tagName"
PLAIN_SPOT = "([x, y]) => !document.elementFromPoint(x, y).closest('a, button, input, label, #menu')"


def test_the_menu_closes_on_escape_on_a_tap_outside_and_when_the_screen_changes(street, phone):
    page = phone.new_page()
    log_in(page)

    def assert_closed(focused="menu-button"):
        assert page.locator("#menu").is_hidden()
        assert page.get_attribute("#menu-button", "aria-expanded") == "false"
        assert page.evaluate(FOCUSED) == focused

    page.focus("#menu-button")  # by keyboard: Enter opens, Tab goes in, Escape closes and lands back on ☰
    page.keyboard.press("Enter")
    assert page.locator("#menu").is_visible()
    assert page.get_attribute("#menu-button", "aria-expanded") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "logout"
    page.keyboard.press("Escape")
    assert_closed()

    page.click("#tabs a[data-tab=history]")  # a short screen: plain page below the open menu
    page.wait_for_selector("#view h2:has-text('历史')")
    page.tap("#menu-button")
    assert page.get_attribute("#menu-button", "aria-expanded") == "true"
    panel = page.locator("#menu").bounding_box()
    spot = [180, panel["y"] + panel["height"] + 120]
    assert spot[1] < 640 - 56 and page.evaluate(PLAIN_SPOT, spot)
    page.touchscreen.tap(*spot)
    assert_closed()

    page.tap("#menu-button")  # a tap outside on a tab: the menu closes, the tab goes to its screen
    page.tap("#tabs a[data-tab=places]")
    page.wait_for_selector("#place-list a.place")
    assert_closed(focused="H2")  # the new screen's heading has the focus, as on every change of screen
    assert page.locator("#tabs a[aria-current=page]").get_attribute("data-tab") == "places"

    page.tap("#menu-button")  # "cancel" in the logout question closes it as well
    page.tap("#menu #logout")
    page.tap("#logout-no")
    assert_closed()


def test_offline_a_known_user_unlocks_with_the_password_and_uploads_after_an_online_login(street, phone):
    page = phone.new_page()
    log_in(page)
    wait_for_worker(page)
    verifier = page.evaluate(KV, "unlock:wang")
    assert verifier["algorithm"] == "PBKDF2-SHA-256" and verifier["iterations"] >= 100_000
    assert len(verifier["salt"]) == 32 and len(verifier["hash"]) == 64
    assert PASSWORD not in str(verifier)
    log_out(page)

    phone.set_offline(True)
    page.reload()
    page.wait_for_selector("#login-form")
    page.fill("#username", "wang")
    page.fill("#password", "wrong horse")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#login-error:has-text('密码错误')")
    page.fill("#username", "li")  # never logged in on this phone
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#login-error:has-text('首次登录需要网络连接')")
    assert page.locator("#place-list").count() == 0

    page.fill("#username", "wang")
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#place-list a.place")
    assert page.get_attribute("#net-banner", "data-state") == "bannerOfflineRelogin"
    weekly_visit(page)
    assert "需要联网重新登录后上传" in page.inner_text("#outbox-list li.outbox-item")
    page.reload()  # closed and opened again offline: still unlocked
    page.wait_for_selector("#outbox-list li.outbox-item")
    page.click("#sync-now")
    page.wait_for_selector("#sync-message[data-key=needReloginToUpload]")

    phone.set_offline(False)
    page.wait_for_selector("#net-banner[data-state=needReloginToUpload]")
    page.click("#sync-now")
    page.wait_for_selector("#sync-message[data-key=needReloginToUpload]")
    assert Inspection.objects.count() == 0  # no token, no upload
    page.click("#banner-relogin")
    page.wait_for_selector("#relogin-notice")
    assert page.input_value("#username") == "wang"
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#place-list")
    page.wait_for_selector("#sync-status[data-key=uploadedN]", timeout=SYNC_TIMEOUT_MS)
    assert page.inner_text("#sync-status") == "已上传 1 条"
    assert page.locator("#net-banner").is_hidden()
    inspection = Inspection.objects.get()
    assert inspection.uploader.username == "wang" and inspection.status == Inspection.Status.COMPLETE


def test_the_offline_banner_and_what_upload_now_says(street, phone):
    page = phone.new_page()
    log_in(page)
    wait_for_worker(page)
    assert page.locator("#net-banner").is_hidden()

    phone.set_offline(True)
    page.wait_for_selector("#net-banner[data-state=bannerOffline]")
    assert page.inner_text("#net-banner") == "离线：记录保存在手机上，联网后自动上传"
    page.click("#tabs a[data-tab=outbox]")
    page.click("#sync-now")
    page.wait_for_selector("#sync-message[data-key=nothingToSend]")
    assert page.inner_text("#sync-message") == "没有需要上传的记录"
    weekly_visit(page)
    weekly_visit(page)
    page.click("#sync-now")
    page.wait_for_selector("#sync-message[data-key=uploadOffline]")
    assert page.inner_text("#sync-message") == "现在离线：2 条记录会在联网后自动上传"

    # The server fails: the retry line says so.
    phone.route("**/api/v1/inspections/**", lambda route: route.fulfill(status=503, body="{}"))
    phone.set_offline(False)
    page.wait_for_selector("#net-banner", state="hidden")
    page.wait_for_selector("#outbox-list .waiting:has-text('服务器错误 503')", timeout=SYNC_TIMEOUT_MS)
    assert "秒后重试" in page.inner_text("#outbox-list .waiting >> nth=0")
    assert Inspection.objects.count() == 0

    phone.unroute("**/api/v1/inspections/**")
    page.click("#sync-now")
    page.wait_for_selector("#sync-message[data-key=uploadedN]", timeout=SYNC_TIMEOUT_MS)
    assert page.inner_text("#sync-message") == "已上传 2 条"
    assert page.inner_text("#sync-status") == "已上传 2 条"
    page.wait_for_selector("#outbox-empty")
    assert Inspection.objects.filter(status=Inspection.Status.COMPLETE).count() == 2
