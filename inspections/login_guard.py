"""Login lockout for every password login (the API token endpoint and the admin/staff login).

Two counters per attempt, kept in the database (LoginFailureCount), not in the cache:
- per username (normalized: NFKC, case-folded), from any address: LOGIN_FAILURE_LIMIT;
- per client address (IPv6 per /64), with any usernames: LOGIN_ADDRESS_FAILURE_LIMIT.
At the limit every attempt is refused, even with the right password, until LOGIN_LOCKOUT_MINUTES after the
streak's last failure; a streak is forgotten after that long without failures.

Each attempt *claims* its failure before the password is checked, in one conditional UPDATE per counter
("add one unless already at the limit"), inside one transaction. Concurrent workers therefore cannot both
pass a counter at limit - 1: at most the limit's number of passwords are ever checked per streak. A successful
login gives its claims back: the username's streak ends, and the address counter loses only this attempt's
claim (one person's success does not wipe the failures of others behind the same address).

The check sits in the authentication backend, so whatever calls authenticate() with a request is guarded;
calls without a request (manage.py, tests' client.login) are not HTTP logins and pass straight through."""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import logging
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.admin import site as admin_site
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .models import LoginFailureCount
from .scopes import is_staff_reader

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The client's IP address for every throttle and lockout.

    REMOTE_ADDR, unless settings.TRUSTED_PROXIES = N > 0: then the N-th address from the right of
    X-Forwarded-For (each of our N proxies appends the address it received the request from, so anything
    further left was written by the client and is ignored)."""
    remote = request.META.get("REMOTE_ADDR") or ""
    chosen = remote
    proxies = settings.TRUSTED_PROXIES
    if proxies == 0 and "HTTP_X_FORWARDED_FOR" in request.META and not settings.DEBUG:
        _warn_untrusted_proxy_once()
    if proxies > 0:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if forwarded:
            chosen = forwarded[-min(proxies, len(forwarded))]
    for candidate in (chosen, remote):
        try:
            return ipaddress.ip_address(candidate).compressed
        except ValueError:
            continue
    return "unknown"


@functools.cache
def _warn_untrusted_proxy_once() -> None:
    logger.warning(
        "Requests carry X-Forwarded-For but TRUSTED_PROXIES=0: if a reverse proxy is in front, every client "
        "behind it shares the proxy's address for login limits and throttles. Set TRUSTED_PROXIES to the number "
        "of proxies that append to X-Forwarded-For."
    )


def address_key(request: HttpRequest) -> str:
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return "addr:unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"addr:{address.ipv4_mapped}"
        # One IPv6 customer gets a /64 (or more): counting single addresses would let them rotate freely.
        return f"addr:{ipaddress.ip_network(f'{address}/64', strict=False).compressed}"
    return f"addr:{address}"


def normalize_username(username: Any) -> str:
    return unicodedata.normalize("NFKC", str(username)).strip().casefold()


def username_key(username: Any) -> str:
    name = normalize_username(username)
    if len(name) > 150 or not name.isprintable():  # no real username: keep the key bounded and storable
        return "user#" + hashlib.sha256(name.encode("utf-8", "replace")).hexdigest()
    return f"user:{name}"


class LockedOut(Exception):
    """Too many failures for this username or address: refused without checking the password."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        return _("登录失败次数过多，已暂时锁定。请 %(minutes)d 分钟后再试（密码正确也须等待）。") % {"minutes": minutes}


@dataclass(frozen=True)
class Claim:
    address_key: str
    username_key: str

    def succeeded(self) -> None:
        """The password was right: end the username's streak and give back this attempt's address claim."""
        with transaction.atomic():  # address first, then username, like claim(): no lock-order deadlock
            LoginFailureCount.objects.filter(key=self.address_key, failures__gt=0).update(failures=F("failures") - 1)
            LoginFailureCount.objects.filter(key=self.username_key).update(failures=0)
        _purge_stale(timezone.now())


class _Refused(Exception):
    pass


def _window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _claim_one(key: str, limit: int, now: datetime) -> bool:
    """Add one failure to `key` unless it is at the limit; False if it is (locked)."""
    fresh = Q(last_failure__gt=now - _window())
    for _attempt in range(5):
        LoginFailureCount.objects.bulk_create(
            [LoginFailureCount(key=key, failures=0, last_failure=now)], ignore_conflicts=True
        )
        claimed = (
            LoginFailureCount.objects.filter(key=key)
            .exclude(fresh & Q(failures__gte=limit))
            .update(failures=Case(When(fresh, then=F("failures") + 1), default=Value(1)), last_failure=now)
        )
        if claimed:
            return True
        if LoginFailureCount.objects.filter(fresh, key=key, failures__gte=limit).exists():
            return False
        # The row was purged between our insert and update: try again.
    raise DatabaseError(f"could not count a login failure for {key}")


