"""schemathesis over every operation of /api/schema/ through the WSGI app: as a street inspector with a real
JWT, and anonymously for the operations that need no login (published lists, log in, refresh, log out).
Checks: no server error, and every response conforms to the schema (status code, content type, body).

Bounded and derandomized (hypothesis `derandomize=True`, MAX_EXAMPLES per operation) so that it runs the same
way each time, in a minute or two. `test_every_api_route_is_documented` keeps the schema whole: an API route of
the URL configuration that the schema lacks fails it by name."""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.urls import get_resolver
from hypothesis import HealthCheck, settings
from rest_framework_simplejwt.tokens import AccessToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend.wsgi import application

from .two_streets import walk

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 25
# Operations without a login: the published lists and the phone's login, refresh and logout.
NO_LOGIN_OPERATIONS = ["public_lists", "public_list", "auth_token", "auth_refresh", "auth_logout"]
# Not operations of the API but the schema itself and its page.
NOT_OPERATIONS = {"api-schema", "api-schema-docs"}

@pytest.fixture
def keep_test_connection():
    """Django's WSGI handler closes the database connection after each request; inside a test transaction
    that would end the test's connection (Django's own test client disconnects the same way)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(world, keep_test_connection) -> dict[str, str]:
    return {"Authorization": f"Bearer {AccessToken.for_user(world.users['street'])}"}


# Loaded at collection through the WSGI app: generating the schema touches no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# The WSGI transport asks for gzip (requests' default headers) but does not decode it: ask for the bodies as
# they are. Compression has its own tests (test_compression.py).
IDENTITY = {"Accept-Encoding": "identity"}


@schema.parametrize()
@FUZZ_SETTINGS
def test_the_api_conforms_to_its_schema(case, bearer):
    case.call_and_validate(headers={**bearer, **IDENTITY}, checks=CHECKS)


@schema.include(operation_id=NO_LOGIN_OPERATIONS).parametrize()
@FUZZ_SETTINGS
def test_the_api_without_login_conforms_to_its_schema(case, keep_test_connection, db):
    case.call_and_validate(headers=IDENTITY, checks=CHECKS)


def _openapi_path(route: str) -> str:
    """`api/v1/public/lists/<int:pk>/` → `/api/v1/public/lists/{id}/` (drf-spectacular names a pk `id`)."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{id}" if m[1] == "pk" else "{" + m[1] + "}", route)
    return "/" + path


def test_every_api_route_is_documented(client):
    document = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}).json()
    routes = {_openapi_path(full) for full, name, _p in walk(get_resolver())
              if full.startswith("api/") and name not in NOT_OPERATIONS}
    missing = sorted(routes - set(document["paths"]))
    assert not missing, f"API routes the schema does not document: {missing}"
    without_login = {op["operationId"] for ops in document["paths"].values() for op in ops.values()
                     if not any(op.get("security", document.get("security", [{}])))}
    assert without_login == set(NO_LOGIN_OPERATIONS)  # the anonymous run covers them all


SYNC_OPERATIONS = {
    ("get", "/api/v1/pack/"): {"200", "304", "401"},
    ("get", "/api/v1/inspections/"): {"200", "401", "404"},
    ("put", "/api/v1/inspections/{uuid}/"): {"200", "201", "400", "401", "403", "404", "409", "413", "415"},
    ("get", "/api/v1/inspections/{uuid}/"): {"200", "401", "404"},
    ("put", "/api/v1/inspections/{uuid}/photos/{photo_uuid}"): {"200", "201", "400", "401", "404", "409", "413", "415"},
    ("get", "/api/v1/photos/{uuid}/original"): {"200", "401", "404"},
}


def test_every_sync_operation_documents_its_answers_and_the_docs_page_lists_them(client):
    document = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert document.status_code == 200
    paths = document.json()["paths"]
    for (method, path), codes in SYNC_OPERATIONS.items():
        responses = paths[path][method]["responses"]
        assert codes <= set(responses), (method, path, set(responses))
        for code in codes - {"200", "201", "304"}:
            assert responses[code]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    docs = client.get("/api/schema/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "<script" not in page  # nothing fetched from a CDN: a plain page
    for _method, path in SYNC_OPERATIONS:
        assert f"<code>{path}</code>" in page
