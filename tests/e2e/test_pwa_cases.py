"""Rectification cases in the PWA at 360×640: a property company answers offline with two photos, an inspector
re-checks offline; each reaches the server exactly once when the phone is back online."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from rectifications.models import CaseEvent, CasePhoto, CaseState, EventKind
from rectifications.services import case_answer

from .browser import SYNC_TIMEOUT_MS, add_case_photos, log_in, open_case, wait_for_worker

pytestmark = pytest.mark.django_db(transaction=True)


def sync_back_online(phone, page) -> None:
    phone.set_offline(False)
    page.goto("/#/outbox")
    page.wait_for_selector("#outbox-empty", timeout=SYNC_TIMEOUT_MS)
    assert page.get_attribute("#queue-badge", "data-count") == "0"


def test_a_company_answers_a_case_offline_and_it_syncs_exactly_once(case_street, phone):
    _street, case = case_street
    page = phone.new_page()
    log_in(page, "zhou", ready="#place-list-note[data-state=empty]")
    wait_for_worker(page)

    phone.set_offline(True)
    open_case(page, case.number)
    page.fill("#case-note", "已清洗桶身，张贴分类指引")
    add_case_photos(page, "gps/DSCN0010.jpg", "phones/jolla.jpg")
    page.click("#case-submit")
    page.wait_for_selector(f"#case-list li[data-number='{case.number}'] .case-local[data-local=queued]")
    assert page.get_attribute("#queue-badge", "data-count") == "1"
    assert not CaseEvent.objects.filter(kind=EventKind.ANSWERED).exists()

    sync_back_online(phone, page)

    answers = CaseEvent.objects.filter(case=case, kind=EventKind.ANSWERED)
    assert answers.count() == 1
    assert answers.get().note == "已清洗桶身，张贴分类指引"
    photos = CasePhoto.objects.filter(event__case=case)
    assert photos.count() == 2 and all(p.received_at and p.display for p in photos)
    case.refresh_from_db()
    assert case.state == CaseState.ANSWERED


def test_an_inspector_rechecks_offline_and_the_case_closes(case_street, phone):
    _street, case = case_street
    case_answer(case=case, by=get_user_model().objects.get(username="zhou"), note="已整改")
    page = phone.new_page()
    log_in(page, "wang")
    wait_for_worker(page)

    phone.set_offline(True)
    open_case(page, case.number)
    page.click("#recheck-fixed")
    page.fill("#recheck-note", "复查合格")
    add_case_photos(page, "gps/DSCN0012.jpg")
    page.click("#recheck-submit")
    page.wait_for_selector(f"#case-list li[data-number='{case.number}'] .case-local[data-local=queued]")
    case.refresh_from_db()
    assert case.state == CaseState.ANSWERED

    sync_back_online(phone, page)

    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    closing = CaseEvent.objects.get(case=case, kind=EventKind.CLOSED)
    assert closing.details["location"]["lat"] == pytest.approx(29.563, abs=1e-3)
    assert CasePhoto.objects.filter(event=closing, received_at__isnull=False).count() == 1
