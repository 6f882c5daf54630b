"""Admin views of stored scores and ranking publications (read-only: lists change only through
the publication pages under /staff/rankings/, which keep snapshots frozen)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from inspections.admin.scoping import StreetScopedAdmin

from .models import PlaceScore, RankingPublication


class ReadOnlyAdmin(StreetScopedAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PlaceScore)
class PlaceScoreAdmin(ReadOnlyAdmin):
    street_path = "place__street"
    list_display = ["place", "regime", "period", "sum_tenths", "count", "veto_count"]
    list_filter = ["regime", "period"]
    search_fields = ["place__name", "place__code"]
    list_select_related = ["place"]


@admin.register(RankingPublication)
class RankingPublicationAdmin(ReadOnlyAdmin):
    street_path = "street"
    list_display = ["__str__", "state", "computed_at", "published_at", "published_by", "desk_page"]
    list_filter = ["state", "period_kind", "street"]
    exclude = ["data"]

    @admin.display(description=_("审核与发布"))
    def desk_page(self, obj: RankingPublication) -> str:
        return format_html('<a href="{}">{}</a>', reverse("staff-ranking", args=[obj.pk]), _("打开"))
