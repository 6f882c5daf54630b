"""CACHE_URL, TRUSTED_PROXIES and the login limits come from the environment and fail loudly; `migrate` alone
makes the database cache's table."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json; from django.conf import settings as s;"
    "print(json.dumps([s.CACHES['default'], s.TRUSTED_PROXIES, s.REST_FRAMEWORK['NUM_PROXIES'],"
    " s.LOGIN_FAILURE_LIMIT, s.LOGIN_ADDRESS_FAILURE_LIMIT, s.LOGIN_LOCKOUT_MINUTES]))"
)
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "k3$Vq8#pLm2!xR7wZt9@bN4cF6hJ1dS5gY0uE8iO3aQ-w7Tn2Kd9",
              "ALLOWED_HOSTS": "patrol.example.cn"}
OWN = ("CACHE_URL", "TRUSTED_PROXIES", "LOGIN_FAILURE_LIMIT", "LOGIN_ADDRESS_FAILURE_LIMIT", "LOGIN_LOCKOUT_MINUTES")


def python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in (*OWN, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "backend.settings", "DEBUG": "1", **env},
        capture_output=True, text=True, timeout=120,
    )


def shown(env: dict[str, str]) -> list:
    result = python(SHOW, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_the_defaults_are_the_database_cache_no_trusted_proxy_and_5_20_15():
    cache, proxies, drf_proxies, *limits = shown({})
    assert cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert cache["LOCATION"] == "sortpatrol_cache"
    assert proxies == drf_proxies == 0
    assert limits == [5, 20, 15]


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("db://", "django.core.cache.backends.db.DatabaseCache", "sortpatrol_cache"),
        ("db://patrol_cache", "django.core.cache.backends.db.DatabaseCache", "patrol_cache"),
        ("redis://cache.internal:6379/2", "django.core.cache.backends.redis.RedisCache", "redis://cache.internal:6379/2"),
        ("rediss://:pw@cache.internal:6380/0", "django.core.cache.backends.redis.RedisCache", None),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", None),
    ],
)
def test_cache_url_selects_the_backend(url, backend, location):
    cache, *_rest = shown({"CACHE_URL": url})
    assert cache["BACKEND"] == backend
    if location is not None:
        assert cache["LOCATION"] == location


def test_proxies_and_limits_from_the_environment():
    env = {"TRUSTED_PROXIES": "2", "LOGIN_FAILURE_LIMIT": "7", "LOGIN_ADDRESS_FAILURE_LIMIT": "50",
           "LOGIN_LOCKOUT_MINUTES": "30"}
    _cache, proxies, drf_proxies, *limits = shown(env)
    assert proxies == drf_proxies == 2
    assert limits == [7, 50, 30]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CACHE_URL": "memcached://127.0.0.1:11211"}, "is not a cache URL"),
        ({"CACHE_URL": "nonsense"}, "is not a cache URL"),
        ({"CACHE_URL": "db://bad-name;drop"}, "must be a plain identifier"),
        ({"CACHE_URL": "locmem://", **PRODUCTION}, "use it with DEBUG on only"),
        ({"TRUSTED_PROXIES": "-1"}, "TRUSTED_PROXIES=-1 is below the minimum 0"),
        ({"TRUSTED_PROXIES": "one"}, "is not a whole number"),
        ({"LOGIN_FAILURE_LIMIT": "0"}, "below the minimum 1"),
        ({"LOGIN_LOCKOUT_MINUTES": "soon"}, "is not a whole number"),
    ],
)
def test_bad_values_fail_loudly(env, message):
    result = python("pass", env)
    assert result.returncode != 0
    assert message in result.stderr


def test_migrate_alone_makes_the_cache_table(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "CACHE_URL": "db://patrol_cache"}
    result = python("from django.core.management import call_command; call_command('migrate', verbosity=0)", env)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"patrol_cache", "inspections_loginfailurecount"} <= tables
    # and a cache round trip through it works in a fresh process
    result = python("from django.core.cache import cache; cache.set('k', 41); print(cache.incr('k'))", env)
    assert result.returncode == 0 and result.stdout.split()[-1] == "42", result.stderr
