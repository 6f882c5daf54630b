"""Finishing an inspection is deliberate (issue 11) in Chromium on a 360×640 phone: an empty or half-done draft does
not finish, the finish button lists what is missing and jumps to it, the slim bar says how far the draft is, an
invalid answer is explained under its item in Chinese, and the fixed bars leave the screen to the checklist."""

from __future__ import annotations

import re

import pytest

from checklists.models import ChecklistVersion
from checklists.scoring import SCORED_TYPES
from inspections.models import Inspection

from .browser import PHOTOS, SYNC_TIMEOUT_MS, answer_the_rest, log_in, start_inspection

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORT_HEIGHT = 640

DRAFT_STATES = """async () => {
  const db = await import("/static/app/js/db.js");
  return (await db.all("records")).map((r) => r.state);
}"""

# The visible height of every fixed or sticky element (outermost only), clipped to the viewport.
FIXED_BARS = """() => {
  const pinned = (el) => ["fixed", "sticky"].includes(getComputedStyle(el).position);
  return [...document.querySelectorAll("body *")]
    .filter((el) => pinned(el) && el.getClientRects().length && ![...ancestors(el)].some(pinned))
    .map((el) => {
      const r = el.getBoundingClientRect();
      return [el.id || el.className, Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0))];
    });
  function* ancestors(el) { for (let a = el.parentElement; a; a = a.parentElement) yield a; }
}"""

