"""Reading through the Django cache (Redis) without depending on it: when the cache is down,
the value is computed and the page still answers."""

from __future__ import annotations

import logging
import os
import time
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


def data_version(name: str) -> str:
    """A token for the data ``name`` (e.g. "catalog") that changes on every
    ``bump_version(name)``: part of the cache keys of what is computed from that data, so that
    a write shows up at once without finding and deleting each entry. A fresh token (not a
    counter) so that a token lost from the cache can never bring back entries of an old one.
    "nocache" when the cache is down (``cached`` then computes anyway)."""
    key = f"version:{name}"
    try:
        value = cache.get(key)
        if value is None:
            cache.add(key, _token(), None)  # first reader wins; kept until the next bump
            value = cache.get(key)
    except Exception:
        logger.warning("cache unavailable: no version of %s", name)
        return "nocache"
    return str(value or "nocache")


def bump_version(name: str) -> None:
    """The data ``name`` changed: what was cached under its former token is not read again."""
    try:
        cache.set(f"version:{name}", _token(), None)
    except Exception:
        logger.warning("could not bump the version of %s", name, exc_info=True)


def _token() -> str:
    return f"{time.time_ns():x}{os.getpid():x}"
