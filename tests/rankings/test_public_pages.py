"""Public pages: published lists only, no login, nothing personal, photos as clean derivatives."""

import io
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from rankings.publication import publication_draft, publication_publish, publication_review

from .support import assert_nothing_personal

pytestmark = pytest.mark.django_db


def test_index_and_list_page_show_the_published_lists(client, published_list):
    pub = published_list["pub"]
    index = client.get("/public/")
    assert index.status_code == 200
    assert f"/public/lists/{pub.pk}/" in index.content.decode()
    assert_nothing_personal(index.content.decode())
    page = client.get(f"/public/lists/{pub.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "max-age=60" in page["Cache-Control"]
    for shown in ["好小区", "96.0", "差小区", "70.0", "红榜", "黑榜", "一票否决", "检查项D", "2026年5月"]:
        assert shown in html, shown
    assert f"/photos/{published_list['bad_photo'].uuid}/thumbnail/" in html
    assert_nothing_personal(html)
    # Each category's full ranking (with the trend) is on a page of its own.
    table = client.get(f"/public/lists/{pub.pk}/compound/").content.decode()
    assert "好小区" in table and "新" in table
    assert_nothing_personal(table)


def test_exposure_photos_are_clean_derivatives_and_nothing_else_is_served(client, published_list):
    photo = published_list["bad_photo"]
    for variant in ("display", "thumbnail"):
        response = client.get(f"/photos/{photo.uuid}/{variant}/")
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert not image.getexif() and "exif" not in image.info and "xmp" not in image.info
    assert client.get(f"/photos/{photo.uuid}/original/").status_code == 404
    other = published_list["other_photo"]  # never chosen for exposure
    assert client.get(f"/photos/{other.uuid}/display/").status_code == 404


def test_poster_is_printable_with_a_qr_code_to_the_online_list(client, published_list, settings):
    pub = published_list["pub"]
    response = client.get(f"/public/lists/{pub.pk}/poster/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and '<link rel="stylesheet" href="/static/inspections/poster.css">' in html
    assert "size:A4" in Path(finders.find("inspections/poster.css")).read_text()
    assert f"{settings.SITE_URL}/public/lists/{pub.pk}/" in html
    assert "好小区" in html and "差小区" in html
    assert_nothing_personal(html.replace("<svg", ""))


def test_drafts_are_not_public_and_a_revision_shows_on_the_old_page(client, published_list):
    s, pub = published_list, published_list["pub"]
    draft = publication_draft(street=s["street"], period_kind="month", period="2026-05", user=s["admin"])
    assert client.get(f"/public/lists/{draft.pk}/").status_code == 404
    assert client.get(f"/public/lists/{pub.pk}/").status_code == 200  # cached before the revision
    for key in draft.data["categories"][0]["black"]:
        publication_review(publication=draft, key=key, photo_ids=[])
    publication_publish(publication=draft, user=s["admin"], reason="更正")
    old = client.get(f"/public/lists/{pub.pk}/").content.decode()
    assert "本版已被修订取代" in old and f"/public/lists/{draft.pk}/" in old
    new = client.get(f"/public/lists/{draft.pk}/").content.decode()
    assert "修订原因：更正" in new
    index = client.get("/public/").content.decode()
    assert f"/public/lists/{draft.pk}/" in index and f"/public/lists/{pub.pk}/" not in index
