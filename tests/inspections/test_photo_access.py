"""Photo files (issue 9, point 7): no media folder is mapped; every variant goes through one checked view.

Street staff see any variant of the photos of their street; everyone else only the derivatives of an
exposure photo of a current published list that has not been withdrawn; anything else is a 404.
"""

import importlib
import io
import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import Resolver404, clear_url_caches, resolve
from PIL import Image

from inspections.models import AuditAction, AuditEvent, Photo, PropertyCompany, Role
from rankings.models import RankingPublication
from rankings.publication import (
    PublicationError,
    photo_withdraw,
    publication_draft,
    publication_publish,
    publication_review,
)
from tests.rankings.support import make_street, user_with

pytestmark = pytest.mark.django_db
VARIANTS = ("original", "display", "thumbnail")
ORIGINAL_BYTES = b"\xff\xd8\xff original with EXIF and GPS"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(street_may, settings):
    s = street_may
    company = PropertyCompany.objects.create(name="某物业")
    s["bad"].company = company
    s["bad"].save(update_fields=["company"])
    other_street = make_street("S2", "别的街道")
    for photo in (s["bad_photo"], s["other_photo"]):
        target = Path(settings.PRIVATE_MEDIA_ROOT) / photo.original
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(ORIGINAL_BYTES)
    Photo.objects.filter(pk=s["bad_photo"].pk).update(content_type="image/jpeg")
    return {
        **s,
        "street_admin": user_with(Role.ADMIN, s["street"], "street-admin"),
        "street_inspector": user_with(Role.STREET_INSPECTOR, s["street"], "street-inspector"),
        "other_admin": user_with(Role.ADMIN, other_street, "other-admin"),
        "company_user": user_with(Role.COMPANY_USER, s["street"], "company-user", company=company),
        "community_inspector": user_with(Role.COMMUNITY_INSPECTOR, s["street"], "community-inspector",
                                         communities=[s["bad"].parent]),
    }


def publish(world, photo_ids, *, reason=""):
    draft = publication_draft(street=world["street"], period_kind="month", period="2026-05", user=world["admin"])
    publication_review(publication=draft, key=f"place:{world['bad'].id}", photo_ids=photo_ids)
    return publication_publish(publication=draft, user=world["admin"], reason=reason)


def every_url(photo: Photo, publication_pk: int = 1) -> list[str]:
    """Every way one might try to reach a photo's files: the new view by uuid (each variant, and a few
    made-up variants), by id, the old /media/ folder, and the routes this change removed."""
    urls = [f"/photos/{photo.uuid}/{v}/" for v in (*VARIANTS, "Display", "..", "original.jpg", "")]
    urls += [f"/photos/{photo.pk}/{v}/" for v in VARIANTS]
    urls += [f"/media/{photo.display}", f"/media/{photo.thumbnail}", f"/media/{photo.original}",
             f"/private_media/{photo.original}"]
    urls += [f"/public/photos/{publication_pk}/{photo.pk}/{v}/" for v in VARIANTS]
    urls += [f"/staff/photos/{photo.pk}/{v}/" for v in VARIANTS]
    return urls


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_unpublished_covert_photo_is_reachable_at_no_url_except_by_its_street_staff(world):
    photo = world["bad_photo"]
    # Chosen for exposure in a draft: a draft is not published, so that changes nothing.
    draft = publication_draft(street=world["street"], period_kind="month", period="2026-05", user=world["admin"])
    publication_review(publication=draft, key=f"place:{world['bad'].id}", photo_ids=[photo.pk])
    outsiders = [None, world["company_user"], world["community_inspector"], world["other_admin"]]
    for user in outsiders:
        client = client_for(user)
        for url in every_url(photo, draft.pk):
            response = client.get(url)
            assert response.status_code == 404, (user, url, response.status_code)
        api = client.get(f"/api/v1/photos/{photo.uuid}/original")
        # The API asks anonymous callers to log in (the same for any uuid); logged-in outsiders get a 404.
        assert api.status_code == (401 if user is None else 404), (user, api.status_code)
        assert ORIGINAL_BYTES not in api.content

    for user in (world["street_admin"], world["street_inspector"], world["admin"]):
        client = client_for(user)
        for variant in VARIANTS:
            response = client.get(f"/photos/{photo.uuid}/{variant}/")
            assert response.status_code == 200, (user, variant)
            assert response["Cache-Control"] == "private, max-age=3600"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "Cookie" in response["Vary"]
        original = client.get(f"/photos/{photo.uuid}/original/")
        assert body(original) == ORIGINAL_BYTES and original["Content-Type"] == "image/jpeg"
        api = client.get(f"/api/v1/photos/{photo.uuid}/original")
        assert api.status_code == 200 and body(api) == ORIGINAL_BYTES


