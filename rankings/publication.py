"""Publishing ranking lists: draft → review (reasons, photos) → frozen snapshot → revision with a reason.

A published snapshot is the JSON of the lists as they were approved, with the exposure photos' ids and
derivative paths copied in; nothing later (new inspections, voids, rebuilds) is read when it is shown,
except photo withdrawals (`photo_withdraw`), applied when the photos are shown or served.

Publishing also writes two marks that other areas read without knowing about lists: the covert inspections
the list contains become visible to the inspected party (`Inspection.covert_released_at`), and the exposure
photos of current lists may be fetched by the public (`Photo.public_on_list`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from checklists.models import Regime
from checklists.periods import PeriodKind, period_bounds
from inspections.errors import DomainError
from inspections.models import AuditAction, Inspection, Photo, Place, Street
from inspections.services.audit import audit_record
from plans.services import plan_reveal_on_publication

from .lists import compute_lists, feeding_inspections
from .models import RankingPublication
from .photos import public_marks_refresh, publications_showing

MAX_EXPOSURE_PHOTOS = 3


class PublicationError(DomainError):
    """A step of the publication lifecycle refused (`bad_period`, `not_draft`, `unreviewed`, `reason_required`…)."""


def _entries(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["key"]: e for cat in data.get("categories", []) for e in cat["entries"]}


def _black_keys(data: dict[str, Any]) -> set[str]:
    return {key for cat in data.get("categories", []) for key in cat["black"]}


@transaction.atomic
def publication_draft(*, street: Street, period_kind: str, period: str,
                      user: AbstractBaseUser | None) -> RankingPublication:
    """Compute (or recompute) the draft of a street's lists for a period; a new revision if one is published."""
    try:
        data = compute_lists(street=street, kind=period_kind, period=period)
    except ValueError as exc:
        raise PublicationError("bad_period", _("周期格式不正确：%(p)s") % {"p": period}) from exc
    lists = RankingPublication.objects.select_for_update().filter(
        street=street, period_kind=period_kind, period=period
    )
    draft = lists.filter(state=RankingPublication.State.DRAFT).first()
    if draft is None:
        revision = (lists.aggregate(n=Max("revision"))["n"] or 0) + 1
        draft = RankingPublication(street=street, period_kind=period_kind, period=period, revision=revision,
                                   created_by=user)
    keys = set(_entries(data))
    draft.data, draft.computed_at = data, timezone.now()
    # Review marks survive a recompute for the entries that are still there.
    draft.reviewed = [k for k in draft.reviewed if k in keys]
    draft.exposures = {k: v for k, v in draft.exposures.items() if k in _black_keys(data)}
    draft.save()
    return draft


def _require_draft(publication: RankingPublication) -> None:
    if publication.state != RankingPublication.State.DRAFT:
        raise PublicationError("not_draft", _("只能修改草稿；已发布的榜单请发起修订"))


@transaction.atomic
def publication_review(*, publication: RankingPublication, key: str, photo_ids: list[int],
                       reviewed: bool = True) -> RankingPublication:
    """Mark an entry reviewed and choose its exposure photos (black-list entries only)."""
    publication = RankingPublication.objects.select_for_update().get(pk=publication.pk)
    _require_draft(publication)
    if key not in _entries(publication.data):
        raise PublicationError("unknown_entry", _("榜单中没有这个条目"))
    photo_ids = list(dict.fromkeys(int(p) for p in photo_ids))
    if photo_ids:
        if key not in _black_keys(publication.data):
            raise PublicationError("not_black_listed", _("只有黑榜条目可以选择曝光照片"))
        if len(photo_ids) > MAX_EXPOSURE_PHOTOS:
            raise PublicationError("too_many_photos", _("每个条目最多选择 %(n)s 张曝光照片") % {
                "n": MAX_EXPOSURE_PHOTOS})
        allowed = exposure_candidates(publication, key).filter(pk__in=photo_ids)
        if allowed.count() != len(photo_ids):
            raise PublicationError("photo_not_allowed", _("只能选择该条目计分检查中已生成展示图的照片"))
    publication.exposures = {**publication.exposures, key: photo_ids}
    if not photo_ids:
        publication.exposures.pop(key)
    marks = set(publication.reviewed)
    marks.add(key) if reviewed else marks.discard(key)
    publication.reviewed = sorted(marks)
    publication.save(update_fields=["exposures", "reviewed"])
    return publication


def exposure_candidates(publication: RankingPublication, key: str) -> QuerySet[Photo]:
    """Photos that may be exposed for an entry: from its feeding inspections, with a display derivative,
    never withdrawn."""
    inspections = feeding_inspections(publication.street_id, key, publication.period_kind, publication.period)
    return candidate_photos(inspections)


def candidate_photos(inspections: QuerySet[Inspection] | list[int]) -> QuerySet[Photo]:
    """Of these inspections' photos, those that may be exposed (`exposure_candidates`)."""
    return Photo.objects.filter(
        inspection__in=inspections, received_at__isnull=False, public_withdrawn_at__isnull=True
    ).exclude(display="")


