"""Settings for OCOP Market, read from the environment.

The embedded default needs nothing: SQLite under var/, eager Celery tasks, local media, local-memory cache.
Production sets DATABASE_URL (PostgreSQL), REDIS_URL (cache + broker), SECRET_KEY and ALLOWED_HOSTS.
Every variable is listed in the README's settings table.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see README, Settings).")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public host used in GS1 Digital Link URIs printed on QR stamps and in e-mails.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Applications -------------------------------------------------------------------------------
# Ordered by floor (see ARCHITECTURE.md): lower floors first.
PROJECT_APPS = [
    "marketplace.core",
    "marketplace.geo",
    "marketplace.accounts",
    "marketplace.producers",
    "marketplace.catalog",
    "marketplace.inventory",
    "catalog_sync",
    "traceability",
    "marketplace.orders",
    "marketplace.checkout",
    "marketplace.payments",
    "storefront_theme",
    "marketplace.demo",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "graphene_django",
    "django_celery_beat",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "marketplace.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages shrink ~5× on slow rural networks; Django pads compressed bodies randomly against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "storefront_theme.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "marketplace.accounts.middleware.BearerTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'ocop.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the dev server read while a sync writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if IS_POSTGRES:
    INSTALLED_APPS.insert(INSTALLED_APPS.index("graphene_django"), "django.contrib.postgres")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "storefront:login"

# --- Cache, Celery ------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "ocop"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ocop"}}
    # One process on the embedded default: a per-process cache is shared enough for rate limits.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or None
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {}  # apps add their periodic tasks in their AppConfig.ready()
# Registry sync (catalog_sync): the snapshot delist guard, the HTTP client, the expiry notice lead time.
REGISTRY_SYNC_MAX_DELIST_RATIO = float(os.environ.get("REGISTRY_SYNC_MAX_DELIST_RATIO", "0.10"))
REGISTRY_SYNC_LOCK_TIMEOUT = env_int("REGISTRY_SYNC_LOCK_TIMEOUT", 3600)
REGISTRY_HTTP_CONNECT_TIMEOUT = float(os.environ.get("REGISTRY_HTTP_CONNECT_TIMEOUT", "5"))
REGISTRY_HTTP_READ_TIMEOUT = float(os.environ.get("REGISTRY_HTTP_READ_TIMEOUT", "30"))
REGISTRY_HTTP_RETRIES = env_int("REGISTRY_HTTP_RETRIES", 3)
REGISTRY_HTTP_BACKOFF = float(os.environ.get("REGISTRY_HTTP_BACKOFF", "0.5"))
REGISTRY_EXPIRY_NOTICE_DAYS = env_int("REGISTRY_EXPIRY_NOTICE_DAYS", 30)

# --- I18n, time ---------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OCOP Market <no-reply@ocop.local>")

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # GraphiQL and the storefront's small scripts read it
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
RATELIMIT_VIEW = "marketplace.core.views.rate_limited"
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)

# --- GraphQL ------------------------------------------------------------------------------------
GRAPHENE = {"SCHEMA": "marketplace.api.schema", "ATOMIC_MUTATIONS": False}
GRAPHQL_MAX_DEPTH = env_int("GRAPHQL_MAX_DEPTH", 10)
GRAPHQL_MAX_COST = env_int("GRAPHQL_MAX_COST", 50_000)
GRAPHQL_MAX_PAGE_SIZE = env_int("GRAPHQL_MAX_PAGE_SIZE", 100)
GRAPHQL_RATE_LIMIT = os.environ.get("GRAPHQL_RATE_LIMIT", "600/m")
LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10/m")
API_TOKEN_MAX_AGE = env_int("API_TOKEN_MAX_AGE", 30 * 24 * 3600)

# --- Payments -----------------------------------------------------------------------------------
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")  # tests point the real client at a local server
# Checkout, shipping, bank transfer, settlement (issue 6)
CHECKOUT_RESERVATION_MINUTES = env_int("CHECKOUT_RESERVATION_MINUTES", 20)
CHECKOUT_ABANDONED_DAYS = env_int("CHECKOUT_ABANDONED_DAYS", 30)  # carts untouched this long (no order) are deleted
# Home delivery per producer parcel: weight bands (up to N grams) × zone (same province / same region / far).
SHIPPING_WEIGHT_BANDS = [
    (500, {"local": 18_000, "region": 25_000, "far": 32_000}),
    (1_000, {"local": 22_000, "region": 30_000, "far": 38_000}),
    (2_000, {"local": 28_000, "region": 38_000, "far": 48_000}),
    (5_000, {"local": 38_000, "region": 52_000, "far": 68_000}),
]
SHIPPING_EXTRA_PER_KG = {"local": 5_000, "region": 8_000, "far": 11_000}  # above the last band, per started kg
SHIPPING_FREE_THRESHOLD = env_int("SHIPPING_FREE_THRESHOLD", 500_000)  # parcel subtotal (đồng) shipping free from
# The platform's receiving account. A placeholder only on the DEBUG demo: production must never show customers an
# account nobody owns, so without these settings the bank-transfer option is not offered.
BANK_TRANSFER_BIN = os.environ.get("BANK_TRANSFER_BIN", "970436" if DEBUG else "")  # NAPAS BIN (970436 = Vietcombank)
BANK_TRANSFER_ACCOUNT = os.environ.get("BANK_TRANSFER_ACCOUNT", "0011000000000" if DEBUG else "")
BANK_TRANSFER_ACCOUNT_NAME = os.environ.get("BANK_TRANSFER_ACCOUNT_NAME", "HTX OCOP MARKET (DEMO)" if DEBUG else "")
PLATFORM_COMMISSION_BP = env_int("PLATFORM_COMMISSION_BP", 800)  # default commission, basis points (8 %)
ORDER_LOOKUP_RATE_LIMIT = os.environ.get("ORDER_LOOKUP_RATE_LIMIT", "30/m")
CHECKOUT_CREATE_RATE_LIMIT = os.environ.get("CHECKOUT_CREATE_RATE_LIMIT", "60/m")  # new carts per client IP

# --- Logging ------------------------------------------------------------------------------------
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "marketplace.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Site ---------------------------------------------------------------------------------------
SHOP_NAME = os.environ.get("SHOP_NAME", "Chợ OCOP")
DEMO_ADMIN_EMAIL = "admin@ocop.local"
DEMO_ADMIN_PASSWORD = "ocop-demo-2026"  # noqa: S105 - demo data only, printed by `make run`
# Traceability (GS1 Digital Link pages, scan log, anti-counterfeit).
TRACEABILITY_PAGE_TTL = env_int("TRACEABILITY_PAGE_TTL", 600)  # seconds a rendered lot page stays cached
TRACEABILITY_MAX_SCANS_PER_SERIAL = env_int("TRACEABILITY_MAX_SCANS_PER_SERIAL", 20)
TRACEABILITY_MAX_TRAVEL_KMH = env_int("TRACEABILITY_MAX_TRAVEL_KMH", 300)
TRACEABILITY_SCAN_BUFFER = env_bool("TRACEABILITY_SCAN_BUFFER", True)  # buffer scans in Redis when REDIS_URL is set
TRACEABILITY_TAG_KEY = os.environ.get("TRACEABILITY_TAG_KEY", "")
TRACEABILITY_SCAN_BATCH = env_int("TRACEABILITY_SCAN_BATCH", 20)  # scans a worker keeps before one RPUSH
TRACEABILITY_LOCAL_TTL = float(os.environ.get("TRACEABILITY_LOCAL_TTL", "1"))  # per-worker memory copy, seconds
TRACEABILITY_RATE_LIMIT = os.environ.get(
    "TRACEABILITY_RATE_LIMIT", "600/m"
)  # code look-ups per client IP  # defaults to a key derived from SECRET_KEY
