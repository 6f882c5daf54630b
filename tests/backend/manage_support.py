"""`manage.py` run in a child process with a chosen environment, as a deployment would start it.

Not a test module: the settings tests and the object-storage tests both use it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What README.md's production section sets (behind a reverse proxy that terminates TLS).
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3$Vq8#pLm2!xR7wZt9@bN4cF6hJ1dS5gY0uE8iO3aQ-w7Tn2Kd9",
    "ALLOWED_HOSTS": "patrol.example.cn",
    "CSRF_TRUSTED_ORIGINS": "https://patrol.example.cn",
    "SITE_URL": "https://patrol.example.cn",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_PROXY_SSL_HEADER": "1",
    "DATABASE_URL": "sqlite:////tmp/sortpatrol-deploy-check.sqlite3",
}
# Settings a developer's shell might carry: a "clean environment" has none of them.
SETTINGS_VARIABLES = (
    *PRODUCTION, "SECRET_KEY_FILE", "STATIC_FROM_APP_FOLDERS", "SORTPATROL_TESTING", "SECURE_HSTS_SECONDS",
    "DJANGO_ALLOW_ASYNC_UNSAFE", "PHOTO_STORAGE",
)


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
        timeout=120,
    )
