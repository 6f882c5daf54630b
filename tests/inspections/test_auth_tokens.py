"""Phone logins through the real HTTP stack: tokens, refresh rotation, expiry, forgery, revoke, throttling."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
import time_machine
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from inspections.models import Role

from .phone_login import (
    ME_URL,
    PASSWORD,
    REFRESH_URL,
    REVOKE_URL,
    TOKEN_URL,
    User,
    assert_error,
    login,
    make_user,
    me,
    refresh,
    tokens_for,
    unverified,
)

pytestmark = pytest.mark.django_db

START = datetime(2026, 5, 11, 0, 0, tzinfo=UTC)


def b64(part: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


# --- login ----------------------------------------------------------------------------------------


def test_login_returns_a_token_pair_and_the_user(client, inspector):
    response = login(client, "wang")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh", "user"}
    assert body["user"] == {
        "username": "wang",
        "display_name": "wang 姓名",
        "role": "street_inspector",
        "regimes": ["weekly_guidance", "monthly_covert", "quarterly_assessment"],
    }
    assert unverified(body["access"])["token_type"] == "access"
    assert unverified(body["refresh"])["token_type"] == "refresh"
    # The refresh token is tracked so it can be revoked; the login is recorded.
    assert OutstandingToken.objects.filter(user=inspector, jti=unverified(body["refresh"])["jti"]).exists()
    inspector.refresh_from_db()
    assert inspector.last_login is not None
    # The access token works, and /me/ says the same as the login answer.
    assert me(client, body["access"]).json() == body["user"]


def test_me_tells_a_community_inspector_their_single_regime(client):
    make_user("li", Role.COMMUNITY_INSPECTOR)
    access = tokens_for(client, "li")["access"]
    response = me(client, access)
    assert response.status_code == 200
    assert response.json() == {
        "username": "li", "display_name": "li 姓名", "role": "community_inspector", "regimes": ["weekly_guidance"]
    }


def test_me_without_a_token_is_401_json(client):
    assert_error(client.get(ME_URL), 401, "not_authenticated")


@pytest.mark.parametrize(
    ("username", "password"), [("wang", "wrong-password"), ("nobody", PASSWORD), ("sleeper", PASSWORD)]
)
def test_wrong_password_unknown_user_and_inactive_user_get_the_same_401(client, inspector, username, password):
    make_user("sleeper", active=False)
    response = login(client, username, password)
    error = assert_error(response, 401, "invalid_credentials")
    assert error["message"] == "用户名或密码不正确，或账号已停用。"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert OutstandingToken.objects.count() == 0


def test_login_with_missing_fields_or_broken_json_is_400(client, inspector):
    error = assert_error(client.post(TOKEN_URL, {"username": "wang"}, content_type="application/json"), 400, "invalid")
    assert "password" in error["fields"]
    assert_error(client.post(TOKEN_URL, "{not json", content_type="application/json"), 400, "malformed")
    assert OutstandingToken.objects.count() == 0


# --- refresh and rotation -------------------------------------------------------------------------


def test_refresh_rotates_and_the_rotated_away_token_is_refused(client, inspector):
    first = tokens_for(client, "wang")
    response = refresh(client, first["refresh"])
    assert response.status_code == 200
    second = response.json()
    assert set(second) == {"access", "refresh"}
    assert second["refresh"] != first["refresh"]
    assert me(client, second["access"]).status_code == 200
    # The old refresh token is blacklisted; the new one is tracked (so a later revoke reaches it).
    assert BlacklistedToken.objects.filter(token__jti=unverified(first["refresh"])["jti"]).exists()
    assert OutstandingToken.objects.filter(user=inspector, jti=unverified(second["refresh"])["jti"]).exists()
    error = assert_error(refresh(client, first["refresh"]), 401, "token_not_valid")
    assert error["message"] == "登录已过期或已失效，请重新登录。"
    assert refresh(client, second["refresh"]).status_code == 200


def test_an_expired_access_token_is_refused_while_the_refresh_token_still_works(client, inspector):
    with time_machine.travel(START, tick=False) as traveller:
        tokens = tokens_for(client, "wang")
        assert me(client, tokens["access"]).status_code == 200
        traveller.shift(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] + timedelta(seconds=1))
        assert_error(me(client, tokens["access"]), 401, "token_not_valid")
        renewed = refresh(client, tokens["refresh"])
        assert renewed.status_code == 200
        assert me(client, renewed.json()["access"]).status_code == 200


def test_an_expired_refresh_token_is_refused(client, inspector):
    with time_machine.travel(START, tick=False) as traveller:
        tokens = tokens_for(client, "wang")
        traveller.shift(settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] + timedelta(seconds=1))
        assert_error(refresh(client, tokens["refresh"]), 401, "token_not_valid")


def test_a_refresh_token_used_as_an_access_token_is_refused(client, inspector):
    tokens = tokens_for(client, "wang")
    assert_error(me(client, tokens["refresh"]), 401, "token_not_valid")


def test_an_access_token_used_as_a_refresh_token_is_refused(client, inspector):
    tokens = tokens_for(client, "wang")
    assert_error(refresh(client, tokens["access"]), 401, "token_not_valid")
    assert BlacklistedToken.objects.count() == 0


def test_refresh_for_a_user_deactivated_since_is_refused(client, inspector):
    tokens = tokens_for(client, "wang")
    inspector.is_active = False
    inspector.save()
    assert_error(refresh(client, tokens["refresh"]), 401, "no_active_account")
    assert_error(me(client, tokens["access"]), 401)


def test_refresh_for_a_user_deleted_since_is_401_not_500(client, inspector):
    tokens = tokens_for(client, "wang")
    inspector.delete()
    assert_error(refresh(client, tokens["refresh"]), 401, "no_active_account")


# --- forged tokens --------------------------------------------------------------------------------


def test_an_alg_none_token_is_refused(client, inspector):
    payload = unverified(tokens_for(client, "wang")["access"])
    for alg in ("none", "None", "NONE"):
        forged = f"{b64({'alg': alg, 'typ': 'JWT'})}.{b64(payload)}."
        assert_error(me(client, forged), 401, "token_not_valid")


@pytest.mark.filterwarnings("ignore:The HMAC key is:UserWarning")
def test_tampered_tokens_are_refused(client, inspector, street_admin):
    access = tokens_for(client, "wang")["access"]
    header, payload, signature = access.split(".")
    claims = unverified(access)
    # Payload changed to become the admin, original signature kept.
    promoted = f"{header}.{b64({**claims, 'user_id': str(street_admin.pk)})}.{signature}"
    assert_error(me(client, promoted), 401, "token_not_valid")
    # Expiry pushed out by a year, original signature kept.
    extended = f"{header}.{b64({**claims, 'exp': claims['exp'] + 365 * 86400})}.{signature}"
    assert_error(me(client, extended), 401, "token_not_valid")
    # One character of the signature changed.
    flipped = f"{header}.{payload}.{('A' if signature[0] != 'A' else 'B')}{signature[1:]}"
    assert_error(me(client, flipped), 401, "token_not_valid")
    # Well formed, but signed with another key, or with another HMAC algorithm and our key.
    other_key = jwt.encode(claims, "not-our-secret-key-at-all-" * 2, algorithm="HS256")
    assert_error(me(client, other_key), 401, "token_not_valid")
    other_alg = jwt.encode(claims, settings.SECRET_KEY, algorithm="HS512")
    assert_error(me(client, other_alg), 401, "token_not_valid")
    # Garbage in the header.
    assert_error(me(client, "not.a.jwt"), 401, "token_not_valid")


def test_a_tampered_refresh_token_is_refused_and_blacklists_nothing(client, inspector):
    token = tokens_for(client, "wang")["refresh"]
    header, _payload, signature = token.split(".")
    claims = unverified(token)
    forged = f"{header}.{b64({**claims, 'exp': claims['exp'] + 365 * 86400})}.{signature}"
    assert_error(refresh(client, forged), 401, "token_not_valid")
    assert BlacklistedToken.objects.count() == 0


# --- revoke ---------------------------------------------------------------------------------------


def test_revoke_blacklists_every_refresh_token_of_the_user(client, inspector, street_admin):
    phone = tokens_for(client, "wang")
    tablet = tokens_for(client, "wang")
    rotated = refresh(client, tablet["refresh"]).json()
    bystander = make_user("zhao")
    bystander_tokens = tokens_for(client, "zhao")
    staff = tokens_for(client, "boss")

    response = client.post(
        REVOKE_URL, {"username": "wang"}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {staff['access']}",
    )
    assert response.status_code == 200
    assert response.json() == {"username": "wang", "revoked": 2}  # phone + rotated (tablet's first was already)
    assert not OutstandingToken.objects.filter(user=inspector, blacklistedtoken__isnull=True).exists()
    for token in (phone["refresh"], tablet["refresh"], rotated["refresh"]):
        assert_error(refresh(client, token), 401, "token_not_valid")
    # Someone else's logins are untouched.
    assert OutstandingToken.objects.filter(user=bystander, blacklistedtoken__isnull=True).count() == 1
    assert refresh(client, bystander_tokens["refresh"]).status_code == 200
    # Revoking again is harmless.
    again = client.post(
        REVOKE_URL, {"username": "wang"}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {staff['access']}",
    )
    assert again.json() == {"username": "wang", "revoked": 0}
    # And the user can log in afresh.
    assert me(client, tokens_for(client, "wang")["access"]).status_code == 200


@pytest.mark.parametrize(
    "role", [Role.STREET_INSPECTOR, Role.COMMUNITY_INSPECTOR, Role.OFFICE_VIEWER, Role.COMPANY_USER]
)
def test_only_admins_may_revoke(client, inspector, role):
    make_user("other", role)
    victim = tokens_for(client, "wang")
    access = tokens_for(client, "other")["access"]
    response = client.post(
        REVOKE_URL, {"username": "wang"}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {access}"
    )
    assert_error(response, 403, "forbidden")
    assert BlacklistedToken.objects.count() == 0
    assert refresh(client, victim["refresh"]).status_code == 200


def test_revoke_needs_a_login_and_an_existing_user(client, inspector, street_admin):
    assert_error(client.post(REVOKE_URL, {"username": "wang"}, content_type="application/json"), 401)
    staff = tokens_for(client, "boss")
    error = assert_error(
        client.post(
            REVOKE_URL, {"username": "ghost"}, content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {staff['access']}",
        ),
        400,
        "invalid",
    )
    assert "username" in error["fields"]
    assert BlacklistedToken.objects.count() == 0


def test_the_admin_action_revokes_the_selected_users_tokens(client, inspector):
    superuser = User.objects.create_superuser("root", "root@example.cn", PASSWORD)
    tokens = tokens_for(client, "wang")
    other = tokens_for(client, "root")
    client.force_login(superuser)
    response = client.post(
        "/admin/auth/user/", {"action": "revoke_tokens", "_selected_action": [inspector.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "已吊销 1 个用户的 1 个登录令牌。" in response.content.decode()
    assert_error(refresh(client, tokens["refresh"]), 401, "token_not_valid")
    assert refresh(client, other["refresh"]).status_code == 200


def test_the_admin_action_is_refused_to_staff_who_are_not_admins(client, inspector):
    clerk = make_user("clerk", Role.STREET_INSPECTOR, is_staff=True, is_superuser=False)
    from django.contrib.auth.models import Permission

    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    tokens = tokens_for(client, "wang")
    client.force_login(clerk)
    response = client.post(
        "/admin/auth/user/", {"action": "revoke_tokens", "_selected_action": [inspector.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "只有管理员可以吊销登录令牌。" in response.content.decode()
    assert BlacklistedToken.objects.count() == 0
    assert refresh(client, tokens["refresh"]).status_code == 200


def test_the_registered_user_admin_offers_the_revoke_action():
    # Whoever registers the user admin (the people area does, with a profile inline) keeps the action.
    request = RequestFactory().get("/admin/auth/user/")
    request.user = User.objects.create_superuser("root2", "root2@example.cn", PASSWORD)
    assert "revoke_tokens" in admin.site._registry[User].get_actions(request)


# --- throttling -----------------------------------------------------------------------------------


def test_login_is_throttled_with_a_429_json_answer(client, inspector, settings):
    # The per-minute rate, on its own: the failed-login lockout (tests/inspections/test_login_guard.py) is set wide.
    settings.LOGIN_FAILURE_LIMIT = settings.LOGIN_ADDRESS_FAILURE_LIMIT = 1000
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"]
    allowed = int(rate.split("/")[0])
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(allowed):
            assert login(client, "wang", "guess").status_code == 401
        response = login(client, "wang", PASSWORD)  # even the right password waits
        assert_error(response, 429, "throttled")
        assert int(response["Retry-After"]) > 0
        assert_error(refresh(client, "whatever"), 429, "throttled")  # refresh shares the login budget
        assert OutstandingToken.objects.count() == 0
        traveller.shift(timedelta(seconds=int(response["Retry-After"]) + 1))
        assert login(client, "wang", PASSWORD).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"username": "wang\x00", "password": PASSWORD},
        {"username": "\ud800", "password": "\udfff"},
        {"username": ["wang"], "password": {"x": 1}},
        {"username": 12, "password": None},
        {"username": "w" * 100_000, "password": PASSWORD},
        {"refresh": "\x00"},
        {"refresh": ["a.b.c"]},
        [],
        "just a string",
    ],
)
def test_odd_bodies_get_a_4xx_json_answer_never_a_500(client, inspector, street_admin, body):
    staff = tokens_for(client, "boss")["access"]
    for url in (TOKEN_URL, REFRESH_URL, REVOKE_URL):
        response = client.post(
            url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {staff}"
        )
        assert 400 <= response.status_code < 500, (url, response.status_code, response.content[:200])
        assert set(response.json()) == {"error"}
    assert BlacklistedToken.objects.count() == 0


def test_revoke_also_ends_access_tokens_already_issued(client, inspector, street_admin):
    start = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        phone = tokens_for(client, "wang")
        staff = tokens_for(client, "boss")
        assert me(client, phone["access"]).status_code == 200
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        response = client.post(
            REVOKE_URL, {"username": "wang"}, content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {staff['access']}",
        )
        assert response.status_code == 200
        # The access token is still within its 15 minutes, but it was issued before the revocation.
        assert_error(me(client, phone["access"]), 401, "token_not_valid")
        assert inspector.token_revocation.revoked_at == start + timedelta(minutes=2)
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        # A fresh login works; other users' access tokens were never affected.
        assert me(client, tokens_for(client, "wang")["access"]).status_code == 200
        assert me(client, staff["access"]).status_code == 200
