"""Answers and re-checks sent from a phone, exactly once (the inspections' sync contract, applied to cases).

- Who: the responsible party answers (a property company's users for its company's cases; for a unit's case the
  users of the office (科室) that oversees the unit, the only people the street gives a unit's side); the
  inspectors re-check (street admins and street inspectors in their street, community inspectors in their
  communities: `places_visible_to`). A case the caller may not act on is "not found" (404), never "forbidden":
  nobody learns that another company's case, or a covert one not yet released, exists.
- Exactly once: the step's client UUID is the key (CaseEvent.client_uuid, unique). The same body again writes
  nothing and answers the stored state; another body, or another person's UUID, is a conflict (409).
- Photos are declared with the step ({uuid, sha256, bytes}) and PUT after it, through the inspections' photo
  pipeline (inspections/photos.py): the original kept private, metadata-free derivatives.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.errors import RecordConflict, RecordInvalid, RecordNotFound
from inspections.models import Role
from inspections.photos import delete_stored, store_photo
from inspections.scopes import INSPECTING_ROLES, places_visible_to, role_of, street_q
from inspections.services.sync import fingerprint_of, photo_bytes_checked

from .errors import CaseAlreadyOpen, CaseConflict, CaseError, CaseInvalid, IllegalTransition
from .models import CaseEvent, CasePhoto, EventKind, RectificationCase, ResponsibleParty
from .selectors import visible_to_party
from .services import case_answer, case_recheck

__all__ = ["answer_receive", "case_photo_receive", "cases_for_party", "cases_for_rechecker", "recheck_receive"]

ANSWER_KINDS = (EventKind.ANSWERED,)
RECHECK_KINDS = (EventKind.CLOSED, EventKind.REOPENED, EventKind.ESCALATED)


# --- who may act on which cases ----------------------------------------------------------------------------


def cases_for_party(user: AbstractBaseUser) -> QuerySet[RectificationCase]:
    """The cases this user answers for (any state), covert ones only once released."""
    role = role_of(user)
    cases = RectificationCase.objects.filter(street_q(user, "street"))
    profile = getattr(user, "profile", None)
    if role == Role.COMPANY_USER and profile.company_id:
        cases = cases.filter(party_kind=ResponsibleParty.COMPANY, party_company_id=profile.company_id)
    elif role == Role.OFFICE_VIEWER and profile.office_id:
        cases = cases.filter(party_kind=ResponsibleParty.UNIT, party_place__office_id=profile.office_id)
    else:
        return RectificationCase.objects.none()
    return visible_to_party(cases)


def cases_for_rechecker(user: AbstractBaseUser) -> QuerySet[RectificationCase]:
    """The cases this user may re-check: at places in their scope, if their role inspects at all."""
    if role_of(user) not in INSPECTING_ROLES:
        return RectificationCase.objects.none()
    return RectificationCase.objects.filter(place__in=places_visible_to(user))


# --- the steps ---------------------------------------------------------------------------------------------


@dataclass
class StepReceived:
    event: CaseEvent
    created: bool


@contextmanager
def _as_record_errors() -> Iterator[None]:
    """The case services' refusals, as the sync API's (inspections/api/errors.py answers each with its status)."""
    try:
        yield
    except CaseInvalid as exc:
        raise RecordInvalid(exc.code, exc.message, {"non_field_errors": [exc.message]}) from None
    except (CaseConflict, IllegalTransition, CaseAlreadyOpen) as exc:
        raise RecordConflict(exc.code, exc.message, **exc.extra) from None
    except CaseError as exc:
        raise RecordNotFound("not_found", exc.message) from None


def _case(cases: QuerySet[RectificationCase], case_id: int) -> RectificationCase:
    case = cases.filter(pk=case_id).first() if 0 < case_id < 2**63 else None
    if case is None:
        raise RecordNotFound("case_not_found", _("没有这个整改案件。"))
    return case


def _stored_step(case: RectificationCase, user: AbstractBaseUser, client_uuid: uuid_lib.UUID, fingerprint: str,
                 kinds: tuple[str, ...]) -> CaseEvent | None:
    """The step already stored under this UUID (a replay), or None; a conflict when it holds something else."""
    existing = CaseEvent.objects.filter(client_uuid=client_uuid).first()
    if existing is None:
        return None
    if existing.case_id != case.pk or existing.actor_id != user.pk or existing.kind not in kinds:
        # Says nothing about the other record: not whose it is, not what it holds.
        raise RecordConflict("uuid_taken", _("该编号已被使用，请重新提交。"))
    if existing.fingerprint != fingerprint:
        raise RecordConflict("conflict", _("该记录已用不同的内容提交过。"), fingerprint=existing.fingerprint)
    return existing


def _receive(*, case: RectificationCase, user: AbstractBaseUser, client_uuid: uuid_lib.UUID, body: Any,
             photos: list[dict], kinds: tuple[str, ...], step: Callable[[str], RectificationCase]) -> StepReceived:
    fingerprint = fingerprint_of(body)
    existing = _stored_step(case, user, client_uuid, fingerprint, kinds)
    if existing is not None:
        return StepReceived(existing, created=False)
    try:
        with transaction.atomic(), _as_record_errors():
            step(fingerprint)
            event = CaseEvent.objects.get(client_uuid=client_uuid)
            CasePhoto.objects.bulk_create(
                CasePhoto(event=event, uuid=p["uuid"], sha256=p["sha256"], declared_bytes=p["bytes"]) for p in photos
            )
    except IntegrityError:
        # Lost a race against a retry of the same step, or a photo UUID already used.
        existing = _stored_step(case, user, client_uuid, fingerprint, kinds)
        if existing is None:
            raise RecordConflict("photo_uuid_taken", _("照片编号已被使用。")) from None
        return StepReceived(existing, created=False)
    return StepReceived(event, created=True)


def answer_receive(*, user: AbstractBaseUser, case_id: int, client_uuid: uuid_lib.UUID, body: Any,
                   note: str, photos: list[dict]) -> StepReceived:
    """The responsible party's answer (`body` as sent, for the fingerprint; `note`, `photos` validated)."""
    case = _case(cases_for_party(user), case_id)
    return _receive(case=case, user=user, client_uuid=client_uuid, body=body, photos=photos, kinds=ANSWER_KINDS,
                    step=lambda fp: case_answer(case=case, by=user, note=note, client_uuid=client_uuid,
                                                fingerprint=fp))


