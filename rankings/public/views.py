"""Public pages (no login): the published lists and a printable poster.

Pages render only stored snapshots. Rendered HTML is cached under a key that names the snapshot's
state and when its public photos last changed, so a revision (which changes the old one's state) or a
withdrawn exposure photo shows at once without any invalidation. The exposure photos themselves are served by
the checked view of inspections/media.py.
"""

from __future__ import annotations

from collections.abc import Callable

import segno
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import RankingPublication
from ..present import list_title, period_label, present_lists

CACHE_SECONDS = 600
PUBLIC = (RankingPublication.State.PUBLISHED, RankingPublication.State.SUPERSEDED)


def _page(request: HttpRequest, cache_key: str, template: str, context: Callable[[], dict]) -> HttpResponse:
    key = f"public:{get_language()}:{cache_key}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(f"rankings/public/{template}", context(), request)
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

    return _page(request, f"index:{stamp['n']}:{_stamp(stamp['last'])}", "index.html", context)


def list_page(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _public(pk)

    def context() -> dict:
        newer = publication.superseded_by.filter(state__in=PUBLIC).first()
        return {"pub": publication, "title": list_title(publication), "categories": present_lists(publication),
                "newer": newer, "poster_url": reverse("public:poster", args=[pk])}

    key = (f"list:{pk}:{publication.state}:{_stamp(publication.published_at)}:"
           f"{_stamp(publication.public_photos_changed_at)}")
    return _page(request, key, "list.html", context)


def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A4, for notice boards: red and black lists and a QR code to the online list."""
    publication = _public(pk)

    def context() -> dict:
        url = settings.SITE_URL + reverse("public:list", args=[pk])
        qr = segno.make(url, error="m").svg_inline(scale=4, border=2)
        # The poster shows no photos.
        return {"pub": publication, "title": list_title(publication),
                "categories": present_lists(publication, photos={}), "qr_svg": qr, "url": url}

    return _page(request, f"poster:{pk}:{publication.state}:{_stamp(publication.published_at)}", "poster.html",
                 context)

