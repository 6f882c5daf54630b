"""The audit log in the admin: read-only for everyone, a street admin sees their own street's events."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from inspections.models import AuditEvent, Role
from inspections.scopes import role_of

from .scoping import StreetScopedAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(StreetScopedAdmin):
    street_path = "street"  # events without a street (none today) are a superuser's only
    list_display = ("at", "actor_name", "action", "target_type", "target_label", "reason", "street")
    list_filter = ("action", "target_type", "at")
    search_fields = ("actor_name", "target_label", "target_id", "reason")
    date_hierarchy = "at"
    list_select_related = ("street",)
    readonly_fields = ("at", "actor", "actor_name", "street", "action", "target_type", "target_id",
                       "target_label", "reason", "details")

    def has_view_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        allowed = request.user.is_superuser or role_of(request.user) == Role.ADMIN
        return allowed and self._reachable(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
