"""SortPatrol settings: one file, driven by environment variables.

Defaults are safe and work on the embedded SQLite database: DEBUG off, a secret key generated into var/ on
first start, only loopback host names; `make run` asks for DEBUG for the development server.
A bad value fails loudly at start-up instead of being silently replaced.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum {minimum}")
    return value


def envdecimal(name: str, default: str, *, minimum: str, maximum: str) -> Decimal:
    """A decimal number (exact: a share of 0.2 times 15 places is 3, not 3.0000000000000004)."""
    raw = os.environ.get(name)
    raw = default if raw is None or raw.strip() == "" else raw.strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from None
    if not Decimal(minimum) <= value <= Decimal(maximum):
        raise ImproperlyConfigured(f"{name}={value} is outside {minimum}–{maximum}")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


DEBUG = envbool("DEBUG", False)  # on only when asked for (`make run` does): never by accident in production
TESTING = envbool("SORTPATROL_TESTING", False)


def secret_key_from_file(path: Path) -> str:
    """The key stored in `path`, created on first start (random, mode 0600) so no key ever sits in the repository.

    Written to a temporary file and then hard-linked into place: two processes starting at once cannot
    half-write the file, and the second one reads the first one's key instead of replacing it."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    if path.stat().st_mode & 0o077:
        raise ImproperlyConfigured(f"SECRET_KEY_FILE {path} is readable by others: chmod 600 it")
    return path.read_text().strip()


def is_weak_secret(key: str) -> bool:
    return len(key) < 50 or len(set(key)) < 5 or "insecure" in key.lower()  # also the key once published here


SECRET_KEY_FILE = Path(os.environ.get("SECRET_KEY_FILE", BASE_DIR / "var" / "secret_key"))
SECRET_KEY = os.environ.get("SECRET_KEY") or secret_key_from_file(SECRET_KEY_FILE)
if is_weak_secret(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 50 characters (or left unset: a key is then "
        f"generated into {SECRET_KEY_FILE})"
    )

# The demo street's logins, generated per install by `manage.py seed_demo` (plain text, mode 0600, git-ignored).
DEMO_LOGINS_FILE = Path(os.environ.get("DEMO_LOGINS_FILE", BASE_DIR / "var" / "demo_logins.txt"))

# Without DEBUG and without ALLOWED_HOSTS only the machine itself may call: a production site names its hosts.
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["*"] if DEBUG else ["localhost", "127.0.0.1", "[::1]"])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

# The public address of the site, used on printed QR labels and posters.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "pwa",
    "checklists",
    "inspections",
    "rectifications",
    "rankings",
    "plans",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "backend.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "inspections.api.middleware.ApiErrorsAsJsonMiddleware",  # outside CommonMiddleware: no slash redirects
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Django's FallbackStorage, made on first use (backend/messages.py): most requests never show a message.
MESSAGE_STORAGE = "backend.messages.LazyFallbackStorage"

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backend" / "templates", BASE_DIR / "pwa" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: SQLite (WAL, IMMEDIATE transactions, busy timeout) unless DATABASE_URL names another.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 0, minimum=0))
except Exception as exc:  # dj_database_url raises several types for a bad URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
    }
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must be sqlite:/// or postgres:// (these are the tested databases)")
_db["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: Chinese first, English available; store UTC, show the street's zone.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not a known time zone") from None
USE_I18N = True
USE_TZ = True

