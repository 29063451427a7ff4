"""Tideline settings: one module, every value read from the environment through config.env.

A fresh clone runs with no configuration: an embedded Postgres under var/ and eager Celery.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TIDELINE_VAR_DIR", str(BASE_DIR / "var")))

# development | test | production. Production refuses to start without a secret key.
TIDELINE_ENV = env_str("TIDELINE_ENV", "development")
if TIDELINE_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"TIDELINE_ENV={TIDELINE_ENV!r} must be development, test or production")

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if TIDELINE_ENV == "production":
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when TIDELINE_ENV=production")
    SECRET_KEY = "insecure-dev-key-only-for-local-use-never-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_filters",
    "django_celery_beat",
    "apps.core",
    "apps.clients",
    "apps.people",
    "apps.conversations",
    "apps.workforce",
    "apps.qa",
    "apps.contracts",
    "apps.reports",
    "apps.orders",
    "apps.intraday",
]

MIDDLEWARE = [
    "apps.core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.core.middleware.AccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.core.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.navigation.top_links",
            ],
        },
    },
]

# --- Database: DATABASE_URL, else an embedded Postgres under var/ -------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL and TIDELINE_ENV == "production":
    raise ImproperlyConfigured("DATABASE_URL must be set when TIDELINE_ENV=production (no embedded Postgres)")
if not DATABASE_URL:
    from config.embedded_db import embedded_database_url

    DATABASE_URL = embedded_database_url(VAR_DIR.parent if VAR_DIR.name == "var" else BASE_DIR)
DATABASES = {"default": parse_database_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes: five failed logins lock that username from that address for an hour (site and admin)
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "apps.core.authentication.CachedPermissionBackend"]
AXES_FAILURE_LIMIT = env_int("TIDELINE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# --- I18n: stored in UTC, shown in Asia/Shanghai; Chinese first ---------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("TIDELINE_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Uploads over this size are refused before they are read (imports, usage CSV).
TIDELINE_MAX_UPLOAD_BYTES = env_int("TIDELINE_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
# One message's text, and one physical line of an export: a row over either is refused (named by row).
TIDELINE_MAX_MESSAGE_BYTES = env_int("TIDELINE_MAX_MESSAGE_BYTES", 64 * 1024)
TIDELINE_MAX_LINE_BYTES = env_int("TIDELINE_MAX_LINE_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Key of every keyed pseudonym (buyer nicks, ids derived from them): its own secret, never derived
# from SECRET_KEY (rotating that must not change every pseudonym); required in production.
TIDELINE_PSEUDONYM_KEY = env_str("TIDELINE_PSEUDONYM_KEY")
if not TIDELINE_PSEUDONYM_KEY:
    if TIDELINE_ENV == "production":
        raise ImproperlyConfigured("TIDELINE_PSEUDONYM_KEY must be set when TIDELINE_ENV=production")
    TIDELINE_PSEUDONYM_KEY = "insecure-dev-pseudonym-key-only-for-local-use"  # noqa: S105

# --- REST framework ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.core.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.core.permissions.IsTidelineUser"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # 429 with Retry-After past these rates (per process cache); the bench's one token stays under
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("TIDELINE_THROTTLE_ANON", "60/minute"),
        "user": env_str("TIDELINE_THROTTLE_USER", "6000/minute"),
    },
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "apps.core.renderers.OrjsonRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}


def _choice_sets() -> dict[str, str]:
    """Every TextChoices class of apps/*/choices.py as {"<Class>Enum": import path}, read from the
    source (nothing is imported while settings load), so a new choice set is named without a step."""
    import re

    found = {}
    for path in sorted((BASE_DIR / "apps").glob("*/choices.py")):
        for name in re.findall(r"^class (\w+)\(models\.TextChoices\)", path.read_text(encoding="utf-8"), re.M):
            found[f"{name}Enum"] = f"apps.{path.parent.name}.choices.{name}"
    return found


SPECTACULAR_SETTINGS = {
    "TITLE": "Tideline API",
    "DESCRIPTION": "Operations suite of a customer-service BPO: contracts and billing, workforce, QA, reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files (works offline and in mainland China)
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # every choice set under its own class name (the same field name, e.g. "status", means different
    # sets in different components; without names drf-spectacular guesses and warns)
    "ENUM_NAME_OVERRIDES": _choice_sets(),
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.local_time_of_day",
    ],
}

# --- Celery: Redis when CELERY_BROKER_URL is set, else eager in-process --------------------------
_BROKER_FROM_ENV = env_str("CELERY_BROKER_URL") or ""
# With no broker, tasks run eagerly in-process. The in-memory transport needs no server; naming a host
# in its URL keeps kombu from warning "No hostname was supplied" on every eager .delay().
CELERY_BROKER_URL = _BROKER_FROM_ENV or "memory://localhost/"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or (_BROKER_FROM_ENV or None)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not _BROKER_FROM_ENV)
if TIDELINE_ENV == "production" and CELERY_TASK_ALWAYS_EAGER:
    raise ImproperlyConfigured("production needs CELERY_BROKER_URL and real workers (eager Celery refused)")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# a task whose worker process dies (OOM, SIGKILL) goes back to the queue instead of being acked failed
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 3600)
# Redis re-delivers an unacked message after the visibility timeout: keep it above the longest task
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 600}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = CELERY_BROKER_TRANSPORT_OPTIONS
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# One queue per kind of work, so a long solve or a month of reports never delays a Double 11 import.
# A worker started without -Q consumes every queue below (development, tests, a one-machine
# install); production starts a worker per queue (deploy/): `celery -A config worker -Q imports`.
TIDELINE_QUEUES = ("default", "imports", "qa", "solves", "billing", "reports")
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = {name: {"exchange": name, "routing_key": name} for name in TIDELINE_QUEUES}
CELERY_TASK_ROUTES = {
    "apps.conversations.*": {"queue": "imports"},
    "apps.qa.*": {"queue": "qa"},
    "apps.workforce.*": {"queue": "solves"},
    "contracts.*": {"queue": "billing"},
    "apps.contracts.*": {"queue": "billing"},
    "apps.reports.*": {"queue": "reports"},
}

# --- E-mail: console in development --------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "reports@tideline.example")

# LOG_FORMAT=json: one JSON object a line with the request id (apps.core.observability); deploy/ sets it.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be plain or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.core.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "apps.core.observability.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "pgserver": {"level": "WARNING"}},
}

# Bearer token for /metrics (Prometheus); without one, /metrics is closed in production.
TIDELINE_METRICS_TOKEN = env_str("TIDELINE_METRICS_TOKEN", "")

# Content-Security-Policy of every response (apps.core.middleware.ContentSecurityPolicyMiddleware):
# no inline or foreign scripts; inline style attributes stay allowed (templates and admin use them).
TIDELINE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

# Probes (load balancer, Prometheus) reach a container directly over plain http: answer them there
# rather than redirect them to https when SECURE_SSL_REDIRECT is on.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

if TIDELINE_ENV == "production":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("DJANGO_BEHIND_TLS_PROXY", False):  # the proxy terminates TLS and says so in this header
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
