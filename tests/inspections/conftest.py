"""Fixtures shared by the tests of the inspections app."""

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from PIL import Image

from inspections.models import Inspection, Role
from inspections.signals import inspection_changed
from tests.rankings.support import Versions

from . import two_streets
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


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two streets 甲 and 乙 with every kind of object and person (two_streets.py), built once per module."""
    media_root = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), transaction.atomic():
        versions = Versions()
        streets = {t: two_streets.build_street(t, versions, media_root) for t in "AB"}
        superuser = get_user_model().objects.create_superuser("root", "root@example.cn", None)
        no_profile = get_user_model().objects.create_user("nobody", is_staff=True)
        no_profile.user_permissions.set(Permission.objects.all())
        yield two_streets.World(streets=streets, superuser=superuser, no_profile=no_profile, versions=versions)
        transaction.set_rollback(True)


@pytest.fixture
def photo_files(matrix_world, _fast_and_isolated, settings):
    """The photos' files, in this test's MEDIA_ROOT and PRIVATE_MEDIA_ROOT."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 90)).save(buffer, "JPEG")
    for photo in (photo for data in matrix_world.streets.values() for photo in (data.photo, data.unreleased_photo)):
        for root, rel in ((settings.MEDIA_ROOT, photo.display), (settings.MEDIA_ROOT, photo.thumbnail),
                          (settings.PRIVATE_MEDIA_ROOT, photo.original)):
            target = Path(root) / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(buffer.getvalue())
