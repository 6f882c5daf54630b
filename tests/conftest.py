"""Fixtures shared by the test folders of several apps. Playwright's sync API runs an event loop in the
test thread, which Django would otherwise take for async context."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import threading  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from django.conf import settings as django_settings  # noqa: E402
from django.test import override_settings  # noqa: E402

from tests.rankings.support import (  # noqa: E402
    Versions,
    add_inspection,
    add_photo,
    local,
    make_place,
    make_street,
)

# pytest-django has imported backend.settings (DEBUG off) before this file: serve static files from the app
# folders as the development server does, so the suite needs no collectstatic (settings.STATIC_FROM_APP_FOLDERS).
override_settings(
    STATIC_FROM_APP_FOLDERS=True,
    STORAGES={
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    WHITENOISE_USE_FINDERS=True,
).enable()


def with_location(storage: dict[str, Any], location) -> dict[str, Any]:
    return {**storage, "OPTIONS": {**storage.get("OPTIONS", {}), "location": location}}


@pytest.fixture(autouse=True)
def _fast_and_isolated(request, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # The photo storages took their folders from the settings at start-up (backend/settings.py): point them here too.
    settings.STORAGES = {
        **settings.STORAGES,
        "photos_private": with_location(settings.STORAGES["photos_private"], settings.PRIVATE_MEDIA_ROOT),
        "photos": with_location(settings.STORAGES["photos"], settings.MEDIA_ROOT),
    }
    settings.LANGUAGE_CODE = "zh-hans"
    settings.DEMO_LOGINS_FILE = tmp_path / "var" / "demo_logins.txt"
    # Throttle counters and cached pages live in the cache, a database table (settings.CACHES): every test
    # that can reach the database starts from an empty one. (Tests without database access cannot touch it.)
    from django.core.cache import cache

    db_fixtures = [name for name in ("transactional_db", "db") if name in request.fixturenames]
    if db_fixtures:
        request.getfixturevalue(db_fixtures[0])  # set the database up before clearing it
    if db_fixtures or request.node.get_closest_marker("django_db"):
        cache.clear()


@pytest.fixture
def all_at_once() -> Callable[[list[Callable[[Callable[[], Any]], Any]]], list[Any]]:
    """Run each call in its own thread, released together: a call gets `go`, which it calls once it is ready
    (client made, logged in), so that only the requests race. Returns the results in finishing order; any
    thread's exception fails the test (it would otherwise vanish with its thread)."""
    from django.db import connection

    def run(calls: list[Callable[[Callable[[], Any]], Any]]) -> list[Any]:
        barrier = threading.Barrier(len(calls))
        results: list[Any] = []
        failures: list[BaseException] = []

        def worker(call: Callable[[Callable[[], Any]], Any]) -> None:
            try:
                results.append(call(barrier.wait))
            except BaseException as exc:
                failures.append(exc)
            finally:
                connection.close()  # each thread has its own connection; leave none open for the flush

        threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        return results

    return run


@pytest.fixture
def street_may(db, settings) -> dict[str, Any]:
    """One community K with three compounds inspected covertly in May 2026: 好小区 96.0, 差小区 70.0 and vetoed,
    其他小区 85.0; a received photo on the last two, and a superuser "chief" (tests/rankings, and the photo
    views of tests/inspections)."""
    from django.contrib.auth import get_user_model

    from checklists.models import PlaceKind, Regime

    versions = Versions()
    street = make_street()
    k = make_place(street, PlaceKind.COMMUNITY, "K", "K社区")
    good = make_place(street, PlaceKind.COMPOUND, "G", "好小区", parent=k)
    bad = make_place(street, PlaceKind.COMPOUND, "B", "差小区", parent=k)
    other = make_place(street, PlaceKind.COMPOUND, "O", "其他小区", parent=k)
    covert = Regime.MONTHLY_COVERT
    add_inspection(good, covert, local(2026, 5, 5), 960, versions=versions)
    bad_inspection = add_inspection(bad, covert, local(2026, 5, 6), 700, versions=versions, vetoed=True)
    other_inspection = add_inspection(other, covert, local(2026, 5, 7), 850, versions=versions)
    admin = get_user_model().objects.create_user("chief", password="x", is_superuser=True, is_staff=True)
    return {
        "street": street, "good": good, "bad": bad, "versions": versions, "admin": admin,
        "bad_photo": add_photo(bad_inspection, settings.MEDIA_ROOT),
        "other_photo": add_photo(other_inspection, settings.MEDIA_ROOT),
    }
