"""Who may see which photo file (issue 9, point 7). No folder of photos is mapped to a URL.

- Street staff (`is_staff_reader`) get every variant (original, display, thumbnail) of the photos of the
  inspections they may read (`inspections_visible_to`: their street, covert included).
- Anyone, logged in or not, gets the display derivative and the thumbnail of an **exposure photo of a
  current published list** (state published, not superseded: the photo is in that revision's exposures)
  that has not been withdrawn.
- Everything else: nothing. The views answer 404, so that a photo's existence is never revealed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F

from ..models import Photo, RankingPublication
from ..scopes import is_staff_reader
from .inspections import inspections_visible_to

VARIANTS = ("original", "display", "thumbnail")
PUBLIC_VARIANTS = ("display", "thumbnail")


def photo_for_staff(user: AbstractBaseUser | AnonymousUser | None, uuid: UUID | str) -> Photo | None:
    """A received photo this user may open in any variant: street staff, and an inspection they can read."""
    if not is_staff_reader(user):
        return None
    return Photo.objects.filter(
        uuid=uuid, received_at__isnull=False, inspection__in=inspections_visible_to(user)
    ).first()


def exposed_photo_ids(*, street_id: int | None = None) -> set[int]:
    """Ids of the photos chosen as exposure photos of a current (published, not superseded) list."""
    lists = RankingPublication.objects.filter(state=RankingPublication.State.PUBLISHED)
    if street_id is not None:
        lists = lists.filter(street_id=street_id)
    return {int(pid) for exposures in lists.values_list("exposures", flat=True) for ids in exposures.values()
            for pid in ids}


def public_photo(uuid: UUID | str) -> Photo | None:
    """The photo behind a public URL, when the public may see its derivatives."""
    # The street through an annotation: select_related would load the inspection's whole submitted body.
    photo = Photo.objects.filter(
        uuid=uuid, received_at__isnull=False, public_withdrawn_at__isnull=True
    ).annotate(street_id=F("inspection__place__street_id")).first()
    if photo is None or photo.pk not in exposed_photo_ids(street_id=photo.street_id):
        return None
    return photo


def snapshot_photo_ids(publication: RankingPublication) -> list[int]:
    """The photo ids a stored snapshot lists, in order (published ones only carry photos)."""
    return [p["id"] for cat in publication.data.get("categories", []) for e in cat["entries"]
            for p in e.get("photos", [])]


def _current_revision(publication: RankingPublication) -> RankingPublication | None:
    if publication.state == RankingPublication.State.PUBLISHED:
        return publication
    return RankingPublication.objects.filter(
        street_id=publication.street_id, period_kind=publication.period_kind, period=publication.period,
        state=RankingPublication.State.PUBLISHED,
    ).only("pk", "exposures").first()


def photos_shown_publicly(publication: RankingPublication) -> dict[int, Photo]:
    """Of a snapshot's exposure photos, those the public pages and API may show: not withdrawn, and exposed
    by the current revision of that list (an old revision shows only what its successor still exposes)."""
    if publication.state not in (RankingPublication.State.PUBLISHED, RankingPublication.State.SUPERSEDED):
        return {}
    current = _current_revision(publication)
    if current is None:
        return {}
    exposed = {int(pid) for ids in current.exposures.values() for pid in ids}
    ids = set(snapshot_photo_ids(publication)) & exposed
    if not ids:
        return {}
    return Photo.objects.filter(pk__in=ids, public_withdrawn_at__isnull=True).in_bulk()


def photos_of_snapshot(publication: RankingPublication) -> dict[int, Photo]:
    """Every photo a snapshot lists, withdrawn ones included (for street staff)."""
    ids = snapshot_photo_ids(publication)
    return Photo.objects.select_related("public_withdrawn_by").in_bulk(ids) if ids else {}


def publications_showing(photo: Photo) -> list[int]:
    """Ids of the published or superseded lists whose snapshot lists this photo (their pages may show it)."""
    lists = RankingPublication.objects.filter(
        street_id=photo.inspection.place.street_id,
        state__in=[RankingPublication.State.PUBLISHED, RankingPublication.State.SUPERSEDED],
    ).values_list("pk", "exposures")
    return sorted(pk for pk, exposures in lists if _lists(exposures, photo.pk))


def _lists(exposures: dict[str, Iterable[Any]], photo_id: int) -> bool:
    return any(int(pid) == photo_id for ids in exposures.values() for pid in ids)