def test_a_404_looks_the_same_for_a_hidden_photo_and_for_none_at_all(world):
    client = client_for(world["company_user"])
    hidden = client.get(f"/photos/{world['bad_photo'].uuid}/display/")
    missing = client.get("/photos/00000000-0000-4000-8000-000000000000/display/")
    assert (hidden.status_code, hidden.content, hidden["Cache-Control"]) == (
        missing.status_code, missing.content, missing["Cache-Control"]) == (404, b"", "no-store")


def test_no_url_maps_a_media_folder_not_even_under_debug(world, settings):
    import backend.urls

    settings.DEBUG = True
    try:
        importlib.reload(backend.urls)
        clear_url_caches()
        photo = world["bad_photo"]
        for path in (f"/media/{photo.display}", "/media/", f"/private_media/{photo.original}"):
            with pytest.raises(Resolver404):
                resolve(path, urlconf="backend.urls")
        assert client_for(world["street_admin"]).get(f"/media/{world['bad_photo'].display}").status_code == 404
    finally:
        settings.DEBUG = False
        importlib.reload(backend.urls)
        clear_url_caches()


def test_a_published_exposure_photo_is_public_as_derivatives_only(world):
    photo, other = world["bad_photo"], world["other_photo"]
    pub = publish(world, [photo.pk])
    for user in (None, world["company_user"], world["community_inspector"], world["other_admin"]):
        client = client_for(user)
        for variant in ("display", "thumbnail"):
            response = client.get(f"/photos/{photo.uuid}/{variant}/")
            assert response.status_code == 200 and response["Content-Type"] == "image/jpeg", (user, variant)
            assert response["Cache-Control"] == "public, max-age=600"
            assert response["X-Content-Type-Options"] == "nosniff"
            image = Image.open(io.BytesIO(body(response)))
            assert not image.getexif() and "exif" not in image.info and "xmp" not in image.info
        assert client.get(f"/photos/{photo.uuid}/original/").status_code == 404
        assert client.get(f"/photos/{other.uuid}/display/").status_code == 404  # never chosen
    assert f"/photos/{photo.uuid}/thumbnail/" in client_for(None).get(f"/public/lists/{pub.pk}/").content.decode()
    # Staff get the private answer for the same URL.
    assert client_for(world["street_admin"]).get(f"/photos/{photo.uuid}/display/")["Cache-Control"].startswith(
        "private")


def test_a_revision_that_drops_a_photo_takes_it_off_the_public(world):
    photo = world["bad_photo"]
    anonymous = client_for(None)
    first = publish(world, [photo.pk])
    second = publish(world, [photo.pk], reason="更正分数")
    # An old revision shows what the current one still exposes; both pages are cached now.
    for pub in (first, second):
        assert f"/photos/{photo.uuid}/thumbnail/" in anonymous.get(f"/public/lists/{pub.pk}/").content.decode()
    third = publish(world, [], reason="换照片")
    assert set(RankingPublication.objects.values_list("pk", "state")) == {
        (first.pk, "superseded"), (second.pk, "superseded"), (third.pk, "published")}
    assert anonymous.get(f"/photos/{photo.uuid}/display/").status_code == 404
    for pub in (first, second, third):
        assert str(photo.uuid) not in anonymous.get(f"/public/lists/{pub.pk}/").content.decode()
        assert str(photo.uuid) not in anonymous.get(f"/api/v1/public/lists/{pub.pk}/").content.decode()
    assert client_for(world["street_inspector"]).get(f"/photos/{photo.uuid}/display/").status_code == 200


