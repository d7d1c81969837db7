"""Fixtures of the front door's tests: the loopback fake Danawa behind settings (as a worker
would see it), Celery run eagerly, and no rate-limit counts left over from another test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from catalog.benchmarks import reset_matcher
from catalog.tests.fake_danawa import FakeDanawa, fake_danawa_fixture  # noqa: F401 - fixture

DANAWA_HOSTS = {"prod.danawa.com", "www.danawa.com", "danawa.com", "img.danawa.com"}


@pytest.fixture(autouse=True)
def fresh_limits_and_matcher() -> Iterator[None]:
    cache.clear()
    reset_matcher()
    yield
    reset_matcher()


@pytest.fixture
def danawa(settings, fake_danawa: FakeDanawa) -> FakeDanawa:  # noqa: F811
    """The fake Danawa, where every client built from settings (the door's task) connects."""
    settings.DANAWA_BASE_OVERRIDE = fake_danawa.address
    settings.DANAWA_MAX_RETRIES = 0
    return fake_danawa


@pytest.fixture
def eager(monkeypatch) -> None:
    """The door's crawl task runs at once, in this process, when it is sent (after commit),
    through Celery's ``apply`` (other apps' tasks are sent as usual and nobody takes them)."""
    from analyze.tasks import crawl_door_request

    def apply_now(*, kwargs: dict, **options: object) -> object:
        return crawl_door_request.apply(kwargs=kwargs, throw=True)

    monkeypatch.setattr(crawl_door_request, "apply_async", apply_now)
