"""Where photo files live and how their bytes go out (issue 12, point 4).

Two storages of settings.STORAGES: "photos_private" (originals, with the camera's metadata) and "photos" (the
metadata-free derivatives). Folders on this machine by default, an S3-compatible bucket with PHOTO_STORAGE=s3.
Neither is mapped to a URL: a file goes out only through `stored_file_response`, after the caller's permission
check (inspections/media.py).

How the bytes go out:
- from a bucket: a redirect to a signed URL that expires after PHOTO_URL_MAX_AGE seconds, never cached (whoever
  holds the URL can read the object until it expires, so no shared cache may keep it);
- from a folder, by default Django streams the file (FileResponse);
- `MEDIA_ACCEL_REDIRECT=/protected/`: an empty answer with `X-Accel-Redirect: /protected/media/<name>`
  (derivatives) or `/protected/private/<name>` (originals), for nginx `internal` locations;
- `MEDIA_SENDFILE=1`: an empty answer with `X-Sendfile: <absolute path>` (Apache mod_xsendfile, lighttpd).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control, patch_vary_headers

PRIVATE = "photos_private"
DERIVATIVES = "photos"
# The nginx internal location (under MEDIA_ACCEL_REDIRECT) that maps each storage's folder.
_ACCEL_FOLDERS = {PRIVATE: "private", DERIVATIVES: "media"}
STAFF_MAX_AGE = 3600


def private_storage() -> Storage:
    return storages[PRIVATE]


def derivative_storage() -> Storage:
    return storages[DERIVATIVES]


def stored_file_response(alias: str, name: str, *, content_type: str, public: bool) -> HttpResponse | None:
    """The file `name` of the storage `alias`, with the cache headers for who asked (`public`: anyone may see
    it); None when a folder has no such file or the name points outside the storage (the storages refuse such
    names with SuspiciousOperation: this is the one place that checks)."""
    storage = storages[alias]
    try:
        if not isinstance(storage, FileSystemStorage):
            return _signed_redirect(storage, name)
        response = _from_folder(storage, alias, name, content_type)
    except SuspiciousOperation:
        return None
    if response is None:
        return None
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    if public:
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PHOTO_MAX_AGE)
    else:
        patch_cache_control(response, private=True, max_age=STAFF_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
    return response


def _signed_redirect(storage: Storage, name: str) -> HttpResponse:
    # No existence check: it would cost a round trip to the bucket for every image of a page, and a missing
    # object answers 404 at the signed URL anyway.
    response = HttpResponseRedirect(storage.url(name))
    patch_cache_control(response, private=True, no_store=True)
    return response


def _from_folder(storage: FileSystemStorage, alias: str, name: str, content_type: str) -> HttpResponse | None:
    path = Path(storage.path(name))  # raises SuspiciousFileOperation outside the storage's folder
    if not path.is_file():
        return None
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(b"", content_type=content_type)
        relative = path.relative_to(storage.location).as_posix()
        response["X-Accel-Redirect"] = f"{settings.MEDIA_ACCEL_REDIRECT}{_ACCEL_FOLDERS[alias]}/{quote(relative)}"
        return response
    if settings.MEDIA_SENDFILE:
        response = HttpResponse(b"", content_type=content_type)
        response["X-Sendfile"] = str(path)
        return response
    return FileResponse(storage.open(name, "rb"), content_type=content_type)
