"""People: Django users with their profile (role and scope) edited on the same page."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from inspections.models import Profile, Role

User = get_user_model()

# The scope each role needs (inspections.scopes reads exactly these fields).
_SCOPE_FIELD = {
    Role.COMMUNITY_INSPECTOR: "communities",
    Role.OFFICE_VIEWER: "office",
    Role.COMPANY_USER: "company",
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
