"""Public pages (no login): the published lists, a printable poster, and the exposure photos.

Pages render only stored snapshots. Rendered HTML is cached under a key that names the snapshot's
state, so a revision (which changes the old one's state) shows at once without any invalidation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import segno
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.backends.django import DjangoTemplates
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from inspections.models import RankingPublication

from .present import list_title, period_label, present_lists

TEMPLATES = DjangoTemplates({
    "NAME": "sortpatrol-public",
    "DIRS": [Path(__file__).resolve().parent / "templates"],
    "APP_DIRS": False,
    "OPTIONS": {"context_processors": ["django.template.context_processors.i18n"]},
})
CACHE_SECONDS = 600
PUBLIC = (RankingPublication.State.PUBLISHED, RankingPublication.State.SUPERSEDED)


def _page(request: HttpRequest, cache_key: str, template: str, context: Callable[[], dict]) -> HttpResponse:
    key = f"public:{get_language()}:{cache_key}"
    html = cache.get(key)
    if html is None:
        html = TEMPLATES.get_template(template).render(context(), request)
        cache.set(key, html, CACHE_SECONDS)
    response = HttpResponse(html)
    patch_cache_control(response, public=True, max_age=60)
    return response


def _stamp(moment) -> str:
    return "none" if moment is None else str(int(moment.timestamp() * 1_000_000))


def _public(pk: int) -> RankingPublication:
    # The snapshot JSON is loaded only when a page is rendered, not for a cache hit.
    return get_object_or_404(
        RankingPublication.objects.select_related("street").defer("data"), pk=pk, state__in=PUBLIC
    )


def index(request: HttpRequest) -> HttpResponse:
    published = RankingPublication.objects.filter(state=RankingPublication.State.PUBLISHED)
    stamp = published.aggregate(n=Count("id"), last=Max("published_at"))

    def context() -> dict:
        rows = [
            {"pk": p.pk, "title": list_title(p), "street": p.street.name, "revision": p.revision,
             "published_at": p.published_at, "period": period_label(p.period_kind, p.period)}
            for p in published.select_related("street").order_by("-period", "period_kind", "street__name")
        ]
        return {"lists": rows, "title": _("垃圾分类检查排名公示")}

    return _page(request, f"index:{stamp['n']}:{_stamp(stamp['last'])}", "public/index.html", context)


def list_page(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _public(pk)

    def context() -> dict:
        newer = publication.superseded_by.filter(state__in=PUBLIC).first()
        return {"pub": publication, "title": list_title(publication), "categories": present_lists(publication),
                "newer": newer, "poster_url": reverse("public:poster", args=[pk])}

    key = f"list:{pk}:{publication.state}:{_stamp(publication.published_at)}"
    return _page(request, key, "public/list.html", context)


def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A4, for notice boards: red and black lists and a QR code to the online list."""
    publication = _public(pk)

    def context() -> dict:
        url = settings.SITE_URL + reverse("public:list", args=[pk])
        qr = segno.make(url, error="m").svg_inline(scale=4, border=2)
        return {"pub": publication, "title": list_title(publication), "categories": present_lists(publication),
                "qr_svg": qr, "url": url}

    return _page(request, f"poster:{pk}:{publication.state}:{_stamp(publication.published_at)}", "public/poster.html",
                 context)


def photo(request: HttpRequest, pk: int, photo_id: int, variant: str) -> FileResponse:
    """An exposure photo of a published list: only the reviewed display derivative, never an original."""
    publication = _public(pk)
    field = {"display": "display", "thumbnail": "thumbnail"}.get(variant)
    chosen = [
        p for cat in publication.data.get("categories", []) for e in cat["entries"]
        for p in e.get("photos", []) if p["id"] == photo_id
    ]
    if field is None or not chosen or not chosen[0].get(field):
        raise Http404
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / chosen[0][field]).resolve()
    if root not in path.parents or not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    patch_cache_control(response, public=True, max_age=86400)
    return response
