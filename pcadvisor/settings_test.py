"""Test settings: the same real PostgreSQL and Redis, kept apart from the running product.

Celery uses other Redis databases than the product, so a worker started by the run command
never takes a test's task (and the reverse); media go to a throw-away folder.
"""

import tempfile
from pathlib import Path

from pcadvisor.settings import *  # noqa: F403
from pcadvisor.settings import (
    CACHE_REDIS_URL,
    CELERY_BROKER_URL,
    EMBEDDED_REDIS,
    REDIS_DB_BROKER,
    REDIS_DB_CACHE,
)

_TEST_BROKER_DB, _TEST_CACHE_DB = 14, 15


def _swap_db(url: str, old: int, new: int) -> str:
    if EMBEDDED_REDIS:
        return url.replace(f"virtual_host={old}", f"virtual_host={new}").replace(
            f"db={old}", f"db={new}"
        )
    return url.rsplit("/", 1)[0] + f"/{new}"


CELERY_BROKER_URL = _swap_db(CELERY_BROKER_URL, REDIS_DB_BROKER, _TEST_BROKER_DB)
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _swap_db(CACHE_REDIS_URL, REDIS_DB_CACHE, _TEST_CACHE_DB),
        "KEY_PREFIX": "pcadvisor-test",
    }
}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="pcadvisor-test-media-"))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DANAWA_DELAY_SECONDS = 0.0
DANAWA_BACKOFF_SECONDS = 0.01
DANAWA_TIMEOUT_SECONDS = 2.0

# Every test client is one address (127.0.0.1): the expensive endpoints' per-client limits would
# turn a test's tenth upload into a 429. tests/test_rate_limits.py sets tight ones itself.
RATE_LIMITS = {name: "1000000/1d" for name in RATE_LIMITS}  # noqa: F405
