"""Shared bits of the rankings and dashboard desk pages: their templates and the access checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.backends.django import DjangoTemplates
from django.urls import reverse_lazy

from inspections.models import Role, Street
from inspections.scopes import is_staff_reader, role_of, streets_of

TEMPLATES = DjangoTemplates({
    "NAME": "sortpatrol-staff",
    "DIRS": [Path(__file__).resolve().parent / "templates"],
    "APP_DIRS": False,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request", "django.template.context_processors.i18n",
        "django.contrib.auth.context_processors.auth", "django.contrib.messages.context_processors.messages",
    ]},
})


def render_page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(TEMPLATES.get_template(template).render(context, request), status=status)


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
