"""Street scoping for the whole Django admin, in one place.

Every registered ModelAdmin derives from `StreetScopedAdmin` and names the path from its model to the street
(`street_path`, e.g. "place__street"); tests/inspections/test_street_matrix.py refuses any that does not. The
queryset it gives back (scopes.admin_street_q) limits at once the changelist, the change, history, delete and
password pages (Django looks the object up through get_queryset: another street's object is a 404-style
"does not exist" redirect), every action (Django runs actions on get_queryset), the autocomplete of
/admin/autocomplete/ (it asks the target model's admin for its queryset), and the related-field filters of
the sidebar (only values present in the scoped rows).

Foreign-key and many-to-many choices, in admins and inlines alike, are limited by the admin registered for
the related model (`scope_for`); a related model with no scoped admin offers nothing but to a superuser.

Two kinds of models have no street: `SHARED` ones (checklists: the same for every street) may be read by
staff with the view permission and changed by superusers only; `SUPERUSER_ONLY` ones (groups, which hand
out permissions) are not shown to anyone else.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from inspections import scopes

SHARED = "__shared__"
SUPERUSER_ONLY = "__superuser_only__"


def _is_superuser(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def scope_for(request: HttpRequest, model: type[Model], queryset: QuerySet) -> QuerySet:
    """`queryset` (of `model`) limited as the admin registered for `model` limits it."""
    model_admin = admin.site._registry.get(model)
    if model_admin is None and model._meta.proxy:
        model_admin = admin.site._registry.get(model._meta.concrete_model)
    if isinstance(model_admin, StreetScopedAdmin):
        return model_admin.scope_queryset(request, queryset)
    return queryset if _is_superuser(request) else queryset.none()


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited to what the caller may reach (admins and inlines)."""

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _scoped_field(field, db_field, request)

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _scoped_field(field, db_field, request)


def _scoped_field(field, db_field, request: HttpRequest):
    if field is not None and getattr(field, "queryset", None) is not None:
        field.queryset = scope_for(request, db_field.remote_field.model, field.queryset)
    return field


class StreetScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """A ModelAdmin whose rows, actions, autocompletes and choices stay inside the caller's street."""

    #: lookup path from the model to its Street ("street", "place__street", "pk" for Street itself),
    #: or SHARED / SUPERUSER_ONLY for models without a street. Subclasses must set it.
    street_path: str | None = None

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.street_path is None:
            raise NotImplementedError(f"{type(self).__name__} must set street_path")
        if self.street_path == SHARED:
            return queryset
        if self.street_path == SUPERUSER_ONLY:
            return queryset if _is_superuser(request) else queryset.none()
        return queryset.filter(scopes.admin_street_q(request.user, self.street_path))

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.scope_queryset(request, super().get_queryset(request))

    def get_list_filter(self, request: HttpRequest):
        """Related-field filters list only the values present in the caller's rows (never another street's)."""
        filters = super().get_list_filter(request)
        if _is_superuser(request):
            return filters
        return tuple(
            (name, admin.RelatedOnlyFieldListFilter) if isinstance(name, str) and _is_relation(self.model, name)
            else name
            for name in filters
        )

    # --- who may write what --------------------------------------------------------------------------------

    def _unscoped_write_refused(self, request: HttpRequest) -> bool:
        return self.street_path in (SHARED, SUPERUSER_ONLY) and not _is_superuser(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        if self.street_path == SUPERUSER_ONLY:
            return _is_superuser(request)
        return super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if self.street_path == SUPERUSER_ONLY and not _is_superuser(request):
            return False
        return super().has_view_permission(request, obj) and self._reachable(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return not self._unscoped_write_refused(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if self._unscoped_write_refused(request):
            return False
        return super().has_change_permission(request, obj) and self._reachable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if self._unscoped_write_refused(request):
            return False
        return super().has_delete_permission(request, obj) and self._reachable(request, obj)

    def _reachable(self, request: HttpRequest, obj) -> bool:
        """An object outside the caller's scope grants nothing, however it was reached."""
        if obj is None or obj.pk is None or self.street_path in (SHARED, SUPERUSER_ONLY):
            return True
        return self.scope_queryset(request, self.model._default_manager.filter(pk=obj.pk)).exists()


def _is_relation(model: type[Model], name: str) -> bool:
    opts, field = model._meta, None
    for part in name.split("__"):
        try:
            field = opts.get_field(part)
        except Exception:  # noqa: BLE001 - not a field path (a custom filter's name): leave it alone
            return False
        if not field.is_relation:
            return False
        opts = field.related_model._meta
    return field is not None and field.is_relation


class ScopedInlineMixin(ScopedChoicesMixin):
    """For inlines: their foreign-key and many-to-many choices stay inside the caller's street."""
