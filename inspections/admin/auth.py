"""Admin: revoke all phone logins of the selected users (the same as POST /api/v1/auth/revoke/)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework_simplejwt.token_blacklist.admin import BlacklistedTokenAdmin, OutstandingTokenAdmin
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from ..scopes import may_manage_people, users_manageable_by
from ..services.tokens import tokens_revoke
from .scoping import SUPERUSER_ONLY, StreetScopedAdmin


@admin.action(description=_("吊销所选用户的全部登录令牌（手机需重新登录）"), permissions=["change"])
def revoke_tokens(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    if not may_manage_people(request.user):
        modeladmin.message_user(request, _("只有管理员可以吊销登录令牌。"), level=messages.ERROR)
        return
    users = list(queryset.filter(pk__in=users_manageable_by(request.user).values("pk")))
    revoked = sum(tokens_revoke(user=user, by=request.user) for user in users)
    modeladmin.message_user(
        request,
        ngettext(
            "已吊销 %(users)d 个用户的 %(tokens)d 个登录令牌。",
            "已吊销 %(users)d 个用户的 %(tokens)d 个登录令牌。",
            len(users),
        )
        % {"users": len(users), "tokens": revoked},
        level=messages.SUCCESS,
    )


# The user admin belongs to the people area, which may re-register User with its own UserAdmin
# subclass (profile inline). Adding the action on Django's base class reaches whichever subclass is
# registered, in any import order; tests check that the registered user admin offers it.
if revoke_tokens not in UserAdmin.actions:
    UserAdmin.actions = (*UserAdmin.actions, revoke_tokens)


def _rescoped(model, base: type[admin.ModelAdmin], street_path: str) -> None:
    """Re-register another app's admin with the street scoping of this project."""
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (StreetScopedAdmin, base), {"street_path": street_path}))


# Groups hand out permissions: a superuser's business. Tokens are listed with their user's street.
_rescoped(Group, GroupAdmin, SUPERUSER_ONLY)
_rescoped(OutstandingToken, OutstandingTokenAdmin, "user__profile__street")
_rescoped(BlacklistedToken, BlacklistedTokenAdmin, "token__user__profile__street")
