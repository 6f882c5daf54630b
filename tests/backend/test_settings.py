"""Settings come from the environment, fail loudly on bad values and pass the deployment checklist."""

import subprocess

import pytest

from .manage_support import PRODUCTION, ROOT, run_manage


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
        ("COVERT_SAMPLE_SHARE", "1.5", "is outside 0–1"),
        ("COVERT_SAMPLE_SHARE", "a fifth", "is not a number"),
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


SHOW_SETTINGS = (
    "from django.conf import settings as s; print(s.DEBUG, s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT,"
    " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1])"
)


def test_a_clean_environment_gets_debug_off_and_loopback_hosts_only(tmp_path):
    result = run_manage("shell", "-c", SHOW_SETTINGS, env={"SECRET_KEY_FILE": str(tmp_path / "key")})

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "False ['localhost', '127.0.0.1', '[::1]'] False True True CompressedManifestStaticFilesStorage"
    )


def test_debug_and_static_files_from_the_app_folders_only_when_asked_for(tmp_path):
    result = run_manage("shell", "-c", SHOW_SETTINGS, env={"DEBUG": "1", "SECRET_KEY_FILE": str(tmp_path / "key")})

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "True ['*'] False False False StaticFilesStorage"


SHOW_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def test_without_a_key_in_the_environment_one_is_generated_privately_and_kept(tmp_path):
    key_file = tmp_path / "var" / "secret_key"

    first = run_manage("shell", "-c", SHOW_KEY, env={"SECRET_KEY_FILE": str(key_file)})
    second = run_manage("shell", "-c", SHOW_KEY, env={"SECRET_KEY_FILE": str(key_file)})

    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    key = first.stdout.splitlines()[-1]
    assert len(key) >= 50 and key_file.read_text().strip() == key
    assert second.stdout.splitlines()[-1] == key
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in key_file.parent.iterdir()] == ["secret_key"]  # no temporary file left behind


def test_the_default_key_file_is_never_committed():
    from django.conf import settings

    assert settings.SECRET_KEY_FILE == ROOT / "var" / "secret_key"
    assert settings.DEMO_LOGINS_FILE.name == "demo_logins.txt"
    for path in ("var/secret_key", "var/demo_logins.txt"):
        ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT)
        assert ignored.returncode == 0, f"{path} is not git-ignored"
        tracked = subprocess.run(["git", "ls-files", "--error-unmatch", path], cwd=ROOT, capture_output=True)
        assert tracked.returncode != 0, f"{path} is tracked"


def test_a_key_file_others_can_read_is_refused(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("x7" * 40)
    key_file.chmod(0o644)

    result = run_manage("check", env={"SECRET_KEY_FILE": str(key_file)})

    assert result.returncode != 0
    assert "readable by others" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "dev-only-insecure-key-do-not-use-in-production-4f1c9a",  # the key this repository used to publish
        "django-insecure-" + "abcdefghij" * 5,
        "a" * 60,
    ],
)
def test_a_weak_or_published_key_is_refused_even_with_debug_on(key):
    result = run_manage("check", env={"DEBUG": "1", "SECRET_KEY": key})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