def public_views_of(pubs) -> str:
    anonymous = client_for(None)
    out = []
    for pub in pubs:
        out.append(anonymous.get(f"/public/lists/{pub.pk}/").content.decode())
        out.append(json.dumps(anonymous.get(f"/api/v1/public/lists/{pub.pk}/").json()))
    return "\n".join(out)


def test_withdrawing_an_exposure_photo_takes_it_off_every_revision_and_is_audited(world):
    photo, admin = world["bad_photo"], world["street_admin"]
    first = publish(world, [photo.pk])
    second = publish(world, [photo.pk], reason="更正分数")
    first.refresh_from_db()
    pubs = [first, second]
    before = public_views_of(pubs)  # also fills the page cache
    assert before.count(f"/photos/{photo.uuid}/thumbnail/") == 4  # both pages, both API answers
    staff = client_for(admin)
    page = staff.get(f"/staff/rankings/{second.pk}/").content.decode()
    assert f"/staff/rankings/{second.pk}/photos/{photo.pk}/withdraw/" in page

    # A reason is required; a street inspector may not; another street's admin cannot even see the list.
    refused = staff.post(f"/staff/rankings/{second.pk}/photos/{photo.pk}/withdraw/", {"reason": "  "}, follow=True)
    assert "撤回照片必须填写原因" in refused.content.decode()
    inspector = client_for(world["street_inspector"])
    assert inspector.post(f"/staff/rankings/{second.pk}/photos/{photo.pk}/withdraw/", {"reason": "x"}
                          ).status_code == 403
    assert client_for(world["other_admin"]).post(
        f"/staff/rankings/{second.pk}/photos/{photo.pk}/withdraw/", {"reason": "x"}).status_code == 404
    # Only a photo that this list shows.
    other = world["other_photo"]
    assert staff.post(f"/staff/rankings/{second.pk}/photos/{other.pk}/withdraw/", {"reason": "x"}
                      ).status_code == 404
    assert staff.get(f"/staff/rankings/{second.pk}/photos/{photo.pk}/withdraw/").status_code == 405
    photo.refresh_from_db()
    assert photo.public_withdrawn_at is None and not AuditEvent.objects.filter(action=AuditAction.WITHDRAW_PHOTO)

    response = staff.post(f"/staff/rankings/{second.pk}/photos/{photo.pk}/withdraw/", {"reason": "照片拍到了居民面部"})
    assert response.status_code == 302 and response["Location"] == f"/staff/rankings/{second.pk}/"
    photo.refresh_from_db()
    assert photo.public_withdrawn_by == admin and photo.public_withdrawn_reason == "照片拍到了居民面部"
    assert photo.public_withdrawn_at is not None

    anonymous = client_for(None)
    for variant in VARIANTS:
        assert anonymous.get(f"/photos/{photo.uuid}/{variant}/").status_code == 404
    after = public_views_of(pubs)  # the cached pages included
    assert str(photo.uuid) not in after and "照片拍到了" not in after
    # Nothing else on the pages changed.
    assert "差小区" in after and after.count("检查项D") == before.count("检查项D")
    # The file stays, for staff, and their page says what happened.
    for user in (admin, world["street_inspector"]):
        assert client_for(user).get(f"/photos/{photo.uuid}/display/").status_code == 200
    page = staff.get(f"/staff/rankings/{second.pk}/").content.decode()
    assert "已撤回公示" in page and "照片拍到了居民面部" in page
    assert f"/staff/rankings/{second.pk}/photos/{photo.pk}/withdraw/" not in page

    event = AuditEvent.objects.get(action=AuditAction.WITHDRAW_PHOTO)
    assert (event.actor, event.street_id, event.target_type, event.target_id, event.reason) == (
        admin, world["street"].pk, "photo", str(photo.pk), "照片拍到了居民面部")
    assert event.details["publications"] == sorted([first.pk, second.pk])

    # Once withdrawn, the photo can no longer be chosen for a later revision.
    draft = publication_draft(street=world["street"], period_kind="month", period="2026-05", user=world["admin"])
    page = staff.get(f"/staff/rankings/{draft.pk}/").content.decode()
    assert f'name="photos" value="{photo.pk}"' not in page and f"/photos/{photo.uuid}/thumbnail/" not in page
    with pytest.raises(PublicationError) as refused_choice:
        publication_review(publication=draft, key=f"place:{world['bad'].id}", photo_ids=[photo.pk])
    assert refused_choice.value.code == "photo_not_allowed"