# Static files: WhiteNoise serves them in production (compressed, hashed names).
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    ("app/js", BASE_DIR / "pwa" / "js"),
    ("app/css", BASE_DIR / "pwa" / "css"),
    ("app/icons", BASE_DIR / "pwa" / "icons"),
]
# Straight from the app folders, no collectstatic: the development server and the test suite (tests/conftest.py
# switches it on, as pytest reads no environment). Production serves collectstatic's hashed, compressed copies.
STATIC_FROM_APP_FOLDERS = envbool("STATIC_FROM_APP_FOLDERS", DEBUG or TESTING)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if STATIC_FROM_APP_FOLDERS
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Media: metadata-free derivatives (display, thumbnail) under MEDIA_ROOT, originals (with their metadata)
# under PRIVATE_MEDIA_ROOT. No URL maps either folder (no MEDIA_URL): every photo goes through the
# permission-checked view /photos/<uuid>/<variant>/ (inspections/media.py), which can hand the sending to
# the web server: MEDIA_ACCEL_REDIRECT=/protected/ (nginx internal locations /protected/media/ → MEDIA_ROOT
# and /protected/private/ → PRIVATE_MEDIA_ROOT) or MEDIA_SENDFILE=1 (X-Sendfile: Apache, lighttpd).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "").strip()
if MEDIA_ACCEL_REDIRECT and not (MEDIA_ACCEL_REDIRECT.startswith("/") and MEDIA_ACCEL_REDIRECT.endswith("/")):
    raise ImproperlyConfigured(f"MEDIA_ACCEL_REDIRECT={MEDIA_ACCEL_REDIRECT!r} must start and end with /")
MEDIA_SENDFILE = envbool("MEDIA_SENDFILE", False)
PUBLIC_PHOTO_MAX_AGE = envint("PUBLIC_PHOTO_MAX_AGE", 600, minimum=0)  # seconds; a withdrawal waits this long
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
PHOTO_MAX_BYTES = envint("PHOTO_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
PHOTO_MAX_PIXELS = envint("PHOTO_MAX_PIXELS", 50_000_000, minimum=1)

# Photo storages (inspections/storage.py): "photos_private" holds the originals, "photos" the derivatives. By
# default folders on this machine; PHOTO_STORAGE=s3 puts both in one S3-compatible bucket (AWS, MinIO, Aliyun
# OSS...), their names keep them apart (originals/…, photos/…). Objects stay private: the checked view answers
# with a redirect to a signed URL that expires after PHOTO_URL_MAX_AGE seconds.
PHOTO_STORAGE = os.environ.get("PHOTO_STORAGE", "filesystem").strip().lower()
PHOTO_URL_MAX_AGE = envint("PHOTO_URL_MAX_AGE", 300, minimum=1)


def photo_storages_on_s3() -> dict[str, dict]:
    """Both photo storages in the bucket AWS_STORAGE_BUCKET_NAME; keys from the environment, or none at all for
    boto3's own lookup (an instance role), but never only one of the two."""
    bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        raise ImproperlyConfigured("PHOTO_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    access_key = os.environ.get("AWS_ACCESS_KEY_ID", "").strip()
    secret_key = os.environ.get("AWS_SECRET_ACCESS_KEY", "").strip()
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured("PHOTO_STORAGE=s3 needs both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or neither")
    options = {
        "bucket_name": bucket,
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL", "").strip() or None,  # unset: AWS itself
        "region_name": os.environ.get("AWS_S3_REGION_NAME", "").strip() or None,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "signature_version": "s3v4",
        "default_acl": None,  # the bucket's own setting: private, and buckets that refuse ACLs still accept it
        "querystring_auth": True,
        "querystring_expire": PHOTO_URL_MAX_AGE,
        "file_overwrite": False,
    }
    return {alias: {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": dict(options)}
            for alias in ("photos_private", "photos")}


def signed_url_sources(endpoint_url: str | None) -> list[str]:
    """Where pages' <img> follow the redirect to a signed URL (the CSP's img-src): the endpoint itself (the bucket in
    the path) and its subdomains (the bucket as a subdomain, as AWS and Aliyun OSS address it)."""
    if not endpoint_url:
        return ["https://*.amazonaws.com"]
    origin = urlsplit(endpoint_url)
    return [f"{origin.scheme}://{origin.netloc}", f"{origin.scheme}://*.{origin.netloc}"]


PHOTO_URL_SOURCES: list[str] = []


if PHOTO_STORAGE == "filesystem":
    STORAGES |= {
        "photos_private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "file_permissions_mode": 0o600},
        },
        "photos": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": MEDIA_ROOT, "file_permissions_mode": 0o644},
        },
    }
elif PHOTO_STORAGE == "s3":
    if MEDIA_ACCEL_REDIRECT or MEDIA_SENDFILE:  # the web server sends files from its disk, not from a bucket
        raise ImproperlyConfigured("MEDIA_ACCEL_REDIRECT and MEDIA_SENDFILE need PHOTO_STORAGE=filesystem")
    STORAGES |= photo_storages_on_s3()
    PHOTO_URL_SOURCES = signed_url_sources(STORAGES["photos"]["OPTIONS"]["endpoint_url"])
else:
    raise ImproperlyConfigured(f"PHOTO_STORAGE={PHOTO_STORAGE!r} must be filesystem or s3")

# API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "inspections.api.authentication.RevocableJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "inspections.api.negotiation.JsonFirstNegotiation",
    "EXCEPTION_HANDLER": "inspections.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": os.environ.get("THROTTLE_LOGIN", "20/min"),
        "public": os.environ.get("THROTTLE_PUBLIC", "120/min"),
    },
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=envint("JWT_ACCESS_MINUTES", 15, minimum=1)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=envint("JWT_REFRESH_DAYS", 30, minimum=1)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": "HS256",
}
# Login protection (inspections.login_guard). The client address is REMOTE_ADDR, or with TRUSTED_PROXIES=N
# the N-th address from the right of X-Forwarded-For (each of our N proxies appends the one it saw).
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 0, minimum=0)
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXIES  # DRF's own get_ident agrees with ours
# Failed logins per username (from anywhere) and per client address (any usernames); past a limit every
# attempt is refused, even with the right password, until LOGIN_LOCKOUT_MINUTES after the last failure.
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
AUTHENTICATION_BACKENDS = ["inspections.login_guard.GuardedModelBackend"]

