"""The notice (整改通知书) prints on one A4 page per case: Chromium renders it to PDF, the test counts the pages
(issue 13's acceptance). Three evidence photos and a long problem and reason must not push it onto a second
page; a party's notice with three cases is three pages."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from rectifications.models import RectificationCase
from tests.rankings.support import add_photo
from tests.rectifications.world import make_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
A4_POINTS = (595.3, 841.9)  # 210 × 297 mm in PostScript points
PRINTABLE_PX = (297 - 2 * 12) * 96 / 25.4  # the page's height inside notice.css's 12 mm margins, in CSS pixels
LONG_LABEL = "投放点周边地面有散落垃圾、桶身破损且无分类标识、厨余垃圾桶满溢未及时清运、" * 5
LONG_REASON = "巡查发现该问题已连续出现，群众多次反映，请责任单位高度重视并立即组织整改。" * 12


def pdf_pages(pdf: bytes) -> int:
    """Page objects of a PDF (/Type /Page, not the /Pages tree), checked against the tree's /Count."""
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", pdf, flags=re.S)]
    assert counts and pages == max(counts), (pages, counts)
    return pages


def is_a4(pdf: bytes) -> bool:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return bool(boxes) and all(abs(float(w) - A4_POINTS[0]) < 2 and abs(float(h) - A4_POINTS[1]) < 2
                               for w, h in boxes)


def _session(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[
        settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])


def _print(page, url: str) -> bytes:
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("load")
    return page.pdf(prefer_css_page_size=True, print_background=True)


@pytest.fixture
def cases():
    world = make_world()
    inspections = [world.inspect(place, {"D": "fail"}) for place in (world.x, world.xb, world.z)]
    for _ in range(3):
        add_photo(inspections[0], settings.MEDIA_ROOT)
    found = list(RectificationCase.objects.order_by("pk"))
    assert len(found) == 3
    RectificationCase.objects.filter(pk=found[0].pk).update(item_label=LONG_LABEL[:300], opening_reason=LONG_REASON)
    return world, found


def test_a_case_notice_is_one_a4_page_with_three_photos_and_a_long_problem(page, live_server, cases):
    world, found = cases
    _session(page, live_server, world.users["admin"])
    pdf = _print(page, f"/staff/cases/{found[0].pk}/notice/")

    assert page.locator("article.notice img").count() == 3
    assert page.locator("article.notice svg.qr").count() == 1
    assert pdf_pages(pdf) == 1
    assert is_a4(pdf)
    # Nothing was cut off to make it fit: the QR code and the seal line end inside the printable page.
    page.emulate_media(media="print")
    for part in ("svg.qr", "footer"):
        box = page.locator(f"article.notice {part}").bounding_box()
        assert box["y"] + box["height"] <= PRINTABLE_PX, part


def test_a_party_notice_is_one_page_per_case(page, live_server, cases):
    world, found = cases
    _session(page, live_server, world.users["admin"])
    pdf = _print(page, f"/staff/cases/notices/company/{world.company.pk}/")

    assert page.locator("article.notice").count() == 3
    assert pdf_pages(pdf) == 3
