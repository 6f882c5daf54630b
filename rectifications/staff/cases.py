"""The case ledger (整改台账) for street staff, a case's page with its timeline, the street admin's actions
(withdraw, release a covert case, open a case by hand), the figures and the XLSX export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from checklists.models import PlaceKind
from inspections.desk import is_street_admin, staff_reader_required
from inspections.errors import DomainError
from inspections.models import Place, PropertyCompany

from ..exports import ledger_workbook
from ..ledger import LEDGER_LIMIT, LedgerFilter, case_figures, findings_of, ledger_cases, ledger_rows, local_day
from ..models import CaseState, RectificationCase
from ..selectors import visible_to_party
from ..services import case_open_manual, case_release, case_withdraw
from .access import render_page, staff_cases, staff_streets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(raw: str | None) -> int | None:
    """A form's id; anything that is not a number is no choice (never a 500)."""
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _text(data: QueryDict, name: str) -> str:
    """A form's text without NUL characters, which PostgreSQL cannot store or compare (never a 500)."""
    return data.get(name, "").replace("\x00", "")


def ledger_filter(query: QueryDict) -> LedgerFilter:
    return LedgerFilter(community=_int(query.get("community")), company=_int(query.get("company")),
                        state=query.get("state", ""), overdue=query.get("overdue") == "1")


def month_bounds(raw: str | None, now: dt.datetime) -> tuple[str, dt.date, dt.date]:
    """The figures' month ("YYYY-MM", this month when absent or wrong) and its first and last day."""
    try:
        first = dt.datetime.strptime(raw or "", "%Y-%m").date()
    except ValueError:
        first = local_day(now).replace(day=1)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first.strftime("%Y-%m"), first, following - dt.timedelta(days=1)


@staff_reader_required
def case_ledger(request: HttpRequest) -> HttpResponse:
    now, streets = timezone.now(), staff_streets(request.user)
    chosen = ledger_filter(request.GET)
    cases = list(ledger_cases(streets=streets, chosen=chosen, now=now)[:LEDGER_LIMIT + 1])
    month, start, end = month_bounds(request.GET.get("month"), now)
    return render_page(request, "ledger.html", {
        "title": _("整改台账"), "rows": ledger_rows(cases[:LEDGER_LIMIT], now), "more": len(cases) > LEDGER_LIMIT,
        "chosen": chosen, "states": CaseState.choices, "month": month,
        "communities": Place.objects.filter(street__in=streets, kind=PlaceKind.COMMUNITY).order_by("code"),
        "companies": PropertyCompany.objects.filter(cases__street__in=streets).distinct().order_by("code"),
        "figures": case_figures(streets=streets, start=start, end=end),
        "export_query": request.GET.urlencode(), "is_admin": is_street_admin(request.user),
    })


@staff_reader_required
def case_export(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    cases = ledger_cases(streets=staff_streets(request.user), chosen=ledger_filter(request.GET), now=now)
    response = HttpResponse(ledger_workbook(list(cases), now=now), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="cases-{local_day(now):%Y%m%d}.xlsx"'
    return response


def _case(request: HttpRequest, pk: int) -> RectificationCase:
    return get_object_or_404(staff_cases(request.user).select_related(
        "street", "place", "community", "party_company", "party_place", "source_inspection", "opened_by",
        "released_by"), pk=pk)


@staff_reader_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    row = ledger_rows([case], timezone.now())[0]
    return render_page(request, "case.html", {
        "title": case.number, "case": case, "row": row, "visible_to_party": visible_to_party(case),
        "events": case.events.select_related("actor__profile").order_by("at", "pk"),
        "findings": findings_of(case), "is_admin": is_street_admin(request.user),
    })


def admin_action(action: Callable[[HttpRequest, RectificationCase], None]) -> Callable[..., HttpResponse]:
    """A POST by a street admin on one of their street's cases: `action` calls one service; a refusal becomes
    an error message on the case's page."""
    @require_POST
    @staff_reader_required
    @wraps(action)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        if not is_street_admin(request.user):
            raise PermissionDenied
        case = _case(request, pk)
        try:
            action(request, case)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("staff-case", pk=case.pk)
    return view


@admin_action
def withdraw(request: HttpRequest, case: RectificationCase) -> None:
    case_withdraw(case=case, by=request.user, reason=_text(request.POST, "reason"))
    messages.success(request, _("已撤案"))


@admin_action
def release(request: HttpRequest, case: RectificationCase) -> None:
    case_release(case=case, by=request.user, reason=_text(request.POST, "reason"))
    messages.success(request, _("已公开给责任方"))


@require_POST
@staff_reader_required
def open_manual(request: HttpRequest) -> HttpResponse:
    """A street admin opens a case by hand: a place of their street by its code, an item code, a reason. A refusal
    is a 400 page saying why (a place of another street is "no such place", as a typo is)."""
    if not is_street_admin(request.user):
        raise PermissionDenied
    code = _text(request.POST, "place").strip()
    place = Place.objects.filter(street__in=staff_streets(request.user), code=code).first() if code else None
    item_code = _text(request.POST, "item_code").strip()[:16]
    if place is None or not item_code:
        return _refused(request, _("请填写本街道的点位编码和检查项编号。"))
    try:
        case = case_open_manual(place=place, item_code=item_code, by=request.user,
                                reason=_text(request.POST, "reason"), item_label=_text(request.POST, "item_label"))
    except DomainError as exc:
        return _refused(request, exc.message)
    messages.success(request, _("已立案：%(number)s") % {"number": case.number})
    return redirect("staff-case", pk=case.pk)


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render_page(request, "refused.html", {"title": _("未能立案"), "message": message}, status=400)
