"""Receiving inspections and photos from phones, exactly once (SYNC.md server rules 1–7).

The database enforces idempotency: the inspection's and each photo's client UUID are unique, so a
retry, a replay or two racing requests end with one row. A replay is recognised first and cheaply
(one read and a fingerprint comparison) and writes nothing. Flags (GPS, clock) never reject.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import uuid as uuid_lib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import PhotoRefused, PhotoTooLarge, ReasonRequired, RecordConflict, RecordInvalid, RecordNotFound
from ..locking import retrying_when_locked
from ..models import Answer, AuditAction, Inspection, Photo, ScopeReview
from ..photos import PhotoRejected, ProcessedPhoto, delete_stored, process_photo, store_photo
from ..rows import RowShape, insert
from ..scopes import scope_lapses_at
from ..selectors.inspections import missing_photo_uuids
from ..signals import inspection_changed
from .audit import audit_record
from .inspection_document import (
    MAX_ID,
    PLAUSIBLE_YEARS,
    InspectionDraft,
    inspection_validate,
    iso_datetime,
    known_body,
)

__all__ = [
    "inspection_count_out_of_scope", "inspection_receive", "inspection_restore", "inspection_void", "photo_receive",
    "photo_too_large",
]


@dataclass
class Received:
    inspection: Inspection
    created: bool
    missing_photos: list[str] = field(default_factory=list)


def fingerprint_of(body: Any) -> str:
    """SHA-256 of the canonical JSON of a body: sorted keys, no whitespace, UTF-8."""
    try:
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        encoded = canonical.encode()
    except (ValueError, TypeError, RecursionError):
        # Infinity from an overlong number literal (1e999), a lone surrogate, absurd nesting.
        raise RecordInvalid("malformed", _("请求内容不是有效的JSON。")) from None
    if "\\u0000" in canonical:
        # PostgreSQL cannot store NUL in text or jsonb: refuse it here rather than fail on the write.
        raise RecordInvalid("malformed", _("请求内容含有不允许的控制字符。"))
    return hashlib.sha256(encoded).hexdigest()


# --- inspections ------------------------------------------------------------------------------------


def inspection_receive(
    *, user: AbstractBaseUser, uuid: uuid_lib.UUID, body: Any, device_date: str | None = None
) -> Received:
    """Store an inspection PUT by a phone, or recognise a replay of one already stored.

    `device_date` is the request's Date header (the phone's clock when it sent the request)."""
    return retrying_when_locked(lambda: _receive(user=user, uuid=uuid, body=body, device_date=device_date))


def _receive(*, user: AbstractBaseUser, uuid: uuid_lib.UUID, body: Any, device_date: str | None) -> Received:
    fingerprint = fingerprint_of(body)
    existing = _stored(uuid)
    if existing is not None:
        return _replayed(existing, user=user, fingerprint=fingerprint)
    if not isinstance(body, Mapping):
        raise RecordInvalid("invalid", _("检查记录必须是一个JSON对象。"), {"non_field_errors": [_("应为对象。")]})
    received_at = timezone.now()
    draft = inspection_validate(user=user, body=body)
    inspection = _inspection_from(
        draft, uuid=uuid, user=user, body=body, fingerprint=fingerprint, received_at=received_at,
        skew=clock_skew_s(device_date, now=received_at),
    )
    complete = inspection.status == Inspection.Status.COMPLETE
    try:
        with transaction.atomic():
            insert(inspection, connections[DEFAULT_DB_ALIAS])  # save(force_insert=True), the INSERT written once
            _answers_insert(inspection, draft)
            Photo.objects.bulk_create(
                Photo(inspection=inspection, uuid=p_uuid, item_code=item, sha256=sha, declared_bytes=size,
                      refused_reason=Photo.Refusal.TOO_LARGE if _too_large(size) else "")
                for p_uuid, item, sha, size in draft.photos
            )
            if complete:
                inspection_changed.send(sender=Inspection, inspection=inspection)
    except IntegrityError:
        # Lost a race against the same UUID (a retry while the first request was still running).
        existing = _stored(uuid)
        if existing is None:
            raise RecordConflict("photo_uuid_taken", _("照片编号已被使用。")) from None
        return _replayed(existing, user=user, fingerprint=fingerprint)
    return Received(
        inspection, created=True, missing_photos=[str(p[0]) for p in draft.photos if not _too_large(p[3])]
    )


def _too_large(declared_bytes: int) -> bool:
    return declared_bytes > settings.PHOTO_MAX_BYTES


def _inspection_from(
    draft: InspectionDraft, *, uuid: uuid_lib.UUID, user: AbstractBaseUser, body: Mapping, fingerprint: str,
    received_at: datetime, skew: int | None,
) -> Inspection:
    """The row to store: the device's facts as sent, the server's measurements and the score."""
    flags = draft.flags
    inspected_at = draft.finished_at
    if skew is not None and abs(skew) > settings.SORTPATROL["MAX_CLOCK_SKEW_S"]:
        # Periods use the corrected time (SCORING.md §3).
        flags.append("clock_skew")
        inspected_at = draft.finished_at + timedelta(seconds=skew)
    refused = [p for p in draft.photos if _too_large(p[3])]
    if refused:
        # A photo declared above the limit can never arrive (its bytes are fixed by the manifest's SHA-256):
        # it is refused on its own and not waited for; staff see the flag.
        flags.append("photo_refused")
    scope_lapses = {}
    if draft.scope_lapses:
        # Out of scope on arrival: stored, not counted until a street admin judges it. What the history says of
        # the time it was done (by the corrected time) is kept for that judgement (docs/sync.md "Out of scope").
        flags.append("out_of_scope")
        scope_lapses = {
            "on_arrival": draft.scope_lapses,
            "when_finished": scope_lapses_at(
                user, draft.place, draft.regime, grandparent_id=draft.grandparent_id, at=inspected_at
            ),
        }
    # Nothing to wait for: complete on arrival (SYNC.md rule 3).
    complete = len(refused) == len(draft.photos)
    return Inspection(
        uuid=uuid,
        uploader=user,
        device_id=draft.device_id,
        checklist_version=draft.version,
        place=draft.place,
        regime=draft.regime,
        started_at=draft.started_at,
        finished_at=draft.finished_at,
        received_at=received_at,
        clock_skew_s=skew,
        inspected_at=inspected_at,
        lat=draft.lat,
        lng=draft.lng,
        accuracy_m=draft.accuracy,
        location_captured_at=draft.captured_at,
        mock_location=draft.mock,
        distance_m=draft.distance_m,
        flags=flags,
        score_tenths=draft.result.score,
        grade=draft.result.grade,
        vetoed=draft.result.vetoed,
        status=Inspection.Status.COMPLETE if complete else Inspection.Status.AWAITING_PHOTOS,
        completed_at=received_at if complete else None,
        fingerprint=fingerprint,
        scope_review=ScopeReview.PENDING if draft.scope_lapses else "",
        scope_lapses=scope_lapses,
        body=known_body(body),  # the fingerprint covers the body as sent, unknown keys included
    )


# What a replay checks and answers with (the status body); the other columns are left deferred, loaded if read:
# converting them all, the stored body above all, was a fifth of a replay (bench/replay.py).
_REPLAY_FIELDS = ("id", "uuid", "uploader_id", "checklist_version_id", "place_id", "regime", "status", "score_tenths",
                  "grade", "vetoed", "flags", "received_at", "fingerprint", "voided")
_STORED = RowShape(
    Inspection, "i", defer=[f.attname for f in Inspection._meta.concrete_fields if f.attname not in _REPLAY_FIELDS]
)


def _stored(uuid: uuid_lib.UUID) -> Inspection | None:
    # Hand-written SQL (the model's own converters still apply): on every PUT, composing the ORM query cost
    # several times more than running this indexed lookup (bench/ingest.py, inspections/rows.py).
    db = connections[DEFAULT_DB_ALIAS]
    column = Inspection._meta.get_field("uuid")
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT {_STORED.columns(db)} FROM {Inspection._meta.db_table} i WHERE i.uuid = %s",
            [column.get_db_prep_value(uuid, db)],
        )
        row = cursor.fetchone()
    return None if row is None else _STORED.instance(row, db)


_ANSWER_COLUMNS = ("inspection_id", "item_code", "value", "note", "max_tenths", "earned_tenths", "failed")


def _answers_insert(inspection: Inspection, draft: InspectionDraft) -> None:
    """One multi-row INSERT of the answers. Building 50 model instances for bulk_create cost more than the
    rest of the write (bench/ingest.py); the values are prepared by the model's own fields all the same."""
    if not draft.answers:
        return
    db = connections[DEFAULT_DB_ALIAS]
    # What JSONField.get_db_prep_save ends in for a plain JSON value, without its layers for expressions.
    adapt_json, encoder = db.ops.adapt_json_value, Answer._meta.get_field("value").encoder
    quote = db.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(Answer._meta.db_table), ", ".join(quote(c) for c in _ANSWER_COLUMNS), ", ".join(["%s"] * 7)
    )
    rows = [
        (
            inspection.pk, code, adapt_json(value, encoder), note,
            draft.item_scores[code]["max_tenths"], draft.item_scores[code]["earned_tenths"],
            draft.item_scores[code]["failed"],
        )
        for code, value, note in draft.answers
    ]
    with db.cursor() as cursor:
        cursor.executemany(sql, rows)


