"""People: Django users with their profile (role and scope) edited on the same page.

Who manages whom (inspections.scopes.may_manage_people / may_change_person):
- a superuser manages everyone, makes admins and superusers, and moves people between streets;
- an admin of a street (role admin, not a superuser) sees the people of their street and adds and changes
  them, in that street only, with any role but admin; they cannot touch admins or superusers, nor grant
  superuser status, groups or permissions (those fields are not on their form). They may tick "staff status",
  which desk users need to log in and which grants no model permission by itself;
- other staff see the people of their street read-only, if given the view permission.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from inspections import scopes
from inspections.models import AuditAction, Profile, Role
from inspections.services.audit import audit_record

from .scoping import ScopedInlineMixin, StreetScopedAdmin

User = get_user_model()

# The scope each role needs (inspections.scopes reads exactly these fields).
_SCOPE_FIELD = {
    Role.COMMUNITY_INSPECTOR: "communities",
    Role.OFFICE_VIEWER: "office",
    Role.COMPANY_USER: "company",
}


def profile_scope(profile: Profile | None) -> dict:
    """What a profile grants, as plain values for the audit log."""
    if profile is None:
        return {}
    return {
        "role": profile.role, "street": profile.street_id, "office": profile.office_id,
        "company": profile.company_id, "communities": sorted(profile.communities.values_list("pk", flat=True)),
    }


class ProfileForm(ModelForm):
    class Meta:
        model = Profile
        fields = ("role", "display_name", "street", "communities", "office", "company")

    def clean(self) -> dict:
        data = super().clean()
        needed = _SCOPE_FIELD.get(data.get("role"))
        if needed and not data.get(needed):
            raise ValidationError({needed: _("这个角色必须填写其范围")})
        street = data.get("street")
        if street is not None and any(c.street_id != street.pk for c in data.get("communities") or ()):
            raise ValidationError({"communities": _("负责社区必须属于同一街道")})
        return data


class ProfileInline(ScopedInlineMixin, admin.StackedInline):
    model = Profile
    form = ProfileForm
    can_delete = False
    min_num = 1
    max_num = 1
    filter_horizontal = ("communities",)
    verbose_name = _("角色与范围")
    verbose_name_plural = _("角色与范围")

    def formfield_for_choice_field(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [("", "---------"), *((v, label) for v, label in Role.choices if v != Role.ADMIN)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(StreetScopedAdmin, UserAdmin):
    street_path = "profile__street"  # users without a profile (e.g. a fresh createsuperuser) are a superuser's
    inlines = (ProfileInline,)
    list_display = ("username", "display_name", "role", "is_active", "is_staff", "last_login")
    list_filter = ("profile__role", "profile__street", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email", "profile__display_name")
    list_select_related = ("profile",)

    def save_model(self, request: HttpRequest, user, form, change: bool) -> None:
        super().save_model(request, user, form, change)
        if change and "is_active" in form.changed_data:
            profile = getattr(user, "profile", None)
            audit_record(actor=request.user, action=AuditAction.USER_ACTIVE, target=user,
                         street=profile.street_id if profile else None, details={"is_active": user.is_active})

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        user = form.instance
        before = profile_scope(Profile.objects.filter(user=user).first())
        super().save_related(request, form, formsets, change)
        after = profile_scope(Profile.objects.filter(user=user).first())
        if before == after:
            return
        action = AuditAction.ROLE_CHANGE if before.get("role") != after.get("role") else AuditAction.SCOPE_CHANGE
        audit_record(actor=request.user, action=action, target=user,
                     street=after.get("street") or before.get("street"), details={"before": before, "after": after})

    def get_inline_instances(self, request: HttpRequest, obj=None) -> list:
        # On the "add user" page Django asks for username and password first; the role comes next. A street
        # admin gives the role and street at once: a user without them would be out of their sight.
        if obj is None and request.user.is_superuser:
            return []
        return super().get_inline_instances(request, obj)

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "groups", "user_permissions"}
        return [(name, {**opts, "fields": tuple(f for f in opts["fields"] if f not in hidden)})
                for name, opts in fieldsets]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return scopes.may_manage_people(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = obj is None or scopes.may_change_person(request.user, obj)
        return allowed and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = obj is None or scopes.may_change_person(request.user, obj)
        return allowed and super().has_delete_permission(request, obj)

    @admin.display(description=_("显示名"), ordering="profile__display_name")
    def display_name(self, user) -> str:
        profile = getattr(user, "profile", None)
        return profile.display_name if profile else ""

    @admin.display(description=_("角色"), ordering="profile__role")
    def role(self, user) -> str:
        profile = getattr(user, "profile", None)
        return profile.get_role_display() if profile else "-"
