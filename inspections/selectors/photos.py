"""Who may see which photo file (issue 9, point 7). No folder of photos is mapped to a URL.

- Street staff (`is_staff_reader`) get every variant (original, display, thumbnail) of the photos of the
  inspections they may read (`inspections_visible_to`: their street, covert included).
- Anyone, logged in or not, gets the display derivative and the thumbnail of an **exposure photo of a
  current published list** (`Photo.public_on_list`, kept by rankings/publication.py) that has not been withdrawn.
- Everything else: nothing. The views answer 404, so that a photo's existence is never revealed.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from ..models import Photo
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


def public_photo(uuid: UUID | str) -> Photo | None:
    """The photo behind a public URL, when the public may see its derivatives."""
    return Photo.objects.filter(
        uuid=uuid, received_at__isnull=False, public_on_list=True, public_withdrawn_at__isnull=True
    ).first()


