"""Reading through the Django cache (Redis) without depending on it: when the cache is down,
the value is computed and the page still answers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

logger = logging.getLogger(__name__)
T = TypeVar("T")


def cached(key: str, seconds: int, compute: Callable[[], T], *, refresh: bool = False) -> T:
    """The value cached under ``key``, or ``compute()`` stored for ``seconds`` on a miss (or
    when ``refresh``). ``None`` is never cached: compute a sentinel such as 0 for "nothing"."""
    if not refresh:
        try:
            value = cache.get(key)
        except Exception:
            logger.warning("cache unavailable: computing %s", key)
            return compute()
        if value is not None:
            return value
    value = compute()
    try:
        cache.set(key, value, seconds)
    except Exception:
        logger.warning("could not cache %s", key, exc_info=True)
    return value
