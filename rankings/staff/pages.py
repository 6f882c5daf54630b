"""Shared bits of the rankings and dashboard desk pages: their templates and the access checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from inspections.models import Role, Street
from inspections.scopes import is_staff_reader, role_of, streets_of


def render_page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    """A desk page from rankings/templates/rankings/staff/ (the project's one template engine)."""
    return render(request, f"rankings/staff/{template}", context, status=status)


def staff_reader_required(view: Callable) -> Callable:
    """Street staff (admin, street inspector) only; others get 403, anonymous users the login page."""
    @login_required(login_url=reverse_lazy("admin:login"))
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_staff_reader(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped


def can_publish(user) -> bool:
    """Publishing lists is the lead office's (规建办) decision: admins only."""
    return role_of(user) == Role.ADMIN


def streets_for(user) -> QuerySet[Street]:
    """The caller's street (every street for a superuser; none without a street: scopes.streets_of)."""
    return streets_of(user)
