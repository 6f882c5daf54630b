"""整改通知书: a printable A4 notice per case, or per responsible party (all its open cases it may see).

Each case shows its number, place, problem, deadline, up to NOTICE_PHOTOS evidence photos and a QR code that
opens the case in the app (`/#/cases/<id>`, the PWA's case screen). Photos are the metadata-free display
derivatives, embedded in the page (a printed notice is handed to a party that may not open staff photo URLs),
and only once the party may see the case: a covert case's photos stay off until it is released.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import segno
from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from inspections.desk import staff_login_required
from inspections.models import Photo, Place, PropertyCompany
from inspections.storage import derivative_storage

from ..models import ENDED_STATES, RectificationCase, ResponsibleParty
from ..selectors import visible_to_party
from .access import company_of, may_read_notice, render_page, staff_cases

NOTICE_PHOTOS = 3  # a case's notice stays on one A4 page


def case_app_url(case: RectificationCase) -> str:
    """The PWA's screen of the case, for the responsible party (pwa/: `#/cases/<id>`)."""
    return f"{settings.SITE_URL}/#/cases/{case.pk}"


def qr_svg(url: str) -> SafeString:
    return mark_safe(segno.make(url, error="m").svg_inline(omitsize=True, svgclass="qr", lineclass="qrline"))


def _data_uri(photo: Photo) -> str | None:
    try:
        with derivative_storage().open(photo.display) as stored:
            data = stored.read()
    except (OSError, ValueError):
        return None  # a missing file is left out, not a broken notice
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


def evidence_photos(case: RectificationCase) -> list[str]:
    """The display derivatives of the case's item from the inspections that found it (not voided), as data URIs."""
    if not visible_to_party(case):
        return []
    photos = Photo.objects.filter(
        inspection__case_findings__case=case, item_code=case.item_code, received_at__isnull=False,
        inspection__voided=False,
    ).exclude(display="").distinct().order_by("pk")[:NOTICE_PHOTOS]
    return [uri for uri in map(_data_uri, photos) if uri]


@dataclass
class NoticeCase:
    case: RectificationCase
    photos: list[str]
    url: str
    qr: SafeString


def notice_case(case: RectificationCase) -> NoticeCase:
    url = case_app_url(case)
    return NoticeCase(case=case, photos=evidence_photos(case), url=url, qr=qr_svg(url))


def _related(cases: QuerySet[RectificationCase]) -> QuerySet[RectificationCase]:
    return cases.select_related("street", "place", "community", "party_company", "party_place")


@staff_login_required
def case_notice(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(_related(RectificationCase.objects.all()), pk=pk)
    if not may_read_notice(request.user, case):
        raise Http404
    return render_page(request, "notice.html", {
        "title": _("整改通知书 %(number)s") % {"number": case.number}, "street": case.street,
        "party": case.party_company or case.party_place, "items": [notice_case(case)], "today": timezone.now(),
    })


@staff_login_required
def party_notice(request: HttpRequest, party: str, pk: int) -> HttpResponse:
    """All open cases of one responsible party that it may see: `party` is "company" or "place" (a unit or a
    community). Street staff see their street's; a company user only their own company's."""
    if party == "company":
        owner = get_object_or_404(PropertyCompany, pk=pk)
        cases = RectificationCase.objects.filter(party_company=owner)
    elif party == "place":
        owner = get_object_or_404(Place, pk=pk)
        cases = RectificationCase.objects.filter(party_place=owner).exclude(party_kind=ResponsibleParty.COMPANY)
    else:
        raise Http404
    if party == "company" and company_of(request.user) == pk:
        pass  # the company's own notice, whichever street its cases are in
    else:
        cases = cases.filter(pk__in=staff_cases(request.user))
    cases = list(visible_to_party(_related(cases.exclude(state__in=ENDED_STATES))).order_by("deadline", "number"))
    if not cases:
        raise Http404
    return render_page(request, "notice.html", {
        "title": _("整改通知书 %(party)s") % {"party": owner.name}, "street": cases[0].street, "party": owner,
        "items": [notice_case(case) for case in cases], "today": timezone.now(),
    })
