"""Public pages (no login): the published lists, each category's full ranking, a printable poster and the rules.

Pages render only stored snapshots. Rendered HTML is cached under a key that names the snapshot's
state and when its public photos last changed, so a revision (which changes the old one's state) or a
withdrawn exposure photo shows at once without any invalidation. The exposure photos themselves are served by
the checked view of inspections/media.py.

A list's page shows what a reader comes for (each category's red and black lists and a summary) and links
each category's full ranking on a page of its own: the first page stays small however many places a street has.
"""

from __future__ import annotations

from collections.abc import Callable

import segno
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from checklists.scoring import GRADE_BANDS
from plans.selectors import public_draws, public_draws_stamp

from ..models import RankingPublication
from ..present import grade_counts, list_title, period_label, present_lists, tenths_text
from ..rules import CATEGORIES, GRADE_LABELS, policy_for

CACHE_SECONDS = 600
PUBLIC = (RankingPublication.State.PUBLISHED, RankingPublication.State.SUPERSEDED)
EXCELLENT_FLOOR = tenths_text(next(floor for floor, grade in GRADE_BANDS if grade == "excellent"))


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


def _list_key(publication: RankingPublication) -> str:
    return (f"{publication.pk}:{publication.state}:{_stamp(publication.published_at)}:"
            f"{_stamp(publication.public_photos_changed_at)}")


def _qr(url: str) -> str:
    """An inline SVG (the templates mark it safe: segno writes it from our own URL)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


def index(request: HttpRequest) -> HttpResponse:
    published = RankingPublication.objects.filter(state=RankingPublication.State.PUBLISHED)
    stamp = published.aggregate(n=Count("id"), last=Max("published_at"))

    def context() -> dict:
        rows = [
            {"pk": p.pk, "title": list_title(p), "street": p.street.name, "revision": p.revision,
             "published_at": p.published_at, "period": period_label(p.period_kind, p.period)}
            for p in published.select_related("street").order_by("-period", "period_kind", "street__name")
        ]
        # Covert draws: the commitment, eligible set and size; the seed only once revealed (plans.selectors).
        return {"lists": rows, "title": _("垃圾分类检查排名公示"), "draws": public_draws()}

    key = f"index:{stamp['n']}:{_stamp(stamp['last'])}:{public_draws_stamp()}"
    return _page(request, key, "index.html", context)


def list_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Red and black lists and a summary per category, a menu to jump between them."""
    publication = _public(pk)

    def context() -> dict:
        newer = publication.superseded_by.filter(state__in=PUBLIC).first()
        categories = [c for c in present_lists(publication) if c["entries"] or c["not_inspected"]]
        for category in categories:
            category["grades"] = grade_counts(category["entries"])
        return {"pub": publication, "title": list_title(publication), "categories": categories,
                "newer": newer, "poster_url": reverse("public:poster", args=[pk])}

    return _page(request, f"list:{_list_key(publication)}", "list.html", context)


def category_page(request: HttpRequest, pk: int, category: str) -> HttpResponse:
    """One category's full ranking."""
    if category not in CATEGORIES:
        raise Http404
    publication = _public(pk)

    def context() -> dict:
        found = next((c for c in present_lists(publication, photos={}) if c["category"] == category), None)
        if found is None or not (found["entries"] or found["not_inspected"]):
            raise Http404
        return {"pub": publication, "title": f"{list_title(publication)} · {found['label']}", "c": found,
                "list_title": list_title(publication)}

    return _page(request, f"category:{category}:{_list_key(publication)}", "category.html", context)


def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """An A4 notice for notice boards: red and black lists, the issuing street and date, and QR codes to the
    online list and to the rules."""
    publication = _public(pk)

    def context() -> dict:
        url = settings.SITE_URL + reverse("public:list", args=[pk])
        rules_url = settings.SITE_URL + reverse("public:rules")
        categories = present_lists(publication, photos={})  # the poster shows no photos
        return {"pub": publication, "title": list_title(publication), "categories": categories,
                "listed": any(c["red"] or c["black"] for c in categories), "excellent": EXCELLENT_FLOOR,
                "qr_svg": _qr(url), "url": url, "rules_qr_svg": _qr(rules_url), "rules_url": rules_url}

    return _page(request, f"poster:{pk}:{publication.state}:{_stamp(publication.published_at)}", "poster.html",
                 context)


def rules_page(request: HttpRequest) -> HttpResponse:
    """How scores and lists are made (docs/scoring.md in short), with the numbers the code uses."""

    def context() -> dict:
        policy = policy_for()
        covert = 1 - policy.assessment_weight
        return {
            "title": _("计分与排名规则"),
            "bands": [{"floor": tenths_text(floor), "label": GRADE_LABELS[grade]} for floor, grade in GRADE_BANDS],
            "fail_label": GRADE_LABELS["fail"], "policy": policy,
            "assessment_weight": f"{float(policy.assessment_weight):g}", "covert_weight": f"{float(covert):g}",
            "clock_skew_minutes": settings.SORTPATROL["MAX_CLOCK_SKEW_S"] // 60,
        }

    policy = policy_for()
    key = f"rules:{policy.red_n}:{policy.black_n}:{policy.assessment_weight}:{settings.SORTPATROL['MAX_CLOCK_SKEW_S']}"
    return _page(request, key, "rules.html", context)
