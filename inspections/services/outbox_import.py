"""Importing a phone's outbox export (pwa/js/views/outbox.js `exportOutbox`) as a street admin's action.

A deactivated user can no longer log in, so their finished records reach the server this way: each record goes
through `inspection_receive` as its own uploader, exactly as if the phone had sent it (replays write nothing;
each record is judged by the time it was finished, docs/sync.md "Out of scope"), and each photo carried in the
file (base64) through `photo_receive`, the normal photo pipeline.

The file: {"exported_at": ISO time, "user": username, "records": [{"uuid", "body", "state", "error",
"photos": [{"uuid", "item", "type", "sha256", "base64"}]}]}.
"""

from __future__ import annotations

import binascii
import json
import uuid as uuid_lib
from base64 import b64decode
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import DomainError
from ..models import AuditAction
from ..scopes import may_change_person, users_manageable_by
from .audit import audit_record
from .sync import inspection_receive, photo_receive

MAX_RECORDS = 1000


class OutboxFileError(Exception):
    """The file is not an outbox export this admin may import; nothing was imported."""


@dataclass
class OutboxImportReport:
    user: AbstractBaseUser
    stored: list[str] = field(default_factory=list)  # inspection UUIDs stored now
    replayed: list[str] = field(default_factory=list)  # already stored (identical): nothing written
    out_of_scope: list[str] = field(default_factory=list)  # stored now, for review
    photos_stored: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (record or photo UUID, message)


def _uuid(value: object) -> uuid_lib.UUID | None:
    try:
        return uuid_lib.UUID(str(value))
    except ValueError:
        return None


def outbox_read(*, data: bytes, by: AbstractBaseUser) -> tuple[AbstractBaseUser, list[dict]]:
    """The uploader named in the file (one of `by`'s street's people) and its records, validated in shape."""
    if len(data) > settings.SORTPATROL["OUTBOX_IMPORT_MAX_BYTES"]:
        raise OutboxFileError(
            _("文件过大：最大 %(mb)d MB。") % {"mb": settings.SORTPATROL["OUTBOX_IMPORT_MAX_BYTES"] // (1024 * 1024)}
        )
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise OutboxFileError(_("文件不是有效的JSON。")) from None
    if not isinstance(document, dict) or not isinstance(document.get("records"), list):
        raise OutboxFileError(_("这不是待上传记录的导出文件。"))
    username = document.get("user")
    user = users_manageable_by(by).filter(username=username).first() if isinstance(username, str) else None
    if user is None or not (user.pk == by.pk or may_change_person(by, user)):
        raise OutboxFileError(_("文件中的用户不是您街道的人员。"))
    records = document["records"]
    if len(records) > MAX_RECORDS:
        raise OutboxFileError(_("记录过多：最多 %(n)d 条。") % {"n": MAX_RECORDS})
    for record in records:
        if not (isinstance(record, dict) and _uuid(record.get("uuid")) and isinstance(record.get("body"), dict)
                and isinstance(record.get("photos", []), list)
                and all(isinstance(p, dict) for p in record.get("photos", []))):
            raise OutboxFileError(_("文件中有格式不正确的记录。"))
    return user, records


def outbox_import(*, data: bytes, by: AbstractBaseUser) -> OutboxImportReport:
    """Import every record of an outbox export; one record's refusal does not stop the others."""
    user, records = outbox_read(data=data, by=by)
    report = OutboxImportReport(user=user)
    for record in records:
        inspection_uuid = _uuid(record["uuid"])
        try:
            received = inspection_receive(user=user, uuid=inspection_uuid, body=record["body"])
        except DomainError as exc:
            report.errors.append((str(inspection_uuid), exc.message))
            continue
        if received.created:
            report.stored.append(str(inspection_uuid))
            if "out_of_scope" in received.inspection.flags:
                report.out_of_scope.append(str(inspection_uuid))
        else:
            report.replayed.append(str(inspection_uuid))
        missing = set(received.missing_photos)
        for photo in record.get("photos", []):
            photo_uuid = _uuid(photo.get("uuid"))
            if photo_uuid is None or str(photo_uuid) not in missing or not isinstance(photo.get("base64"), str):
                continue  # already received, refused up front, or not carried in the file
            try:
                photo_data = b64decode(photo["base64"], validate=True)
                done = photo_receive(user=user, inspection_uuid=inspection_uuid, photo_uuid=photo_uuid,
                                     data=photo_data)
            except binascii.Error:
                report.errors.append((str(photo_uuid), _("照片数据不是有效的base64。")))
                continue
            except DomainError as exc:
                report.errors.append((str(photo_uuid), exc.message))
                continue
            report.photos_stored += done.created
    if report.stored or report.photos_stored:
        with transaction.atomic():
            audit_record(
                actor=by, action=AuditAction.IMPORT, target=user, reason=_("导入待上传记录"),
                street=user.profile.street_id if hasattr(user, "profile") else None,
                details={"stored": report.stored, "out_of_scope": report.out_of_scope,
                         "replayed": len(report.replayed), "photos": report.photos_stored,
                         "errors": len(report.errors)},
            )
    return report