@transaction.atomic
def publication_publish(*, publication: RankingPublication, user: AbstractBaseUser,
                        reason: str = "") -> RankingPublication:
    """Freeze a reviewed draft; a later revision needs a reason and supersedes the current one (both kept)."""
    publication = RankingPublication.objects.select_for_update().get(pk=publication.pk)
    _require_draft(publication)
    unreviewed = sorted(_black_keys(publication.data) - set(publication.reviewed))
    if unreviewed:
        raise PublicationError("unreviewed", _("还有 %(n)s 个黑榜条目未审核") % {"n": len(unreviewed)})
    current = RankingPublication.objects.select_for_update().filter(
        street=publication.street, period_kind=publication.period_kind, period=publication.period,
        state=RankingPublication.State.PUBLISHED,
    ).first()
    reason = reason.strip()
    if current is not None and not reason:
        raise PublicationError("reason_required", _("修订已发布的榜单必须填写修订原因"))
    data = publication.data
    entries = _entries(data)
    # A photo withdrawn since it was chosen is left out (and out of the exposures the public view reads).
    photos = Photo.objects.filter(public_withdrawn_at__isnull=True).in_bulk(
        [pid for ids in publication.exposures.values() for pid in ids]
    )
    publication.exposures = {
        key: kept for key, ids in publication.exposures.items() if (kept := [pid for pid in ids if pid in photos])
    }
    for key, ids in publication.exposures.items():
        entries[key]["photos"] = [
            {"id": pid, "item_code": photos[pid].item_code, "display": photos[pid].display,
             "thumbnail": photos[pid].thumbnail}
            for pid in ids if pid in photos
        ]
    data["published_at"] = timezone.now().isoformat()
    data["revision"] = publication.revision
    if current is not None:
        current.state = RankingPublication.State.SUPERSEDED
        current.save(update_fields=["state"])
        # Old revisions show only the photos the current one still exposes: their cached pages go stale.
        RankingPublication.objects.filter(
            street=publication.street, period_kind=publication.period_kind, period=publication.period,
            state=RankingPublication.State.SUPERSEDED,
        ).update(public_photos_changed_at=timezone.now())
    publication.data = data
    publication.state = RankingPublication.State.PUBLISHED
    publication.published_at, publication.published_by = timezone.now(), user
    publication.revision_reason, publication.supersedes = reason, current
    publication.save()
    covert_release(publication)
    if publication.period_kind == PeriodKind.MONTH:
        # The month's list is out: its covert sample's seed may be too (docs/sampling.md).
        plan_reveal_on_publication(street=publication.street, period=publication.period, by=user)
    public_marks_refresh(street_id=publication.street_id)
    audit_record(actor=user, action=AuditAction.REVISE if current is not None else AuditAction.PUBLISH,
                 street=publication.street_id, target=publication, reason=reason,
                 details={"period_kind": publication.period_kind, "period": publication.period,
                          "revision": publication.revision})
    return publication


def covert_release(publication: RankingPublication) -> int:
    """Covert inspections contained in a published monthly or quarterly list (its street and period, complete
    by its publication) become visible to the inspected party; once shown, never hidden again."""
    if publication.period_kind not in (PeriodKind.MONTH, PeriodKind.QUARTER) or publication.published_at is None:
        return 0
    start, end = period_bounds(publication.period_kind, publication.period)
    # place_id IN (…), not a join: a joined filter becomes a self-join subquery in the UPDATE (see photos.py).
    return Inspection.objects.filter(
        place_id__in=Place.objects.filter(street_id=publication.street_id).values("id"),
        regime=Regime.MONTHLY_COVERT, covert_released_at__isnull=True,
        inspected_at__gte=start, inspected_at__lt=end, completed_at__lte=publication.published_at,
    ).update(covert_released_at=publication.published_at)


@transaction.atomic
def photo_withdraw(*, photo: Photo, by: AbstractBaseUser, reason: str) -> Photo:
    """Take an exposure photo off every public page and URL, with who, when and why; audit-logged. The file
    stays, for street staff; a withdrawn photo can no longer be chosen for exposure."""
    reason = (reason or "").strip()
    if not reason:
        raise PublicationError("reason_required", _("撤回照片必须填写原因"))
    photo = Photo.objects.select_for_update().select_related("inspection__place").get(pk=photo.pk)
    if photo.public_withdrawn_at is not None:
        raise PublicationError("already_withdrawn", _("这张照片已经撤回"))
    now = timezone.now()
    photo.public_withdrawn_at, photo.public_withdrawn_by = now, by
    photo.public_withdrawn_reason = reason
    photo.save(update_fields=["public_withdrawn_at", "public_withdrawn_by", "public_withdrawn_reason"])
    showing = publications_showing(photo)
    # Their cached public pages go stale at once (the snapshots themselves stay as published).
    RankingPublication.objects.filter(pk__in=showing).update(public_photos_changed_at=now)
    audit_record(actor=by, action=AuditAction.WITHDRAW_PHOTO, street=photo.inspection.place.street_id,
                 target=photo, reason=reason,
                 details={"uuid": str(photo.uuid), "inspection": str(photo.inspection.uuid),
                          "publications": showing})
    return photo
