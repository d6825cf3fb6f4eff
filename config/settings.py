"""Settings for the Global Pledge Tracker: one file, driven by the environment.

Defaults suit a laptop or the demo (SQLite, an in-process cache). Production sets
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL; see README.md.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_database, env_int, env_list, env_redis_url, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)
DEMO_MODE = env_bool("DEMO_MODE", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address of the site (scheme, host and port, no path): the embed snippet, the
# permalinks, citations, the export README and invitation mails are built from it. The demo
# and `make serve` set it from their PORT; production must set it (no guess from a request).
SITE_URL = env_str("SITE_URL").strip().rstrip("/")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL must be set when DEBUG is off: the public address, e.g. "
            "https://pledge.example.org (README.md, Configuration)."
        )
    SITE_URL = "http://127.0.0.1:8000"
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must start with http:// or https://.")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",  # lists each staff member's sessions, so others can be ended
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "corsheaders",
    "django_tasks",
    "django_tasks_db",
    "csp",
    # Our apps, in layers (docs/architecture.md): pledges is the core; campaign and drafting
    # (children's co-drafting) build on it; staff (the workspace) and dashboards (the public
    # face) sit on the domain, side by side.
    "pledges",
    "campaign",
    "drafting",
    "staff",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Outside the session and locale middleware: keeps their per-visitor headers off the
    # public snapshot, as the WSGI fast path sends it (dashboards/snapshot_http.py).
    "dashboards.snapshot_http.SnapshotResponseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "config.middleware.NotFoundPageMiddleware",
    "staff.middleware.MFARequiredMiddleware",
    "staff.middleware.PermissionDeniedLogMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # staff/templates is listed too, ahead of the apps: its account/ and allauth/ templates
        # override allauth's own, and app directories are searched in INSTALLED_APPS order
        # (allauth before staff).
        "DIRS": [BASE_DIR / "config" / "templates", BASE_DIR / "staff" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
                "config.context_processors.language_links",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default, tuned for concurrent writers: WAL lets readers and a writer work at
# once, the busy timeout waits for a lock instead of failing, and IMMEDIATE transactions
# take the write lock up front so two writers never deadlock on a lock upgrade.
SQLITE_PATH = Path(env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")))
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        default={
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
        },
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=10000;"
            "PRAGMA foreign_keys=ON"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
    }
    DATABASES["default"].setdefault("TEST", {})
    # `make mutants` (docs/testing.md): a test database in a file, kept between the runs
    # (pytest --reuse-db), so each mutant's test run skips the migrations.
    if env_str("SQLITE_TEST_PATH", ""):
        DATABASES["default"]["TEST"]["NAME"] = env_str("SQLITE_TEST_PATH", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks (issue 13): Django's tasks API through the django-tasks backport ----
# The database backend needs no other server: `manage.py db_worker` runs the tasks (started
# by `make demo` and `make serve` beside the web server; see README "Imports"). Tests use
# the immediate backend (the task runs at once, in the request).
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "gpt"),
            "TIMEOUT": 60 * 60 * 24,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "gpt-default",
            "TIMEOUT": 60 * 60 * 24,
        }
    }

# --- Accounts (django-allauth, invitation only; see staff/adapters.py) ----------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "staff.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Global Pledge Tracker"
# URL names, not paths: the pages are under the visitor's language prefix (/fr/staff/).
# Accounts are staff accounts: sign-in lands in the workspace.
LOGIN_REDIRECT_URL = "staff:staff_home"
LOGIN_URL = "account_login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", default=60 * 60 * 8, minimum=300)
SESSION_SAVE_EVERY_REQUEST = True  # expiry counts from the last request: inactivity timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation: the six UN languages -----------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ru", _("Russian")),
    ("zh-hans", _("Chinese")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Evidence documents are private (who may open one is checked on every request): they live
# outside MEDIA_ROOT and are served only by the evidence view at EVIDENCE_URL. To keep them
# in an S3-compatible bucket instead, see README.md, "Evidence files".
EVIDENCE_ROOT = Path(env_str("EVIDENCE_ROOT", str(BASE_DIR / "var" / "evidence")))
EVIDENCE_URL = "/evidence/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": EVIDENCE_ROOT,
            "base_url": EVIDENCE_URL,
            "file_permissions_mode": 0o640,
            "directory_permissions_mode": 0o750,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Evidence in an S3-compatible bucket instead (django-storages, the `s3` extra):
# boto3 reads the credentials itself (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the
# machine's role), so no secret passes through these settings.
EVIDENCE_S3_BUCKET = env_str("EVIDENCE_S3_BUCKET")
if EVIDENCE_S3_BUCKET:
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            "EVIDENCE_S3_BUCKET is set but django-storages is not installed: install the "
            "s3 extra of pyproject.toml (README.md, Evidence files)."
        )
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "endpoint_url": env_str("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": env_str("EVIDENCE_S3_REGION") or None,
            "location": env_str("EVIDENCE_S3_PREFIX", "evidence"),
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
WHITENOISE_MAX_AGE = 60 * 60  # unhashed files; hashed ones get a year automatically
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
EVIDENCE_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SNAPSHOT_DIR = Path(env_str("SNAPSHOT_DIR", str(BASE_DIR / "var" / "snapshot")))

# --- Security headers (SAFEGUARDING SEC-01..03) -------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A child's form refused by the CSRF check comes back with their words in it (issue 10).
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
PERMISSIONS_POLICY = "geolocation=(), camera=(), microphone=(), payment=(), usb=()"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of us append to X-Forwarded-For (SEC-07); 0 trusts none.
TRUSTED_PROXY_DEPTH = env_int("TRUSTED_PROXY_DEPTH", default=0, minimum=0)

# Content-Security-Policy without unsafe-inline/unsafe-eval: scripts carry a nonce.
# plotly.js draws with inline styles it sets from script (CSSOM), which CSP allows; it does
# not need 'unsafe-eval' in the geo bundle.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # blob: plotly's PNG download of the map draws its SVG into an image from a blob URL
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

CORS_URLS_REGEX = r"^/(api/v1|data)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Global Pledge Tracker <noreply@localhost>")

# --- REST framework ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Global Pledge Tracker open data API",
    "DESCRIPTION": "Read-only, verified public data about states' pledges on children's "
    "online safety, national strategies and the WeProtect Model National Response.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Product settings -------------------------------------------------------------------------
CHILD_DATA_RETENTION_DAYS = env_int("CHILD_DATA_RETENTION_DAYS", default=90, minimum=1)
SMALL_GROUP_THRESHOLD = 5

# --- Staff accounts and security (issue 3, part A; SAFEGUARDING AUTH-01..05, AUD-04) ----------
# TOTP secrets and recovery-code seeds are encrypted at rest with a key derived from
# SECRET_KEY (staff/adapters.py); SECRET_KEY_FALLBACKS still decrypt after a key rotation.
MFA_ADAPTER = "staff.adapters.MFAAdapter"
# Demo accounts (@demo.invalid) may skip MFA only when both DEMO_MODE and DEBUG are on;
# with DEBUG off (production) nobody is waived, whatever DEMO_MODE says.
MFA_DEMO_WAIVER = DEMO_MODE and DEBUG
# Login rate limits, counted in the default cache (Redis in production, shared by all
# workers): 5 failed attempts per account per 5 minutes, 10 failures a minute per address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
# Tell staff by email when their password or two-factor authentication changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Invitation links are allauth password-reset keys: valid for 3 days, usable once.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24 * 3, minimum=600)
# --- Open data: API and downloads (issue 5) -------------------------------------------------
# Anonymous API clients are throttled per address on the shared cache (DRF answers 429 with
# Retry-After); the address is taken from X-Forwarded-For only to TRUSTED_PROXY_DEPTH.
API_ANON_THROTTLE_RATE = env_str("API_ANON_THROTTLE_RATE", "120/min")
API_CACHE_MAX_AGE = env_int("API_CACHE_MAX_AGE", default=60, minimum=0)
# Anonymous public HTML (issue 12): how long a CDN or browser may keep a page, then serve it
# stale while it fetches a fresh one (or while the site is down). A page is rebuilt with
# each snapshot; its ETag lets a revalidation answer 304.
# max-age for browsers (0: they revalidate, a 304, so a reload shows a verified change at
# once), s-maxage for a CDN or shared proxy.
PUBLIC_PAGE_MAX_AGE = env_int("PUBLIC_PAGE_MAX_AGE", default=0, minimum=0)
PUBLIC_PAGE_SHARED_MAX_AGE = env_int("PUBLIC_PAGE_SHARED_MAX_AGE", default=60, minimum=0)
PUBLIC_PAGE_STALE_WHILE_REVALIDATE = env_int(
    "PUBLIC_PAGE_STALE_WHILE_REVALIDATE", default=300, minimum=0
)
PUBLIC_PAGE_STALE_IF_ERROR = env_int("PUBLIC_PAGE_STALE_IF_ERROR", default=86_400, minimum=0)
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_DEPTH
# Swagger UI must not call the public validator service (a third-party host).
SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"] = {"deepLinking": True, "validatorUrl": None}
# Dated releases of the downloads (CSV zip, XLSX, JSON), one folder per snapshot as-of time.
EXPORTS_DIR = Path(env_str("EXPORTS_DIR", str(BASE_DIR / "var" / "exports")))
# Names of the enums in the API schema (several fields are called "status").
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "PledgeStatusEnum": "dashboards.api.serializers.PLEDGE_STATUS_VALUES",
    "PledgeStatusOrNoInformationEnum": "dashboards.api.serializers.PLEDGE_STATUS_CHOICES",
    "CapabilityStatusEnum": "dashboards.api.serializers.CAPABILITY_STATUS_VALUES",
    "StrategyStatusEnum": "dashboards.api.serializers.STRATEGY_STATUS_VALUES",
}
# History keeps the "why" of every change as text: staff may write 300 characters, a return
# comment 2,000 and an import "Imported from <file name>, line N"; simple-history's default
# varchar(100) made PostgreSQL answer 500 where SQLite silently kept them.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# The admin's history pages show every change; "revert to this version" would be a door that
# saves past the services (and past four eyes): it is off.
SIMPLE_HISTORY_REVERT_DISABLED = True