def _replayed(existing: Inspection, *, user: AbstractBaseUser, fingerprint: str) -> Received:
    if existing.uploader_id != user.pk:
        # Says nothing about the other record: not whose it is, not what it holds.
        raise RecordConflict("uuid_taken", _("该编号已被使用，请重新创建此检查记录。"))
    if existing.fingerprint != fingerprint:
        raise RecordConflict("conflict", _("该检查记录已用不同的内容提交过。"), fingerprint=existing.fingerprint)
    return Received(existing, created=False, missing_photos=missing_photo_uuids(existing))


def clock_skew_s(device_date: str | None, *, now: datetime) -> int | None:
    """Server time minus the device's time in whole seconds; None when the header is absent or unreadable."""
    if not device_date or len(device_date) > 100:
        return None
    try:
        sent = email.utils.parsedate_to_datetime(device_date)
    except (TypeError, ValueError, IndexError, OverflowError):
        sent = iso_datetime(device_date)
    if sent is None or sent.tzinfo is None or not PLAUSIBLE_YEARS[0] <= sent.year <= PLAUSIBLE_YEARS[1]:
        return None
    skew = round((now - sent).total_seconds())
    return skew if abs(skew) <= MAX_ID else None  # stored in a 32-bit integer column


# --- photos ----------------------------------------------------------------------------------------


