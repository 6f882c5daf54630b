"""Who may read what on the case desk pages.

- The ledger, a case's page and its actions: street staff (admins and street inspectors) of the case's street
  (scopes.is_staff_reader); withdrawing, releasing and opening by hand: street admins.
- A notice (整改通知书) is printed by street staff and handed over; its QR code leads the responsible party to the
  case in the app. A property company's own users may also open their company's notices, once the party may see
  the case (a covert case only once released: selectors.visible_to_party). Anyone else — another company, a
  community inspector, another street — gets a 404, so that a case's existence is never revealed.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inspections.models import Role, Street
from inspections.scopes import is_staff_reader, role_of, streets_of

from ..models import RectificationCase
from ..selectors import visible_to_party


def render_page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, f"rectifications/staff/{template}", context, status=status)


def staff_streets(user) -> QuerySet[Street]:
    return streets_of(user) if is_staff_reader(user) else Street.objects.none()


def company_of(user) -> int | None:
    """The property company of a company user (None for everyone else)."""
    if role_of(user) != Role.COMPANY_USER:
        return None
    profile = getattr(user, "profile", None)
    return profile.company_id if profile is not None else None


def staff_cases(user) -> QuerySet[RectificationCase]:
    return RectificationCase.objects.filter(street__in=staff_streets(user))


def may_read_notice(user, case: RectificationCase) -> bool:
    if staff_cases(user).filter(pk=case.pk).exists():
        return True
    company = company_of(user)
    return company is not None and case.party_company_id == company and bool(visible_to_party(case))
