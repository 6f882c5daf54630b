"""schemathesis against /api/schema/ through the WSGI app, as a street inspector with a real JWT:
no server error, and every response conforms to the schema (status code, content type, body).

Bounded and derandomized (25 examples per operation) so that it runs in seconds and the same way each time."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework_simplejwt.tokens import AccessToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend.wsgi import application

from . import sync_world

world = sync_world.world  # the fixture

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# The sync API's operations (auth, checklists and public lists are fuzzed by their own areas' tests).
SYNC_PATHS = r"^/api/v1/(pack|inspections|photos)/"


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
schema = schemathesis.openapi.from_wsgi("/api/schema/", application).include(path_regex=SYNC_PATHS)


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_sync_api_conforms_to_its_schema(case, bearer):
    # The WSGI transport asks for gzip (requests' default headers) but does not decode it: ask for the bodies
    # as they are. Compression has its own tests (test_compression.py).
    case.call_and_validate(headers={**bearer, "Accept-Encoding": "identity"}, checks=CHECKS)


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