def recheck_receive(*, user: AbstractBaseUser, case_id: int, client_uuid: uuid_lib.UUID, body: Any, fixed: bool,
                    note: str, location: dict | None, photos: list[dict]) -> StepReceived:
    """An inspector's re-check on site: fixed closes the case, not fixed re-opens or escalates it."""
    case = _case(cases_for_rechecker(user), case_id)
    details = {"location": location, "photos": len(photos)}
    return _receive(case=case, user=user, client_uuid=client_uuid, body=body, photos=photos, kinds=RECHECK_KINDS,
                    step=lambda fp: case_recheck(case=case, by=user, fixed=fixed, note=note, client_uuid=client_uuid,
                                                 fingerprint=fp, details=details))


# --- photos ------------------------------------------------------------------------------------------------


@dataclass
class CasePhotoReceived:
    photo: CasePhoto
    created: bool


# The pipeline's rejections that are about the photo's size, not what it shows (as inspections.services.sync).


def case_photo_receive(*, user: AbstractBaseUser, case_id: int, step: str, client_uuid: uuid_lib.UUID,
                       photo_uuid: uuid_lib.UUID, data: bytes) -> CasePhotoReceived:
    """The bytes of a photo declared with an answer (`step` "answer") or a re-check ("recheck") of this user."""
    cases, kinds = ((cases_for_party(user), ANSWER_KINDS) if step == "answer"
                    else (cases_for_rechecker(user), RECHECK_KINDS))
    case = _case(cases, case_id)
    event = CaseEvent.objects.filter(client_uuid=client_uuid, case=case, actor=user, kind__in=kinds).first()
    if event is None:
        raise RecordNotFound("step_not_found", _("服务器还没有收到这条记录，请先提交记录。"))
    photo = CasePhoto.objects.filter(event=event, uuid=photo_uuid).first()
    if photo is None:
        raise RecordNotFound("photo_not_in_manifest", _("这张照片不在记录的照片清单中。"))
    processed = photo_bytes_checked(data, sha256=photo.sha256, received=photo.received_at is not None)
    if processed is None:
        return CasePhotoReceived(photo, created=False)
    paths = store_photo(processed)
    try:
        with transaction.atomic():
            locked = CasePhoto.objects.select_for_update().get(pk=photo.pk)
            if locked.received_at is not None:
                delete_stored(paths)  # another request stored the same bytes meanwhile: keep its files
                return CasePhotoReceived(locked, created=False)
            locked.received_at = timezone.now()
            locked.original, locked.display, locked.thumbnail = paths.original, paths.display, paths.thumbnail
            locked.content_type = processed.content_type
            locked.width, locked.height = processed.width, processed.height
            locked.exif_taken_at = processed.exif_taken_at
            locked.exif_lat, locked.exif_lng = processed.exif_lat, processed.exif_lng
            locked.save()
    except BaseException:
        delete_stored(paths)
        raise
    return CasePhotoReceived(locked, created=True)

