"""Which photos the published lists show (issue 9, point 7), read from the snapshots and their exposures.

A published snapshot is frozen JSON; a photo withdrawn later is filtered out when it is shown. Whether the
public may fetch a photo's derivatives is stored on the photo (`Photo.public_on_list`, refreshed by
`public_marks_refresh` whenever a list is published), so the photo view never reads the lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from inspections.models import Inspection, Photo

from .models import RankingPublication


def exposed_photo_ids(*, street_id: int | None = None) -> set[int]:
    """Ids of the photos chosen as exposure photos of a current (published, not superseded) list."""
    lists = RankingPublication.objects.filter(state=RankingPublication.State.PUBLISHED)
    if street_id is not None:
        lists = lists.filter(street_id=street_id)
    return {int(pid) for exposures in lists.values_list("exposures", flat=True) for ids in exposures.values()
            for pid in ids}


def public_marks_refresh(*, street_id: int) -> None:
    """Mark the photos that the street's current published lists expose, and unmark the others (a revision
    may drop a photo that its predecessor showed)."""
    exposed = exposed_photo_ids(street_id=street_id)
    # A join-free UPDATE: filtering through the join made Django update `WHERE id IN (SELECT … self-join)`, which
    # PostgreSQL plans as a nested loop over the whole table when its statistics are stale (seconds per publish).
    photos = Photo.objects.filter(inspection_id__in=Inspection.objects.filter(place__street_id=street_id).values("id"))
    photos.filter(public_on_list=True).exclude(pk__in=exposed).update(public_on_list=False)
    photos.filter(pk__in=exposed, public_on_list=False).update(public_on_list=True)


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