# The cache holds the API rate throttles and rendered public pages; it must be shared by every worker.
# CACHE_URL: unset = the database cache (table sortpatrol_cache, created by `migrate`),
# redis://host:6379/0 (or rediss://, unix://) = Redis, locmem:// = this process only (development only).
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
_cache_scheme = CACHE_URL.split("://", 1)[0].lower() if "://" in CACHE_URL else CACHE_URL.lower()
if _cache_scheme in ("", "db"):
    _cache_table = CACHE_URL.split("://", 1)[1].strip("/") if "://" in CACHE_URL else ""
    if _cache_table and not _cache_table.isidentifier():
        raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: the cache table name must be a plain identifier")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": _cache_table or "sortpatrol_cache",
            "OPTIONS": {"MAX_ENTRIES": envint("CACHE_MAX_ENTRIES", 20_000, minimum=100)},
        }
    }
elif _cache_scheme in ("redis", "rediss", "unix"):
    try:
        import redis  # noqa: F401  (Django's RedisCache needs redis-py)
    except ImportError:
        raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r} needs the redis package (pip install redis)") from None
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif _cache_scheme == "locmem":
    if not DEBUG:
        raise ImproperlyConfigured("CACHE_URL=locmem:// counts per worker process: use it with DEBUG on only")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(
        f"CACHE_URL={CACHE_URL!r} is not a cache URL (use db://, redis://host:port/db, rediss://, unix:// or locmem://)"
    )

SPECTACULAR_SETTINGS = {
    "TITLE": "SortPatrol API",
    "DESCRIPTION": "分类巡查 — sync, checklists and published rankings",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # One name per choice set shared by several serializers.
    "ENUM_NAME_OVERRIDES": {
        "PlaceKindEnum": "checklists.models.PlaceKind",
        "RegimeEnum": "checklists.models.Regime",
    },
}

