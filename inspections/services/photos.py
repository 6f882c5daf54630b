"""Withdrawing an exposure photo from the public pages (issue 9, point 7).

Published snapshots are frozen JSON, so the withdrawal is stored on the photo and applied when a page, the
public API or the photo view shows it (inspections/selectors/photos.py). The file stays, for street staff;
a withdrawn photo can no longer be chosen for exposure.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import AuditAction, Photo, RankingPublication
from inspections.selectors.photos import publications_showing
from inspections.services.audit import audit_record


class PhotoWithdrawError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@transaction.atomic
def photo_withdraw(*, photo: Photo, by: AbstractBaseUser, reason: str) -> Photo:
    """Take a photo off every public page and URL, with who, when and why; audit-logged."""
    reason = (reason or "").strip()
    if not reason:
        raise PhotoWithdrawError("reason_required", _("撤回照片必须填写原因"))
    photo = Photo.objects.select_for_update().select_related("inspection__place").get(pk=photo.pk)
    if photo.public_withdrawn_at is not None:
        raise PhotoWithdrawError("already_withdrawn", _("这张照片已经撤回"))
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
