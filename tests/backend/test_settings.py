"""Settings come from the environment, fail loudly on bad values and pass the deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3$Vq8#pLm2!xR7wZt9@bN4cF6hJ1dS5gY0uE8iO3aQ-w7Tn2Kd9",
    "ALLOWED_HOSTS": "patrol.example.cn",
    "DATABASE_URL": "sqlite:////tmp/sortpatrol-deploy-check.sqlite3",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in (*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "is not a boolean"),
        ("SECRET_KEY", "short", "SECRET_KEY must be set"),
        ("DATABASE_URL", "mysql://x@y/z", "DATABASE_URL must be"),
        ("TIME_ZONE", "Mars/Olympus", "is not a known time zone"),
        ("JWT_REFRESH_DAYS", "thirty", "is not a whole number"),
    ],
)
def test_bad_environment_values_fail_loudly(name, value, message):
    result = run_manage("check", env={**PRODUCTION, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_the_sqlite_default_uses_wal_immediate_transactions_and_a_busy_timeout(tmp_path):
    url = f"sqlite:///{tmp_path / 'wal.sqlite3'}"
    code = (
        "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode');"
        "print(c.fetchone()[0], connection.settings_dict['OPTIONS']['transaction_mode'],"
        " connection.settings_dict['OPTIONS']['timeout'])"
    )
    result = run_manage("shell", "-c", code, env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["wal", "IMMEDIATE", "20"]


def test_the_street_zone_and_chinese_are_the_defaults(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ
    assert settings.LANGUAGE_CODE == "zh-hans" and "en" in dict(settings.LANGUAGES)
