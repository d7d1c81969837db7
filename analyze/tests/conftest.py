"""Fixtures of the front door's and the analysis's tests: the loopback fake Danawa behind
settings (as a worker would see it), Celery run eagerly, a clean cache (no rate-limit counts,
analyses or forecaster left over from another test), a small seeded demo catalog and a tiny
fair-price model trained on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.utils import timezone

from catalog.benchmarks import reset_matcher
from catalog.demo.service import seed_demo
from catalog.models import PriceSource, Product
from catalog.services import PriceRow, record_prices
from catalog.tests.fake_danawa import FakeDanawa, fake_danawa_fixture  # noqa: F401 - fixture

DANAWA_HOSTS = {"prod.danawa.com", "www.danawa.com", "danawa.com", "img.danawa.com"}


@pytest.fixture(autouse=True)
def clean_state() -> Iterator[None]:
    """Each test starts with an empty cache (rate-limit counts, the analyses, the market
    summary, the forecaster's version), without this process's forecaster, and with a fresh
    benchmark matcher."""
    from trends import forecaster

    cache.clear()
    forecaster._state = None
    reset_matcher()
    yield
    cache.clear()
    forecaster._state = None
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


@pytest.fixture
def model_dir(tmp_path: object, settings: object) -> Iterator[object]:
    from pricing.services import reset_model_cache

    settings.MODEL_DIR = tmp_path
    reset_model_cache()
    yield tmp_path
    reset_model_cache()


@pytest.fixture
def demo(db: object) -> list[Product]:
    """A small demo catalog (120 desktops, 60 days of prices); its desktops, by id."""
    seed_demo(products=120, days=60, others_per_category=4, log=lambda _line: None)
    return list(Product.objects.with_related().of_kind("desktop").order_by("pk"))


@pytest.fixture
def demo_model(demo: list[Product], model_dir: object) -> object:
    """A tiny fair-price model trained on the demo catalog, active."""
    from pricing.services import train_model
    from pricing.tests.helpers import tiny_config

    return train_model(config=tiny_config(use_images=False, test_fraction=0.1))


def price_days(product: Product, prices: list[int], *, end: dt.date | None = None) -> None:
    """Daily prices for ``product`` ending ``end`` (today), one per day, through the service."""
    end = end or timezone.localdate()
    start = end - dt.timedelta(days=len(prices) - 1)
    record_prices(
        [
            PriceRow(product.pk, start + dt.timedelta(days=i), price, "")
            for i, price in enumerate(prices)
        ],
        source=PriceSource.MANUAL,
    )
