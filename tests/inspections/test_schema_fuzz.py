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
    case.call_and_validate(headers=bearer, checks=CHECKS)
