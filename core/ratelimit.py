"""A small per-client rate limiter on the Django cache (Redis): fixed windows.

``Rate.parse("10/10m")`` is 10 hits per 10 minutes. ``hit(scope, key, rate)`` counts one hit
of ``key`` (a client, see ``client_ip``) in the current window of ``scope`` and answers whether
it is allowed and, when it is not, after how many seconds the window ends (``retry_after``).
The counter is one atomic ``INCR`` per hit, so concurrent requests never slip past the limit.
When the cache is down the hit is allowed (a broken Redis must not lock everyone out) and a
warning is logged.

``client_ip(request)`` is ``REMOTE_ADDR``; ``X-Forwarded-For`` is read only when the setting
``RATELIMIT_TRUST_X_FORWARDED_FOR`` says a trusted proxy in front of the app sets it (then its
last address is the one that proxy saw; earlier ones may be made up by the client).
"""

from __future__ import annotations

import ipaddress
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)

_RATE_RE = re.compile(r"^\s*([0-9]+)\s*/\s*([0-9]*)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    """``count`` hits per ``seconds``."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``"10/10m"``, ``"100/h"``, ``"5/30s"``, ``"1000/1d"``, ``"3/60"`` (seconds).
        Raises ``ValueError`` on anything else, or a zero window."""
        match = _RATE_RE.match(text or "")
        if not match:
            raise ValueError(f"rate must look like 10/10m, got {text!r}")
        count, amount, unit = int(match.group(1)), match.group(2), match.group(3)
        seconds = int(amount or 1) * _UNIT_SECONDS[unit]
        if seconds <= 0:
            raise ValueError(f"rate window must be positive, got {text!r}")
        return cls(count=count, seconds=seconds)

    @property
    def window_label(self) -> str:
        """The window in Korean: ``10분``, ``1시간``, ``30초``, ``1일``."""
        for unit, label in ((86400, "일"), (3600, "시간"), (60, "분")):
            if self.seconds % unit == 0:
                return f"{self.seconds // unit}{label}"
        return f"{self.seconds}초"


@dataclass(frozen=True)
class Decision:
    """The answer to one hit: ``allowed``; when not, ``retry_after`` seconds (≥ 1)."""

    allowed: bool
    count: int
    rate: Rate
    retry_after: int = 0


def hit(scope: str, key: str, rate: Rate, *, clock: Callable[[], float] = time.time) -> Decision:
    """Count one hit of ``key`` in ``scope`` (e.g. "door-crawl") under ``rate``."""
    now = clock()
    window = int(now // rate.seconds)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    try:
        # add() is a no-op when the key exists: the first hit of a window creates the counter
        # with the window's lifetime, every hit increments it atomically.
        cache.add(cache_key, 0, timeout=rate.seconds + 1)
        count = cache.incr(cache_key)
    except Exception:
        logger.warning("rate limiter: cache unavailable, allowing %s %s", scope, key)
        return Decision(allowed=True, count=0, rate=rate)
    if count <= rate.count:
        return Decision(allowed=True, count=count, rate=rate)
    retry_after = max(1, math.ceil((window + 1) * rate.seconds - now))
    return Decision(allowed=False, count=count, rate=rate, retry_after=retry_after)


def client_ip(request: HttpRequest) -> str:
    """The client's address (see the module docstring); "unknown" when there is none."""
    if getattr(settings, "RATELIMIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip() if forwarded else ""
        if _is_ip(last):
            return last
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _is_ip(remote) else "unknown"


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
