"""Phone logins with JWT (SYNC.md rule 9): token, refresh, revoke and "who am I".

simplejwt does the token work (rotation and blacklisting are switched on in settings.SIMPLE_JWT);
these views add the user's role to the login answer, login throttling, Chinese JSON errors and a
staff-only revoke."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from ..login_guard import lockout_of
from ..models import Role
from ..scopes import may_manage_people, regimes_for, role_of, users_manageable_by
from ..services.tokens import tokens_revoke
from .errors import ApiError
from .serializers import ErrorSerializer
from .throttling import ClientScopedRateThrottle


def user_payload(user: AbstractBaseUser) -> dict[str, Any]:
    """What the PWA needs to know about the person logged in (same shape as the pack's `user`)."""
    profile = getattr(user, "profile", None)
    display_name = (profile.display_name if profile else "") or user.get_full_name() or user.get_username()
    return {
        "username": user.get_username(),
        "display_name": display_name,
        "role": role_of(user),
        "regimes": list(regimes_for(user)),
    }


class AuthUserSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices, allow_null=True)
    regimes = serializers.ListField(child=serializers.CharField())


class LoginRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(write_only=True)


class RefreshRequestSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class TokenResponseSerializer(TokenPairSerializer):
    user = AuthUserSerializer()


class LoginSerializer(TokenObtainPairSerializer):
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            data = super().validate(attrs)
        except AuthenticationFailed:
            lockout = lockout_of(self.context.get("request"))
            if lockout is not None:  # too many failures (inspections.login_guard): not even the password was checked
                raise ApiError(
                    status_code=429, code="locked_out", message=lockout.message, retry_after=lockout.retry_after
                ) from None
            # One answer for unknown user, wrong password and inactive account: no account probing.
            raise AuthenticationFailed(
                {"detail": _("用户名或密码不正确，或账号已停用。"), "code": "invalid_credentials"}
            ) from None
        return {**data, "user": user_payload(self.user)}


class RefreshSerializer(TokenRefreshSerializer):
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            return super().validate(attrs)
        except (AuthenticationFailed, get_user_model().DoesNotExist, ValueError, TypeError):
            # A validly signed token whose user was deactivated (simplejwt's English message) or deleted
            # since (simplejwt lets DoesNotExist escape as a 500).
            raise AuthenticationFailed(
                {"detail": _("账号不存在或已停用，请重新登录。"), "code": "no_active_account"}
            ) from None


_TOKEN_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="missing or malformed fields"),
    401: OpenApiResponse(ErrorSerializer, description="wrong credentials, or an invalid/expired/revoked token"),
    406: OpenApiResponse(ErrorSerializer, description="Accept header not satisfiable"),
    415: OpenApiResponse(ErrorSerializer, description="unsupported content type"),
    429: OpenApiResponse(
        ErrorSerializer, description="too many attempts (`throttled`) or failed logins (`locked_out`): see Retry-After"
    ),
}


class LoginThrottled:
    """Login and refresh share the `login` rate (settings.REST_FRAMEWORK, per client address)."""

    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "login"


class TokenView(LoginThrottled, TokenObtainPairView):
    serializer_class = LoginSerializer

    @extend_schema(
        operation_id="auth_token",
        summary="Log in: an access and a refresh token, and the user",
        request=LoginRequestSerializer,
        responses={200: TokenResponseSerializer, **_TOKEN_ERRORS},
        tags=["auth"],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


class RefreshView(LoginThrottled, TokenRefreshView):
    serializer_class = RefreshSerializer

    @extend_schema(
        operation_id="auth_refresh",
        summary="Exchange a refresh token for a new pair (the old refresh token is blacklisted)",
        request=RefreshRequestSerializer,
        responses={200: TokenPairSerializer, **_TOKEN_ERRORS},
        tags=["auth"],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # A refused refresh token reaches the phone as `token_not_valid` with the project's Chinese message
        # (inspections.api.errors), like any other refused token.
        return super().post(request, *args, **kwargs)


class IsAdminRole(BasePermission):
    message = gettext_lazy("只有管理员可以吊销登录令牌。")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return may_manage_people(request.user)  # a superuser, or an admin of a street


class RevokeRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)

    def validate_username(self, value: str) -> AbstractBaseUser:
        # Only the people of the caller's street (scopes.users_manageable_by): someone of another street is
        # "no such user", the same answer as a name nobody has, so the endpoint reveals no other street's names.
        users = users_manageable_by(self.context["request"].user)
        user = users.filter(**{get_user_model().USERNAME_FIELD: value}).first()
        if user is None:
            raise serializers.ValidationError(_("没有这个用户。"))
        return user


class RevokeResponseSerializer(serializers.Serializer):
    username = serializers.CharField()
    revoked = serializers.IntegerField(help_text="refresh tokens blacklisted now")


class RevokeView(APIView):
    permission_classes = [IsAdminRole]

    @extend_schema(
        operation_id="auth_revoke",
        summary="Staff: revoke all of a user's refresh tokens (every phone must log in again)",
        request=RevokeRequestSerializer,
        responses={
            200: RevokeResponseSerializer,
            **{code: _TOKEN_ERRORS[code] for code in (400, 401, 406, 415)},
            403: OpenApiResponse(ErrorSerializer, description="only admins may revoke"),
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        form = RevokeRequestSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        user = form.validated_data["username"]
        revoked = tokens_revoke(user=user, by=request.user)
        return Response({"username": user.get_username(), "revoked": revoked})


class MeView(APIView):
    @extend_schema(
        operation_id="me",
        summary="The user behind this token: name, role and the regimes they may run",
        responses={
            200: AuthUserSerializer,
            401: _TOKEN_ERRORS[401],
            406: _TOKEN_ERRORS[406],
        },
        tags=["auth"],
    )
    def get(self, request: Request) -> Response:
        return Response(user_payload(request.user))