@dataclass
class PhotoReceived:
    photo: Photo
    inspection: Inspection
    created: bool


def photo_receive(
    *, user: AbstractBaseUser, inspection_uuid: uuid_lib.UUID, photo_uuid: uuid_lib.UUID, data: bytes
) -> PhotoReceived:
    """Accept the bytes of a photo declared in an inspection's manifest.

    A photo not in the manifest answers 404 like an unknown inspection: the client sends the JSON first,
    and a photo the JSON did not declare has no resource to PUT to."""
    inspection = Inspection.objects.filter(uuid=inspection_uuid, uploader=user).first()
    if inspection is None:
        raise RecordNotFound("inspection_not_found", _("服务器还没有收到这条检查记录，请先提交记录。"))
    photo = Photo.objects.filter(inspection=inspection, uuid=photo_uuid).first()
    if photo is None:
        raise RecordNotFound("photo_not_in_manifest", _("这张照片不在检查记录的照片清单中。"))
    if photo.refused_reason:
        raise photo_too_large()
    processed = photo_bytes_checked(data, sha256=photo.sha256, received=photo.received_at is not None)
    if processed is None:
        return PhotoReceived(photo, inspection, created=False)
    paths = store_photo(processed)
    try:
        with transaction.atomic():
            locked = Photo.objects.select_for_update().get(pk=photo.pk)
            if locked.received_at is not None:
                # Another request stored the same bytes meanwhile: keep its files, drop ours.
                delete_stored(paths)
                return PhotoReceived(locked, inspection, created=False)
            now = timezone.now()
            locked.received_at = now
            locked.original, locked.display, locked.thumbnail = paths.original, paths.display, paths.thumbnail
            locked.content_type = processed.content_type
            locked.width, locked.height = processed.width, processed.height
            locked.exif_taken_at = processed.exif_taken_at
            locked.exif_lat, locked.exif_lng = processed.exif_lat, processed.exif_lng
            locked.save()
            inspection = _complete_if_all_arrived(inspection.pk, now=now)
    except BaseException:
        delete_stored(paths)
        raise
    return PhotoReceived(locked, inspection, created=True)


# The pipeline's rejections (inspections/photos.py) that are about the photo's size, not what it shows.
_OVER_LIMITS = frozenset({"too_large", "too_many_pixels"})


