"""A rate throttle whose cache cannot be read lets the request through instead of answering 500."""

import pytest
from django.db import OperationalError

from inspections.api.throttling import ClientScopedRateThrottle
from inspections.models import Profile, Role, Street, TokenRevocation

pytestmark = pytest.mark.django_db


def test_a_login_goes_through_when_the_throttle_cache_is_locked(client, django_user_model, monkeypatch, caplog):
    street = Street.objects.create(code="TF", name="节流街道")
    user = django_user_model.objects.create_user("tf1", password="pw-Throttle-1")
    Profile.objects.create(user=user, role=Role.STREET_INSPECTOR, street=street)

    class LockedCache:
        def get(self, key, default=None, version=None):
            raise OperationalError("database table is locked: sortpatrol_cache")

    monkeypatch.setattr(ClientScopedRateThrottle, "cache", LockedCache())
    response = client.post("/api/v1/auth/token/", {"username": "tf1", "password": "pw-Throttle-1"},
                           content_type="application/json")

    assert response.status_code == 200
    assert set(response.json()) >= {"access", "refresh"}
    assert "rate throttle skipped" in caplog.text
    assert not TokenRevocation.objects.filter(user=user).exists()
