"""Fixtures shared by the tests of the inspections app."""

import pytest
from django.contrib.auth import get_user_model

from inspections.models import Inspection, Role
from inspections.signals import inspection_changed

from .phone_login import make_user
from .scope_streets import make_scope_streets
from .sync_world import World, inspection_body, make_world, put_inspection


@pytest.fixture
def world(db) -> World:
    """The sync tests' street (sync_world.py): places, people of every role, a weekly and a covert checklist."""
    return make_world()


@pytest.fixture
def stored(world) -> Inspection:
    """A complete inspection of bin station BS1, synced by the community inspector."""
    inspection_uuid, response = put_inspection(world.client("community"), inspection_body(world))
    assert response.status_code == 201
    return Inspection.objects.get(uuid=inspection_uuid)


@pytest.fixture
def root_client(client):
    """The test client logged in as a superuser without profile ("root"), who is `root_client.superuser`."""
    client.superuser = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(client.superuser)
    return client


@pytest.fixture
def scope_streets(db) -> dict:
    """Streets S and T with places of every kind, for what each role may see (scope_streets.py)."""
    return make_scope_streets()


@pytest.fixture
def changed():
    """What `inspection_changed` carried, as (uuid, status, voided) per signal, in order."""
    seen = []

    def listener(sender, inspection, **kwargs):
        seen.append((inspection.uuid, inspection.status, inspection.voided))

    inspection_changed.connect(listener)
    yield seen
    inspection_changed.disconnect(listener)


@pytest.fixture
def inspector(db):
    """A street inspector "wang" who logs in with phone_login.PASSWORD."""
    return make_user("wang")


@pytest.fixture
def street_admin(db):
    """A street admin "boss" who logs in with phone_login.PASSWORD."""
    return make_user("boss", Role.ADMIN)
