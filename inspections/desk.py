"""Who may open the desk pages (/staff/…): one definition for every app that has some.

Street staff (a street admin or a street inspector: scopes.is_staff_reader) read them; street admins (规建办) make the
decisions (publishing lists, plans, withdrawing or releasing cases). Anonymous users are sent to the one staff login,
anyone else gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy

from .models import Role
from .scopes import is_staff_reader, role_of

staff_login_required = login_required(login_url=reverse_lazy("admin:login"))


def is_street_admin(user) -> bool:
    return role_of(user) == Role.ADMIN


def staff_reader_required(view: Callable) -> Callable:
    """Street staff only."""
    @staff_login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_staff_reader(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped


def street_admin_required(view: Callable) -> Callable:
    """Street admins only."""
    @staff_reader_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_street_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapped
