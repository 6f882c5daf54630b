"""Turn a stored snapshot into what pages, posters, exports and the public API show.

Only fields listed here leave the server: names and codes of places and companies, scores, ranks,
grades, trends, reasons and the URLs of reviewed display derivatives — never people or coordinates.
Photo URLs point at the checked view (Photo.file_url), never at a folder.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from checklists.periods import PeriodKind, period_bounds, period_parts
from inspections.models import Photo

from .models import RankingPublication
from .photos import photos_shown_publicly
from .rules import CATEGORY_LABELS, GRADE_LABELS


def tenths_text(tenths: int | None) -> str:
    if tenths is None:
        return ""
    return f"{tenths // 10}.{tenths % 10}"


def trend_text(trend: int | None) -> str:
    if trend is None:
        return _("新")
    if trend == 0:
        return "±0.0"
    sign = "+" if trend > 0 else "−"
    return sign + tenths_text(abs(trend))


def period_label(kind: str, period: str) -> str:
    """A period key in words, for every page, poster and export: "2026年第49周（11月30日—12月6日）",
    "2026年11月", "2026年第4季度" (English: "Week 49, 2026 (30 Nov – 6 Dec)", "November 2026", "Q4 2026")."""
    year, number = period_parts(kind, period)
    start, end = period_bounds(kind, period)
    if kind == PeriodKind.WEEK:
        day = _("n月j日")  # a date format (Django's `date` filter); English "j M"
        return _("%(y)s年第%(w)s周（%(start)s—%(end)s）") % {
            "y": year, "w": number, "start": date_format(start.date(), day),
            "end": date_format((end - dt.timedelta(days=1)).date(), day),
        }
    if kind == PeriodKind.MONTH:
        return date_format(start.date(), _("Y年n月"))  # English "F Y"
    return _("%(y)s年第%(q)s季度") % {"y": year, "q": number}


def list_title(publication: RankingPublication) -> str:
    kinds = {"week": _("周指导"), "month": _("月暗查"), "quarter": _("季考核")}
    return _("%(street)s %(period)s %(kind)s排名") % {
        "street": publication.street.name, "period": period_label(publication.period_kind, publication.period),
        "kind": kinds.get(publication.period_kind, ""),
    }


def present_photo(photo: Photo) -> dict[str, Any]:
    # `id` stays on the server: the public API's serializer and the templates do not show it.
    return {"id": photo.pk, "url": photo.display_url, "thumbnail_url": photo.thumbnail_url,
            "item_code": photo.item_code}


def present_entry(publication: RankingPublication, entry: dict[str, Any],
                  photos: dict[int, Photo] | None = None) -> dict[str, Any]:
    """One entry; of its exposure photos only those in `photos` (by id) are shown."""
    return {
        "key": entry["key"], "code": entry["code"], "name": entry["name"], "community": entry.get("community", ""),
        "rank": entry["rank"], "score": tenths_text(entry["score"]), "score_tenths": entry["score"],
        "grade": entry["grade"], "grade_label": str(GRADE_LABELS[entry["grade"]]), "vetoed": entry["vetoed"],
        "partial": entry["partial"], "trend": entry["trend"], "trend_text": trend_text(entry["trend"]),
        # Snapshots published before rectification cases existed have no counts.
        "open_cases": entry.get("open_cases", 0), "overdue_cases": entry.get("overdue_cases", 0),
        "reasons": [
            {"code": r["code"], "label": r["label"], "lost": tenths_text(r["lost"]), "veto": r["veto"]}
            for r in entry.get("reasons", [])
        ],
        "photos": [present_photo(photos[p["id"]]) for p in entry.get("photos", []) if p["id"] in (photos or {})],
    }


def present_lists(publication: RankingPublication, photos: dict[int, Photo] | None = None) -> list[dict[str, Any]]:
    """Each category with its ranked entries, red list, black list (worst first) and not-inspected names.

    Exposure photos: by default those the public may see now (not withdrawn, exposed by the current revision:
    a frozen snapshot is filtered when shown); street staff pages pass every photo of the snapshot."""
    if photos is None:
        photos = photos_shown_publicly(publication)
    out = []
    for cat in publication.data.get("categories", []):
        entries = [present_entry(publication, e, photos) for e in cat["entries"]]
        by_key = {e["key"]: e for e in entries}
        out.append({
            "category": cat["category"], "label": str(CATEGORY_LABELS.get(cat["category"], cat["category"])),
            "entries": entries,
            "red": [by_key[k] for k in cat["red"]],
            "black": [by_key[k] for k in cat["black"]],
            "not_inspected": [{"code": r["code"], "name": r["name"], "community": r.get("community", "")}
                              for r in cat["not_inspected"]],
        })
    return out


def grade_counts(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """How many entries have each grade, best grade first (for a list's summary)."""
    return [{"grade": grade, "label": str(label), "count": sum(e["grade"] == grade for e in entries)}
            for grade, label in GRADE_LABELS.items()]
