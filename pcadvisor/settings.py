"""PC Advisor settings: the one place that reads the environment.

With no environment variables set, the app runs on an embedded PostgreSQL 18 + pgvector and an
embedded Redis under ``var/`` (shared by every process). Production sets ``DATABASE_URL`` and
``REDIS_URL``. Importing this module starts no server and writes no file: it only computes where
things are. The entry points (``manage.py``, the Celery app, wsgi/asgi, pytest) call
``pcadvisor.startup.prepare_process``, which makes ``var/`` and the secret key and starts the
embedded servers.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from catalog.danawa.categories import DEFAULT_CRAWL_CATEGORIES

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


VAR_DIR = Path(env_str("PCADVISOR_VAR_DIR", str(BASE_DIR / "var"))).resolve()

# Embedded default: a random key kept under var/ (never committed), made by the entry points
# (pcadvisor.startup) on the first start. Until then the setting is empty, which Django refuses
# to use rather than signing with a made-up key.
SECRET_KEY_FILE = None if env_str("DJANGO_SECRET_KEY") else VAR_DIR / "secret_key"


def _secret_key() -> str:
    if SECRET_KEY_FILE is None:
        return env_str("DJANGO_SECRET_KEY")
    try:
        return SECRET_KEY_FILE.read_text().strip()
    except FileNotFoundError:
        return ""


SECRET_KEY = _secret_key()
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc served by us: pages load nothing from other hosts
    "django_celery_beat",
    "csp",
    "pcadvisor",
    "catalog",
    "pricing",
    "trends",
    "similarity",
    "recommend",
    "analyze",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before any body is read: an expensive request over its client's limit costs nothing.
    "pcadvisor.ratelimits.RateLimitMiddleware",
    # Before anything parses a body: a search photo is received in memory only, never in a
    # temporary file (similarity.uploads).
    "similarity.uploads.PhotoUploadMiddleware",
    # Before sessions and users: a NUL byte must not reach a database lookup.
    "pcadvisor.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

AUTHENTICATION_BACKENDS = ["pcadvisor.authentication.NulSafeModelBackend"]

ROOT_URLCONF = "pcadvisor.urls"
WSGI_APPLICATION = "pcadvisor.wsgi.application"
ASGI_APPLICATION = "pcadvisor.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pcadvisor.context_processors.site",
            ],
        },
    },
]

# --------------------------------------------------------------------------- database

DATABASE_URL = env_str("DATABASE_URL")
EMBEDDED_POSTGRES = not DATABASE_URL
if DATABASE_URL:
    import dj_database_url

    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    from core.embedded import postgres_info

    # Where the server listens; prepare_process starts it (and corrects HOST in place if the
    # socket had to go elsewhere).
    DATABASES = {"default": postgres_info(VAR_DIR).django_settings()}
DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str(
    "DATABASE_TEST_NAME", "test_pcadvisor"
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --------------------------------------------------------------------------- HTTPS, cookies, headers

# Production serves HTTPS (usually behind a proxy). ``DJANGO_HTTPS`` switches on the redirect,
# HSTS and secure cookies at once; each can also be set on its own. Its default is on when DEBUG
# is off and the database is external (``DATABASE_URL``: production), off for the embedded
# default, which serves plain HTTP on 127.0.0.1. ``manage.py check --deploy`` with production's
# variables reports nothing (tests/test_deploy_check.py).
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG and bool(DATABASE_URL))
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", HTTPS)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", HTTPS)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"


def _proxy_ssl_header(raw: str) -> tuple[str, str] | None:
    """``"X-Forwarded-Proto: https"`` -> ``("HTTP_X_FORWARDED_PROTO", "https")``. Only set this
    when a proxy you run strips the header from clients' requests and sets it itself."""
    if not raw.strip():
        return None
    name, sep, value = raw.partition(":")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value or any(c.isspace() for c in name):
        raise ImproperlyConfigured(
            f"DJANGO_SECURE_PROXY_SSL_HEADER must look like 'X-Forwarded-Proto: https', got {raw!r}"
        )
    return "HTTP_" + name.upper().replace("-", "_"), value


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env_str("DJANGO_SECURE_PROXY_SSL_HEADER"))
# Behind a proxy, the client's address for rate limits comes from X-Forwarded-For only when
# RATELIMIT_TRUST_X_FORWARDED_FOR (below) says the proxy is trusted.

# Pages load nothing from other hosts, so the policy allows only the site's own scripts, styles,
# images and fonts (and data: images: the thumbnail of a searched photo is never stored). Style
# *attributes* (bar widths such as style="width: 42%") are allowed; <style> elements and scripts
# must come from our static files: no inline script anywhere (tests/test_security_headers.py).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Features no page uses are switched off for the page and anything it could embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
}
# Static files are ours alone: no Access-Control-Allow-Origin: * (WhiteNoise's default).
WHITENOISE_ALLOW_ALL_ORIGINS = False

