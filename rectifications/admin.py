"""Cases in the admin, read-only: every step of a case goes through rectifications/services.py (which write its
timeline), never through a form. Street staff see their street's cases (inspections.admin.scoping)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.admin.scoping import ScopedInlineMixin, StreetScopedAdmin

from .models import CaseEvent, CaseFinding, RectificationCase
from .workdays import deadline_end


class ReadOnlyInline(ScopedInlineMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class CaseFindingInline(ReadOnlyInline):
    model = CaseFinding
    fields = readonly_fields = ("role", "item_code", "inspection", "found_at", "recorded_at")


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = readonly_fields = ("at", "kind", "actor_name", "note", "deadline", "inspection", "details")
    ordering = ("at", "pk")


@admin.register(RectificationCase)
class RectificationCaseAdmin(StreetScopedAdmin):
    street_path = "street"
    list_display = ("number", "place", "item_label", "party", "severity", "state", "deadline", "overdue_now",
                    "opened_at")
    list_filter = ("state", "severity", "covert", "source", "community", "party_company")
    search_fields = ("number",)
    date_hierarchy = "opened_at"
    list_select_related = ("place", "party_company", "party_place")
    inlines = (CaseFindingInline, CaseEventInline)
    fields = readonly_fields = (
        "number", "street", "place", "community", "item_code", "item_label", "party_kind", "party_company",
        "party_place", "severity", "deadline", "state", "source", "source_inspection", "opened_at", "opened_by",
        "opening_reason", "closed_at", "withdrawn_at", "withdraw_reason", "covert", "released_at", "released_by",
    )

    @admin.display(description=_("责任方"))
    def party(self, obj: RectificationCase) -> str:
        return str(obj.party_company or obj.party_place or "")

    @admin.display(description=_("逾期"), boolean=True)
    def overdue_now(self, obj: RectificationCase) -> bool:
        # The stored deadline is the one in force now: no timeline to read (selectors.is_overdue, for any instant).
        return obj.is_live and timezone.now() >= deadline_end(obj.deadline)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
