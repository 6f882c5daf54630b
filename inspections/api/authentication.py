"""JWT authentication that also honours a revocation of a user's logins.

simplejwt's blacklist covers refresh tokens only; access tokens would live on for their 15 minutes.
Every token carries the login generation of its user (inspections.services.tokens), and a revocation
raises it: the user row is read anyway, and the revocation (and profile, used by every scope check)
come in the same query.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from ..selectors.people import user_with_profile
from ..services.tokens import token_is_current
from .token_cache import UserModelOnDemand, ValidatedTokenCache


class RevocableJWTAuthentication(UserModelOnDemand, ValidatedTokenCache, JWTAuthentication):
    def get_user(self, validated_token: Token):
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError:
            raise AuthenticationFailed(_("登录已过期或已失效，请重新登录。"), code="token_not_valid") from None
        # With the profile and the revocation, in one hand-written query (composing the queryset cost more).
        user = user_with_profile(api_settings.USER_ID_FIELD, user_id)
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("账号不存在或已停用，请重新登录。"), code="user_inactive")
        revocation = getattr(user, "token_revocation", None)
        if not token_is_current(validated_token, generation=revocation.generation if revocation else 0):
            raise AuthenticationFailed(_("登录已过期或已失效，请重新登录。"), code="token_not_valid")
        return user


class RevocableJWTScheme(SimpleJWTScheme):
    """The OpenAPI schema describes it as the bearer JWT it is."""

    target_class = "inspections.api.authentication.RevocableJWTAuthentication"