def photo_bytes_checked(data: bytes, *, sha256: str, received: bool) -> ProcessedPhoto | None:
    """The photo PUT's rules for any record's photo (SYNC.md): the same bytes again → None (a replay, nothing to
    store); other bytes for a photo already received → 409; bytes not matching the declared SHA-256, or that do
    not decode as a photo → refused. Otherwise the decoded photo, its derivatives made without metadata."""
    sha = hashlib.sha256(data).hexdigest()
    if received:
        if sha == sha256:
            return None
        raise RecordConflict("photo_conflict", _("这张照片已收到，内容不同。"))
    if sha != sha256:
        raise PhotoRefused("sha256_mismatch", _("照片内容与清单中的SHA-256不符（传输不完整？请重试）。"))
    try:
        return process_photo(data)
    except PhotoRejected as exc:
        refusal = PhotoTooLarge if exc.code in _OVER_LIMITS else PhotoRefused
        raise refusal(exc.code, exc.message) from None


def photo_too_large() -> PhotoTooLarge:
    """A photo over PHOTO_MAX_BYTES, with the limit in bytes (`limit`) for the client to show."""
    return PhotoTooLarge(
        "too_large", _("照片过大：最大 %(mb)d MB。") % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)},
        limit=settings.PHOTO_MAX_BYTES,
    )


def _complete_if_all_arrived(inspection_pk: int, *, now: datetime) -> Inspection:
    inspection = Inspection.objects.select_for_update().get(pk=inspection_pk)
    if inspection.status == Inspection.Status.COMPLETE:
        return inspection
    if Photo.objects.filter(inspection_id=inspection_pk, received_at__isnull=True, refused_reason="").exists():
        return inspection
    inspection.status = Inspection.Status.COMPLETE
    inspection.completed_at = now
    inspection.save(update_fields=["status", "completed_at"])
    inspection_changed.send(sender=Inspection, inspection=inspection)
    return inspection


# --- voiding ---------------------------------------------------------------------------------------


def inspection_void(*, inspection: Inspection, by: AbstractBaseUser, reason: str) -> Inspection:
    """Take an inspection out of every score; it stays stored and visible to staff."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired("reason_required", _("作废必须填写原因。"))
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.voided:
            return inspection
        inspection.voided = True
        inspection.void_reason = reason
        inspection.voided_by = by
        inspection.voided_at = timezone.now()
        inspection.save(update_fields=["voided", "void_reason", "voided_by", "voided_at"])
        audit_record(actor=by, action=AuditAction.VOID, street=inspection.place.street_id, target=inspection,
                     reason=reason)
        inspection_changed.send(sender=Inspection, inspection=inspection)
    return inspection


def inspection_restore(*, inspection: Inspection, by: AbstractBaseUser, reason: str) -> Inspection:
    """Undo a void (a mistaken one): the inspection counts again. The void stays in the audit log."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired("reason_required", _("恢复必须填写原因。"))
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if not inspection.voided:
            return inspection
        audit_record(actor=by, action=AuditAction.RESTORE, street=inspection.place.street_id, target=inspection,
                     reason=reason, details={
                         "void_reason": inspection.void_reason,
                         "voided_by": inspection.voided_by.get_username() if inspection.voided_by else "",
                         "voided_at": inspection.voided_at.isoformat() if inspection.voided_at else None,
                     })
        inspection.voided = False
        inspection.void_reason = ""
        inspection.voided_by = None
        inspection.voided_at = None
        inspection.save(update_fields=["voided", "void_reason", "voided_by", "voided_at"])
        inspection_changed.send(sender=Inspection, inspection=inspection)
    return inspection


def inspection_count_out_of_scope(*, inspection: Inspection, by: AbstractBaseUser, reason: str) -> Inspection:
    """A street admin's judgement on an inspection stored out of scope (docs/sync.md): it was done while in
    scope, so it counts. (The other judgement is `inspection_void`.) Audit-logged with what was out."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired("reason_required", _("计入必须填写原因。"))
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.scope_review != ScopeReview.PENDING:
            return inspection
        inspection.scope_review = ScopeReview.COUNTED
        inspection.save(update_fields=["scope_review"])
        audit_record(actor=by, action=AuditAction.COUNT_OUT_OF_SCOPE, street=inspection.place.street_id,
                     target=inspection, reason=reason, details={"scope_lapses": inspection.scope_lapses})
        inspection_changed.send(sender=Inspection, inspection=inspection)
    return inspection