# Every visible piece of text a person reads or hears on the screen, with the element it belongs to; the language
# switch (marked lang="en") is English on purpose.
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest("[lang=en], script, style, noscript, .skip")) continue;
    if (!el.checkVisibility()) continue;
    out.push([el.tagName + (el.id ? "#" + el.id : ""), node.textContent.trim()]);
  }
  for (const el of document.querySelectorAll("[aria-label], [placeholder], img[alt]")) {
    if (el.closest("[lang=en]") || !el.checkVisibility()) continue;
    for (const name of ["aria-label", "placeholder", "alt"]) {
      if (el.getAttribute(name)) out.push([el.tagName + "@" + name, el.getAttribute(name)]);
    }
  }
  return out;
}"""

# Codes (BS06, LF-01-01-BS01), numbers, and distances in metres or kilometres are not words to translate.
ALLOWED = re.compile(r"\b[A-Z]{1,4}(?:-?[A-Z0-9]+)*\d[A-Z0-9]*\b|\d+(?:\.\d+)?\s?(?:km|m)\b")


def latin_words(page) -> list[tuple[str, str]]:
    texts = page.evaluate(VISIBLE_TEXT)
    return [(where, text) for where, text in texts if re.search(r"[A-Za-z]", ALLOWED.sub("", text))]


def required_codes() -> list[str]:
    version = ChecklistVersion.objects.get(checklist__place_kind="bin_station", checklist__regime="monthly_covert",
                                           state="published")
    return list(version.items.filter(type__in=SCORED_TYPES).order_by("order", "code").values_list("code", flat=True))



def test_an_empty_inspection_cannot_be_finished_and_nothing_is_uploaded(street, phone):
    page = phone.new_page()
    log_in(page)
    uploads = []
    page.on("request", lambda request: uploads.append(request.url) if "/api/v1/inspections/" in request.url else None)
    start_inspection(page, "monthly_covert")

    page.click("#finish")

    page.wait_for_selector("#finish-error .jump-list")
    listed = page.eval_on_selector_all("#finish-error [data-jump]", "els => els.map((e) => e.dataset.jump)")
    assert listed == required_codes()
    assert "还不能完成" in page.inner_text("#finish-error")
    assert page.locator("#finish").is_visible()  # still on the inspection
    assert page.evaluate(DRAFT_STATES) == ["draft"]
    page.click("#leave-inspection")
    page.click("#tabs a[data-tab=outbox]")
    page.wait_for_selector("#outbox-empty, #outbox-list")
    assert page.evaluate(DRAFT_STATES) == ["draft"]
    assert uploads == [] and Inspection.objects.count() == 0


def test_a_missing_item_is_one_tap_away_below_the_sticky_header(street, phone):
    page = phone.new_page()
    log_in(page)
    start_inspection(page, "monthly_covert")
    page.click("#finish")

    page.click("#finish-error [data-jump=BS13]")

    assert page.evaluate("() => document.activeElement.id") == "item-BS13"
    assert not page.locator("#finish-error").is_visible()
    header = page.locator("header.bar").bounding_box()
    item = page.locator("#item-BS13").bounding_box()
    bar = page.locator("#finish-bar").bounding_box()
    assert header["y"] + header["height"] <= item["y"] < bar["y"], (header, item, bar)


def test_the_bar_says_how_far_the_draft_is_and_finishing_works_once_all_is_answered(street, phone):
    page = phone.new_page()
    log_in(page)
    start_inspection(page, "monthly_covert")
    total = len(required_codes())
    assert page.inner_text("#finish-status") == f"已答 0/{total} · 不计分"

    page.check("#item-BS01 input[value=pass]")
    page.fill("input[name=answer-BS03]", "2")  # 2 dirty bins: 10 − 2 × 2 = 6 of 10

    page.wait_for_function("() => document.querySelector('#finish-status').textContent.includes('2/')")
    assert page.inner_text("#finish-status") == f"已答 2/{total} · 80.0 良好"
    assert page.get_attribute("#item-BS01", "data-state") == "answered"
    assert "✓ 已答" in page.inner_text("#item-BS01 .item-state")
    answer_the_rest(page)
    page.fill("input[name=answer-BS03]", "0")  # a fault needs a photo: none found after all
    page.fill("input[name=answer-BS06]", "95")
    page.click("#finish")
    assert page.eval_on_selector_all("#finish-error [data-jump]", "els => els.map((e) => e.textContent)") == [
        "BS06 厨余垃圾纯净度（抽查袋数/错误袋数） — 需要照片", "BS08 投放高峰时段桶边督导在岗 — 需要照片"]
    page.set_input_files("#photo-BS06", str(PHOTOS / "gps" / "DSCN0010.jpg"))
    page.set_input_files("#photo-BS08", str(PHOTOS / "gps" / "DSCN0012.jpg"))
    page.wait_for_selector("#item-BS08 .photos img")
    assert "✓ 已拍照" in page.inner_text("#item-BS08 .item-state")
    assert page.inner_text("#finish-status").startswith(f"已答 {total}/{total} · ")
    assert not page.locator("#finish-error").is_visible()  # an open list follows the answers: nothing left
    page.click("#finish")
    page.wait_for_selector("#outbox-empty", timeout=SYNC_TIMEOUT_MS)  # online: uploaded at once
    inspection = Inspection.objects.get()
    assert inspection.answers.count() == total and inspection.status == "complete"


def test_an_invalid_answer_is_explained_under_its_item_and_the_score_is_a_dash(street, phone):
    page = phone.new_page()
    log_in(page)
    start_inspection(page, "monthly_covert")
    page.check("#item-BS01 input[value=pass]")

    page.fill("input[name=answer-BS06-checked]", "5")
    page.fill("input[name=answer-BS06-wrong]", "8")

    page.wait_for_selector("#item-BS06[data-state=invalid]")
    assert page.inner_text("#item-BS06 .answer-error") == "抽查数至少为 1，错误数应在 0 到抽查数之间。"
    assert page.inner_text("#finish-status").endswith(" · —")
    assert page.get_attribute("#provisional-score", "data-score") == ""
    page.fill("input[name=answer-BS06-wrong]", "1")
    page.wait_for_selector("#item-BS06[data-state=answered]")
    assert page.inner_text("#item-BS06 .answer-error") == ""
    assert not page.inner_text("#finish-status").endswith("—")


def test_the_fixed_bars_take_at_most_a_fifth_of_a_phone_screen_while_answering(street, phone):
    page = phone.new_page()
    log_in(page)
    start_inspection(page, "monthly_covert")
    assert page.viewport_size == {"width": 360, "height": VIEWPORT_HEIGHT}
    page.click("#finish")
    page.click("#finish-error [data-jump=BS06]")  # mid-list, scrolled: answering
    page.fill("input[name=answer-BS06-checked]", "10")

    bars = page.evaluate(FIXED_BARS)

    names = " ".join(str(name) for name, _height in bars)
    assert "bar" in names and "finish-bar" in names, bars
    assert sum(height for _name, height in bars) <= 0.2 * VIEWPORT_HEIGHT, bars


def test_the_inspection_screens_speak_chinese(street, phone):
    page = phone.new_page()
    log_in(page)
    page.click("a.place[data-code='LF-01-01-BS01']")
    page.wait_for_selector("#start-inspection")
    screens = {"place": latin_words(page)}
    page.check("input[name=regime][value=monthly_covert]")
    page.click("#start-inspection")
    page.wait_for_selector("#item-BS14")
    page.wait_for_selector("#gps h3")
    screens["inspection"] = latin_words(page)
    page.check("#item-BS01 input[value=fail]")
    page.fill("input[name=answer-BS06-checked]", "5")
    page.fill("input[name=answer-BS06-wrong]", "8")
    page.wait_for_selector("#item-BS06[data-state=invalid]")
    page.click("#finish")
    page.wait_for_selector("#finish-error .jump-list")
    screens["cannot finish"] = latin_words(page)

    assert screens == {"place": [], "inspection": [], "cannot finish": []}
