"""Printable QR labels for a compound's bin stations (one A4 sheet; the browser prints it)."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils.safestring import mark_safe

from checklists.models import PlaceKind
from inspections.models import Place
from inspections.scopes import places_inspectable_by


def qr_url(place: Place) -> str:
    """What a label's QR code encodes: the PWA route that opens this place."""
    return f"{settings.SITE_URL}/q/{place.qr_token}"


def qr_svg(url: str) -> str:
    # viewBox instead of a pixel size so the print stylesheet sets the size in millimetres.
    return segno.make(url, error="m").svg_inline(omitsize=True, svgclass="qr", lineclass="qrline")


@login_required(login_url=reverse_lazy("admin:login"))
def compound_labels(request: HttpRequest, code: str) -> HttpResponse:
    compound = get_object_or_404(Place.objects.select_related("parent", "street"), code=code, kind=PlaceKind.COMPOUND)
    # Whoever may inspect a compound may print its labels (the same scope check the app uses).
    if not places_inspectable_by(request.user).filter(pk=compound.pk).exists():
        raise PermissionDenied
    stations = compound.children.filter(kind=PlaceKind.BIN_STATION, status=Place.Status.ACTIVE).order_by("code")
    labels = [{"place": station, "url": qr_url(station), "svg": mark_safe(qr_svg(qr_url(station)))}
              for station in stations]
    return render(request, "inspections/staff/labels.html", {"compound": compound, "labels": labels})
