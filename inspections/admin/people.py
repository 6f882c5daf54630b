"""People: Django users with their profile (role and scope) edited on the same page."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from inspections.models import AuditAction, Profile, Role
from inspections.services.audit import audit_record

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
        return data


class ProfileInline(admin.StackedInline):
    model = Profile
    form = ProfileForm
    can_delete = False
    min_num = 1
    max_num = 1
    filter_horizontal = ("communities",)
    verbose_name = _("角色与范围")
    verbose_name_plural = _("角色与范围")


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
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
        # On the "add user" page Django asks for username and password first; the role comes next.
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.display(description=_("显示名"), ordering="profile__display_name")
    def display_name(self, user) -> str:
        profile = getattr(user, "profile", None)
        return profile.display_name if profile else ""

    @admin.display(description=_("角色"), ordering="profile__role")
    def role(self, user) -> str:
        profile = getattr(user, "profile", None)
        return profile.get_role_display() if profile else "-"
