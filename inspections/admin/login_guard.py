"""Failed-login counters in the admin (superusers only: they name people and addresses of every street): who
is locked out until when, and an action to lift a lockout (someone locked out in the field calls the office
instead of waiting)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.models import LoginFailureCount

from .scoping import SUPERUSER_ONLY, StreetScopedAdmin


@admin.register(LoginFailureCount)
class LoginFailureCountAdmin(StreetScopedAdmin):
    street_path = SUPERUSER_ONLY
    list_display = ("key", "failures", "last_failure", "locked_until")
    search_fields = ("key",)
    ordering = ("-last_failure",)
    readonly_fields = ("key", "failures", "last_failure")
    actions = ["unlock"]

    @admin.display(description=gettext_lazy("锁定至"))
    def locked_until(self, row: LoginFailureCount) -> datetime | None:
        limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT if row.key.startswith("addr:") else settings.LOGIN_FAILURE_LIMIT
        until = row.last_failure + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        return until if row.failures >= limit and until > timezone.now() else None

    @admin.action(description=gettext_lazy("解除锁定（清零失败次数）"), permissions=["change"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[LoginFailureCount]) -> None:
        count = queryset.update(failures=0)
        self.message_user(request, _("已解除 %(count)d 项锁定。") % {"count": count}, messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LoginFailureCount | None = None) -> bool:
        return False
