"""Admin for streets, offices, property companies and places, in Chinese, for a clerk.

Places are never deleted (history points at them): the delete permission is removed and a
"retire" action takes its place. Each kind of place has its own page (proxy models) whose form
fixes the kind and takes the street from the parent. Places are imported from CSV/XLSX on the
"导入场所" page, with the same validation and report as `manage.py import_places`.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from checklists.models import UNIT_KINDS, PlaceKind
from inspections import scopes
from inspections.models import BinStation, Community, Compound, Office, Place, PropertyCompany, Street, Unit
from inspections.services.places import places_restore, places_retire
from inspections.services.places_import import (
    CRS_CHOICES,
    ImportFileError,
    place_rows_read,
    places_import,
    report_lines,
    street_for_import,
)

from .scoping import ScopedInlineMixin, StreetScopedAdmin, scope_for
from .tabular import LabelledTabularInline


@admin.register(Street)
class StreetAdmin(StreetScopedAdmin):
    street_path = "pk"
    list_display = ("code", "name", "district")
    search_fields = ("code", "name", "district")

    # A street admin may edit their own street's name; only a superuser adds or deletes streets.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Street | None = None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(Office)
class OfficeAdmin(StreetScopedAdmin):
    street_path = "street"
    list_display = ("code", "name", "street", "unit_count")
    list_filter = ("street",)
    search_fields = ("code", "name")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("street").annotate(n_units=Count("units"))

    @admin.display(description=_("负责单位数"), ordering="n_units")
    def unit_count(self, office: Office) -> int:
        return office.n_units


@admin.register(PropertyCompany)
class PropertyCompanyAdmin(StreetScopedAdmin):
    """A company has no street: scopes.companies_admin_q says which a street admin reaches (those managing a
    compound in the street, and new ones managing none yet); one that also serves another street is read-only
    for them (scopes.company_editable_by)."""

    street_path = "compounds__street"  # documentation only: scope_queryset below decides
    list_display = ("code", "name", "contact_phone", "compound_count")
    ordering = ("code",)  # Meta.ordering is dropped by the count's GROUP BY (autocomplete pages need one)
    search_fields = ("code", "name", "contact_phone")

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(scopes.companies_admin_q(request.user))

    def has_change_permission(self, request: HttpRequest, obj: PropertyCompany | None = None) -> bool:
        editable = obj is None or scopes.company_editable_by(request.user, obj)
        return editable and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: PropertyCompany | None = None) -> bool:
        editable = obj is None or scopes.company_editable_by(request.user, obj)
        return editable and super().has_delete_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(n_compounds=Count("compounds"))

    @admin.display(description=_("管理小区数"), ordering="n_compounds")
    def compound_count(self, company: PropertyCompany) -> int:
        return company.n_compounds


class CommunityFilter(admin.SimpleListFilter):
    """A place's community: itself, its parent, or its grandparent (bin stations)."""

    title = _("社区")
    parameter_name = "community"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        communities = scope_for(request, Place, Place.objects.filter(kind=PlaceKind.COMMUNITY))
        return [(str(pk), name) for pk, name in communities.order_by("code").values_list("pk", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        pk = self.value()
        return queryset.filter(Q(pk=pk) | Q(parent_id=pk) | Q(parent__parent_id=pk))


class PlaceForm(forms.ModelForm):
    """Fixes the kind for single-kind pages and takes the street from the parent."""

    fixed_kind: str | None = None

    def clean(self) -> dict:
        data = super().clean()
        if self.fixed_kind:
            self.instance.kind = self.fixed_kind
        parent = data.get("parent")
        if parent is not None and "street" not in self.fields:
            self.instance.street = parent.street
        return data


def _form_for(kind: str | None, kinds: tuple[str, ...] = ()) -> type[PlaceForm]:
    attrs = {"fixed_kind": kind}
    if kinds:
        attrs["kind"] = forms.ChoiceField(label=_("类型"), choices=[(k, PlaceKind(k).label) for k in kinds])
    return type("PlaceForm", (PlaceForm,), attrs)


class BinStationInline(ScopedInlineMixin, LabelledTabularInline):
    model = BinStation
    fk_name = "parent"
    form = _form_for(PlaceKind.BIN_STATION)
    fields = ("code", "name", "lat", "lng", "radius_m", "status")
    readonly_fields = ("status",)
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("投放点")
    verbose_name_plural = _("投放点")


class PlaceAdminBase(StreetScopedAdmin):
    """What every place page shares: no delete, retire/restore, search, filters, import button."""

    street_path = "street"

    list_display = ("code", "name", "parent", "status")
    list_filter = (CommunityFilter, "status")
    search_fields = ("code", "name", "address", "parent__name", "parent__code")
    list_select_related = ("parent",)
    readonly_fields = ("qr_token", "status", "retired_at", "created_at", "updated_at")
    actions = ("retire_selected", "restore_selected")
    change_list_template = "admin/inspections/place_change_list.html"
    list_per_page = 50

    def has_delete_permission(self, request: HttpRequest, obj: Place | None = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        parents = getattr(self, "parent_kinds", None)
        if db_field.name == "parent" and parents:
            kwargs["queryset"] = Place.objects.filter(kind__in=parents, status=Place.Status.ACTIVE).order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("撤销所选场所（连同其下级）"), permissions=["change"])
    def retire_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = places_retire(places=queryset, by=request.user)
        self.message_user(request, _("已撤销 %(n)s 个场所。") % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("恢复所选场所为在用"), permissions=["change"])
    def restore_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = places_restore(places=queryset, by=request.user)
        self.message_user(request, _("已恢复 %(n)s 个场所。") % {"n": count}, messages.SUCCESS)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        # New bin stations typed into the inline belong to the parent's street.
        for inline_form in formset.forms:
            if inline_form.instance.parent_id is None and form.instance.pk:
                inline_form.instance.parent = form.instance
            inline_form.instance.street_id = form.instance.street_id
        super().save_formset(request, form, formset, change)


@admin.register(Community)
class CommunityAdmin(PlaceAdminBase):
    form = _form_for(PlaceKind.COMMUNITY)
    list_display = ("code", "name", "street", "status")
    list_filter = ("street", "status")
    fields = ("street", "code", "name", "address", "lat", "lng", "radius_m", *PlaceAdminBase.readonly_fields)


@admin.register(Compound)
class CompoundAdmin(PlaceAdminBase):
    form = _form_for(PlaceKind.COMPOUND)
    parent_kinds = (PlaceKind.COMMUNITY,)
    list_display = ("code", "name", "parent", "company", "households", "station_count", "status", "labels_link")
    list_filter = (CommunityFilter, "company", "status")
    search_fields = (*PlaceAdminBase.search_fields, "company__name")
    list_select_related = ("parent", "company")
    autocomplete_fields = ("company",)
    fields = ("code", "name", "parent", "company", "households", "address", "lat", "lng", "radius_m",
              "labels_link", *PlaceAdminBase.readonly_fields)
    readonly_fields = ("labels_link", *PlaceAdminBase.readonly_fields)
    inlines = (BinStationInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        active = Q(children__kind=PlaceKind.BIN_STATION, children__status=Place.Status.ACTIVE)
        return super().get_queryset(request).annotate(n_stations=Count("children", filter=active))

    @admin.display(description=_("在用投放点"), ordering="n_stations")
    def station_count(self, compound: Place) -> int:
        return compound.n_stations

    @admin.display(description=_("二维码标签"))
    def labels_link(self, compound: Place) -> str:
        if not compound.pk:
            return "-"
        url = reverse("staff-labels", args=[compound.code])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("打印标签"))


@admin.register(BinStation)
class BinStationAdmin(PlaceAdminBase):
    form = _form_for(PlaceKind.BIN_STATION)
    parent_kinds = (PlaceKind.COMPOUND, *UNIT_KINDS)
    list_display = ("code", "name", "parent", "lat", "lng", "status")
    list_filter = (CommunityFilter, "parent__kind", "status")
    fields = ("code", "name", "parent", "address", "lat", "lng", "radius_m", *PlaceAdminBase.readonly_fields)


@admin.register(Unit)
class UnitAdmin(PlaceAdminBase):
    form = _form_for(None, UNIT_KINDS)
    parent_kinds = (PlaceKind.COMMUNITY,)
    list_display = ("code", "name", "kind", "parent", "office", "status")
    list_filter = (CommunityFilter, "kind", "office", "status")
    list_select_related = ("parent", "office")
    fields = ("kind", "code", "name", "parent", "office", "address", "lat", "lng", "radius_m",
              *PlaceAdminBase.readonly_fields)
    inlines = (BinStationInline,)


class PlacesImportForm(forms.Form):
    file = forms.FileField(label=_("文件（CSV 或 XLSX）"))
    crs = forms.ChoiceField(
        label=_("坐标系"), choices=[(c, label) for c, label in zip(CRS_CHOICES, (
            _("WGS-84（GPS）"), _("GCJ-02（高德、腾讯地图拾取）")), strict=True)])
    street = forms.ModelChoiceField(label=_("街道"), queryset=Street.objects.all(), required=False,
                                    help_text=_("只有一个街道时可不选"))
    skip_bad = forms.BooleanField(label=_("跳过错误行，只导入正确的行"), required=False)


@admin.register(Place)
class PlaceAdmin(PlaceAdminBase):
    """Every place in one list (search any code); adding happens on the page of each kind."""

    list_display = ("code", "name", "kind", "parent", "status")
    list_filter = (CommunityFilter, "kind", "status")
    fields = ("kind", "code", "name", "parent", "company", "office", "households", "address", "lat", "lng",
              "radius_m", *PlaceAdminBase.readonly_fields)
    readonly_fields = ("kind", "parent", *PlaceAdminBase.readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="inspections_place_import"), *super().get_urls()]

    def _only_street(self, request: HttpRequest) -> Street:
        """No street chosen: the caller's own (a street admin), or the only one in the system (a superuser)."""
        if not request.user.is_superuser:
            streets = list(scope_for(request, Street, Street.objects.all())[:2])
            if len(streets) != 1:
                raise PermissionDenied
            return streets[0]
        return street_for_import(None)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("inspections.add_place"):
            raise PermissionDenied
        form = PlacesImportForm(request.POST or None, request.FILES or None)
        form.fields["street"].queryset = scope_for(request, Street, Street.objects.all())
        report = lines = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            street = form.cleaned_data["street"]
            try:
                target = street or self._only_street(request)
                rows = place_rows_read(file=upload, filename=upload.name)
                report = places_import(rows=rows, street=target, crs=form.cleaned_data["crs"],
                                       skip_bad=form.cleaned_data["skip_bad"], by=request.user,
                                       filename=upload.name)
                lines = report_lines(report)
            except ImportFileError as exc:
                form.add_error("file", str(exc))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "report": report, "lines": lines, "title": _("导入场所")}
        return TemplateResponse(request, "admin/inspections/place_import.html", context)
