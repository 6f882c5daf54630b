"""What the inspection services refuse, by meaning; nothing here knows about HTTP.

Each refusal carries a stable machine `code` (docs/sync.md §5), a human `message` in the user's language,
field errors keyed like `answers.3.value`, and extra facts for the client (`fingerprint`, `limit`). The API
answers each class with its status in one place (inspections/api/errors.py); the admin shows the message.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    def __init__(self, code: str, message: str, fields: dict | None = None, **extra: Any):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.extra = extra


class RecordInvalid(DomainError):
    """The document or request is wrong in itself (`invalid` with field errors, `malformed`)."""


class RecordOutOfScope(DomainError):
    """The user may never have made this record (`regime_not_allowed`, `out_of_scope`)."""


class RecordNotFound(DomainError):
    """No such record for this user, yet (`inspection_not_found`, `photo_not_in_manifest`)."""


class RecordConflict(DomainError):
    """The identifier already holds something else (`conflict`, `uuid_taken`, `photo_uuid_taken`,
    `photo_conflict`)."""


class PhotoRefused(DomainError):
    """These bytes are not an acceptable photo (`sha256_mismatch`, `not_an_image`, `corrupt`, …)."""


class PhotoTooLarge(PhotoRefused):
    """A photo over the size or pixel limits (`too_large` with `limit`, `too_many_pixels`)."""


class ReasonRequired(DomainError):
    """A staff judgement (void, restore, count) given without a reason (`reason_required`)."""