# The PWA: django-pwa serves the manifest and our own service worker at root scope.
PWA_APP_NAME = "分类巡查"
PWA_APP_DESCRIPTION = "生活垃圾分类巡查 SortPatrol"
PWA_APP_THEME_COLOR = "#1b6e3c"
PWA_APP_BACKGROUND_COLOR = "#ffffff"
PWA_APP_DISPLAY = "standalone"
PWA_APP_SCOPE = "/"
PWA_APP_START_URL = "/"
PWA_APP_LANG = "zh-CN"
PWA_APP_DIR = "ltr"
PWA_APP_ORIENTATION = "any"
PWA_APP_STATUS_BAR_COLOR = "default"
PWA_APP_ICONS = [
    {"src": "/static/app/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
    {"src": "/static/app/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
    {"src": "/static/app/icons/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
]
PWA_APP_ICONS_APPLE = [{"src": "/static/app/icons/icon-192.png", "sizes": "192x192"}]
PWA_APP_SPLASH_SCREEN = []
PWA_SERVICE_WORKER_PATH = BASE_DIR / "pwa" / "sw.js"

# Field rules (SYNC.md §5–6): thresholds per place kind, in metres; clock skew in seconds.
SORTPATROL = {
    "RADIUS_M": {
        "bin_station": envint("RADIUS_BIN_STATION_M", 100, minimum=1),
        "compound": envint("RADIUS_COMPOUND_M", 300, minimum=1),
        "community": envint("RADIUS_COMMUNITY_M", 1000, minimum=1),
        "public_institution": envint("RADIUS_UNIT_M", 300, minimum=1),
        "enterprise": envint("RADIUS_UNIT_M", 300, minimum=1),
        "public_place": envint("RADIUS_UNIT_M", 300, minimum=1),
    },
    "POOR_ACCURACY_M": envint("POOR_ACCURACY_M", 50, minimum=1),
    "MAX_CLOCK_SKEW_S": envint("MAX_CLOCK_SKEW_S", 300, minimum=1),
    # A phone's outbox export imported by a street admin (photos inside as base64): the whole file at most.
    "OUTBOX_IMPORT_MAX_BYTES": envint("OUTBOX_IMPORT_MAX_BYTES", 200 * 1024 * 1024, minimum=1),
}

# Rectification deadlines (SCORING.md §5): working days on the official PRC calendar, by severity.
RECTIFICATION_DEADLINE_WORKING_DAYS = {
    "normal": envint("RECTIFICATION_DAYS_NORMAL", 5, minimum=1),
    "serious": envint("RECTIFICATION_DAYS_SERIOUS", 3, minimum=1),
}

# The monthly covert sample (plans/draw.py, docs/sampling.md): n = max(MIN, ceil(SHARE × eligible places)), at
# most all of them; then at least COMMUNITY_MIN places of every community that has eligible places.
COVERT_SAMPLE_SHARE = envdecimal("COVERT_SAMPLE_SHARE", "0.2", minimum="0", maximum="1")
COVERT_SAMPLE_MIN = envint("COVERT_SAMPLE_MIN", 1, minimum=0)
COVERT_COMMUNITY_MIN = envint("COVERT_COMMUNITY_MIN", 1, minimum=0)

# Production hardening whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Pages run only the site's own script files (no inline script or handler anywhere, the admin's included) and
# load nothing from elsewhere but photos from their bucket (PHOTO_STORAGE=s3); photos are previewed from blob: and
# data: URLs. API answers load nothing at all.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'",
    " ".join(["img-src 'self' data: blob:", *PHOTO_URL_SOURCES]),
    "connect-src 'self'", "worker-src 'self'", "manifest-src 'self'", "font-src 'self'", "object-src 'none'",
    "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
])
CONTENT_SECURITY_POLICY_API = "default-src 'none'; frame-ancestors 'none'"
# The PWA takes photos and checks the inspector's position; nothing else a browser offers is needed.
PERMISSIONS_POLICY = ", ".join([
    "camera=(self)", "geolocation=(self)", "microphone=()", "payment=()", "usb=()", "serial=()",
    "hid=()", "midi=()", "magnetometer=()", "gyroscope=()", "accelerometer=()", "display-capture=()",
    "browsing-topics=()",
])
if not DEBUG:
    # Browsers keep Secure cookies on http://localhost too, so the test suite and a local run still log in.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Off by default: the TLS-terminating reverse proxy redirects, and a bare local start stays reachable.
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    if envbool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

WHITENOISE_USE_FINDERS = STATIC_FROM_APP_FOLDERS
WHITENOISE_AUTOREFRESH = DEBUG
