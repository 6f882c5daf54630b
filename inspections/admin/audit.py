"""The audit log in the admin: read-only for everyone, a street admin sees their own street's events."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from inspections.models import AuditEvent, Role
from inspections.scopes import role_of


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "target_type", "target_label", "reason", "street")
    list_filter = ("action", "target_type", "at")
    search_fields = ("actor_name", "target_label", "target_id", "reason")
    date_hierarchy = "at"
    list_select_related = ("street",)
    readonly_fields = ("at", "actor", "actor_name", "street", "action", "target_type", "target_id",
                       "target_label", "reason", "details")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        events = super().get_queryset(request)
        if request.user.is_superuser:
            return events
        profile = getattr(request.user, "profile", None)
        if role_of(request.user) != Role.ADMIN or profile is None or profile.street_id is None:
            return events.none()
        return events.filter(street_id=profile.street_id)

    def has_view_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return request.user.is_superuser or role_of(request.user) == Role.ADMIN

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
