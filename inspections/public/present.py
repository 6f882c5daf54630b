"""Turn a stored snapshot into what pages, posters, exports and the public API show.

Only fields listed here leave the server: names and codes of places and companies, scores, ranks,
grades, trends, reasons and the URLs of reviewed display derivatives — never people or coordinates.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from inspections.models import RankingPublication
from inspections.selectors.rankings import CATEGORY_LABELS, GRADE_LABELS


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
    if kind == "week":
        year, week = period.split("-W")
        return _("%(y)s年第%(w)s周") % {"y": year, "w": int(week)}
    if kind == "month":
        year, month = period.split("-")
        return _("%(y)s年%(m)s月") % {"y": year, "m": int(month)}
    year, quarter = period.split("-Q")
    return _("%(y)s年第%(q)s季度") % {"y": year, "q": quarter}


def list_title(publication: RankingPublication) -> str:
    kinds = {"week": _("周指导"), "month": _("月暗查"), "quarter": _("季考核")}
    return _("%(street)s %(period)s %(kind)s排名") % {
        "street": publication.street.name, "period": period_label(publication.period_kind, publication.period),
        "kind": kinds.get(publication.period_kind, ""),
    }


def photo_url(publication: RankingPublication, photo: dict[str, Any], variant: str = "display") -> str:
    return reverse("public:photo", args=[publication.pk, photo["id"], variant])


def present_entry(publication: RankingPublication, entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": entry["key"], "code": entry["code"], "name": entry["name"], "community": entry.get("community", ""),
        "rank": entry["rank"], "score": tenths_text(entry["score"]), "score_tenths": entry["score"],
        "grade": entry["grade"], "grade_label": str(GRADE_LABELS[entry["grade"]]), "vetoed": entry["vetoed"],
        "partial": entry["partial"], "trend": entry["trend"], "trend_text": trend_text(entry["trend"]),
        "reasons": [
            {"code": r["code"], "label": r["label"], "lost": tenths_text(r["lost"]), "veto": r["veto"]}
            for r in entry.get("reasons", [])
        ],
        "photos": [
            {"url": photo_url(publication, p), "thumbnail_url": photo_url(publication, p, "thumbnail"),
             "item_code": p["item_code"]}
            for p in entry.get("photos", [])
        ],
    }


def present_lists(publication: RankingPublication) -> list[dict[str, Any]]:
    """Each category with its ranked entries, red list, black list (worst first) and not-inspected names."""
    out = []
    for cat in publication.data.get("categories", []):
        entries = [present_entry(publication, e) for e in cat["entries"]]
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
