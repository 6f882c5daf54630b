"""The PWA's own pages: the app shell, the service worker with its content-hash version, and QR label links.

The shell is the same for everyone (no user data, no CSRF token): the service worker caches it and the app
talks to the API with JWT. The worker's cache name is a hash of every file it precaches, computed from the
files when the worker is requested, so a deploy that changes any of them installs a new version."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import re
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from PIL import Image

PWA_DIR = Path(settings.BASE_DIR) / "pwa"
SHELL_TEMPLATE = "app/shell.html"
# Static folders of the shell, as mapped in STATICFILES_DIRS (pwa/js → /static/app/js/, ...).
STATIC_FOLDERS = {"js": "app/js", "css": "app/css"}
SHELL_ICONS = ["icon-192.png"]
CLASSIC_IMPORT = re.compile(r"^import .*;$", re.MULTILINE)


def shell_static_files() -> list[tuple[Path, str]]:
    """Every file the app shell loads, as (path on disk, URL), in a stable order."""
    files: list[tuple[Path, str]] = []
    for folder, prefix in STATIC_FOLDERS.items():
        root = PWA_DIR / folder
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in {".js", ".css"}:
                files.append((path, f"{settings.STATIC_URL}{prefix}/{path.relative_to(root).as_posix()}"))
    for name in SHELL_ICONS:
        files.append((PWA_DIR / "icons" / name, f"{settings.STATIC_URL}app/icons/{name}"))
    return files


def shell_urls() -> list[str]:
    """The URLs the service worker precaches: the shell page, the manifest and the static files."""
    return ["/", "/manifest.json", *[url for _, url in shell_static_files()]]


def shell_version() -> str:
    """A hash of the worker, the shell template, the settings behind the manifest and every shell file."""
    digest = hashlib.sha256()
    template = PWA_DIR / "templates" / SHELL_TEMPLATE
    manifest_settings = json.dumps(
        [settings.PWA_APP_NAME, settings.PWA_APP_THEME_COLOR, settings.PWA_APP_ICONS], ensure_ascii=False
    )
    digest.update(manifest_settings.encode())
    for path in [Path(settings.PWA_SERVICE_WORKER_PATH), template, *[p for p, _ in shell_static_files()]]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@require_GET
def app_shell(request: HttpRequest, qr_token: str | None = None) -> HttpResponse:
    """The single page of the app. `/q/<token>` serves the same page; the app opens that place from its pack."""
    response = render(request, SHELL_TEMPLATE, {"theme_color": settings.PWA_APP_THEME_COLOR})
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Our worker (PWA_SERVICE_WORKER_PATH) with its version and precache list filled in.

    django-pwa's own view serves the file unchanged; ours is routed first so the version is always true."""
    source = Path(settings.PWA_SERVICE_WORKER_PATH).read_text(encoding="utf-8")
    if request.GET.get("classic"):
        # For browsers without module workers: same worker, without the import (see sw.js).
        source = CLASSIC_IMPORT.sub("const syncOutbox = null;", source)
    source = source.replace('"__SHELL_VERSION__"', json.dumps(shell_version()))
    source = source.replace('["__SHELL_FILES__"]', json.dumps(shell_urls()))
    response = HttpResponse(source, content_type="application/javascript; charset=utf-8")
    # Browsers check for a new worker on navigation; never let an HTTP cache hide a deploy.
    response["Cache-Control"] = "no-cache, no-store"
    response["Service-Worker-Allowed"] = "/"
    return response


@functools.cache
def _favicon_bytes() -> bytes:
    # The PWA's icon, as an ICO file with the sizes browsers ask for in a tab or a bookmark.
    buffer = io.BytesIO()
    with Image.open(PWA_DIR / "icons" / "icon-192.png") as icon:
        icon.save(buffer, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return buffer.getvalue()


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on every page that names no icon (the public and desk pages)."""
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=604800"
    return response
