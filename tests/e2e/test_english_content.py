"""With the UI in English, the inspection screen shows the checklist's English title, sections, labels and help."""

from __future__ import annotations

import pytest

from .browser import log_in, start_inspection

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_english_ui_shows_the_english_checklist(street, phone):
    page = phone.new_page()
    page.set_default_timeout(15_000)
    log_in(page)
    page.click("#lang")
    start_inspection(page, "monthly_covert")

    assert "Bin station: monthly covert inspection checklist" in page.inner_text("#view")
    assert "Cleanliness" in page.locator("h3").all_inner_texts()
    assert "bins clean" in page.inner_text("#item-BS03 h4")
    assert "2 points off per dirty bin, down to zero." in page.inner_text("#item-BS03")
