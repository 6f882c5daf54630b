"""The installable shell: manifest, our versioned service worker, QR label links, language, plain-HTTP notice."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from inspections import app_views
from inspections.models import Place

from .browser import log_in

ROOT = Path(__file__).resolve().parents[2]


def test_the_worker_is_ours_and_carries_the_hash_of_every_shell_file(client):
    response = client.get("/serviceworker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-cache" in response["Cache-Control"]
    source = response.content.decode()
    version = re.search(r'const VERSION = "([0-9a-f]{16})";', source).group(1)
    assert version == app_views.shell_version()
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", source).group(1))
    assert shell[:2] == ["/", "/manifest.json"]
    assert "/static/app/js/app.js" in shell and "/static/app/js/scoring.js" in shell
    assert "/static/app/css/app.css" in shell
    for url in shell[2:]:
        folder, _, rest = url.removeprefix("/static/app/").partition("/")
        assert (ROOT / "pwa" / folder / rest).is_file(), url
    assert '"/api/", "/admin/"' in source  # never answered from a cache


def test_browsers_without_module_workers_get_the_same_worker_without_the_import(client):
    module = client.get("/serviceworker.js").content.decode()
    classic = client.get("/serviceworker.js?classic=1").content.decode()
    assert 'import { syncOutbox } from "/static/app/js/sync.js";' in module
    assert "const syncOutbox = null;" in classic
    assert module.replace('import { syncOutbox } from "/static/app/js/sync.js";', "const syncOutbox = null;") == classic


def test_changing_any_shell_file_changes_the_version(tmp_path, monkeypatch, settings):
    copy = tmp_path / "pwa"
    shutil.copytree(ROOT / "pwa", copy)
    monkeypatch.setattr(app_views, "PWA_DIR", copy)
    settings.PWA_SERVICE_WORKER_PATH = copy / "sw.js"
    before = app_views.shell_version()
    assert app_views.shell_version() == before
    (copy / "css" / "app.css").write_text((copy / "css" / "app.css").read_text() + "\n/* new */\n")
    after_css = app_views.shell_version()
    assert after_css != before
    (copy / "js" / "views" / "history.js").write_text("// changed\n")
    assert app_views.shell_version() not in {before, after_css}


def test_the_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.json")
    assert response.status_code == 200
    manifest = json.loads(response.content)
    assert manifest["name"] == "分类巡查"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["theme_color"] == "#1b6e3c"
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        with Image.open(ROOT / "pwa" / "icons" / Path(icon["src"]).name) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_the_shell_and_label_links_serve_the_same_page(client):
    home = client.get("/")
    label = client.get("/q/some-token")
    assert home.status_code == label.status_code == 200
    assert home.content == label.content
    assert b'<script type="module" src="/static/app/js/app.js">' in home.content
    assert b'<link rel="manifest" href="/manifest.json">' in home.content
    assert client.post("/").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_a_label_link_opens_its_place_and_the_pack_refreshes_with_an_etag(street, phone):
    station = Place.objects.get(code="LF-01-01-BS01")
    page = phone.new_page()
    log_in(page)
    with page.expect_response("**/api/v1/pack/") as answer:
        page.click("#pack-refresh")
    assert answer.value.status == 304
    assert answer.value.request.headers["if-none-match"]
    page.goto(f"/q/{station.qr_token}")
    page.wait_for_selector("#start-inspection")
    assert page.inner_text("h2") == "梨树湾1号桶站"
    assert page.url.endswith("/#/place/LF-01-01-BS01")
    regimes = page.eval_on_selector_all("input[name=regime]", "els => els.map((e) => e.value)")
    assert regimes == ["weekly_guidance", "monthly_covert", "quarterly_assessment"]
    page.click("#start-inspection")
    page.wait_for_selector("#finish")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling on a phone


@pytest.mark.django_db(transaction=True)
def test_english_on_request_and_remembered(street, context):
    page = context.new_page()
    page.goto("/")
    page.wait_for_selector("#login-form")
    assert page.inner_text("#login-form button") == "登录"
    assert page.evaluate("window.isSecureContext")
    assert page.locator("#insecure-notice").count() == 0
    page.click("#lang")
    page.wait_for_selector("#login-form button:text-is('Log in')")
    page.reload()
    page.wait_for_selector("#login-form")
    assert page.inner_text("#login-form button") == "Log in"
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_attribute("label[for=username]", "for") == "username"


@pytest.mark.django_db(transaction=True)
def test_plain_http_on_a_real_hostname_says_so(street, context, live_server):
    # Chromium treats localhost as secure; an ordinary hostname over http is what a phone on the LAN sees.
    def to_live_server(route):
        path = route.request.url.removeprefix("http://sortpatrol.test")
        route.fulfill(response=route.fetch(url=live_server.url + path))

    context.route("http://sortpatrol.test/**", to_live_server)
    page = context.new_page()
    page.goto("http://sortpatrol.test/")
    page.wait_for_selector("#insecure-notice")
    assert not page.evaluate("window.isSecureContext")
    assert "https://" in page.inner_text("#insecure-notice")


FAKE_CAMERA = """(link) => {
  // A camera that shows a canvas, and a detector that reads the bin station's label from it.
  navigator.mediaDevices.getUserMedia = async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 64; canvas.height = 64;
    canvas.getContext("2d").fillRect(0, 0, 64, 64);
    return canvas.captureStream(5);
  };
  window.BarcodeDetector = class {
    constructor(options) { this.formats = options.formats; }
    async detect() { return [{ rawValue: link, format: "qr_code" }]; }
  };
}"""


@pytest.mark.django_db(transaction=True)
def test_scanning_a_label_with_barcode_detector_opens_the_place(street, phone, live_server):
    station = Place.objects.get(code="LF-01-01-BS01")
    page = phone.new_page()
    page.add_init_script(f"({FAKE_CAMERA})({json.dumps(f'{live_server.url}/q/{station.qr_token}')})")
    log_in(page)
    assert page.inner_text("a.place[data-code='LF-01-01-BS01'] .kind") == "投放点"
    assert page.locator("#place-list [data-due]").count() == 0  # no place is a street inspector's weekly duty
    page.click("#scan")
    page.wait_for_selector("#start-inspection")
    assert page.inner_text("h2") == "梨树湾1号桶站"
    assert page.locator("video.scanner").count() == 0  # the camera is released


@pytest.mark.django_db(transaction=True)
def test_without_barcode_detector_the_app_says_to_use_the_camera_app(street, phone):
    page = phone.new_page()
    page.add_init_script("delete window.BarcodeDetector")
    log_in(page)
    page.click("#scan")
    page.wait_for_selector("#scan-output:has-text('系统相机')")
