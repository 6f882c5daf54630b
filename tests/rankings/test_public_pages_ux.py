"""Public pages (issue 11, point 8): a small first page with a jump menu, each category's ranking on its own
page, numbering by rank, empty lists that say so, an official A4 poster, the rules page and the favicon."""

from __future__ import annotations

import datetime as dt
import gzip
import io
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from checklists.models import ChecklistVersion
from checklists.scoring import GRADE_BANDS
from inspections.demo.street import demo_street_seed
from inspections.models import Place
from rankings.demo import demo_history_seed
from rankings.models import RankingPublication
from rankings.present import tenths_text
from rankings.rules import CATEGORIES, policy_for

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 18, 4, 0, tzinfo=dt.UTC)
FIRST_SCREEN_LIMIT = 60 * 1024  # bytes of gzip-compressed HTML
PEOPLE = ["张管理", "李巡查", "王指导", "赵科员", "陈经理"]  # the demo street's users


@pytest.fixture
def october(settings):
    """The demo street's published October list (monthly covert), 40 compounds and more."""
    if not ChecklistVersion.objects.filter(state="published").exists():
        call_command("load_checklists", verbosity=0)
    demo_street_seed()
    demo_history_seed(now=NOW)
    return RankingPublication.objects.select_related("street").get(state="published", period="2026-10")


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def change_snapshot(publication: RankingPublication, change) -> None:
    """Edit a published snapshot's data for a test (bypassing the model, which keeps snapshots frozen)."""
    data = publication.data
    change(data)
    RankingPublication.objects.filter(pk=publication.pk).update(data=data)
    cache.clear()


def assert_no_inline_code(html: str) -> None:
    # The Content-Security-Policy runs no inline script or style (backend/middleware.py).
    assert "<script>" not in html and "<style" not in html and " style=" not in html and " on" + "click" not in html


def assert_nothing_personal(html: str) -> None:
    for person in PEOPLE:
        assert person not in html, person
    for lat, lng in Place.objects.exclude(lat=None).values_list("lat", "lng")[:50]:
        assert f"{lat:.6f}" not in html and f"{lng:.6f}" not in html
    for bit in ("originals/", "uploader", "inspector"):
        assert bit not in html


def test_the_first_page_of_a_list_is_small_and_leads_to_each_category(client, october):
    response = client.get(f"/public/lists/{october.pk}/")
    html = response.content.decode()
    compressed = len(gzip.compress(response.content))
    print(f"list page: {len(response.content)} bytes of HTML, {compressed} gzip")  # noqa: T201 (the measurement)
    assert response.status_code == 200 and compressed <= FIRST_SCREEN_LIMIT
    assert 'class="jump"' in html and 'href="#compound"' in html and 'id="compound"' in html
    for category in october.data["categories"]:
        if category["entries"]:
            assert f"/public/lists/{october.pk}/{category['category']}/" in html
    compounds = october.data["categories"][0]
    assert compounds["category"] == "compound" and len(compounds["entries"]) == 40
    listed = set(compounds["red"]) | set(compounds["black"])
    unlisted = next(e for e in compounds["entries"] if e["key"] not in listed)
    assert unlisted["name"] not in html  # only on the category's own page
    table = html_of(client, f"/public/lists/{october.pk}/compound/")
    assert all(e["name"] in table for e in compounds["entries"]) and table.count("<tr>") == 41
    assert f'href="/public/lists/{october.pk}/#compound"' in table
    for page in (html, table):
        assert_nothing_personal(page)
        assert_no_inline_code(page)
    assert client.get(f"/public/lists/{october.pk}/bin_station/").status_code == 404
    assert client.get(f"/public/lists/{october.pk}/nothing/").status_code == 404


def test_every_demo_list_page_is_small(client, october):
    sizes = {}
    for publication in RankingPublication.objects.filter(state="published").order_by("period"):
        html = client.get(f"/public/lists/{publication.pk}/").content
        sizes[publication.period] = (len(html), len(gzip.compress(html)))
    print("list pages (HTML, gzip):", sizes)  # noqa: T201 (the measurement)
    assert len(sizes) == 7 and all(compressed <= FIRST_SCREEN_LIMIT for _html, compressed in sizes.values())


