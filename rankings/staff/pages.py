"""Shared bits of the rankings and dashboard desk pages: their templates and the access checks."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inspections.desk import is_street_admin
from inspections.models import Street
from inspections.scopes import streets_of


def render_page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    """A desk page from rankings/templates/rankings/staff/ (the project's one template engine)."""
    return render(request, f"rankings/staff/{template}", context, status=status)


def can_publish(user) -> bool:
    """Publishing lists is the lead office's (规建办) decision: admins only."""
    return is_street_admin(user)


def streets_for(user) -> QuerySet[Street]:
    """The caller's street (every street for a superuser; none without a street: scopes.streets_of)."""
    return streets_of(user)
