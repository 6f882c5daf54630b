"""Phone logins over HTTP for the token tests: the endpoints, users with a known password, small requests.

Not a test module; the `inspector` and `street_admin` fixtures built on it are in conftest.py."""

from __future__ import annotations

import jwt
from django.contrib.auth import get_user_model

from inspections.models import Profile, Role, Street

User = get_user_model()
TOKEN_URL = "/api/v1/auth/token/"
REFRESH_URL = "/api/v1/auth/refresh/"
REVOKE_URL = "/api/v1/auth/revoke/"
ME_URL = "/api/v1/me/"
PASSWORD = "patrol-2026-secret"


def make_user(username: str, role: str | None = Role.STREET_INSPECTOR, *, active: bool = True, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, is_active=active, **extra)
    if role is not None:
        street, _new = Street.objects.get_or_create(code="S", defaults={"name": "测试街道"})
        Profile.objects.create(user=user, role=role, display_name=f"{username} 姓名", street=street)
    return user


def login(client, username: str, password: str = PASSWORD):
    return client.post(TOKEN_URL, {"username": username, "password": password}, content_type="application/json")


def tokens_for(client, username: str) -> dict:
    response = login(client, username)
    assert response.status_code == 200, response.content
    return response.json()


def refresh(client, token: str):
    return client.post(REFRESH_URL, {"refresh": token}, content_type="application/json")


def me(client, access: str):
    return client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {access}")


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


def unverified(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})
