"""The per-client limiter on the Django cache: fixed windows, retry-after, client addresses."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from core.ratelimit import Rate, client_ip, hit


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.clear()


@pytest.mark.parametrize(
    ("text", "count", "seconds", "label"),
    [("10/10m", 10, 600, "10분"), ("100/h", 100, 3600, "1시간"), ("5/30s", 5, 30, "30초"),
     ("3/90", 3, 90, "90초"), ("1000/1d", 1000, 86400, "1일")],
)  # fmt: skip
def test_rates_read_like_count_per_window(text: str, count: int, seconds: int, label: str) -> None:
    rate = Rate.parse(text)
    assert (rate.count, rate.seconds, rate.window_label) == (count, seconds, label)


@pytest.mark.parametrize("text", ["", "10", "ten/10m", "10/0m", "10/10w"])
def test_a_malformed_rate_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Rate.parse(text)


def test_hits_past_the_limit_are_refused_until_the_window_ends() -> None:
    rate = Rate.parse("2/10m")
    now = [1_000_020.0]
    window_start = (now[0] // 600) * 600

    def clock() -> float:
        return now[0]

    assert hit("t", "1.2.3.4", rate, clock=clock).allowed
    assert hit("t", "1.2.3.4", rate, clock=clock).allowed
    refused = hit("t", "1.2.3.4", rate, clock=clock)
    assert not refused.allowed
    assert refused.retry_after == int(window_start + 600 - now[0])
    assert hit("t", "5.6.7.8", rate, clock=clock).allowed  # per client
    assert hit("other", "1.2.3.4", rate, clock=clock).allowed  # per scope
    now[0] = window_start + 600  # the next window
    assert hit("t", "1.2.3.4", rate, clock=clock).allowed


def test_the_limiter_lets_requests_through_when_the_cache_is_down(monkeypatch) -> None:
    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "add", down)
    assert hit("t", "1.2.3.4", Rate.parse("0/1m")).allowed


def test_the_client_is_remote_addr_unless_a_trusted_proxy_forwards(settings) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.1.1.1")
    settings.RATELIMIT_TRUST_X_FORWARDED_FOR = False
    assert client_ip(request) == "10.0.0.5"
    settings.RATELIMIT_TRUST_X_FORWARDED_FOR = True
    assert client_ip(request) == "1.1.1.1"
    spoofed = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    assert client_ip(spoofed) == "203.0.113.9"  # the address our proxy saw
    junk = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="nonsense")
    assert client_ip(junk) == "10.0.0.5"
