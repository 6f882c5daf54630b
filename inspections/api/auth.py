"""Phone logins with JWT (SYNC.md rule 9): token, refresh, logout, revoke and "who am I".

simplejwt signs and checks the tokens; inspections.services.tokens puts the user's login generation in
them and rotates refresh tokens at most once each. These views add the user's role to the login answer,
login throttling, Chinese JSON errors, a logout and a staff-only revoke."""

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
from rest_framework_simplejwt.exceptions import ExpiredTokenError, InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from ..locking import retrying_when_locked
from ..login_guard import lockout_of
from ..models import Role
from ..scopes import may_manage_people, regimes_for, role_of, users_manageable_by
from ..services.tokens import PatrolRefreshToken, refresh_token_blacklist, refresh_token_rotate, tokens_revoke
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
    token_class = PatrolRefreshToken

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
    token_class = PatrolRefreshToken

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Safe to run again: a rotation either commits whole or not at all.
        return retrying_when_locked(lambda: self._rotate(attrs))

    def _rotate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Signature, expiry, type and blacklist; a TokenError becomes a 401 token_not_valid in the view.
        refresh = self.token_class(attrs["refresh"])
        users = get_user_model()._default_manager
        try:
            user = users.filter(**{api_settings.USER_ID_FIELD: refresh.get(api_settings.USER_ID_CLAIM)}).first()
        except (ValueError, TypeError):  # no usable user id in the token
            user = None
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            # A validly signed token whose user was deactivated or deleted since.
            raise AuthenticationFailed(
                {"detail": _("账号不存在或已停用，请重新登录。"), "code": "no_active_account"}
            )
        # Checked again under a lock: of simultaneous refreshes of one token, one gets a successor.
        successor = refresh_token_rotate(token=refresh, user=user)
        return {"access": str(successor.access_token), "refresh": str(successor)}


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


class LogoutView(APIView):
    """Ends one phone's login: its refresh token is blacklisted, so it cannot be exchanged any more (the
    access token beside it runs out within minutes; the phone forgets both). No access token is needed,
    since it may have expired; holding the refresh token is the proof."""

    authentication_classes: list = []
    permission_classes: list = []

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'  # a refused token is a 401 with this header, as on refresh

    @extend_schema(
        operation_id="auth_logout",
        summary="Log out: blacklist this refresh token (idempotent)",
        description=(
            "204 whenever the token is one of ours: also when it was already rotated, logged out, revoked or "
            "has expired (there is nothing left to end), so a phone may repeat the call. A token that is not a "
            "validly signed refresh token is refused with 401 `token_not_valid`."
        ),
        request=RefreshRequestSerializer,
        responses={
            204: OpenApiResponse(description="logged out: the refresh token is blacklisted"),
            **{code: _TOKEN_ERRORS[code] for code in (400, 401, 406, 415)},
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        form = RefreshRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            # The blacklist is not consulted: logging out twice is not an error.
            token = _LogoutToken(form.validated_data["refresh"])
        except ExpiredTokenError:
            return Response(status=204)
        except TokenError as error:
            raise InvalidToken(error.args[0]) from None
        refresh_token_blacklist(token=token)
        return Response(status=204)


class _LogoutToken(PatrolRefreshToken):
    def check_blacklist(self) -> None:
        pass


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
