"""Desk pages to compute, review, publish and revise ranking lists, and to export them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from checklists.periods import PeriodKind, period_of
from inspections.desk import staff_reader_required
from inspections.models import Photo

from ..exports import ledger_workbook, list_workbook
from ..lists import feeding_inspections_by_key
from ..models import RankingPublication
from ..photos import photos_of_snapshot, snapshot_photo_ids
from ..present import list_title, present_lists
from ..publication import (
    PublicationError,
    candidate_photos,
    photo_withdraw,
    publication_draft,
    publication_publish,
    publication_review,
)
from .pages import can_publish, render_page, streets_for

REVIEW_INSPECTIONS = 50  # the latest feeding inspections a draft's black-list entry shows
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(raw: str | None) -> int:
    """A form's id field; anything that is not a number matches nothing (a 404, never a 500)."""
    try:
        return int(raw or 0)
    except ValueError:
        return 0


def _publication(request: HttpRequest, pk: int) -> RankingPublication:
    return get_object_or_404(
        RankingPublication.objects.select_related("street", "published_by"), pk=pk,
        street__in=streets_for(request.user),
    )


@staff_reader_required
def publication_list(request: HttpRequest) -> HttpResponse:
    streets = streets_for(request.user)
    now = timezone.now()
    return render_page(request, "rankings.html", {
        "title": _("排名发布"), "streets": streets, "kinds": PeriodKind.choices,
        "can_publish": can_publish(request.user),
        "suggested": {k: period_of(k, now) for k in PeriodKind.values},
        "publications": [
            {"pub": p, "title": list_title(p)}
            for p in RankingPublication.objects.filter(street__in=streets).select_related("street")[:200]
        ],
    })


def _require_publisher(request: HttpRequest) -> None:
    if not can_publish(request.user):
        raise PermissionDenied


@require_POST
@staff_reader_required
def draft_create(request: HttpRequest) -> HttpResponse:
    _require_publisher(request)
    street = get_object_or_404(streets_for(request.user), pk=_int(request.POST.get("street")))
    kind, period = request.POST.get("period_kind", ""), request.POST.get("period", "").strip()
    if kind not in PeriodKind.values:
        messages.error(request, _("请选择周期类型"))
        return redirect("staff-rankings")
    try:
        draft = publication_draft(street=street, period_kind=kind, period=period, user=request.user)
    except PublicationError as exc:
        messages.error(request, exc.message)
        return redirect("staff-rankings")
    return redirect("staff-ranking", pk=draft.pk)


def _review_rows(publication: RankingPublication, categories: list[dict]) -> None:
    """Attach, to each black-list entry of a draft, its latest feeding inspections and their candidate photos
    (a fixed number of queries for all entries together)."""
    entries = [entry for category in categories for entry in category["black"]]
    feeding = feeding_inspections_by_key(publication.street_id, [e["key"] for e in entries],
                                         publication.period_kind, publication.period, limit=REVIEW_INSPECTIONS)
    photos: dict[int, list[Photo]] = defaultdict(list)
    shown = {inspection.pk for inspections in feeding.values() for inspection in inspections}
    for photo in candidate_photos(sorted(shown)).order_by("pk"):
        photos[photo.inspection_id].append(photo)
    for entry in entries:
        entry["inspections"] = feeding[entry["key"]]
        entry["candidates"] = sorted((p for i in entry["inspections"] for p in photos[i.pk]), key=lambda p: p.pk)
        entry["chosen"] = set(publication.exposures.get(entry["key"], []))
        entry["reviewed"] = entry["key"] in publication.reviewed


def _staff_photo(photo: Photo) -> dict:
    return {"id": photo.pk, "thumbnail_url": photo.thumbnail_url, "url": photo.display_url,
            "original_url": photo.original_url, "item_code": photo.item_code,
            "withdrawn_at": photo.public_withdrawn_at, "withdrawn_by": photo.public_withdrawn_by,
            "withdrawn_reason": photo.public_withdrawn_reason}


@staff_reader_required
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    # Staff see every exposure photo of the snapshot, withdrawn ones marked.
    photos = photos_of_snapshot(publication)
    categories = present_lists(publication, photos=photos)
    for category in categories:
        for entry in category["entries"]:
            entry["photos"] = [_staff_photo(photos[p["id"]]) for p in entry["photos"]]
    if publication.state == RankingPublication.State.DRAFT:
        _review_rows(publication, categories)
    return render_page(request, "ranking.html", {
        "title": list_title(publication), "pub": publication, "categories": categories,
        "can_publish": can_publish(request.user),
        "is_draft": publication.state == RankingPublication.State.DRAFT,
        "needs_reason": publication.revision > 1,
    })


def publisher_action(action: Callable[..., HttpResponse | None]) -> Callable[..., HttpResponse]:
    """A POST by a street admin on one of their street's lists: `action(request, publication, **kwargs)` calls one
    service; a refusal (PublicationError) becomes an error message. Back to the list's page unless the action
    answers itself."""
    @require_POST
    @staff_reader_required
    @wraps(action)
    def view(request: HttpRequest, pk: int, **kwargs) -> HttpResponse:
        _require_publisher(request)
        publication = _publication(request, pk)
        try:
            response = action(request, publication, **kwargs)
        except PublicationError as exc:
            messages.error(request, exc.message)
            response = None
        return response or redirect("staff-ranking", pk=pk)
    return view


@publisher_action
def publication_recompute(request: HttpRequest, publication: RankingPublication) -> HttpResponse:
    draft = publication_draft(street=publication.street, period_kind=publication.period_kind,
                              period=publication.period, user=request.user)
    return redirect("staff-ranking", pk=draft.pk)


@publisher_action
def entry_review(request: HttpRequest, publication: RankingPublication) -> None:
    try:
        photo_ids = [int(p) for p in request.POST.getlist("photos")]
    except ValueError:
        messages.error(request, _("照片编号不正确"))
        return
    publication_review(publication=publication, key=request.POST.get("key", ""), photo_ids=photo_ids,
                       reviewed=request.POST.get("reviewed") == "1")


@publisher_action
def publish(request: HttpRequest, publication: RankingPublication) -> None:
    publication_publish(publication=publication, user=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("已发布"))


@publisher_action
def photo_withdraw_view(request: HttpRequest, publication: RankingPublication, photo_id: int) -> None:
    """Take an exposure photo of this published list off every public page (street admins, with a reason)."""
    if photo_id not in snapshot_photo_ids(publication):
        raise Http404
    photo = get_object_or_404(Photo, pk=photo_id, inspection__place__street=publication.street)
    photo_withdraw(photo=photo, by=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("照片已从所有公示页撤回"))


@staff_reader_required
def export_list(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    response = HttpResponse(list_workbook(publication), content_type=XLSX)
    name = f"ranking-{publication.street.code}-{publication.period}-r{publication.revision}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_reader_required
def export_ledger(request: HttpRequest) -> HttpResponse:
    street = get_object_or_404(streets_for(request.user), pk=_int(request.GET.get("street")))
    kind, period = request.GET.get("period_kind", ""), request.GET.get("period", "")
    if kind not in PeriodKind.values:
        raise Http404
    try:
        content = ledger_workbook(street=street, period_kind=kind, period=period)
    except ValueError as exc:
        raise Http404 from exc
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ledger-{street.code}-{period}.xlsx"'
    return response
