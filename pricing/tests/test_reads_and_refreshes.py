"""A GET reads estimates and never writes them (the worker refreshes what is stale), and a
product that one write announces twice (products_changed + prices_recorded) is estimated once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pricing.models import PricePrediction

pytestmark = [pytest.mark.django_db]

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def sent(monkeypatch) -> list:
    from pricing import tasks

    calls: list = []
    monkeypatch.setattr(tasks.refresh_pricing_predictions, "delay", lambda **kw: calls.append(kw))
    return calls


@pytest.fixture
def estimates(monkeypatch) -> list:
    """The records every ensemble estimate was computed for, in order."""
    from pricing.ml.ensemble import FairPriceEnsemble

    seen: list = []
    original = FairPriceEnsemble.estimate

    def spy(self, records, *args, **kwargs):
        seen.extend(r.key for r in records)
        return original(self, records, *args, **kwargs)

    monkeypatch.setattr(FairPriceEnsemble, "estimate", spy)
    return seen


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]


def test_a_get_of_a_stale_or_missing_estimate_writes_nothing_and_asks_the_worker(
    client, active_model, priced_catalog, sent, django_capture_on_commit_callbacks
) -> None:
    stale, missing = priced_catalog[0], priced_catalog[1]
    stale.current_price = 777_000
    stale.save(update_fields=["current_price"])
    PricePrediction.objects.filter(product=missing).delete()
    before = {p.pk: (p.listed_price, p.updated_at) for p in PricePrediction.objects.all()}

    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as qs:
        page = client.get(reverse("catalog:product_detail", args=[stale.pk]))
        api = client.get(reverse("pricing-api:product-estimate", args=[stale.pk]))
        other = client.get(reverse("pricing-api:product-estimate", args=[missing.pk]))
    assert page.status_code == api.status_code == other.status_code == 200
    assert _writes(qs) == []
    assert {p.pk: (p.listed_price, p.updated_at) for p in PricePrediction.objects.all()} == before
    # What users see is the estimate for today's price, computed in memory.
    assert api.json()["listed_price"] == 777_000
    assert other.json()["listed_price"] == missing.current_price
    # The worker is asked once per product, however many views came first.
    assert sent == [{"product_ids": [stale.pk]}, {"product_ids": [missing.pk]}]


def test_the_worker_then_stores_what_the_get_showed(
    client, active_model, priced_catalog, sent, django_capture_on_commit_callbacks
) -> None:
    from pricing.tasks import refresh_pricing_predictions

    product = priced_catalog[0]
    product.current_price = 777_000
    product.save(update_fields=["current_price"])
    with django_capture_on_commit_callbacks(execute=True):
        shown = client.get(reverse("pricing-api:product-estimate", args=[product.pk])).json()
    for kwargs in sent:
        refresh_pricing_predictions(**kwargs)
    pred = PricePrediction.objects.get(product=product, model=active_model)
    assert (pred.listed_price, pred.fair_price, pred.low, pred.high) == (
        777_000, shown["fair_price"], shown["low"], shown["high"],
    )  # fmt: skip


def test_a_crawled_product_is_queued_and_estimated_once_not_once_per_signal(
    active_model, priced_catalog, sent, estimates, django_capture_on_commit_callbacks
) -> None:
    from catalog.services import PriceRow, ProductData, record_prices, upsert_product
    from pricing.tasks import refresh_pricing_predictions

    template = priced_catalog[0]
    with django_capture_on_commit_callbacks(execute=True):
        # what a crawl does for a new product: store it (products_changed), then its price
        # (prices_recorded), two commits, both announced
        upsert = upsert_product(
            ProductData(name=template.name + " 신모델", category=template.category,
                        pcode="crawl-1", spec_summary="인텔 코어i5-12400F / RTX 3060 / 16GB")
        )  # fmt: skip
        product, created = upsert.product, upsert.created
        record_prices([PriceRow(product.pk, dt.date(2025, 1, 2), 1_234_000)])
    assert created
    assert sent == [{"product_ids": [product.pk]}]

    for kwargs in sent:
        refresh_pricing_predictions(**kwargs)
    assert estimates.count(str(product.pk)) == 1
    assert PricePrediction.objects.filter(product=product, model=active_model).count() == 1


def test_the_same_change_refreshed_twice_is_estimated_once(
    active_model, priced_catalog, estimates
) -> None:
    from pricing.tasks import refresh_pricing_predictions

    product = priced_catalog[2]
    product.current_price = 321_000
    product.save(update_fields=["current_price"])
    assert refresh_pricing_predictions(product_ids=[product.pk]) == {"stored": 1}
    first = PricePrediction.objects.get(product=product, model=active_model).updated_at
    assert refresh_pricing_predictions(product_ids=[product.pk]) == {"stored": 0}
    assert estimates == [str(product.pk)]
    assert PricePrediction.objects.get(product=product, model=active_model).updated_at == first


def test_a_change_after_the_worker_started_queues_again(
    active_model, priced_catalog, sent, django_capture_on_commit_callbacks
) -> None:
    from catalog.models import Product
    from catalog.signals import prices_recorded
    from pricing.tasks import refresh_pricing_predictions

    pid = priced_catalog[3].pk
    with django_capture_on_commit_callbacks(execute=True):
        prices_recorded.send(sender=Product, product_ids=[pid], days=[])
        prices_recorded.send(sender=Product, product_ids=[pid], days=[])
    assert len(sent) == 1
    refresh_pricing_predictions(**sent[0])
    with django_capture_on_commit_callbacks(execute=True):
        prices_recorded.send(sender=Product, product_ids=[pid], days=[])
    assert len(sent) == 2
