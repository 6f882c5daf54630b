"""Every answer under /api/ is JSON: each route × each method, without its trailing slash, with an oversized,
malformed or mistyped body, anonymous and logged in. Errors come in the API's shape, never as a page or a 500."""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework_simplejwt.tokens import AccessToken

from inspections.api.errors import page_not_found, server_error

pytestmark = pytest.mark.django_db
METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
LIMIT = 4096  # DATA_UPLOAD_MAX_MEMORY_SIZE for these tests, so an oversized body stays cheap to send
BODIES = [
    ("application/json", b"{"),
    ("application/json", b"\xff\xfe\x00garbage"),
    ("application/json", b'{"username": "root", "password": "x", "refresh": "x"}' + b" " * LIMIT),
    ("application/x-www-form-urlencoded", b"username=root&password=" + b"x" * LIMIT),
    ("multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--"),
    ("text/plain", b"hello"),
    ("image/jpeg", b"\xff\xd8\xff" + b"\x00" * 64),
]
# Successful answers that are not JSON by nature; their errors are JSON all the same.
NOT_JSON_WHEN_FINE = {"api-schema", "api-schema-docs", "api-photo-original"}
SAMPLE = {"int": "1", "str": str(uuid.uuid4()), "uuid": str(uuid.uuid4()), "slug": "x", "path": "x/y"}


def api_routes() -> list[tuple[str, str]]:
    """(URL, name) for every route the resolver knows under /api/, placeholders filled with sample values."""
    routes: list[tuple[str, str]] = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/"):
                filled = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1) or "str"], route)
                routes.append(("/" + filled, pattern.name or route))

    walk(get_resolver().url_patterns, "")
    return routes


def variants() -> list[tuple[str, str]]:
    found = []
    for url, name in api_routes():
        found.append((url, name))
        found.append((url.rstrip("/") if url.endswith("/") else url + "/", "variant"))
    return [*found, ("/api/v1/no-such-thing/", "variant"), ("/api/no-such-thing", "variant"), ("/api/", "variant")]


def assert_json_error(response, label: str) -> dict:
    assert response.status_code < 500, label
    assert response["Content-Type"].startswith("application/json"), (label, response["Content-Type"])
    if response.request["REQUEST_METHOD"] == "HEAD":
        return {}
    error = response.json()["error"]
    assert error["code"] and error["message"], label
    return error


def test_the_walk_covers_every_api_route():
    names = {name for _url, name in api_routes()}
    assert {"api-auth-token", "api-auth-refresh", "api-me", "api-inspection", "api-inspection-photo",
            "api-public-list", "list", "api-schema"} <= names


@pytest.mark.parametrize("user", ["anonymous", "admin"])
def test_every_api_route_answers_json_whatever_it_is_sent(settings, user):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    client = Client()
    if user == "admin":
        admin = get_user_model().objects.create_superuser("root", "root@example.cn", "x")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {AccessToken.for_user(admin)}"
    statuses: dict[int, int] = {}
    for url, name in variants():
        for method in METHODS:
            sends = BODIES if method in {"POST", "PUT", "PATCH"} else [(None, b"")]
            for content_type, body in sends:
                label = f"{method} {url} {content_type} {body[:20]!r} as {user}"
                kwargs = {"content_type": content_type} if content_type else {}
                cache.clear()  # throttle counters: every request must reach the view and its parsers
                response = client.generic(method, url, body, **kwargs)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                assert not 300 <= response.status_code < 400, label  # no slash redirect that drops a body
                if response.status_code >= 400:
                    assert_json_error(response, label)
                elif name not in NOT_JSON_WHEN_FINE and response.status_code != 204 and method != "HEAD":
                    assert response["Content-Type"].startswith("application/json"), label
    assert 429 not in statuses and {400, 404, 405, 413, 415} <= set(statuses), statuses


@pytest.mark.parametrize("debug", [False, True])
def test_a_missing_trailing_slash_is_a_json_404_naming_the_address(client, settings, debug):
    settings.DEBUG = debug  # DEBUG's own answer would be a 500 (RuntimeError) for a PUT

    response = client.put(f"/api/v1/inspections/{uuid.uuid4()}", b"{}", content_type="application/json")

    error = assert_json_error(response, "PUT without slash")
    assert response.status_code == 404 and error["code"] == "missing_trailing_slash"
    assert response.request["PATH_INFO"] + "/" in error["message"]


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_api_address_is_a_json_404_even_with_debug_on(client, settings, debug):
    settings.DEBUG = debug  # DEBUG answers with its technical HTML page otherwise

    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert assert_json_error(response, "unknown")["code"] == "not_found"


def test_an_oversized_login_is_a_json_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT

    response = client.post("/api/v1/auth/token/", {"username": "root", "password": "x" * LIMIT})

    assert response.status_code == 413
    assert assert_json_error(response, "oversized login")["code"] == "too_large"


def test_a_crash_under_api_is_a_json_500_and_elsewhere_django_s_page():
    factory = RequestFactory()

    api = server_error(factory.get("/api/v1/pack/"))
    page = server_error(factory.get("/staff/"))
    missing = page_not_found(factory.get("/staff/nothing/"), Exception())

    assert api.status_code == 500 and api["Content-Type"].startswith("application/json")
    assert api.content.decode().startswith('{"error": {"code": "server_error"')
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("text/html")
