"""Staff dashboard: overdue rectification cases first, schedule coverage, flags to review, and a place's score
history as a small SVG chart."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from checklists.models import PlaceKind
from checklists.periods import PERIOD_REGIME, PeriodKind, period_of, previous_period
from inspections.desk import staff_reader_required
from inspections.models import Place
from inspections.scopes import places_visible_to
from inspections.selectors.coverage import coverage_for, flagged_inspections
from rectifications.ledger import overdue_summary

from ..lists import list_places, list_scores
from ..models import PlaceScore
from ..present import period_label, tenths_text
from ..rules import Score, parse_exact, policy_for
from .pages import render_page, streets_for

HISTORY_LENGTH = {PeriodKind.WEEK: 12, PeriodKind.MONTH: 12, PeriodKind.QUARTER: 6}


@staff_reader_required
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    streets = list(streets_for(request.user))
    chosen = next((s for s in streets if str(s.pk) == request.GET.get("street")), streets[0] if streets else None)
    context = {"title": _("工作台"), "streets": streets, "street": chosen}
    if chosen is not None:
        context["cases"] = overdue_summary(street=chosen, now=now)  # overdue cases first (issue 13)
        context["coverage"] = coverage_for(street=chosen, moment=now)
        context["flagged"] = flagged_inspections(street=chosen, since=now - dt.timedelta(days=31))
        context["periods"] = {k: period_label(k, period_of(k, now)) for k in PeriodKind.values}
    return render_page(request, "dashboard.html", context)


def score_history(place: Place, kind: str, now: dt.datetime) -> list[dict]:
    """The place's list score (composite; for quarters the mix) in each of the last periods, oldest first."""
    places, policy = list_places(place.street_id), policy_for(place.street)
    key, points = period_of(kind, now), []
    for _i in range(HISTORY_LENGTH[kind]):
        if place.kind == PlaceKind.BIN_STATION:  # never listed: its own composite of the period's regime
            row = PlaceScore.objects.filter(place=place, regime=PERIOD_REGIME[kind], period=key).first()
            score = Score(*parse_exact(row.composite), row.composite_vetoed) if row else None
        else:
            score = list_scores(place.street_id, kind, key, policy, places).get(f"place:{place.pk}")
        points.append({
            "period": key, "label": period_label(kind, key),
            "tenths": None if score is None else score.tenths,
            "vetoed": bool(score and score.vetoed), "partial": bool(score and score.partial),
        })
        key = previous_period(kind, key)
    points.reverse()
    for point in points:
        point["text"] = tenths_text(point["tenths"])
    return points


def history_svg(points: list[dict], name: str, width: int = 360, height: int = 120) -> SafeString:
    """A line over 0–100 points; gaps where the place was not inspected; vetoed periods in black. `name` is what a
    screen reader says for the picture (the table under it has the figures)."""
    pad, n = 18, max(len(points) - 1, 1)

    def xy(i: int, tenths: int) -> tuple[str, str]:
        return f"{pad + i * (width - 2 * pad) / n:.1f}", f"{height - pad - tenths * (height - 2 * pad) / 1000:.1f}"

    segments, current = [], []
    for i, p in enumerate(points):
        if p["tenths"] is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(xy(i, p["tenths"]))
    if current:
        segments.append(current)
    lines = format_html_join(
        "", '<polyline fill="none" stroke="#1f6f43" stroke-width="2" points="{}"/>',
        ((" ".join(f"{x},{y}" for x, y in seg),) for seg in segments),
    )
    dots = format_html_join(
        "", '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{} {}</title></circle>',
        ((*xy(i, p["tenths"]), "#000" if p["vetoed"] else "#1f6f43", p["label"], p["text"])
         for i, p in enumerate(points) if p["tenths"] is not None),
    )
    grid = format_html_join(
        "", '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/><text x="0" y="{}" '
        'font-size="9" fill="#888">{}</text>',
        ((pad, width - pad, f"{y:.1f}", f"{y:.1f}", f"{y + 3:.1f}", label) for label, y in
         ((v, height - pad - v * 10 * (height - 2 * pad) / 1000) for v in (60, 80, 90, 100))),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}">{}{}{}</svg>',
        width, height, width, height, name, grid, lines, dots,
    )


@staff_reader_required
def place_history(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(places_visible_to(request.user).select_related("street", "parent"), pk=pk)
    now = timezone.now()
    charts = []
    for kind, label in PeriodKind.choices:
        points = score_history(place, kind, now)
        charts.append({"kind": kind, "label": label, "points": points, "svg": history_svg(
            points, _("%(period)s得分走势图") % {"period": label})})
    return render_page(request, "place_history.html", {"title": place.name, "place": place, "charts": charts})
