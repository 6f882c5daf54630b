"""Serving photo files after a permission check; no folder of photos is mapped to a URL (issue 9, point 7).

`GET /photos/<uuid>/<variant>/` (`photo-file`): the rules are in inspections/selectors/photos.py. Whatever
is refused, or missing, gets the same empty 404.

How the bytes go out (a stream, a web-server header or a redirect to a signed URL): inspections/storage.py.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.views.decorators.http import require_safe

from inspections.models import Photo
from inspections.selectors.photos import PUBLIC_VARIANTS, VARIANTS, photo_for_staff, public_photo
from inspections.storage import DERIVATIVES, PRIVATE, stored_file_response


def not_found() -> HttpResponse:
    """The one answer for a photo that is missing or not the caller's to see."""
    response = HttpResponseNotFound(b"", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def file_response(photo: Photo, variant: str, *, public: bool) -> HttpResponse | None:
    """The stored file of one variant with the headers for who asked; None when there is no such file.
    Used by the view below and by the API's original-photo view (`api-photo-original`)."""
    if variant == "original":
        alias, content_type = PRIVATE, photo.content_type or "application/octet-stream"
    else:
        alias, content_type = DERIVATIVES, "image/jpeg"  # derivatives are always re-encoded JPEGs (photos.py)
    name = getattr(photo, variant)
    if not name:
        return None
    return stored_file_response(alias, name, content_type=content_type, public=public)


@require_safe
def photo_file(request: HttpRequest, uuid: UUID, variant: str) -> HttpResponse:
    """Any variant for street staff who may read the inspection; display and thumbnail of a current,
    not withdrawn exposure photo for everyone; 404 otherwise."""
    if variant not in VARIANTS:
        return not_found()
    photo = photo_for_staff(request.user, uuid)
    if photo is not None:
        return file_response(photo, variant, public=False) or not_found()
    if variant in PUBLIC_VARIANTS:
        photo = public_photo(uuid)
        if photo is not None:
            return file_response(photo, variant, public=True) or not_found()
    return not_found()