def test_a_photo_withdrawn_between_review_and_publication_is_left_out(world):
    photo = world["bad_photo"]
    draft = publication_draft(street=world["street"], period_kind="month", period="2026-05", user=world["admin"])
    publication_review(publication=draft, key=f"place:{world['bad'].id}", photo_ids=[photo.pk])
    photo_withdraw(photo=photo, by=world["street_admin"], reason="不宜公开")
    pub = publication_publish(publication=draft, user=world["admin"])
    assert pub.exposures == {} and all(not e.get("photos") for e in pub.data["categories"][0]["entries"])
    assert client_for(None).get(f"/photos/{photo.uuid}/display/").status_code == 404


def test_withdraw_service_needs_a_reason_and_withdraws_once(world):
    photo = world["bad_photo"]
    with pytest.raises(PublicationError) as no_reason:
        photo_withdraw(photo=photo, by=world["street_admin"], reason=" ")
    assert no_reason.value.code == "reason_required"
    photo_withdraw(photo=photo, by=world["street_admin"], reason="原因")
    with pytest.raises(PublicationError) as twice:
        photo_withdraw(photo=photo, by=world["street_admin"], reason="再次")
    assert twice.value.code == "already_withdrawn"
    assert AuditEvent.objects.filter(action=AuditAction.WITHDRAW_PHOTO).count() == 1


@pytest.mark.parametrize("audience", ["staff", "public"])
def test_the_web_server_can_send_the_file(world, settings, audience):
    photo = world["bad_photo"]
    publish(world, [photo.pk])
    client = client_for(world["street_admin"] if audience == "staff" else None)

    settings.MEDIA_ACCEL_REDIRECT = "/protected/"
    response = client.get(f"/photos/{photo.uuid}/display/")
    assert response.status_code == 200 and response.content == b"" and response["Content-Type"] == "image/jpeg"
    assert response["X-Accel-Redirect"] == f"/protected/media/{photo.display}"
    assert "X-Sendfile" not in response
    if audience == "staff":
        original = client.get(f"/photos/{photo.uuid}/original/")
        assert original["X-Accel-Redirect"] == f"/protected/private/{photo.original}" and original.content == b""
        api = client.get(f"/api/v1/photos/{photo.uuid}/original")
        assert api["X-Accel-Redirect"] == f"/protected/private/{photo.original}" and api.content == b""
    else:
        assert client.get(f"/photos/{photo.uuid}/original/").status_code == 404

    settings.MEDIA_ACCEL_REDIRECT = ""
    settings.MEDIA_SENDFILE = True
    response = client.get(f"/photos/{photo.uuid}/thumbnail/")
    expected = (Path(settings.MEDIA_ROOT) / photo.thumbnail).resolve()
    assert response.status_code == 200 and response.content == b"" and response["X-Sendfile"] == str(expected)
    assert response["Cache-Control"] == ("private, max-age=3600" if audience == "staff" else "public, max-age=600")

    # A missing file is a 404 either way, never a redirect to nothing.
    (Path(settings.MEDIA_ROOT) / photo.display).unlink()
    assert client.get(f"/photos/{photo.uuid}/display/").status_code == 404


def test_the_admin_shows_photos_through_the_checked_view(world):
    photo = world["bad_photo"]
    page = client_for(world["admin"]).get(f"/admin/inspections/inspection/{photo.inspection_id}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'src="/photos/{photo.uuid}/thumbnail/"' in html and f'href="/photos/{photo.uuid}/original/"' in html
    assert "/media/" not in html


@pytest.mark.parametrize(("name", "value", "message"), [
    ("MEDIA_ACCEL_REDIRECT", "protected", "must start and end with /"),
    ("MEDIA_SENDFILE", "maybe", "is not a boolean"),
    ("PUBLIC_PHOTO_MAX_AGE", "-1", "PUBLIC_PHOTO_MAX_AGE"),
])
def test_bad_sending_settings_fail_loudly(name, value, message):
    from tests.backend.test_settings import PRODUCTION, run_manage

    result = run_manage("check", env={**PRODUCTION, name: value})
    assert result.returncode != 0 and message in result.stderr