def claim(request: HttpRequest, username: Any) -> Claim:
    """Count this attempt as a failure in advance, or raise LockedOut."""
    now = timezone.now()
    counters = (
        (address_key(request), settings.LOGIN_ADDRESS_FAILURE_LIMIT),
        (username_key(username), settings.LOGIN_FAILURE_LIMIT),
    )
    try:
        # Always address first, then username: concurrent claims lock rows in the same order (no deadlock).
        with transaction.atomic():
            for key, limit in counters:
                if not _claim_one(key, limit, now):
                    raise _Refused(key)
    except _Refused as refused:
        logger.warning("login refused: %s is locked out (address %s)", refused.args[0], client_address(request))
        raise LockedOut(_retry_after(counters, now)) from None
    return Claim(address_key=counters[0][0], username_key=counters[1][0])


def _retry_after(counters: tuple[tuple[str, int], ...], now: datetime) -> int:
    ends = [
        row.last_failure + _window()
        for key, limit in counters
        for row in LoginFailureCount.objects.filter(key=key, failures__gte=limit, last_failure__gt=now - _window())
    ]
    return max(1, math.ceil(max(((end - now).total_seconds() for end in ends), default=1)))


def _purge_stale(now: datetime) -> None:
    """Forget streaks that have ended (rows that counters in use hold locked are left for next time)."""
    stale = LoginFailureCount.objects.filter(last_failure__lt=now - _window())
    try:
        with transaction.atomic():
            if connection.features.has_select_for_update_skip_locked:
                stale = LoginFailureCount.objects.filter(
                    pk__in=stale.select_for_update(skip_locked=True).values("pk")
                )
            stale.delete()
    except DatabaseError:  # purging is housekeeping: never fail a login for it
        logger.exception("could not purge stale login failure counters")


def _mark(request: HttpRequest, lockout: LockedOut) -> None:
    getattr(request, "_request", request).login_lockout = lockout  # DRF's Request wraps Django's


def lockout_of(request: HttpRequest | None) -> LockedOut | None:
    """The lockout that refused this request's login, if that is why authenticate() returned None."""
    if request is None:
        return None
    return getattr(getattr(request, "_request", request), "login_lockout", None)


class GuardedModelBackend(ModelBackend):
    """Django's username/password backend behind the lockout (settings.AUTHENTICATION_BACKENDS)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or username is None or password is None:
            return super().authenticate(request, username=username, password=password, **kwargs)
        try:
            attempt = claim(request, username)
        except LockedOut as lockout:
            _mark(request, lockout)
            raise PermissionDenied from None  # stops authenticate(): no other backend, no password check
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            attempt.succeeded()
        return user


def _desk_only(user) -> bool:
    """Street staff who may read the desk pages (/staff/) but not the admin."""
    return user.is_authenticated and not user.is_staff and is_staff_reader(user)


def _phone_app_url(request: HttpRequest | None) -> str:
    path = reverse("app-shell")
    return request.build_absolute_uri(path) if request is not None else path


class GuardedAdminAuthenticationForm(AdminAuthenticationForm):
    """The one login for the admin and the desk pages: admin users (is_staff) and every desk role (street admin,
    street inspector) get in; people whose work is on the phone are told where to go. Says so when the login is
    locked."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _lazy("用户名或密码不正确。请注意区分大小写。"),
    }

    def confirm_login_allowed(self, user) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)  # active; the admin's is_staff check is replaced
        if not (user.is_staff or is_staff_reader(user)):
            raise ValidationError(
                _("此账号没有工作台权限：社区级指导员、科室和物业服务企业的账号在手机巡查应用中使用。"
                  "请在手机浏览器打开 %(url)s 登录。") % {"url": _phone_app_url(self.request)},
                code="no_desk_role",
            )

    def get_invalid_login_error(self) -> ValidationError:
        lockout = lockout_of(self.request)
        if lockout is not None:
            return ValidationError(lockout.message, code="locked_out")
        return super().get_invalid_login_error()


def _desk_next(request: HttpRequest) -> str:
    """Where a desk-only person goes after logging in: the desk page they asked for, else the dashboard."""
    desk = reverse("staff-dashboard")
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                              require_https=request.is_secure())
    return wanted if allowed and wanted.startswith(desk) else desk


def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The login of the admin and the desk pages, answering 429 (with the form and its message) while the login
    is locked. Desk-only staff are sent to the desk pages, never to the admin they may not use."""
    if request.method == "GET" and _desk_only(request.user):
        return redirect(_desk_next(request))
    response = admin_site.login(request, {"title": _("工作人员登录"), **(extra_context or {})})
    lockout = lockout_of(request)
    if lockout is not None:
        response.status_code = 429
        response["Retry-After"] = str(lockout.retry_after)
    elif response.status_code == 302 and _desk_only(request.user):
        response["Location"] = _desk_next(request)
    return response
