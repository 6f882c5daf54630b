"""Fast answers and photos on the inspection screen (issue 11, points 2 and 4) in Chromium on a phone: a weekly
bin-station inspection with everything in order takes a handful of taps from the place list; an unreadable photo is
explained under its item and nothing is attached; a deleted photo comes back with 撤销."""

from __future__ import annotations

import pytest

from inspections.models import Inspection

from .browser import PHOTOS, SYNC_TIMEOUT_MS, log_in, start_inspection

pytestmark = pytest.mark.django_db(transaction=True)

MAX_TAPS = 8
UNREADABLE = "无法读取这张照片（可能是 HEIC 格式）。请用应用内的“拍照”按钮重新拍摄。"


class Taps:
    """Clicks as a person makes them, counted."""

    def __init__(self, page) -> None:
        self.page = page
        self.count = 0

    def __call__(self, selector: str) -> None:
        self.page.click(selector)
        self.count += 1


def test_a_weekly_inspection_all_in_order_takes_at_most_eight_taps(street, phone):
    page = phone.new_page()
    log_in(page)
    tap = Taps(page)
    tap("a.place[data-code='LF-01-01-BS01']")
    if not page.locator("input[name=regime][value=weekly_guidance]").is_checked():
        tap("input[name=regime][value=weekly_guidance]")
    tap("#start-inspection")
    page.wait_for_selector("article.item")
    for section in page.eval_on_selector_all("button.all-pass", "els => els.map((e) => e.dataset.section)"):
        tap(f"button.all-pass[data-section='{section}']")
    page.wait_for_function("() => !document.querySelector('article.item[data-required][data-state=unanswered]')")
    assert page.get_attribute("#provisional-score", "data-score") == "100.0"
    tap("#finish")
    page.wait_for_selector("#outbox-empty", timeout=SYNC_TIMEOUT_MS)
    assert tap.count <= MAX_TAPS

    inspection = Inspection.objects.get()
    assert inspection.status == Inspection.Status.COMPLETE
    assert inspection.regime == "weekly_guidance"
    assert inspection.score_tenths == 1000
    answers = {a.item_code: a.value for a in inspection.answers.all()}
    assert answers == {"BS03": 0, "BS04": 0, "BS07": 0, "BS09": "pass"}


def test_all_pass_keeps_answers_given_and_no_faults_is_one_tap(street, phone):
    page = phone.new_page()
    log_in(page)
    start_inspection(page, "monthly_covert")
    page.fill("input[name=answer-BS03]", "2")
    page.click("#item-BS05 button.no-faults")
    assert page.input_value("input[name=answer-BS05]") == "0"
    page.click("button.all-pass[data-section='环境卫生']")
    page.wait_for_function("() => document.querySelector('#item-BS07').dataset.state === 'answered'")
    assert page.input_value("input[name=answer-BS03]") == "2"  # the inspector's count stays
    assert page.input_value("input[name=answer-BS07]") == "0"
    assert page.get_attribute("#item-BS06", "data-state") == "unanswered"  # no percent is assumed


def test_a_percent_item_shows_one_input_mode_in_its_own_words_and_the_percent(street, phone):
    page = phone.new_page()
    log_in(page)
    start_inspection(page, "monthly_covert")
    assert page.is_visible("input[name=answer-BS06-checked]")
    assert not page.is_visible("input[name=answer-BS06]")
    assert "抽查袋数" in page.inner_text("#item-BS06 .percent-sample")
    assert "错误袋数" in page.inner_text("#item-BS06 .percent-sample")
    page.fill("input[name=answer-BS06-checked]", "12")
    page.fill("input[name=answer-BS06-wrong]", "2")
    page.wait_for_function("() => document.querySelector('#percent-BS06').textContent === '= 83.3%'")
    page.check("input[name=answer-BS06-mode][value=direct]")
    assert page.is_visible("input[name=answer-BS06]")
    assert not page.is_visible("input[name=answer-BS06-checked]")



def test_an_unreadable_photo_is_explained_and_nothing_is_attached(street, phone):
    page = phone.new_page()
    log_in(page)
    start_inspection(page, "weekly_guidance")
    page.set_input_files("#photo-BS03", str(PHOTOS / "phones" / "IMG_5195.HEIC"))
    page.wait_for_selector("#item-BS03 .photo-message .error")
    assert page.inner_text("#item-BS03 .photo-message") == UNREADABLE
    assert page.locator("#item-BS03 .photos img").count() == 0
    assert "已拍照" not in page.inner_text("#item-BS03 .item-state")

    page.set_input_files("#photo-BS03", str(PHOTOS / "gps" / "DSCN0010.jpg"))  # a readable one clears the message
    page.wait_for_selector("#item-BS03 .photos img")
    assert page.inner_text("#item-BS03 .photo-message") == ""
    assert "✓ 已拍照" in page.inner_text("#item-BS03 .item-state")


def test_a_deleted_photo_comes_back_with_undo_and_its_control_is_big_and_apart(street, phone):
    page = phone.new_page()
    log_in(page)
    start_inspection(page, "weekly_guidance")
    page.set_input_files("#photo-BS03", str(PHOTOS / "gps" / "DSCN0010.jpg"))
    page.wait_for_selector("#item-BS03 .photos img")
    image = page.locator("#item-BS03 .photos img").bounding_box()
    remove = page.locator("#item-BS03 .remove-photo").bounding_box()
    assert remove["width"] >= 44 and remove["height"] >= 44
    overlap_x = min(image["x"] + image["width"], remove["x"] + remove["width"]) - max(image["x"], remove["x"])
    overlap_y = min(image["y"] + image["height"], remove["y"] + remove["height"]) - max(image["y"], remove["y"])
    assert overlap_x <= 0 or overlap_y <= 0

    page.click("#item-BS03 .remove-photo")
    page.wait_for_selector("#item-BS03 .photo-message .undo")
    assert page.locator("#item-BS03 .photos img").count() == 0
    assert "已删除" in page.inner_text("#item-BS03 .photo-message")
    assert "已拍照" not in page.inner_text("#item-BS03 .item-state")
    page.click("#item-BS03 .photo-message .undo")
    page.wait_for_selector("#item-BS03 .photos img")
    assert "✓ 已拍照" in page.inner_text("#item-BS03 .item-state")

    page.reload()  # the undone delete is stored, not only drawn
    page.wait_for_selector("#item-BS03 .photos img")
    assert page.locator("#item-BS03 .photos img").count() == 1
