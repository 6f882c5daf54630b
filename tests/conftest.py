"""Shared fixtures. Playwright's sync API runs an event loop in the test thread, which Django
would otherwise take for async context."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.LANGUAGE_CODE = "zh-hans"
    # Throttle counters and cached pages live in the cache: start every test from zero.
    from django.core.cache import cache

    cache.clear()