def test_the_first_page_stays_small_however_many_places_a_street_has(client, october):
    def thousands(data):
        compounds = data["categories"][0]
        compounds["entries"] = [{**e, "key": f"{e['key']}-{i}", "name": f"{e['name']}{i}"}
                                for i in range(50) for e in compounds["entries"]]
        for e in compounds["entries"]:
            if e["key"].endswith("-0"):
                e["key"] = e["key"][:-2]  # the red and black lists name the originals

    change_snapshot(october, thousands)
    first = client.get(f"/public/lists/{october.pk}/").content
    table = client.get(f"/public/lists/{october.pk}/compound/").content
    print(f"2000 compounds: list page {len(gzip.compress(first))} gzip, ranking {len(gzip.compress(table))} gzip")  # noqa: T201
    assert len(gzip.compress(first)) <= FIRST_SCREEN_LIMIT
    assert table.decode().count("<tr>") == 2001


def test_numbers_follow_ranks_and_empty_lists_say_so(client, october):
    def tie_and_no_black(data):
        compounds = data["categories"][0]
        by_key = {e["key"]: e for e in compounds["entries"]}
        for key in compounds["red"][:2]:
            by_key[key]["rank"] = 1
            by_key[key]["score"] = by_key[compounds["red"][0]]["score"]
        compounds["black"] = []

    change_snapshot(october, tie_and_no_black)
    for url in (f"/public/lists/{october.pk}/", f"/public/lists/{october.pk}/poster/"):
        html = html_of(client, url)
        start = html.index("<section")
        compounds = html[start:html.index("</section>", start)]  # the first category
        assert "小区" in compounds and compounds.count('<li value="1">') == 2, url  # tied: 1, 1 as ranked
        assert '<li value="3">' in compounds and '<li value="2">' not in compounds
        assert "本期无黑榜" in compounds and "<li>—</li>" not in html, url


def test_the_poster_reads_as_an_official_notice_with_two_qr_codes(client, october, settings):
    html = html_of(client, f"/public/lists/{october.pk}/poster/")
    published = timezone.localtime(october.published_at)
    assert "联芳街道生活垃圾分类工作公示" in html  # the issuing street, in the red masthead
    assert f'<p class="signature">联芳街道<br>{published.year}年{published.month}月{published.day}日' in html
    assert html.count("<svg") == 2
    assert f"{settings.SITE_URL}/public/lists/{october.pk}/" in html and f"{settings.SITE_URL}/public/rules/" in html
    excellent = tenths_text(GRADE_BANDS[0][0])
    assert f"{excellent}分及以上为优秀" in html
    assert_no_inline_code(html)
    assert_nothing_personal(html.split("<footer")[0])
    css = Path(finders.find("inspections/poster.css")).read_text()
    assert "size:A4" in css and "@media print" in css and "print-color-adjust:exact" in css
    assert "max-width:186mm" in css and "width:186mm" not in css.replace("max-width:186mm", "")  # fits a phone


def test_the_rules_page_shows_the_numbers_the_code_uses(client, settings):
    html = html_of(client, "/public/rules/")
    for floor, _grade in GRADE_BANDS:
        assert f"≥ {tenths_text(floor)}" in html
    policy = policy_for()
    assert f"前 {policy.red_n} 名" in html and f"最后 {policy.black_n} 名" in html
    assert "0.6 × 季考核得分 + 0.4 ×" in html and "超过 5 分钟" in html
    settings.SORTPATROL = {**settings.SORTPATROL, "RANKING": {"red_n": 7, "black_n": 12, "assessment_weight": "0.5"}}
    html = html_of(client, "/public/rules/")
    assert "前 7 名" in html and "最后 12 名" in html and "0.5 × 季考核得分 + 0.5 ×" in html
    assert_no_inline_code(html)


def test_the_favicon_is_the_app_icon_and_cacheable(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert "public" in response["Cache-Control"] and "max-age=604800" in response["Cache-Control"]
    with Image.open(io.BytesIO(response.content)) as icon:
        assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]


def test_every_category_can_have_its_own_page():
    assert "poster" not in CATEGORIES  # /public/lists/<pk>/poster/ is never read as a category
