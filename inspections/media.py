"""Serving photo files after a permission check; no folder of photos is mapped to a URL (issue 9, point 7).

`GET /photos/<uuid>/<variant>/` (`photo-file`): the rules are in inspections/selectors/photos.py. Whatever
is refused, or missing, gets the same empty 404.

How the bytes go out:
- by default Django streams the file (FileResponse);
- `MEDIA_ACCEL_REDIRECT=/protected/`: an empty answer with `X-Accel-Redirect: /protected/media/<path>`
  (derivatives, under MEDIA_ROOT) or `/protected/private/<path>` (originals, under PRIVATE_MEDIA_ROOT), for
  nginx `internal` locations;
- `MEDIA_SENDFILE=1`: an empty answer with `X-Sendfile: <absolute path>` (Apache mod_xsendfile, lighttpd).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote
from uuid import UUID

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from inspections.models import Photo
from inspections.selectors.photos import PUBLIC_VARIANTS, VARIANTS, photo_for_staff, public_photo

STAFF_MAX_AGE = 3600


def not_found() -> HttpResponse:
    """The one answer for a photo that is missing or not the caller's to see."""
    response = HttpResponseNotFound(b"", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _file(photo: Photo, variant: str) -> tuple[str, Path, str, str] | None:
    """(folder name for X-Accel-Redirect, root, path relative to it, content type) of a stored variant."""
    if variant == "original":
        relative, root, kind = photo.original, Path(settings.PRIVATE_MEDIA_ROOT), "private"
        content_type = photo.content_type or "application/octet-stream"
    else:
        relative, root, kind = getattr(photo, variant), Path(settings.MEDIA_ROOT), "media"
        content_type = "image/jpeg"  # derivatives are always re-encoded JPEGs (inspections/photos.py)
    if not relative:
        return None
    return kind, root, relative, content_type


def file_response(photo: Photo, variant: str, *, public: bool) -> HttpResponse | None:
    """The stored file of one variant with the headers for who asked; None when there is no such file.
    Used by the view below and by the API's original-photo view (`api-photo-original`)."""
    stored = _file(photo, variant)
    if stored is None:
        return None
    kind, root, relative, content_type = stored
    root = root.resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        return None
    accel = settings.MEDIA_ACCEL_REDIRECT
    if accel:
        response = HttpResponse(b"", content_type=content_type)
        response["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{kind}/{quote(path.relative_to(root).as_posix())}"
    elif settings.MEDIA_SENDFILE:
        response = HttpResponse(b"", content_type=content_type)
        response["X-Sendfile"] = str(path)
    else:
        response = FileResponse(path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    if public:
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PHOTO_MAX_AGE)
    else:
        patch_cache_control(response, private=True, max_age=STAFF_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
    return response


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