# --------------------------------------------------------------------------- redis, cache, celery

REDIS_URL = env_str("REDIS_URL")
EMBEDDED_REDIS = not REDIS_URL
REDIS_DB_BROKER = env_int("REDIS_DB_BROKER", 0)
REDIS_DB_CACHE = env_int("REDIS_DB_CACHE", 1)
if REDIS_URL:
    _base = REDIS_URL.rstrip("/")
    if _base.rsplit("/", 1)[-1].isdigit():
        _base = _base.rsplit("/", 1)[0]
    CELERY_BROKER_URL = f"{_base}/{REDIS_DB_BROKER}"
    CACHE_REDIS_URL = f"{_base}/{REDIS_DB_CACHE}"
else:
    from core.embedded import redis_info

    _redis = redis_info(VAR_DIR)
    CELERY_BROKER_URL = _redis.kombu_url(REDIS_DB_BROKER)
    CACHE_REDIS_URL = _redis.url(REDIS_DB_CACHE)
CELERY_RESULT_BACKEND = CELERY_BROKER_URL

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "pcadvisor"),
        "TIMEOUT": 600,
    }
}

CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Asia/Seoul"
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = 7 * 24 * 3600
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redelivery. A task is acknowledged when it ends (acks_late on every task that must not be
# lost; each is idempotent, tested twice over in the apps' test_redelivery.py). When a worker's
# pool process dies under a task, the task goes back to the queue at once (reject on worker
# lost) instead of being acknowledged as failed. When the whole worker dies (SIGKILL, out of
# memory), Redis hands its unacknowledged tasks out again once they are older than the
# visibility timeout: 2 hours, longer than the longest task (a full price-history import or a
# training run, minutes on 2 cores), so that a task still running is never delivered a second
# time. A worker checks for such tasks every 10 s (restore interval, throttle 1): a lost task
# starts again at most about 2 h 10 s after it was received. Meanwhile the lease sweep
# (catalog.services.sweep_lapsed, every minute) has marked its job failed with the reason; the
# redelivered task takes the job back and ends it.
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # only acts on acks_late tasks
CELERY_VISIBILITY_TIMEOUT_SECONDS = env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 2 * 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT_SECONDS,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ROUTES = {
    "catalog.tasks.crawl_*": {"queue": "crawl"},
    "analyze.tasks.crawl_*": {"queue": "crawl"},
    "catalog.tasks.import_*": {"queue": "default"},
    "catalog.tasks.sweep_*": {"queue": "default"},
    "pricing.tasks.*": {"queue": "ml"},
    "similarity.tasks.*": {"queue": "ml"},
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# --------------------------------------------------------------------------- i18n, static, media

# Korean first: pages are written in Korean, so the browser's Accept-Language is not consulted.
LANGUAGE_CODE = "ko"
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"  # made by prepare_process (WhiteNoise warns when absent)
STATICFILES_DIRS = [BASE_DIR / "pcadvisor" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media"))).resolve()
MODEL_DIR = Path(env_str("MODEL_DIR", str(VAR_DIR / "models"))).resolve()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
SERVE_MEDIA = env_bool("PCADVISOR_SERVE_MEDIA", True)

# --------------------------------------------------------------------------- DRF

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["pcadvisor.api_permissions.IsStaffOrReadOnly"],
    # Basic first: a write without credentials, or with wrong ones, is a 401 that says how to
    # authenticate (WWW-Authenticate: Basic realm="api"); DRF answers 403 when the first
    # authenticator (session) has no challenge. A signed-in non-staff write is a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pcadvisor.authentication.BasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON bodies only (the schema then promises nothing a form body cannot express: nulls,
    # lists); the photo search takes multipart itself. The HTML forms are Django views.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # ?page= as on the HTML lists, ?page_size= up to 200 (core.pagination)
    "DEFAULT_PAGINATION_CLASS": "core.pagination.SitePagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, plus anonymous access and the shared error answers (api_schema.py)
    "DEFAULT_SCHEMA_CLASS": "pcadvisor.api_schema.AutoSchema",
    # Korean 404s instead of Django's "No Product matches the given query."
    "EXCEPTION_HANDLER": "pcadvisor.api_errors.exception_handler",
}
# A Korean page in the site's layout (Django's own mentions DEBUG=True).
CSRF_FAILURE_VIEW = "pcadvisor.views.csrf_failure"
SPECTACULAR_SETTINGS = {
    "TITLE": "PC Advisor API",
    "DESCRIPTION": "데스크톱 PC 적정가·구매 시점·유사 상품·용도별 추천 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Two "kind" fields with different choices: name both enums instead of a hashed suffix.
    "ENUM_NAME_OVERRIDES": {
        "CategoryKindEnum": "catalog.models.CategoryKind",
        "PricedKindEnum": ["desktop", "laptop"],
        # the trends verdict: the forecast's and the one shown (trends API, analysis)
        "TrendVerdictEnum": ["buy", "wait", "neutral"],
    },
}

# --------------------------------------------------------------------------- Danawa crawler

DANAWA_USER_AGENT = env_str(
    "DANAWA_USER_AGENT", "PCAdvisorBot/0.1 (+https://github.com/pcadvisor; price research)"
)
DANAWA_DELAY_SECONDS = env_float("DANAWA_DELAY_SECONDS", 1.0)
DANAWA_TIMEOUT_SECONDS = env_float("DANAWA_TIMEOUT_SECONDS", 10.0)
DANAWA_MAX_RETRIES = env_int("DANAWA_MAX_RETRIES", 4)
DANAWA_BACKOFF_SECONDS = env_float("DANAWA_BACKOFF_SECONDS", 1.0)
DANAWA_CATEGORIES = env_list("DANAWA_CATEGORIES", ",".join(DEFAULT_CRAWL_CATEGORIES))
DANAWA_MAX_PAGES = env_int("DANAWA_MAX_PAGES", 20)
# Tests point the crawler at a loopback fake server; production leaves this empty.
DANAWA_BASE_OVERRIDE = env_str("DANAWA_BASE_OVERRIDE", "")

# --------------------------------------------------------------------------- front door (analyze)

# New crawls of products not priced today, per client: "<count>/<window>" (s, m, h or d).
DOOR_CRAWL_RATE = env_str("DOOR_CRAWL_RATE", "10/10m")
if not re.fullmatch(r"\s*[1-9][0-9]*\s*/\s*([1-9][0-9]*)?\s*[smhd]?\s*", DOOR_CRAWL_RATE):
    raise ImproperlyConfigured(f"DOOR_CRAWL_RATE must look like 10/10m, got {DOOR_CRAWL_RATE!r}")
# How long one crawl on demand may take (the task's soft limit; the progress page says
# "시간 초과" once a request is older than this plus the task's hard-limit margin).
DOOR_CRAWL_TIME_LIMIT_SECONDS = env_int("DOOR_CRAWL_TIME_LIMIT_SECONDS", 60)
if DOOR_CRAWL_TIME_LIMIT_SECONDS < 5:
    raise ImproperlyConfigured("DOOR_CRAWL_TIME_LIMIT_SECONDS must be at least 5")
# Rate limits read X-Forwarded-For only behind a proxy that sets it (see core.ratelimit).
RATELIMIT_TRUST_X_FORWARDED_FOR = env_bool("RATELIMIT_TRUST_X_FORWARDED_FOR", False)
# The expensive endpoints' limits per client (pcadvisor/ratelimits.py): count/window.
RATE_LIMITS = {
    name: env_str(f"RATE_LIMIT_{name.upper().replace('-', '_')}", default)
    for name, default in (
        ("photo-search", "30/m"),
        ("estimate", "60/m"),
        ("admin-login", "10/10m"),
        # new LLM reasons asked for by one visitor's recommendation pages (over it: templates)
        ("llm-reasons", "100/10m"),
    )
}
for _name, _rate in RATE_LIMITS.items():
    if not re.fullmatch(r"\s*[1-9][0-9]*\s*/\s*([1-9][0-9]*)?\s*[smhd]?\s*", _rate):
        raise ImproperlyConfigured(f"RATE_LIMIT_{_name.upper()} must look like 30/m, got {_rate!r}")

# --------------------------------------------------------------------------- LLM

OLLAMA_HOST = env_str("OLLAMA_HOST", "http://127.0.0.1:11434")
OLLAMA_MODEL = env_str("OLLAMA_MODEL", "exaone3.5:7.8b")
# one reason request (the Celery task waits at most this long); /healthz waits much less
OLLAMA_TIMEOUT_SECONDS = env_float("OLLAMA_TIMEOUT_SECONDS", 30.0)
OLLAMA_HEALTH_TIMEOUT_SECONDS = env_float("OLLAMA_HEALTH_TIMEOUT_SECONDS", 1.0)
OLLAMA_KEEP_ALIVE = env_str("OLLAMA_KEEP_ALIVE", "30m")  # how long Ollama keeps the model loaded

# --------------------------------------------------------------------------- logging

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Control characters from clients (paths, user names, headers) are escaped: one event, one
    # line (pcadvisor/log_safety.py).
    "filters": {"escape": {"()": "pcadvisor.log_safety.EscapeControlCharacters"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["escape"]}
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        app: {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False}
        for app in (
            "pcadvisor",
            "catalog",
            "pricing",
            "trends",
            "similarity",
            "recommend",
            "analyze",
        )
    },
}
